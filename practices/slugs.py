"""A practice's URL slug, made from whichever title it has: English as written, Japanese romanised."""

from functools import cache

from django.utils.text import slugify

MAX_LENGTH = 80


@cache
def _kakasi():
    # pykakasi (pure Python, ~10 MB of dictionary) rather than cutlet, which needs MeCab and a 250 MB UniDic;
    # building its converter takes about a second, so only the first Japanese-only slug pays for it.
    import pykakasi

    return pykakasi.kakasi()


def romanised(text):
    """Japanese text in Hepburn romaji, word by word (ネットいじめ対策 → netto ijime taisaku)."""
    return " ".join(item["hepburn"] for item in _kakasi().convert(text) if item["hepburn"].strip())


def slug_from_titles(title_en="", title_ja=""):
    """An ASCII slug from the English title if there is one, else from the romanised Japanese title."""
    source = title_en or romanised(title_ja or "")
    slug = slugify(source)[:MAX_LENGTH].strip("-")
    return slug or "practice"


def unique_slug(base, taken):
    """`base`, or `base-2`, `base-3` … the first that `taken(slug)` says is free."""
    slug, number = base, 1
    while taken(slug):
        number += 1
        suffix = f"-{number}"
        slug = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug
