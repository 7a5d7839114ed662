"""Review: each check on small pairs (flagging mistakes, sparing correct text), catalogs, CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest

from pressroom.glossary import Glossary, read_glossary
from pressroom.languages import Language
from pressroom.project import load_project
from pressroom.review import (
    CODES,
    ReviewSettings,
    check_end_punctuation,
    check_entry,
    check_markup,
    check_numbers,
    check_script,
    extract_numbers,
    review,
)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "review"
PLANTED = json.loads((DATA / "planted.json").read_text("utf-8"))["segments"]
LANGS = ("ur", "fa", "si")


@pytest.fixture(scope="module")
def languages() -> dict[str, Language]:
    project = load_project(REPO)
    return dict(project.languages)


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return read_glossary(REPO / "glossary.csv")


def codes(problems: list[Any]) -> list[str]:
    return sorted(problem.code for problem in problems)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("lang", "source", "target"),
    [
        ("fa", "509 Hazara were killed and 627 injured", "۵۰۹ هزاره کشته و ۶۲۷ زخمی شدند"),
        ("ur", "509 Hazara were killed and 627 injured", "509 ہزارہ ہلاک اور 627 زخمی ہوئے"),
        ("ur", "in 2018", "٢٠١٨ میں"),  # Arabic-Indic digits
        ("fa", "about US$6.75 a day", "روزانه حدود ۶٫۷۵ دلار"),
        ("fa", "about US$6.75 a day", "روزانه حدود ۶/۷۵ دلار"),  # Persian slash decimal
        ("si", "only US$2.50", "ඩොලර් 2.5 ක් පමණි"),
        ("ur", "10,000 to 20,000 mine workers", "10,000 سے 20,000 کان کن"),
        ("ur", "10,000 to 20,000 mine workers", "10 سے 20 ہزار کان کن"),
        ("fa", "10,000 to 20,000 mine workers", "۱۰ تا ۲۰ هزار کارگر"),
        ("fa", "10,000 workers", "۱۰٬۰۰۰ کارگر"),
        ("si", "10,000 to 20,000 mine workers", "10,000 සිට 20,000 දක්වා"),
        ("ur", "US$60 billion corridor", "60 ارب ڈالر کی راہداری"),
        ("fa", "US$60 billion corridor", "۶۰ میلیارد دلار"),
        ("ur", "Eleven coal miners", "گیارہ کان کن"),  # a number in words needs no digits
        ("ur", "Eleven coal miners", "11 کان کن"),  # ... and may be given as digits
        ("ur", "No numbers here.", "یہاں کوئی عدد نہیں۔"),
        ("ur", "See [x](https://example.org/2021/01).", "دیکھیں [x](https://example.org/2021/01)۔"),
    ],
)
def test_numbers_equal_across_digit_systems(lang: str, source: str, target: str) -> None:
    assert check_numbers(source, target, lang) == []


@pytest.mark.parametrize(
    ("lang", "source", "target", "message"),
    [
        ("ur", "509 killed and 627 injured", "509 ہلاک اور 672 زخمی", "627"),
        ("fa", "Sunday, January 3.", "یکشنبه ژانویه.", "3"),
        ("fa", "US$6.75 a day", "۶۷۵ دلار", "6.75"),
        ("fa", "10,000 to 20,000 workers", "۱۰ تا ۲۰ کارگر", "10,000"),
        ("si", "in 2018", "2019 දී", "2018"),
        ("ur", "In May 2018, the chief", "مئی 2018 میں 5 دن", "not in the source"),
    ],
)
def test_numbers_flag_changed_or_dropped(lang: str, source: str, target: str, message: str) -> None:
    problems = check_numbers(source, target, lang)
    assert problems and all(problem.code == "number-mismatch" for problem in problems)
    assert any(message in problem.message for problem in problems)


def test_number_values_and_spans() -> None:
    numbers = extract_numbers("۱۰ تا ۲۰ هزار و ۶٫۷۵", persian_slash=True)
    assert [n.values for n in numbers] == [{"10", "10000"}, {"20", "20000"}, {"6.75"}]
    assert [n.values for n in extract_numbers("0.5 million and 2.50 and 1,000,000 and 007")] == [
        {"0.5", "500000"},
        {"2.5"},
        {"1000000"},
        {"7"},
    ]
    extra = check_numbers("five days", "5 دن", "ur")  # words in the source: extra digits allowed
    assert extra == []
    span = check_numbers("in 2018", "2018 اور 99", "ur")[0].span
    assert span == (9, 11)


# --------------------------------------------------------------------------- markup


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Read *Dawn* today.", "آج *ڈان* پڑھیں۔"),
        ("Read _Dawn_ today.", "آج *ڈان* پڑھیں۔"),  # the same emphasis, other delimiter
        ("**[wsws.org](https://www.wsws.org/contact)**", "**[wsws.org](https://www.wsws.org/contact)**"),
        ("Run `workflow.py review` now.", "ابھی `workflow.py review` چلائیں۔"),
        ("A plain sentence.", "ایک سادہ جملہ۔"),
        ("Visit <https://wsws.org>.", "<https://wsws.org> دیکھیں۔"),
    ],
)
def test_markup_parity_accepts_equal_markup(source: str, target: str) -> None:
    assert check_markup(source, target) == []


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("See [here](https://a.org/x).", "[یہاں](https://a.org/y) دیکھیں۔", "https://a.org/x"),
        ("See [here](https://a.org/x).", "[یہاں] (https://a.org/x) دیکھیں۔", "missing"),
        ("Read *Dawn* today.", "آج ڈان پڑھیں۔", "emphasis"),
        ("**Sampath Perera**", "سمپت پریرا", "strong"),
        ("Run `make`.", "`میک` چلائیں۔", "code span `make`"),
        ("Plain.", "[سادہ](https://spam.example)۔", "not in the source"),
    ],
)
def test_markup_parity_flags_broken_markup(source: str, target: str, message: str) -> None:
    problems = check_markup(source, target)
    assert problems and {p.code for p in problems} == {"markup-mismatch"}
    assert any(message in problem.message for problem in problems)


def test_markup_changed_url_is_highlighted() -> None:
    target = "[یہاں](https://a.org/y) دیکھیں۔"
    (problem,) = check_markup("See [here](https://a.org/x).", target)
    assert problem.span is not None
    assert target[problem.span[0] : problem.span[1]] == "https://a.org/y"


# --------------------------------------------------------------------------- script


@pytest.mark.parametrize(
    ("lang", "script", "target"),
    [
        ("ur", "Arab", "عمران خان کی جماعت پی ٹی آئی نے کہا۔"),
        ("ur", "Arab", "PTI کے رہنما نے کہا۔"),  # acronym kept in Latin
        ("ur", "Arab", "**[wsws.org/contact](https://www.wsws.org/contact)** دیکھیں"),
        ("fa", "Arab", "برای اجرای `workflow.py` کلیک کنید."),
        ("si", "Sinh", "ඉම්රාන් ඛාන් මහතා US$60 ගැන කීවේය."),
        ("si", "Sinh", "ප්‍රජා නායකයින්"),  # ZWJ inside the conjunct is Sinhala
    ],
)
def test_script_accepts_native_text_urls_code_acronyms(lang: str, script: str, target: str) -> None:
    assert check_script(target, lang, script) == []


@pytest.mark.parametrize(
    ("lang", "script", "target", "found", "code"),
    [
        # Latin names in Arabic-script or Sinhala text are normal: info, not an error.
        ("ur", "Arab", "Imran Khan نے کہا۔", "Imran Khan", "latin-text"),
        ("fa", "Arab", "خان گفت the protesters رفتند.", "the protesters", "latin-text"),
        ("fa", "Arab", "نروژی Nynorsk", "Nynorsk", "latin-text"),
        # A third script, or a translation mostly in Latin, is an error.
        ("si", "Sinh", "ඛාන් گفت ප්‍රකාශ කළේය.", "گفت", "wrong-script"),
        ("si", "Sinh", "Khan said so.", "Khan said so", "wrong-script"),
        (
            "si",
            "Sinh",
            "The read cache සඳහා cache hit අනුපාතිකය.",
            "The read cache සඳහා cache hit",
            "wrong-script",
        ),
    ],
)
def test_script_flags_foreign_runs(lang: str, script: str, target: str, found: str, code: str) -> None:
    (problem,) = check_script(target, lang, script)
    assert problem.code == code
    assert problem.span is not None
    assert target[problem.span[0] : problem.span[1]] == found


# --------------------------------------------------------------------------- punctuation


@pytest.mark.parametrize(
    ("lang", "source", "target"),
    [
        ("ur", "He spoke.", "انہوں نے کہا۔"),
        ("ur", "Why?", "کیوں؟"),
        ("fa", "He spoke.", "او گفت."),
        ("fa", "Why?", "چرا؟"),
        ("si", "He spoke.", "ඔහු කීවේය."),
        ("si", "Why?", "ඇයි?"),
        ("ur", '"This is our right,"', '"یہ ہمارا حق ہے،"'),
        ("fa", 'He said: "it is different."', "او گفت: «فرق می‌کند.»"),
        ("ur", "Pakistan: Eleven miners killed", "پاکستان: گیارہ کان کن ہلاک"),  # titles have none
        ("ur", "**Sampath Perera**", "**سمپت پریرا**"),
        ("ur", '"this is our right,"', "“یہ ہمارا حق ہے۔”"),  # a segment ending in a comma
    ],
)
def test_end_punctuation_accepts_each_languages_marks(
    languages: dict[str, Language], lang: str, source: str, target: str
) -> None:
    assert check_end_punctuation(source, target, languages[lang]) == []


@pytest.mark.parametrize(
    ("lang", "source", "target", "message"),
    [
        ("ur", "He spoke.", "انہوں نے کہا.", "'.'"),
        ("ur", "He spoke.", "انہوں نے کہا", "no end punctuation"),
        ("ur", "Why?", "کیوں?", "Latin '?'"),
        ("fa", "Why?", "چرا.", "'?'"),
        ("fa", "He spoke.", "او گفت۔", "Urdu full stop"),
        ("fa", '"our right,"', '"حق ما,"', "Latin ','"),
        ("si", "He spoke.", "ඔහු කීවේය", "no end punctuation"),
        ("ur", "Pakistan: Eleven miners killed", "پاکستان: گیارہ کان کن ہلاک۔", "full stop"),
    ],
)
def test_end_punctuation_flags_wrong_marks(
    languages: dict[str, Language], lang: str, source: str, target: str, message: str
) -> None:
    (problem,) = check_end_punctuation(source, target, languages[lang])
    assert problem.code == "end-punctuation"
    assert message in problem.message


# --------------------------------------------------------------------------- whole entries


def test_entry_double_space_bidi_identical_length(languages: dict[str, Language]) -> None:
    ur = languages["ur"]
    assert codes(check_entry("He spoke.", "انہوں نے  کہا۔", ur)) == ["double-space"]
    assert codes(check_entry("He spoke.", "انہوں نے\u200f کہا۔", ur)) == ["bidi-control"]
    assert codes(check_entry("He spoke  twice.", "انہوں نے  دو بار کہا۔", ur)) == []  # as in the source
    assert codes(check_entry("He spoke to them.", "He spoke to them.", ur)) == ["identical-to-source"]
    link = "**[wsws.org/contact](https://www.wsws.org/contact)**"
    assert codes(check_entry(link, link, ur)) == []  # nothing to translate
    long = "The heinous crime took place in a mining town about thirty miles southeast of the capital."
    assert codes(check_entry(long, "یہ جرم ہوا۔", ur)) == ["length-ratio"]
    assert (
        codes(
            check_entry(
                long, "یہ گھناؤنا جرم دارالحکومت سے تقریباً تیس میل جنوب مشرق میں ایک قصبے میں ہوا۔", ur
            )
        )
        == []
    )
    wide = ReviewSettings(length_ratio={"ur": 1.0}, length_tolerance=100.0)
    assert codes(check_entry(long, "یہ جرم ہوا۔", ur, settings=wide)) == []


def test_glossary_term_in_entries(glossary: Glossary, languages: dict[str, Language]) -> None:
    fa = languages["fa"]
    source = "The Hazaras of Quetta protested against Khan's government."
    good = "هزاره‌های کویته علیه دولت خان اعتراض کردند."
    assert codes(check_entry(source, good, fa, glossary=glossary)) == []
    bad = "هزاره‌های کوئته علیه دولت خان اعتراض کردند."
    (problem,) = check_entry(source, bad, fa, glossary=glossary)
    assert problem.code == "glossary-term" and "کویته" in problem.message
    assert problem.span is not None and bad[problem.span[0] : problem.span[1]].startswith("کوئت")
    # The full English name needs the full spelling; "Khan" alone accepts the short form.
    ur = languages["ur"]
    assert codes(check_entry("Imran Khan spoke.", "خان نے کہا۔", ur, glossary=glossary)) == ["glossary-term"]
    assert codes(check_entry("Khan spoke.", "خان نے کہا۔", ur, glossary=glossary)) == []


# --------------------------------------------------------------------------- catalogs


def _catalog(lang: str, version: str) -> tuple[polib.POFile, list[tuple[str, str, str]]]:
    """The planted fixture as a PO file: ``clean`` or ``planted``; returns expected findings."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "planted",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    expected = []
    for segment in PLANTED:
        cell = segment[lang]
        text = cell.get(version, cell["clean"])
        entry = polib.POEntry(msgid=segment["msgid"], msgctxt=segment.get("msgctxt"), msgstr=text)
        if segment.get("fuzzy"):
            entry.flags.append("fuzzy")
        if version == "planted" and cell.get("noqa"):
            entry.tcomment = f"noqa: {cell['noqa']}"
        if version == "planted" and segment.get("obsolete_in_planted"):
            entry.obsolete = True
        po.append(entry)
        if version == "planted":
            expected += [(lang, segment["msgid"], code) for code in cell.get("expect", [])]
    return po, expected


