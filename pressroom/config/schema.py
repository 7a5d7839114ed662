"""Every table and key of ``workflow.toml``, and the check of a merged configuration."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..languages import NUMBERING_SYSTEMS
from .lines import key_lines, line_of
from .rules import (
    LANG_CODE,
    Context,
    Flag,
    FlagOrText,
    Integer,
    Invalid,
    ListOf,
    MapOf,
    Number,
    ProjectPath,
    Table,
    Text,
    shown_value,
)

CONFIG_NAME = "workflow.toml"

ENGINES = ("argos", "nllb")
"""Drafting engines (``pressroom.models`` checks it keeps to this list)."""
COMPUTE_TYPES = (
    "auto",
    "default",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
"""CTranslate2's compute types."""
OUTPUT_FORMATS = ("html", "pdf")
SEARCHABLE_MODES = ("none", "ltr", "clusters", "words")
"""``[render] searchable_text`` (``pressroom.render_pdf`` keeps to this list), or true/false."""
PDF_VARIANTS = (
    "",
    "pdf/a-1b",
    "pdf/a-2b",
    "pdf/a-3b",
    "pdf/a-2u",
    "pdf/a-3u",
    "pdf/a-4u",
    "pdf/a-1a",
    "pdf/a-2a",
    "pdf/a-3a",
    "pdf/a-4e",
    "pdf/a-4f",
    "pdf/ua-1",
    "pdf/ua-2",
    "pdf/x-1a",
    "pdf/x-3",
    "pdf/x-4",
    "pdf/x-5g",
    "debug",
)
"""WeasyPrint's ``pdf_variant`` values; empty for a plain PDF."""

_LENGTH = r"\d+(?:\.\d+)?(?:mm|cm|in|pt|pc|px|q)"
PAGE_SIZE = re.compile(
    rf"(?:(?:a[3-5]|b[45]|jis-b[45]|letter|legal|ledger)(?:\s+(?:portrait|landscape))?"
    rf"|(?:portrait|landscape)(?:\s+(?:a[3-5]|b[45]|jis-b[45]|letter|legal|ledger))?"
    rf"|{_LENGTH}(?:\s+{_LENGTH})?|auto)",
    re.IGNORECASE,
)
"""CSS ``@page size`` values: the value is pasted into a stylesheet, so nothing else."""
FONT_FAMILY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}")
"""A font family name as it goes into CSS between quotes."""
FONT_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,199}\.(?:ttf|otf|ttc|woff2?)", re.IGNORECASE)
"""A font file name (no folders: fonts are looked up in ``font_dirs``)."""
CSS_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|")
"""An emphasis colour as it goes into a stylesheet: a hex colour, or empty for the text colour."""
CSS_SPACING = re.compile(r"normal|-?\d+(?:\.\d+)?(?:em|px|pt)")
"""A word-spacing value as it goes into a stylesheet."""
PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
"""An installed package folder name (no folders, no ``..``)."""
PLURAL_FORMS = re.compile(r"nplurals\s*=\s*[1-6]\s*;\s*plural\s*=\s*[n0-9\s()!=<>&|?:%+*/-]+;?")
SCRIPT_CODE = re.compile(r"[A-Z][a-z]{3}")
NLLB_CODE = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")
BASE_URL = re.compile(r"(?:https?://[^\s\"'<>\\]+)?")
TWITTER_ACCOUNT = re.compile(r"(?:@?\w{1,15})?")
EMBED_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")
"""A host name an iframe embed may come from (lower case, no scheme, no port)."""


LANGUAGE = Table(
    {
        "direction": Text(choices=("ltr", "rtl")),
        "plural_forms": Text(
            pattern=PLURAL_FORMS, what="a Plural-Forms value like 'nplurals=2; plural=(n != 1);'"
        ),
        "script": Text(pattern=SCRIPT_CODE, what="an ISO 15924 script code like 'Arab'", empty=False),
        "numbering": Text(choices=tuple(sorted(NUMBERING_SYSTEMS))),
        "font_family": Text(
            pattern=FONT_FAMILY, what="a font family name (letters, digits, spaces)", empty=False
        ),
        "font_files": ListOf(Text(pattern=FONT_FILE, what="a font file name like 'NotoSerif-Regular.ttf'")),
        "font_scale": Number(maximum=10),
        "line_height": Number(maximum=10),
        "full_stop": Text(empty=False, max_length=4, what="punctuation of 1 to 4 characters"),
        "question_mark": Text(empty=False, max_length=4, what="punctuation of 1 to 4 characters"),
        "comma": Text(empty=False, max_length=4, what="punctuation of 1 to 4 characters"),
        # Typography (docs/rendering.md): values that reach a stylesheet are patterns.
        "headline_scale": ListOf(
            Number(maximum=5), what="three numbers [phone, tablet, desktop]", max_items=3
        ),
        "emphasis": Text(choices=("Italic", "Medium", "SemiBold", "Bold")),
        "emphasis_color": Text(pattern=CSS_COLOR, what="a colour like '#7a1c1c'"),
        "punctuation_files": ListOf(
            Text(pattern=FONT_FILE, what="a font file name like 'NotoSans-Regular.ttf'")
        ),
        "calendars": ListOf(
            Text(choices=("gregorian", "persian")), what='a list like ["persian", "gregorian"]'
        ),
        "month_names": ListOf(Text(empty=False, max_length=40), what="twelve month names", max_items=12),
        "quotes": ListOf(Text(empty=False, max_length=2), what='opening and closing marks like ["«", "»"]'),
        "no_break_after_numbers": Flag(),
        "word_spacing": Text(pattern=CSS_SPACING, what="'normal' or a length like '0.12em'"),
        "justify": Flag(),
    }
)
"""``[languages.<code>]``."""

