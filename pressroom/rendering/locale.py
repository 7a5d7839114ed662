"""Rendering, locale: CLDR data for the pages (dates, language names, Open Graph locales).

Input: language codes and :class:`~pressroom.languages.Language` records. Output:
strings as each language's press prints them, digits in the language's own numbering.
babel is imported inside the functions: the CLI's ``--help`` does not pay for it.
"""

from __future__ import annotations

import datetime
from typing import Any

from ..languages import Language


def babel_locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(lang)


def og_locale(lang: str) -> str:
    """``ur_PK`` style locale for Open Graph, from CLDR likely subtags."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang, lang)
    parts = str(likely).split("_")
    territory = next((p for p in parts[1:] if p.isupper() and len(p) == 2), "")
    return f"{lang}_{territory}" if territory else lang


def format_date(date: datetime.date, language: Language) -> str:
    """The date as that language's press prints it: CLDR long format, native digits."""
    from babel.dates import format_date as babel_format_date

    return language.localize_digits(
        babel_format_date(date, format="long", locale=babel_locale(language.code))
    )


def language_name(code: str, in_lang: str) -> str:
    """CLDR name of ``code`` in language ``in_lang`` (e.g. English in Urdu: انگریزی)."""
    locale = babel_locale(in_lang)
    name = locale.languages.get(code)
    return str(name) if name else code
