"""Language analysis shared by every search backend: text in, index terms out.

Japanese runs go through Sudachi (normalised forms, so 子ども/子供/こども meet); everything
else is folded to lower-case ASCII and stemmed with Snowball's English stemmer. Documents
and queries go through the same functions, so every backend sees the same terms.
"""

import hashlib
import re
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import Stemmer
from sudachipy import Dictionary, SplitMode

DATA = Path(__file__).parent / "data"

# Kana, CJK ideographs, the iteration mark 々 and half-width katakana.
JAPANESE_RUN = re.compile(r"[\u3005\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+")
LATIN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Sudachi parts of speech that name things or actions; particles, auxiliaries and the like are not terms.
CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞"}
FUNCTION_SUBPOS = {"数詞", "非自立可能"}
MAX_SUDACHI_CHARS = 12000

_local = threading.local()


@cache
def _stopwords(name):
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _english_forms():
    """Irregular English forms the stemmer leaves apart (children → child)."""
    lines = (DATA / "english_forms.tsv").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("\t") for line in lines if line.strip() and not line.startswith("#"))
    return {form: Stemmer.Stemmer("english").stemWord(base) for form, base in pairs}


@cache
def _dictionary():
    return Dictionary(dict="core")


def _tokenizer():
    # Sudachi tokenizers are not thread-safe; one per thread shares the memory-mapped dictionary.
    if not hasattr(_local, "tokenizer"):
        _local.tokenizer = _dictionary().tokenizer(SplitMode.C)
        _local.stemmer = Stemmer.Stemmer("english")
    return _local.tokenizer


def _stemmer():
    _tokenizer()
    return _local.stemmer


class Token(NamedTuple):
    """A word of the original text: its place, and the terms it contributes to the index."""

    start: int
    end: int
    terms: tuple


def fold_latin(word):
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")


@lru_cache(maxsize=65536)
def _latin_term(word):
    """A Latin word's index term, or None for a stopword or a single letter."""
    word = fold_latin(word).split("'")[0]
    if not word or word in _stopwords("stopwords_en.txt") or (len(word) == 1 and not word.isdigit()):
        return None
    return _english_forms().get(word) or _stemmer().stemWord(word)


def _latin_tokens(text, offset):
    normalized = unicodedata.normalize("NFKC", text)
    origin = None
    if len(normalized) != len(text):
        # NFKC expanded something (ﬁ → fi, ㍻ → 平成): map each normalised character back to its source.
        pieces = [unicodedata.normalize("NFKC", char) for char in text]
        normalized = "".join(pieces)
        origin = [index for index, piece in enumerate(pieces) for _char in piece]
    for match in LATIN_WORD.finditer(normalized):
        stem = _latin_term(match.group())
        if stem is None:
            continue
        start, end = (match.start(), match.end()) if origin is None else (origin[match.start()], origin[match.end() - 1] + 1)
        yield Token(offset + start, offset + end, (stem,))


def _clean(term):
    return "".join(ch for ch in term.lower() if ch.isalnum())


def _morphemes(text):
    # Sudachi takes at most ~49 kB at a time; runs are cut at punctuation, so this rarely splits.
    for start in range(0, len(text), MAX_SUDACHI_CHARS):
        for morpheme in _tokenizer().tokenize(text[start : start + MAX_SUDACHI_CHARS]):
            yield start, morpheme


def _morpheme_terms(morpheme):
    """A morpheme's index terms (a compound's parts after it), or None for a function word."""
    pos = morpheme.part_of_speech()
    if pos[0] not in CONTENT_POS or pos[1] in FUNCTION_SUBPOS:
        return None
    term = _clean(morpheme.normalized_form())
    if not term or term in _stopwords("stopwords_ja.txt"):
        return None
    terms = [term]
    if pos[0] != "名詞" or morpheme.end() - morpheme.begin() < 3:
        return tuple(terms)
    # Compounds also index their parts (小学校 → 学校, 相談窓口 → 相談, 窓口) so a part finds the whole.
    for mode in (SplitMode.B, SplitMode.A):
        for part in morpheme.split(mode):
            part_term = _clean(part.normalized_form())
            if len(part_term) > 1 and part_term not in terms and part_term not in _stopwords("stopwords_ja.txt"):
                terms.append(part_term)
    return tuple(terms)


# A dictionary word's terms depend only on the word and on whether it is written in three characters
# or more: remembered, as most words of a text are common ones. Unknown words are analysed each time.
_word_terms = {}
WORD_TERMS_LIMIT = 100_000


def _japanese_tokens(text, offset):
    for chunk_start, morpheme in _morphemes(text):
        offset_here = offset + chunk_start
        begin, end = morpheme.begin(), morpheme.end()
        if morpheme.is_oov():
            terms = _morpheme_terms(morpheme)
        else:
            key = (morpheme.dictionary_id(), morpheme.word_id(), end - begin < 3)
            terms = _word_terms.get(key, _word_terms)
            if terms is _word_terms:
                terms = _morpheme_terms(morpheme)
                if len(_word_terms) >= WORD_TERMS_LIMIT:
                    _word_terms.clear()
                _word_terms[key] = terms
        if terms:
            yield Token(offset_here + begin, offset_here + end, terms)


def tokenize(text):
    """Yield the Tokens of a text in order, whatever mix of Japanese and other scripts it is in."""
    if not text:
        return
    position = 0
    for run in JAPANESE_RUN.finditer(text):
        yield from _latin_tokens(text[position : run.start()], position)
        yield from _japanese_tokens(run.group(), run.start())
        position = run.end()
    yield from _latin_tokens(text[position:], position)


def digest(text):
    """A short fingerprint of a text, to tell whether stored tokens are of this very text."""
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@lru_cache(maxsize=4096)
def tokens(text):
    """The Tokens of a text, remembered: result lists highlight the same summaries again and again."""
    return tuple(tokenize(text))


def joined_tokens(texts):
    """The Tokens of " ".join(texts), from each text's remembered Tokens: a space never joins two words."""
    offset = 0
    for text in texts:
        for token in tokens(text):
            yield token._replace(start=token.start + offset, end=token.end + offset)
        offset += len(text) + 1


def terms(text):
    """The index terms of a text, in order, parts of compounds after the compound."""
    return [term for token in tokenize(text) for term in token.terms]


@lru_cache(maxsize=2048)
def analyse(text):
    """The text as the index stores it: its terms joined by spaces."""
    return " ".join(terms(text))


def is_japanese(text):
    return bool(JAPANESE_RUN.search(text or ""))


@lru_cache(maxsize=16384)
def as_written(word):
    """A word as written, folded for matching: width and case for Japanese, also accents for Latin.

    Remembered: the same words recur in every text (an index's word starts fold each word twice)."""
    folded = unicodedata.normalize("NFKC", word).lower() if JAPANESE_RUN.search(word) else fold_latin(word)
    return "".join(ch for ch in folded if ch.isalnum())


def surfaces_and_terms(text):
    """Each word's head term and, where it differs, the word as written: for prefix matching."""
    words = []
    for token in tokens(text):
        surface = as_written(text[token.start : token.end])
        words += [token.terms[0], surface] if surface != token.terms[0] else [surface]
    return " ".join(dict.fromkeys(words))
