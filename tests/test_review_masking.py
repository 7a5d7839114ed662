"""Review masks markup, entities, placeholders, code and URLs before judging words; PO files from anywhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pressroom.glossary import read_glossary
from pressroom.languages import Language
from pressroom.project import load_project
from pressroom.review import check_entities, check_entry, check_placeholders, check_tags
from pressroom.review.masking import iter_tokens, mask_non_prose

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def languages() -> dict[str, Language]:
    return dict(load_project(REPO).languages)


def codes(problems: list[Any]) -> list[str]:
    return sorted(problem.code for problem in problems)


# One row per masked construct: the source, a correct translation (no finding at all:
# no wrong-script or latin-text on the construct's Latin letters, no number-mismatch
# on its digits, no end-punctuation on its ";"), and the token it must be read as.
MASKED = [
    ("tag", "Click <strong>Save</strong> now.", "اب <strong>محفوظ کریں</strong> پر کلک کریں۔", "<strong>"),
    ("tag-attributes", 'Read <a href="/a/b">the guide</a>.', 'یہ <a href="/a/b">رہنما</a> پڑھیں۔',
     '<a href="/a/b">'),
    ("entity-named", "Next &rarr; page.", "اگلا &rarr; صفحہ۔", "&rarr;"),
    ("entity-numeric", "He said &#8220;no.&#8221;", "انہوں نے کہا &#8220;نہیں۔&#8221;", "&#8221;"),
    ("printf", "Deleted %d files.", "%d فائلیں حذف ہو گئیں۔", "%d"),
    ("printf-positional", "Copy %1$s to %2$s.", "%2$s میں %1$s کاپی کریں۔", "%1$s"),
    ("python-format", "Hello %(name)s.", "سلام %(name)s۔", "%(name)s"),
    ("brace", "Hello {name}.", "سلام {name}۔", "{name}"),
    ("brace-positional", "Page {0} of {1}.", "صفحہ {0} از {1}۔", "{1}"),
    ("icu", "{count, plural, one {# file} other {# files}} left.",
     "{count, plural, one {# فائل} other {# فائلیں}} باقی۔", "{count, plural"),
    ("code-span", "Run `make html` now.", "ابھی `make html` چلائیں۔", "`make html`"),
    ("url", "See https://example.org/a2 today.", "آج https://example.org/a2 دیکھیں۔", "https://example.org/a2"),
    ("domain", "Write to wsws.org today.", "آج wsws.org کو لکھیں۔", "wsws.org"),
    ("path", "Use flatpages/default.html here.", "یہاں flatpages/default.html استعمال کریں۔",
     "flatpages/default.html"),
    ("identifier", "Call get_absolute_url() first.", "پہلے get_absolute_url() کال کریں۔",
     "get_absolute_url()"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "target", "token"), [row[1:] for row in MASKED], ids=[r[0] for r in MASKED]
)
def test_masked_constructs_give_no_finding(
    languages: dict[str, Language], source: str, target: str, token: str
) -> None:
    assert token in [found.text for found in iter_tokens(target)]
    masked = mask_non_prose(target)
    assert len(masked) == len(target) and token not in masked  # offsets kept, token blanked
    assert codes(check_entry(source, target, languages["ur"])) == []


def test_entity_digits_and_semicolons_are_not_numbers_or_marks(languages: dict[str, Language]) -> None:
    fa = languages["fa"]
    assert codes(check_entry("It&#8217;s here.", "اینجاست.", fa)) == []  # 8217 is no number
    # The closing quote entity ends the sentence after the mark, not with its ";".
    assert codes(check_entry("He said &#8220;no.&#8221;", "گفت &#8220;نه.&#8221;", fa)) == []


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("Hello %(name)s.", "سلام %(nom)s۔", "%(name)s is missing"),
        ("Copy %1$s to %2$s.", "%1$s کاپی کریں۔", "%2$s is missing"),
        ("%d files", "%s فائلیں", "%d is missing"),
        ("Page {0} of {1}.", "صفحہ {0}۔", "{1} is missing"),
        ("Hello {name}.", "سلام {nam}۔", "{name} is missing"),
        ("{n, plural, one {# file} other {# files}}", "{m, plural, other {# فائل}}", "{n, plural is missing"),
        ("Plain text.", "سادہ %s متن۔", "%s is not in the source"),
    ],
)
def test_placeholder_styles_are_compared(source: str, target: str, message: str) -> None:
    problems = check_placeholders(source, target)
    assert problems and all(problem.code == "markup-mismatch" for problem in problems)
    assert any(message in problem.message for problem in problems)


def test_positional_placeholders_may_reorder_unnumbered_ones() -> None:
    assert check_placeholders("Copy %s to %s.", "%2$s میں %1$s کاپی کریں۔") == []
    # ICU plural categories differ between languages: only the argument is compared.
    assert (
        check_placeholders("{n, plural, one {# file} other {# files}}", "{n, plural, other {# فائل}}") == []
    )


def test_tag_order_swapped_pair_is_an_error(languages: dict[str, Language]) -> None:
    source = "Click <strong>Save</strong> now."
    swapped = "اب </strong>محفوظ کریں<strong> پر کلک کریں۔"
    (problem,) = check_tags(source, swapped)
    assert problem.code == "markup-mismatch" and "out of order" in problem.message
    assert problem.span is not None and swapped[problem.span[0] : problem.span[1]] == "</strong>"
    assert codes(check_entry(source, swapped, languages["ur"])) == ["markup-mismatch"]
    crossed = "<b><i>متن</b></i>"  # the same tags, not well nested
    assert [p.message for p in check_tags("<b><i>text</i></b>", crossed)] == [
        "HTML tags out of order: </b> breaks the nesting"
    ]
    # Reordering whole elements is fine (right-to-left word order), and so is a fragment source.
    assert check_tags("<b>a</b> and <i>b</i>", "<i>ب</i> و <b>الف</b>") == []
    assert check_tags("Read <b>this", "یہ <b>پڑھیں") == []


def test_tags_missing_or_invented(languages: dict[str, Language]) -> None:
    (missing,) = check_tags("Template: <q>%(name)s</q>", "قالب: <q>%(name)s")
    assert "</q> is missing" in missing.message
    (added,) = check_tags("Plain.", "<em>سادہ</em>۔")[:1]
    assert "<em> is not in the source" in added.message
    # A translated title attribute is no change of markup.
    assert check_tags('<abbr title="World Health">WHO</abbr>', '<abbr title="عالمی ادارہ">WHO</abbr>') == []


def test_entities_by_meaning() -> None:
    assert check_entities("a &lt; b", "الف &#60; ب") == []  # the same meaning, another spelling
    assert "'<' is missing" in check_entities("a &lt; b", "الف < ب")[0].message
    assert check_entities("Topics &amp; how-to", "سرفصل‌ها و راهنماها") == []  # & may become "and"
    assert "unknown character entity &nbps;" in check_entities("a b", "الف&nbps;ب")[0].message


def test_latin_names_are_info_and_keep_latin_silences(tmp_path: Path, languages: dict[str, Language]) -> None:
    ur = languages["ur"]
    assert codes(check_entry("Open Firefox now.", "Firefox ابھی کھولیں۔", ur)) == ["latin-text"]
    csv_path = tmp_path / "glossary.csv"
    csv_path.write_text(
        "english,acronym,kind,case_sensitive,ur,fa,si,note\n"
        "Firefox,,keep-latin,yes,,,,browser name kept in Latin\n"
        "Quetta,,place,no,کوئٹہ,کویته,ක්වෙටා,\n",
        encoding="utf-8",
    )
    glossary = read_glossary(csv_path)
    assert codes(check_entry("Open Firefox now.", "Firefox ابھی کھولیں۔", ur, glossary=glossary)) == []
    # A glossary term left in Latin is an error.
    problems = check_entry("He went to Quetta.", "وہ Quetta گئے۔", ur, glossary=glossary)
    assert codes(problems) == ["glossary-term", "wrong-script"]


def _write_po(path: Path, lang: str | None, pairs: list[tuple[str, str]]) -> Path:
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    if lang:
        header += f'"Language: {lang}\\n"\n'
    body = "".join(f'\nmsgid "{source}"\nmsgstr "{target}"\n' for source, target in pairs)
    path.write_text(header + body, encoding="utf-8")
    return path


def test_cli_reviews_any_po_file(tmp_path: Path, empty_project: Path, run_cli: Callable[..., Any]) -> None:
    pairs = [
        ("Click <strong>Save</strong>.", "</strong>ذخیره<strong> را بزنید."),
        ("Hello %(name)s.", "سلام %(name)s."),
    ]
    (tmp_path / "elsewhere").mkdir()
    fa = _write_po(tmp_path / "elsewhere" / "fa_IR.po", "fa_IR", pairs)
    result = run_cli("--project", empty_project, "review", "--format", "json", fa)
    assert result.code == 3, result.out + result.err
    found = json.loads(result.out)["findings"]
    assert [(f["lang"], f["code"], f["line"]) for f in found] == [("fa", "markup-mismatch", 6)]
    # The same with --po, and the language from --lang when the header has none.
    bare = _write_po(tmp_path / "elsewhere" / "bare.po", None, pairs)
    result = run_cli("--project", empty_project, "review", "--format", "json", "--po", bare, "--lang", "fa")
    assert result.code == 3 and len(json.loads(result.out)["findings"]) == 1
    result = run_cli("--project", empty_project, "review", bare)
    assert result.code == 1 and "--lang" in result.err
