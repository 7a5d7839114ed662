"""Pressroom: a multilingual publishing and translation workflow.

English Markdown articles in ``source/`` become gettext catalogs in ``translations/``,
get offline machine drafts, are reviewed against a glossary, and are rendered to
HTML and PDF in Urdu, Persian and Sinhala.
"""

__version__ = "0.1.0"
