"""Typographic conventions per language, without rendering: dates, quotation marks, no-break spaces."""

from __future__ import annotations

import datetime

import pytest
from conftest import REPO

from pressroom.project import load_project
from pressroom.rendering.locale import NBSP, format_date
from pressroom.rendering.markdown import make_markdown
from pressroom.rendering.typography import install_typography, set_quotes

LANGUAGES = load_project(REPO).languages
DAY = datetime.date(2021, 1, 12)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "January 12, 2021"),
        ("ur", "12 جنوری، 2021"),
        # Solar Hijri first (month of the Iranian press), the Gregorian date after it.
        ("fa", "۲۳ دی ۱۳۹۹ (۱۲ ژانویه ۲۰۲۱)"),
        # The Gregorian month as Sinhala papers print it, not CLDR's lunar දුරුතු.
        ("si", "2021 ජනවාරි 12"),
    ],
)
def test_dates_as_each_press_prints_them(lang: str, expected: str) -> None:
    text = format_date(DAY, LANGUAGES[lang])
    assert text.replace(NBSP, " ") == expected
    # No line break inside one date: only the space before a second calendar's date breaks.
    assert " " not in text.replace(" (", "")


def test_solar_hijri_dates_across_the_year() -> None:
    fa = LANGUAGES["fa"]
    assert format_date(datetime.date(2021, 3, 21), fa).startswith(f"۱{NBSP}فروردین{NBSP}۱۴۰۰")
    assert format_date(datetime.date(2020, 3, 19), fa).startswith(f"۲۹{NBSP}اسفند{NBSP}۱۳۹۸")


def render(lang: str, markdown: str) -> str:
    return install_typography(make_markdown(), LANGUAGES[lang]).render(markdown)


@pytest.mark.parametrize(
    ("lang", "source", "expected"),
    [
        ("ur", "اسے “بلیک میل” نہ کریں", "اسے ”بلیک میل“ نہ کریں"),  # opening mark faces the quotation in RTL
        ("ur", 'کہا: "ہم تو"', "کہا: ”ہم تو“"),
        ("fa", 'نوشت: "دولت"', "نوشت: «دولت»"),
        ("fa", "نوشت: «[دولت] در»", "نوشت: «[دولت] در»"),
        ("si", 'එය "තවත් එක්" ලෙස', "එය “තවත් එක්” ලෙස"),
    ],
)
def test_quotation_marks_per_language(lang: str, source: str, expected: str) -> None:
    assert expected in render(lang, source)


def test_quotes_in_code_stay_straight_and_an_unbalanced_quote_still_opens() -> None:
    html = render("si", 'කියා `"x"` සහ "පළමු ඡේදය')
    assert '<code>&quot;x&quot;</code>' in html and "“පළමු" in html
    assert set_quotes('"a" "b"', "«", "»") == "«a» «b»"


@pytest.mark.parametrize(
    ("lang", "source", "glued"),
    [
        ("ur", "اتوار، 3 جنوری کو", f"3{NBSP}جنوری"),
        ("ur", "ہمیں 24 گھنٹوں کے اندر", f"24{NBSP}گھنٹوں"),
        ("fa", "در ۳ ژانویه در ماخ", f"۳{NBSP}ژانویه"),
        ("si", "ජනවාරි 3 වැනි ඉරිදා", f"ජනවාරි{NBSP}3{NBSP}වැනි"),
    ],
)
def test_no_break_between_a_number_and_its_month_or_unit(lang: str, source: str, glued: str) -> None:
    assert glued in render(lang, source)
