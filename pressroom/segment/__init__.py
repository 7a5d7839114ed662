"""Segmentation: a source article's Markdown -> translatable Segments, and back.

Input: an :class:`~pressroom.model.Article` (or a bare CommonMark body). Output: the
translatable units in document order, each with its inline Markdown intact, exactly
as markdown-it gives it (``token.content``): headline, byline, headings, paragraphs,
list-item and block-quote paragraphs, table cells, the alt text and title of images
that stand alone in a paragraph, and the text a reader sees in raw HTML
(:mod:`pressroom.rawhtml`). A soft line break inside a unit reaches translators as one
space; hard breaks stay. ``units`` finds the text; ``rebuild`` (:func:`translate_body`)
is the way back, replacing each unit's text in place without re-serialising Markdown.
"""

from .rebuild import translate_body
from .units import Translate, iter_body_segments, iter_segments, join_soft_breaks, markdown_parser

__all__ = [
    "Translate",
    "iter_body_segments",
    "iter_segments",
    "join_soft_breaks",
    "markdown_parser",
    "translate_body",
]