SCHEMA = Table(
    {
        "project": Table(
            {
                "name": Text(max_length=200),
                "source_language": Text(pattern=LANG_CODE, what="a language code like 'en'", empty=False),
                "targets": ListOf(
                    Text(pattern=LANG_CODE, what="a language code", empty=False),
                    what='a list of language codes like ["ur", "fa"]',
                    unique=True,
                ),
                "source_dir": ProjectPath(),
                "translations_dir": ProjectPath(),
                "glossary": ProjectPath(),
                "build_dir": ProjectPath(),
            }
        ),
        "languages": MapOf(
            LANGUAGE,
            what="a table of [languages.<code>] tables",
            hint="write one [languages.<code>] table per language, e.g. [languages.ur]",
        ),
        "translate": Table(
            {
                "models_dir": Text(),
                "index_url": Text(),
                "timeout": Number(maximum=3600),
                "download_timeout": Number(maximum=7 * 24 * 3600),
                "max_package_mb": Integer(1, 1_048_576),
                "beam_size": Integer(1, 64),
                "compute_type": Text(choices=COMPUTE_TYPES),
                "inter_threads": Integer(1),
                "intra_threads": Integer(0),
                "max_batch_tokens": Integer(1, 1_000_000),
                "max_length_factor": Number(maximum=100),
                "cache": Flag(),
                "engine": MapOf(Text(choices=ENGINES)),
                "package": MapOf(Text(pattern=PACKAGE_NAME, what="an installed package folder name")),
                "nllb_code": MapOf(Text(pattern=NLLB_CODE, what="an NLLB code like 'sin_Sinh'", empty=False)),
            }
        ),
        "render": Table(
            {
                "formats": ListOf(
                    Text(choices=OUTPUT_FORMATS), what='a list like ["html", "pdf"]', unique=True
                ),
                "bilingual": Flag(),
                "templates_dir": ProjectPath(),
                "base_url": Text(pattern=BASE_URL, what="empty or an http(s) URL"),
                "site_name": Text(),
                "logo": ProjectPath(empty=True),
                "twitter_site": Text(pattern=TWITTER_ACCOUNT, what="empty or an account name (@ optional)"),
                "page_size": Text(
                    pattern=PAGE_SIZE, what="a CSS page size like 'A4', 'letter landscape' or '210mm 297mm'"
                ),
                "pdf_variant": Text(choices=PDF_VARIANTS),
                "searchable_text": FlagOrText(choices=SEARCHABLE_MODES),
                "font_dirs": ListOf(ProjectPath(), what="a list of folders inside the project"),
                "jobs": Integer(0),
                "fallback_fonts": ListOf(
                    Text(pattern=FONT_FILE, what="a font file name like 'NotoColorEmoji.ttf'"), unique=True
                ),
                "code_fonts": ListOf(
                    Text(pattern=FONT_FILE, what="a font file name like 'DejaVuSansMono.ttf'"), unique=True
                ),
                "embed_hosts": ListOf(
                    Text(pattern=EMBED_HOST, what="a host name like 'www.youtube-nocookie.com'", empty=False),
                    unique=True,
                ),
            }
        ),
        "review": Table(
            {
                "jobs": Integer(0),
                "length_tolerance": Number(maximum=100),
                "length_ratio": MapOf(Number(maximum=100)),
            }
        ),
        "import": Table(
            {
                "footer_patterns": ListOf(
                    Text(what="a regular expression"), what="a list of regular expressions"
                )
            }
        ),
    }
)
"""Every table and key of ``workflow.toml`` (and ``defaults.toml``)."""


def validate_config(config: Mapping[str, Any], *, root: Path, config_path: Path, text: str = "") -> None:
    """Check the merged configuration against :data:`SCHEMA`; raise ``ConfigError`` at the key's line.

    ``text`` is the project's ``workflow.toml`` (empty when there is none): errors
    point at the line that sets the key, or at its table.
    """
    lines = key_lines(text)
    try:
        SCHEMA.check(config, (), Context(root=root, schema=SCHEMA))
        _check_languages(config)
    except Invalid as exc:
        raise ConfigError(
            exc.message, path=config_path, line=line_of(lines, exc.keys), hint=exc.hint
        ) from None


def _check_languages(config: Mapping[str, Any]) -> None:
    """The source and every target have a ``[languages.<code>]`` table with the required keys."""
    project = config["project"]
    tables = config["languages"]
    source = project["source_language"]
    if source in project["targets"]:
        raise Invalid(
            ("project", "targets"),
            f"[project] targets lists the source language {shown_value(source)}",
            "targets are the languages translated into",
        )
    for code in (source, *project["targets"]):
        where = ("project", "targets") if code != source else ("project", "source_language")
        if code not in tables:
            raise Invalid(
                where,
                f"target language {code!r} has no [languages.{code}] table",
                f"add [languages.{code}] with script, numbering and font_family",
            )
        for required in ("script", "font_family"):
            if required not in tables[code]:
                raise Invalid(
                    ("languages", code),
                    f"language {code!r} lacks required setting {required!r}",
                    f"add {required} = ... under [languages.{code}] in workflow.toml",
                )
