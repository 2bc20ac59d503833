"""Plain text with blank-line paragraphs, as the interchange format carries it, to rich text and back."""

import html
import re

from django.utils.html import escape

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|ul|ol|blockquote)>", re.IGNORECASE)
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def _paragraphs(text):
    return [block.strip() for block in PARAGRAPH_BREAK.split(text) if block.strip()]


def paragraphs_to_html(text):
    """Plain text to rich text: a paragraph per blank-line-separated block, everything escaped."""
    return "".join("<p>" + escape(block).replace("\n", "<br/>") + "</p>" for block in _paragraphs(text or ""))


def html_to_paragraphs(value):
    """Rich text to plain text, paragraphs separated by a blank line: the inverse of paragraphs_to_html."""
    text = html.unescape(TAG.sub("", BLOCK_END.sub("\n\n", LINE_BREAK.sub("\n", value or ""))))
    return "\n\n".join(_paragraphs(text))
