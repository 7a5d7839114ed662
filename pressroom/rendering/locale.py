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


NBSP = "\u00a0"


def format_date(date: datetime.date, language: Language) -> str:
    """The date as that language's press prints it, in each of its ``calendars``.

    The main calendar's date comes first, the others follow in parentheses
    (``۲۳ دی ۱۳۹۹ (۱۲ ژانویه ۲۰۲۱)``). Inside one date the spaces are no-break
    spaces: a day number never ends a line without its month.
    """
    formats = {"persian": format_persian_date, "gregorian": format_gregorian_date}
    dates = [formats[calendar](date, language) for calendar in language.calendars]
    dates = [text.replace(" ", NBSP) for text in dates]
    return dates[0] + "".join(f" ({text})" for text in dates[1:])


def format_gregorian_date(date: datetime.date, language: Language) -> str:
    """CLDR's long format, native digits; the language's ``month_names`` where configured."""
    from babel.dates import format_date as babel_format_date

    locale = babel_locale(language.code)
    pattern = str(locale.date_formats["long"].pattern)
    if language.month_names:
        literal = "'" + language.month_names[date.month - 1].replace("'", "''") + "'"
        pattern = pattern.replace("MMMM", literal)
    return language.localize_digits(babel_format_date(date, format=pattern, locale=locale))


def format_persian_date(date: datetime.date, language: Language) -> str:
    """The Solar Hijri date, day month year, with the month names of the Iranian press (jdatetime)."""
    import jdatetime

    solar = jdatetime.date.fromgregorian(date=date)
    month = jdatetime.date.j_months_fa[solar.month - 1]
    return language.localize_digits(f"{solar.day} {month} {solar.year}")


def month_names(language: Language) -> list[str]:
    """Every month name a date in this language's text may use: CLDR's, the configured ones, Solar Hijri."""
    locale = babel_locale(language.code)
    names = {
        str(name)
        for context in ("format", "stand-alone")
        for width in ("wide", "abbreviated")
        for name in locale.months[context][width].values()
    }
    names.update(language.month_names)
    if "persian" in language.calendars:
        import jdatetime

        names.update(jdatetime.date.j_months_fa)
    return sorted(name for name in names if name and not name.isdigit())


def language_name(code: str, in_lang: str) -> str:
    """CLDR name of ``code`` in language ``in_lang`` (e.g. English in Urdu: انگریزی)."""
    locale = babel_locale(in_lang)
    name = locale.languages.get(code)
    return str(name) if name else code
