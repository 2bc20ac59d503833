"""Text for prefix (autocomplete) search: each word, and in Japanese the rest of its run from each word on.

Wagtail's admin searches pages with the backend's own autocomplete, which splits Japanese only at
punctuation, so ネットいじめ inside a sentence was never found. Indexed as runs that start at each word
(ネットいじめについて, いじめについて …), any word a Japanese editor types is the start of a token.
"""

from bisect import bisect_right

from .analysis import JAPANESE_RUN, as_written, joined_tokens

# Long enough for a compound of several words, short enough to keep the index small.
LONGEST = 24


def word_starts(*texts):
    """The words of the texts (joined by spaces) as written, their index terms, and each Japanese word's run onwards.

    Texts, not their join, so that titles and summaries are tokenised once for every index field.
    """
    texts = [text or "" for text in texts]
    text = " ".join(texts)
    runs = [match.span() for match in JAPANESE_RUN.finditer(text)]
    run_starts = [start for start, _end in runs]
    pieces = []
    for token in joined_tokens(texts):
        # The Japanese run the token starts in, if any (runs are in order and never overlap).
        at = bisect_right(run_starts, token.start) - 1
        end = runs[at][1] if at >= 0 and token.start < runs[at][1] else token.end
        end = min(end, token.start + LONGEST)
        pieces.append(as_written(text[token.start : end]))
        if end != token.end:
            pieces.append(as_written(text[token.start : token.end]))
        pieces.extend(token.terms)
    return " ".join(dict.fromkeys(piece for piece in pieces if piece))
