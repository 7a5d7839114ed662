"""Rendering stage: articles and their catalogs -> HTML pages and PDFs in every language.

Input: source articles, their translations, the site strings, the templates and CSS
in ``render/``, the configured fonts. Output: the build folder (see
:mod:`.pipeline`). The modules, in the order a page passes through them:

- :mod:`.settings` the ``[render]`` table; :mod:`.fonts` the font files, checked;
- :mod:`.gate` the publishing gate; :mod:`.plan` editions, fingerprints, manifest, tasks;
- :mod:`.assets` shared CSS and fonts; :mod:`.templates` the jinja2 environments;
- :mod:`.markdown`, :mod:`.bidi`, :mod:`.locale`, :mod:`.pages`: one page's HTML;
  :mod:`.metadata` its head for crawlers (canonical, Open Graph, JSON-LD);
- :mod:`.pdf` and :mod:`.searchable`: its PDF through WeasyPrint;
- :mod:`.worker` one task built and written; :mod:`.executor` where tasks run;
- :mod:`.listings` with :mod:`.feeds` and :mod:`.sitemap`: Atom feeds, sitemap.xml, robots.txt;
- :mod:`.pipeline` :func:`render`, the steps in order; :mod:`.preview` ``workflow.py serve``.

WeasyPrint, jinja2, markdown-it and babel are imported inside the functions that
use them: importing this package costs little.
"""

from .bidi import wrap_latin_runs
from .executor import Executor, PoolExecutor, SerialExecutor, executor_for
from .fonts import FontFace, check_fonts
from .gate import BlockedEdition, Blocker, publish_blockers
from .pdf import FetchRefused, make_url_fetcher, pdf_bytes, write_pdf
from .pipeline import ProgressCallback, RenderReport, render, render_pdfs
from .searchable import extracted_word_share, extracted_zwnj_share, text_words
from .settings import FORMATS, RenderSettings, read_settings

__all__ = [
    "FORMATS",
    "BlockedEdition",
    "Blocker",
    "Executor",
    "FetchRefused",
    "FontFace",
    "PoolExecutor",
    "ProgressCallback",
    "RenderReport",
    "RenderSettings",
    "SerialExecutor",
    "check_fonts",
    "executor_for",
    "extracted_word_share",
    "extracted_zwnj_share",
    "make_url_fetcher",
    "pdf_bytes",
    "publish_blockers",
    "read_settings",
    "render",
    "render_pdfs",
    "text_words",
    "wrap_latin_runs",
    "write_pdf",
]
