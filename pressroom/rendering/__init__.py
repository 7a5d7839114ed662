"""Rendering stage: articles and their catalogs -> HTML pages and PDFs in every language."""

from .pages import (
    BlockedEdition,
    Blocker,
    RenderReport,
    RenderSettings,
    publish_blockers,
    read_settings,
    render,
    wrap_latin_runs,
)
from .pdf import FetchRefused, extracted_word_share, make_url_fetcher, pdf_bytes, text_words, write_pdf

__all__ = [
    "BlockedEdition",
    "Blocker",
    "FetchRefused",
    "RenderReport",
    "RenderSettings",
    "extracted_word_share",
    "make_url_fetcher",
    "pdf_bytes",
    "publish_blockers",
    "read_settings",
    "render",
    "text_words",
    "wrap_latin_runs",
    "write_pdf",
]
