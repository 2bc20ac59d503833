"""How far the bridge reaches: which readers can read each practice's title and summary, and how many glosses help them."""

from statistics import mean, median

from search import glossary
from search.glosses import gloss_html

from .models import PracticePage
from .vocabulary import LANGUAGE_CODES

LONG_TEXT = ("body", "objectives", "outcomes", "lessons", "transfer")


def originals(page):
    """Languages the practice was written in (translated fields left out)."""
    provenance = page.translation_provenance or {}
    return [
        code
        for code in page.languages
        if f"title_{code}" not in provenance and f"summary_{code}" not in provenance
    ]


def readable_shares(pages):
    """{reader language: (share written in it, share readable in it with translations)} for title and summary."""
    total = len(pages) or 1
    return {
        code: (sum(code in originals(p) for p in pages) / total, sum(code in p.languages for p in pages) / total)
        for code in LANGUAGE_CODES
    }


def glosses_per_page(pages):
    """For each page shown to a reader of the other language, the number of glossed terms in its long text."""
    expander = glossary.expander()
    counts = []
    for page in pages:
        for reader in LANGUAGE_CODES:
            found = 0
            shown = False
            for field in LONG_TEXT:
                text, text_lang = page.text_in(field, reader)
                if text and text_lang != reader:
                    shown = True
                    found += len(gloss_html(str(text), reader, expander)[1])
            if shown:
                counts.append(found)
    return counts


def report():
    pages = list(PracticePage.objects.live())
    shares = readable_shares(pages)
    counts = glosses_per_page(pages)
    lines = [f"published practices: {len(pages)}"]
    for code, (written, readable) in shares.items():
        lines.append(f"title+summary readable by a '{code}' reader: written {written:.0%}, with translations {readable:.0%}")
    both = sum(set(LANGUAGE_CODES) <= set(p.languages) for p in pages) / (len(pages) or 1)
    lines.append(f"readable by readers of both languages: {both:.0%}")
    if counts:
        lines.append(
            f"glossed terms per other-language page ({len(counts)} pages): mean {mean(counts):.1f}, "
            f"median {median(counts):g}, min {min(counts)}, max {max(counts)}, pages with none {sum(c == 0 for c in counts)}"
        )
    return lines