@pytest.fixture
def planted_project(tmp_path: Path) -> Callable[[str], tuple[Path, list[tuple[str, str, str]]]]:
    def make(version: str) -> tuple[Path, list[tuple[str, str, str]]]:
        root = tmp_path / version
        (root / "source").mkdir(parents=True)
        shutil.copy2(REPO / "glossary.csv", root / "glossary.csv")
        expected = []
        for lang in LANGS:
            po, wanted = _catalog(lang, version)
            path = root / "translations" / lang / "planted.po"
            path.parent.mkdir(parents=True)
            path.write_text(str(po), encoding="utf-8")
            expected += wanted
        return root, expected

    return make


def test_planted_catalogs_are_valid_gettext(planted_project: Callable[..., Any], tmp_path: Path) -> None:
    root, _ = planted_project("planted")
    for lang in LANGS:
        path = root / "translations" / lang / "planted.po"
        result = subprocess.run(
            ["msgfmt", "-c", "-o", str(tmp_path / f"{lang}.mo"), str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr


def test_planted_errors_all_found_and_clean_version_passes(
    planted_project: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    clean_root, _ = planted_project("clean")
    clean_findings = review(load_project(clean_root))
    planted_root, expected = planted_project("planted")
    findings = review(load_project(planted_root))
    found = {(f.lang, f.msgid, f.code) for f in findings}
    hits = [item for item in expected if item in found]
    unexpected = sorted(found - set(expected))
    recall = len(hits) / len(expected)
    with capsys.disabled():
        print(
            f"\nplanted errors: {len(expected)}, found {len(hits)} (recall {recall:.0%}); "
            f"false positives: {len(unexpected)} in the planted catalogs, "
            f"{len(clean_findings)} in the clean catalogs ({3 * len(PLANTED)} entries)"
        )
    assert [(f.lang, f.code, f.message, f.msgstr) for f in clean_findings] == []
    assert sorted(set(expected) - found) == []
    assert unexpected == []
    assert len(expected) >= 30


def test_review_catalog_details(planted_project: Callable[..., Any]) -> None:
    root, _ = planted_project("planted")
    findings = review(load_project(root), ["ur"], ["planted"])
    assert {f.lang for f in findings} == {"ur"}
    first = findings[0]
    assert first.path == root / "translations" / "ur" / "planted.po"
    assert first.line is not None and first.article == "planted"
    assert all(f.severity == CODES[f.code] for f in findings)
    # The obsolete entry's planted mistakes are history, not findings.
    assert not any(f.msgid.startswith("The Hazaras are") for f in findings)
    # Untranslated entries can be left out for work in progress.
    si = review(load_project(root), ["si"], include_untranslated=False)
    assert "untranslated" not in {f.code for f in si}


def test_missing_catalog_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "source").mkdir(parents=True)
    (root / "source" / "a.md").write_text(
        "---\ntitle: A\nauthor: B\ndate: 2021-01-12\nslug: a\n---\n\nText.\n"
    )
    findings = review(load_project(root), ["ur"])
    assert [(f.code, f.article, f.lang) for f in findings] == [("missing-catalog", "a", "ur")]
    assert review(load_project(root), ["ur"], include_untranslated=False) == []


# --------------------------------------------------------------------------- CLI


def test_cli_review_formats_and_exit_codes(
    planted_project: Callable[..., Any], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    clean, _ = planted_project("clean")
    result = run_cli("--project", clean, "review")
    assert result.code == 0, result.out + result.err
    assert "0 errors" in result.out
    planted, expected = planted_project("planted")
    result = run_cli("--project", planted, "review", "--lang", "ur")
    assert result.code == 3
    assert "planted [ur]" in result.out and "[glossary-term]" in result.out
    result = run_cli("--project", planted, "review", "--format", "json")
    assert result.code == 3
    payload = json.loads(result.out)
    assert payload["summary"]["error"] > 0 and set(payload["checks"]) == set(CODES)
    assert {(f["lang"], f["msgid"], f["code"]) for f in payload["findings"]} == set(expected)
    assert payload["findings"][0]["path"] == "translations/ur/planted.po"
    report = tmp_path / "out" / "report.html"
    result = run_cli("--project", planted, "review", "--format", "html", "--output", report)
    assert result.code == 3
    html = report.read_text("utf-8")
    assert "<mark>" in html and 'lang="ur" dir="rtl"' in html and 'lang="si" dir="ltr"' in html
    assert 'lang="en" dir="ltr"' in html
    assert "http://" not in html.replace("https://www.wsws.org", "") and "<link" not in html
    assert "<script" not in html  # no JavaScript, nothing fetched
    assert [p.name for p in report.parent.iterdir()] == ["report.html"]  # atomic: no temp files left


def test_json_report_written_in_pieces_is_what_json_dumps_writes(
    planted_project: Callable[..., Any], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    """The report is streamed finding by finding; json.dumps of the whole payload is the oracle."""
    from pressroom.review.codes import CODES
    from pressroom.review.report import finding_to_dict, json_pieces, summarize
    from pressroom.review.runner import review

    planted, _ = planted_project("planted")
    project = load_project(planted)
    findings = review(project)
    assert len(findings) > 10 and any(f.span for f in findings) and any(f.msgctxt for f in findings)
    for chosen in (findings, findings[:1], []):
        payload = {
            "summary": summarize(chosen),
            "checks": {code: str(severity) for code, severity in CODES.items()},
            "findings": [finding_to_dict(f, project.root) for f in chosen],
        }
        expected = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        assert "".join(json_pieces(chosen, project.root)) == expected
    output = tmp_path / "report.json"
    result = run_cli("--project", planted, "review", "--format", "json", "--output", output)
    assert result.code == 3 and f"wrote {output}" in result.err
    assert output.read_text("utf-8") == "".join(json_pieces(findings, project.root))
    assert run_cli("--project", planted, "review", "--format", "json").out == output.read_text("utf-8")
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary left


def test_html_report_escapes_and_highlights(planted_project: Callable[..., Any], tmp_path: Path) -> None:
    from pressroom.model import Finding, Severity
    from pressroom.review import format_html

    root, _ = planted_project("clean")
    finding = Finding(
        code="glossary-term",
        severity=Severity.ERROR,
        article="a",
        lang="fa",
        msgid="<script>alert(1)</script> Quetta",
        msgstr="<b>کوئته</b> شهر",
        message="m",
        span=(3, 8),
    )
    html = format_html(load_project(root), [finding])
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;<mark>کوئته</mark>&lt;/b&gt;" in html
    assert 'lang="fa" dir="rtl"' in html


def test_placeholders_of_site_strings(languages: dict[str, Language], glossary: Glossary) -> None:
    source = "To contact the WSWS and the Socialist Equality Party visit: %(link)s"
    good = "WSWS اور سوشلسٹ ایکویلیٹی پارٹی سے رابطے کے لیے ملاحظہ کریں: %(link)s"
    assert codes(check_entry(source, good, languages["ur"], glossary=glossary)) == []
    bad = "WSWS اور سوشلسٹ ایکویلیٹی پارٹی سے رابطے کے لیے ملاحظہ کریں: %(لنک)s"
    problems = check_entry(source, bad, languages["ur"], glossary=glossary)
    # Masked as a placeholder (not prose with a stray Latin "s"): the source's is missing,
    # the translation's is not in the source.
    assert codes(problems) == ["markup-mismatch", "markup-mismatch"]
    assert "%(link)s" in problems[0].message and "%(لنک)s" in problems[1].message


def test_parallel_review_gives_the_same_findings(
    planted_project: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pressroom.review.runner

    root, _ = planted_project("planted")
    sequential = review(load_project(root), jobs=1)
    monkeypatch.setattr(pressroom.review.runner, "PARALLEL_MIN_CATALOGS", 1)
    assert review(load_project(root), jobs=2) == sequential
