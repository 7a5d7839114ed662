"""Glossary: reading and checking glossary.csv, English and target matching, notes, suggest, CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pressroom.errors import GlossaryError
from pressroom.glossary import Glossary, check_glossary, read_glossary, suggest_terms
from pressroom.scripts import fold

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "glossary"
CASES = sorted(DATA.glob("*.csv"))


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return read_glossary(REPO / "glossary.csv")


def term(glossary: Glossary, english: str) -> Any:
    return next(t for t in glossary.terms if t.english == english)


# --------------------------------------------------------------------------- the real glossary


def test_project_glossary_is_clean_sorted_and_complete(glossary: Glossary) -> None:
    raw = (REPO / "glossary.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").splitlines()[0] == "english,acronym,kind,case_sensitive,ur,fa,si,note"
    names = [t.english for t in glossary.terms]
    assert names == sorted(names, key=str.casefold)
    assert len(names) >= 40
    for t in glossary.terms:
        assert set(t.spellings) == {"ur", "fa", "si"}, t.english
    for needed in (
        "Hazara",
        "Quetta",
        "Imran Khan",
        "Tehreek-e-Labbaik Pakistan",
        "Socialist Equality Party",
    ):
        assert needed in names


# --------------------------------------------------------------------------- checking


@pytest.mark.parametrize("case", CASES, ids=[path.stem for path in CASES])
def test_glossary_check_cases(case: Path) -> None:
    expected = [line for line in case.with_suffix(".expected").read_text("utf-8").splitlines() if line]
    found, problems = check_glossary(case)
    rendered = [f"{problem.line}: {problem.message}" for problem in problems]
    assert len(rendered) == len(expected), rendered
    for want, got in zip(expected, rendered, strict=True):
        assert got.startswith(want), (want, got)
    for problem in problems:
        assert problem.hint
    if expected:
        assert found is None
        with pytest.raises(GlossaryError) as caught:
            read_glossary(case)
        assert caught.value.render().startswith(f"{case}:{problems[0].line}: ")
        assert "(hint: " in caught.value.render()
    else:
        assert found is not None and len(found.terms) == 3


def test_missing_glossary_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="no such file"):
        read_glossary(tmp_path / "glossary.csv")


HEADER = "english,acronym,kind,case_sensitive,ur,fa,si,note\n"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        # csv's field limit is 131,072 characters: past it csv raises _csv.Error.
        ('X,,term,no,a,b,c,"' + "y" * 140_000 + '"\n', 3, "a cell is longer than 131,072 characters"),
        ("Caf\xe9,,term,no,a,b,c,\n".encode("latin-1"), 3, "not valid UTF-8 (byte 0xe9)"),
    ],
    ids=["cell-over-csv-limit", "latin-1"],
)
def test_unreadable_rows_are_problems_with_a_line(
    tmp_path: Path, body: str | bytes, line: int, words: str
) -> None:
    path = tmp_path / "glossary.csv"
    good = "Quetta,,place,no,کوئٹہ,کویته,ක්වෙටා,\n"
    path.write_bytes((HEADER + good).encode() + (body if isinstance(body, bytes) else body.encode()))
    _glossary, problems = check_glossary(path)
    assert [(p.line, words in p.message) for p in problems] == [(line, True)], problems
    with pytest.raises(GlossaryError) as caught:
        read_glossary(path)
    assert caught.value.render().startswith(f"{path}:{line}: ")


def test_directory_instead_of_the_glossary(tmp_path: Path) -> None:
    (tmp_path / "glossary.csv").mkdir()
    with pytest.raises(GlossaryError, match="is a directory"):
        read_glossary(tmp_path / "glossary.csv")


# --------------------------------------------------------------------------- English matching


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The Hazaras of Quetta", [("Hazara", "Hazaras"), ("Quetta", "Quetta")]),
        ("Khan's arrogant remarks", [("Imran Khan", "Khan's")]),
        (
            "Prime Minister Imran Khan met",
            [("Prime Minister", "Prime Minister"), ("Imran Khan", "Imran Khan")],
        ),
        (
            "Chief Minister Jam Kamal Khan",
            [("Chief Minister", "Chief Minister"), ("Jam Kamal Khan", "Jam Kamal Khan")],
        ),
        (
            "the PPP and PML-N are",
            [("Pakistan People's Party", "PPP"), ("Pakistan Muslim League-Nawaz", "PML-N")],
        ),
        (
            "the Pakistan People's Party (PPP)",
            [("Pakistan People's Party", "Pakistan People's Party"), ("Pakistan People's Party", "PPP")],
        ),
        ("the Pakistan People’s\nParty", [("Pakistan People's Party", "Pakistan People’s\nParty")]),
        ("*Dawn* wrote at dawn", [("Dawn", "Dawn")]),  # case-sensitive term
        ("QUETTA and quetta", [("Quetta", "QUETTA"), ("Quetta", "quetta")]),
        ("ppp is not the acronym", []),  # acronyms are case-sensitive
        ("US$60 billion from the US", [("United States", "US")]),
        ("see [Quetta](https://example.org/Karachi) and `Gwadar`", [("Quetta", "Quetta")]),
        ("https://wsws.org/Quetta/Karachi", []),
        (
            "the China-Pakistan Economic Corridor",
            [("China-Pakistan Economic Corridor", "China-Pakistan Economic Corridor")],
        ),
        (
            "Tehrik-i-Taliban Pakistan and the Taliban",
            [("Tehrik-i-Taliban Pakistan", "Tehrik-i-Taliban Pakistan"), ("Taliban", "Taliban")],
        ),
        ("Pakistani and Islamabadi", []),  # word boundaries
        ("pro-Taliban elements", [("Taliban", "Taliban")]),
        ("Zia made Pakistan", [("Zia-ul-Haq", "Zia"), ("Pakistan", "Pakistan")]),
    ],
)
def test_match_source(glossary: Glossary, text: str, found: list[tuple[str, str]]) -> None:
    matches = glossary.match_source(text)
    assert [(m.term.english, text[m.start : m.end]) for m in matches] == found


def test_full_and_short_matches(glossary: Glossary) -> None:
    matches = glossary.match_source("Imran Khan, then Khan; the PPP")
    assert [m.full for m in matches] == [True, False, False]


# --------------------------------------------------------------------------- target matching


@pytest.mark.parametrize(
    ("lang", "text", "english"),
    [
        ("ur", "ہزارہ برادری", "Hazara"),
        ("ur", "هزاره برادری", "Hazara"),  # Arabic heh for Urdu heh goal
        ("ur", "كوئٹة میں", "Quetta"),  # Arabic kaf and teh marbuta
        ("ur", "وزیر اعلی", "Chief Minister"),  # without the superscript alef of اعلیٰ
        ("ur", "احمدیوں کے خلاف", "Ahmadi"),  # Urdu oblique plural
        ("ur", "پاکستانی فوج", "Pakistan"),
        ("ur", "غیر مسلم", "Muslim"),
        ("ur", "پاکستان مسلم لیگ ن", "Pakistan Muslim League-Nawaz"),
        ("ur", "عمران خان نے", "Imran Khan"),
        ("ur", "عمـــران خان", "Imran Khan"),  # tatweel
        ("fa", "هزاره‌ها", "Hazara"),  # plural with ZWNJ
        ("fa", "هزارهها", "Hazara"),  # plural without ZWNJ
        ("fa", "هزاره‌های کویته", "Quetta"),
        ("fa", "اسلام آباد", "Islamabad"),  # space for the glossary's ZWNJ
        ("fa", "اسلامآباد", "Islamabad"),
        ("fa", "آمنهٔ بی‌بی", "Amna Bibi"),  # ezafe hamza
        ("fa", "آمنه بی بی", "Amna Bibi"),
        ("fa", "پاکستانِ امروز", "Pakistan"),  # ezafe kasra
        ("fa", "نخست وزیر", "Prime Minister"),
        ("fa", "فرقه‌ای", "sectarian"),
        ("fa", "غیرمسلمان", "Muslim"),
        ("fa", "ايران و پاكستان", "Pakistan"),  # Arabic yeh and kaf
        ("fa", "حامیان ارتش و واشنگتن‌اند", "Washington"),  # copula clitic
        ("si", "පාකිස්තානයේ", "Pakistan"),
        ("si", "පාකිස්තාන රජය", "Pakistan"),  # stem
        ("si", "ක්වෙටාහි", "Quetta"),
        ("si", "ඉම්රාන් ඛාන්ගේ", "Imran Khan"),
        ("si", "ඇෆ්ගනිස්ථානයෙන්", "Afghanistan"),
        ("si", "අගමැතිවරයා", "Prime Minister"),
        ("si", "හසාරාවරු", "Hazara"),
        ("si", "ඉස්ලාමීය රාජ්යය", "Islamic State"),  # without the ZWJ of ජ්‍ය
        ("si", "සම්පත් පෙරේරා", "Sampath Perera"),
    ],
)
def test_target_contains_accepts_correct_spellings(
    glossary: Glossary, lang: str, text: str, english: str
) -> None:
    assert glossary.target_contains(lang, text, term(glossary, english))


@pytest.mark.parametrize(
    ("lang", "text", "english"),
    [
        ("ur", "ھزارہ", "Hazara"),  # do-chashmi heh is a different letter
        ("ur", "کویٹہ", "Quetta"),
        ("ur", "اسلام اباد", "Islamabad"),  # alef madda dropped
        ("ur", "خانم", "Imran Khan"),  # a longer, different word
        ("ur", "ہزارون", "Hazara"),
        ("fa", "کوئته", "Quetta"),
        ("fa", "حزب خلق پاکستان", "Pakistan People's Party"),
        ("fa", "هزارهستان", "Hazara"),
        ("si", "ක්වේටා", "Quetta"),
        ("si", "පකිස්තානය", "Pakistan"),
        ("si", "හසාරාගම", "Hazara"),
    ],
)
def test_target_contains_rejects_misspellings(glossary: Glossary, lang: str, text: str, english: str) -> None:
    assert not glossary.target_contains(lang, text, term(glossary, english))


def test_full_name_needs_full_spelling(glossary: Glossary) -> None:
    khan = term(glossary, "Imran Khan")
    assert glossary.target_contains("ur", "خان نے کہا", khan)
    assert not glossary.target_contains("ur", "خان نے کہا", khan, full=True)
    assert glossary.target_contains("ur", "عمران خان نے کہا", khan, full=True)


def test_fold() -> None:
    assert fold("كوئٹة", "Arab") == fold("کوئٹہ", "Arab")
    assert fold("هزاره\u200cها", "Arab") == "هزارهها"
    assert fold("ජ්\u200dය", "Sinh") == "ජ්ය"
    assert fold("Tehreek-e-Labbaik", "Latn") == "tehreek e labbaik"


# --------------------------------------------------------------------------- notes and suggest


def test_notes(glossary: Glossary) -> None:
    notes = glossary.notes("Khan's party, the PPP, and the Hazaras of Quetta; Khan again.", ["ur", "fa"])
    assert notes == [
        "glossary: Imran Khan → ur عمران خان / خان",
        "glossary: Imran Khan → fa عمران خان / خان",
        "glossary: Pakistan People's Party (PPP) → ur پاکستان پیپلز پارٹی / پیپلز پارٹی / پی پی پی",
        "glossary: Pakistan People's Party (PPP) → fa حزب مردم پاکستان / پیپلز پارتی",
        "glossary: Hazara → ur ہزارہ",
        "glossary: Hazara → fa هزاره",
        "glossary: Quetta → ur کوئٹہ",
        "glossary: Quetta → fa کویته",
    ]
    assert glossary.notes("Hazara", ["si"]) == ["glossary: Hazara → si හසාරා"]
    assert glossary.notes("Nothing here.", ["ur", "fa", "si"]) == []
    assert glossary.notes("Quetta", ["de"]) == []  # no German column


def test_suggest_finds_names_and_acronyms(glossary: Glossary) -> None:
    text = (
        "The Hazara met Sampath Perera in Quetta. Later the IMF and the World Bank spoke to "
        "Benazir Bhutto. However, the IMF said no. On Sunday, the National Commission for Human "
        "Rights met. See [x](https://example.org/ABC)."
    )
    found = {(s.text, s.kind): s.count for s in suggest_terms([("a", text)], glossary)}
    assert found == {("IMF", "acronym"): 2, ("World Bank", "name"): 1, ("Benazir Bhutto", "name"): 1}
    unfiltered = {s.text for s in suggest_terms([("a", text)], None)}
    assert {"Quetta", "National Commission for Human Rights", "Sampath Perera"} <= unfiltered
    assert not {"The", "However", "Later", "On", "Sunday", "ABC"} & unfiltered


# --------------------------------------------------------------------------- CLI


def test_cli_glossary_check(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "source").mkdir(parents=True)
    shutil.copy2(REPO / "glossary.csv", root / "glossary.csv")
    result = run_cli("--project", root, "glossary", "check")
    assert result.code == 0
    assert "glossary.csv: 62 terms, no problems" in result.out
    shutil.copy2(DATA / "empty.csv", root / "glossary.csv")
    result = run_cli("--project", root, "glossary", "check")
    assert result.code == 1
    lines = result.out.strip().splitlines()
    assert len(lines) == 3
    assert all(line.split(":")[0].endswith("glossary.csv") and "(hint: " in line for line in lines)
    assert ":2: empty ur cell" in lines[0]
    assert "3 problems" in result.err


def test_cli_glossary_suggest(run_cli: Callable[..., Any], sample_project: Path) -> None:
    result = run_cli("--project", sample_project, "glossary", "suggest", "--json")
    assert result.code == 0
    suggestions = json.loads(result.out)
    counts = [item["count"] for item in suggestions]
    assert counts == sorted(counts, reverse=True)
    names = {item["text"] for item in suggestions}
    assert "Hazara" not in names and "Quetta" not in names  # covered by the glossary
    table = run_cli("--project", sample_project, "glossary", "suggest")
    assert table.code == 0 and "Not in the glossary" in table.out


def test_latin_acronym_may_be_a_target_variant(tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text(
        "english,acronym,kind,case_sensitive,ur,fa,si,note\n"
        "Tehrik-e-Insaaf,PTI,organisation,no,تحریک انصاف|PTI,تحریک انصاف,තෙහ්රීක්-ඊ-ඉන්සාෆ්|PTI,\n"
        "Quetta,,place,no,کوئٹہ|QTA,کویته,ක්වෙටා,\n",
        encoding="utf-8",
    )
    _, problems = check_glossary(path)
    assert [(p.line, p.message) for p in problems] == [(3, "Latn letters in the ur cell: 'QTA'")]
