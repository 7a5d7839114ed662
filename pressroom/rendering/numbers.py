"""Rendering, numbers: a number on its own (a table cell) in the reader's digits and separators.

Input: the text of a table cell and the reader's :class:`~pressroom.languages.Language`.
Output: the same number written the way that language's press writes it: CLDR's
decimal and grouping marks for the language in its ``numbering`` system (babel),
then its digits (Persian ``۱۸٬۵۰۰``, ``۳٫۵``). Anything that is not just a number
(a year range, a phone number, a version such as ``1.2.3``) is left as it is.
Grouping is kept only when the source groups: ``2021`` stays a year.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..languages import Language

_NUMBER = re.compile(
    r"(?P<sign>[-+\u2212]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?P<percent>\s?%)?"
)


def localize_number(text: str, language: Language) -> str:
    """``text`` in ``language``'s digits and marks if it is one number (with %), else unchanged."""
    stripped = text.strip()
    found = _NUMBER.fullmatch(stripped)
    if found is None or (language.numbering == "latn" and language.code == "en"):
        return text
    from babel import Locale
    from babel.numbers import format_decimal

    digits = found.group("int").replace(",", "")
    fraction = found.group("frac") or ""
    try:
        value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        return text
    if found.group("sign") in ("-", "\u2212"):
        value = -value
    grouping = "#,##0" if "," in found.group("int") else "0"
    pattern = grouping + ("." + "0" * len(fraction) if fraction else "")
    system = language.numbering
    formatted = format_decimal(value, format=pattern, locale=language.code, numbering_system=system)
    if found.group("sign") == "+":
        formatted = "+" + formatted
    if found.group("percent"):
        formatted += Locale.parse(language.code).number_symbols[system]["percentSign"]
    leading = text[: len(text) - len(text.lstrip())]
    trailing = text[len(text.rstrip()) :]
    return leading + language.localize_digits(formatted) + trailing
