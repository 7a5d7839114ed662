"""Importer: raw export -> source/<slug>.md, checked against the real seed export."""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from pressroom import fsio
from pressroom.errors import ConfigError, SourceError
from pressroom.importer import (
    _keep_passing,
    convert_export,
    drop_needless_escapes,
    import_export,
    join_split_paragraphs,
    parse_date,
)
from pressroom.project import load_project
from pressroom.source import read_article

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "data" / "seed_export.txt"
SLUG = "pakistan-hazara-miners"

MD = MarkdownIt("commonmark").enable("table")


def paragraphs(body: str) -> list[str]:
    tokens = MD.parse(body)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"]


@pytest.fixture
def seed_article(empty_project: Path) -> Path:
    return import_export(SEED, load_project(empty_project), SLUG)


def test_front_matter_fields(seed_article: Path) -> None:
    article = read_article(seed_article)
    assert seed_article.name == f"{SLUG}.md"
    assert article.title == (
        "Pakistan: Eleven miners killed in sectarian attack buried following week of protests"
    )
    assert article.author == "Sampath Perera"
    assert article.date == datetime.date(2021, 1, 12)
    assert article.language == "en"


def test_page_break_splits_are_joined(seed_article: Path) -> None:
    paras = paragraphs(read_article(seed_article).body)
    joined = [p for p in paras if "but denied any responsibility for the state's failure" in p]
    assert len(joined) == 1 and joined[0].endswith("Many of those who responded demanded that he step down.")
    joined = [p for p in paras if 'policy of "Islamization" and, at Washington\'s behest, extended' in p]
    assert len(joined) == 1
    assert not any(p.startswith(("responsibility for", "Washington's behest")) for p in paras)


def test_quote_ending_paragraph_is_not_joined(seed_article: Path) -> None:
    paras = paragraphs(read_article(seed_article).body)
    right = [p for p in paras if p.endswith('this is our right,"')]
    assert len(right) == 1
    following = paras[paras.index(right[0]) + 1]
    assert following.startswith("When Khan arrived in Quetta on Saturday")


def test_seed_paragraph_count(seed_article: Path) -> None:
    raw = SEED.read_text(encoding="utf-8")
    # raw: byline+date paragraph, 2 footer paragraphs, 2 page-break splits
    assert len(paragraphs(read_article(seed_article).body)) == len(paragraphs(raw)) - 1 - 2 - 2


def test_footer_removed(seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    assert "contact" not in text.lower()
    assert "wsws.org" not in text
    assert text.endswith("die in accidents across Pakistan every year.\n")


def test_dollar_escapes_removed(seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    for amount in ("US$60 billion", "US$6.75", "US$2.50"):
        assert amount in text
    assert "\\" not in text


def test_import_of_seed_matches_committed_source(seed_article: Path) -> None:
    assert seed_article.read_bytes() == (REPO / "source" / f"{SLUG}.md").read_bytes()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("It costs US\\$60.\n", "It costs US$60.\n"),
        ("5 \\* 3 and \\*not emphasis\\*\n", "5 \\* 3 and \\*not emphasis\\*\n"),
        ("\\# not a heading\n", "\\# not a heading\n"),
        ("1\\. not a list\n", "1\\. not a list\n"),
        ("\\- not a list\n", "\\- not a list\n"),
        ("`US\\$60` stays in code\n", "`US\\$60` stays in code\n"),
        ("    US\\$60 in indented code\n", "    US\\$60 in indented code\n"),
        ('[a](/u "say \\"hi\\"")\n', '[a](/u "say \\"hi\\"")\n'),
        ("a \\\\$ b\n", "a \\\\$ b\n"),
        ("Price: 10\\% off, \\@home\n", "Price: 10% off, @home\n"),
    ],
    ids=[
        "dollar",
        "star-kept",
        "hash-at-line-start",
        "ordered-list-marker",
        "bullet-marker",
        "code-span",
        "code-block",
        "link-title",
        "escaped-backslash",
        "percent-at",
    ],
)
def test_drop_needless_escapes(body: str, expected: str) -> None:
    result = drop_needless_escapes(body)
    assert result == expected
    assert MD.render(result) == MD.render(body)


@pytest.mark.parametrize(
    ("body", "joined"),
    [
        ("The state had denied any\n\nresponsibility for it.\n", True),
        ("Prices of food rose by 20\n\npercent.\n", True),
        ("He said so himself, at\n\nnoon, no.\n", True),
        ("He said to the crowd,\n\nand left.\n", True),
        ("Five words and no stop\n\nWashington's role.\n", True),
        ("Background to the attack\n\nThe miners were asleep.\n", False),
        ('this is our right,"\n\nWhen Khan arrived.\n', False),
        ("A full sentence.\n\nAnother one.\n", False),
        ("Visit:\n\nthe site.\n", False),
        ("Read *Dawn*\n\ntoday.\n", False),
        ("## A heading\n\nA paragraph.\n", False),
        ("A paragraph ending in a word\n\n## Heading\n", False),
        ("- item ending in a word\n\nnext paragraph.\n", False),
        ("> quoted words\n\nnext paragraph.\n", False),
        ("text ending in a word\n\n    code\n", False),
        ("text ending in a word\n\n| a |\n| - |\n| b |\n", False),
        ("words\n\n[ref]: /url\n\nmore words.\n", False),
    ],
)
def test_join_split_paragraphs(body: str, joined: bool) -> None:
    result = join_split_paragraphs(body)
    if joined:
        assert len(paragraphs(result)) == 1
        first, second = paragraphs(body)
        assert paragraphs(result) == [f"{first} {second}"]
    else:
        assert result == body


def test_join_chain_of_three() -> None:
    body = "one two three four five\n\nsix seven eight nine ten\n\neleven.\n\nTwelve.\n"
    expected = "one two three four five six seven eight nine ten eleven.\n\nTwelve.\n"
    assert join_split_paragraphs(body) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12 January 2021",
        "12 Jan 2021",
        "January 12, 2021",
        "Jan 12, 2021",
        "2021-01-12",
        "Tuesday, 12 January 2021",
    ],
)
def test_parse_date(text: str) -> None:
    assert parse_date(text) == datetime.date(2021, 1, 12)


def export(tmp_path: Path, text: str | bytes, name: str = "raw.txt") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


MINIMAL = "# A short headline here\n\n**Jane Doe**\n12 January 2021\n\nBody text.\n"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("", 1, "empty"),
        ("\n  \n\n", 1, "empty"),
        ("Just text\n\nno headline\n", 1, "no headline"),
        ("# Title\n\nJane Doe\n12 January 2021\n\nBody.\n", 3, "byline"),
        ("# Title\n\n**Jane Doe**\nyesterday\n\nBody.\n", 4, "cannot read the date"),
        ("# Title\n\n**Jane Doe**\n", 3, "ends before the date"),
        ("# Title\n\n**Jane Doe**\n12 January 2021\n\n", 4, "no body"),
        (b"# Title\n\x00\x01\x02binary", 2, "binary"),
        (b"# Title\n\n\xff\xfe", 3, "UTF-8"),
    ],
    ids=["empty", "blank", "no-title", "no-byline", "bad-date", "truncated", "no-body", "nul", "bad-utf8"],
)
def test_unusable_input_names_file_and_line(
    tmp_path: Path, empty_project: Path, text: str | bytes, line: int, needle: str
) -> None:
    raw = export(tmp_path, text)
    with pytest.raises(SourceError) as info:
        import_export(raw, load_project(empty_project))
    assert info.value.path == raw
    assert info.value.line == line
    assert needle in str(info.value)
    assert list((empty_project / "source").iterdir()) == []


def test_default_slug_from_title(tmp_path: Path, empty_project: Path) -> None:
    raw = export(
        tmp_path, "# Pakistan: Eleven miners killed in sectarian attack buried\n\n**A B**\n2021-01-12\n\nx.\n"
    )
    path = import_export(raw, load_project(empty_project))
    assert path.name == "pakistan-eleven-miners-killed-in-sectarian.md"


@pytest.mark.parametrize("slug", ["Bad Slug", "a--b", "-a", "site", "ümlaut"])
def test_bad_or_reserved_slug(tmp_path: Path, empty_project: Path, slug: str) -> None:
    with pytest.raises(SourceError, match="slug"):
        import_export(export(tmp_path, MINIMAL), load_project(empty_project), slug)


def test_existing_different_file_needs_force(tmp_path: Path, empty_project: Path) -> None:
    project = load_project(empty_project)
    target = import_export(export(tmp_path, MINIMAL), project, "note")
    edited = target.read_text(encoding="utf-8").replace("Body text.", "Edited body.")
    target.write_text(edited, encoding="utf-8")
    with pytest.raises(SourceError, match="--force"):
        import_export(export(tmp_path, MINIMAL), project, "note")
    assert target.read_text(encoding="utf-8") == edited
    import_export(export(tmp_path, MINIMAL), project, "note", force=True)
    assert "Body text." in target.read_text(encoding="utf-8")


def test_reimport_identical_does_not_rewrite(tmp_path: Path, empty_project: Path) -> None:
    project = load_project(empty_project)
    target = import_export(export(tmp_path, MINIMAL), project, "note")
    os.utime(target, (1, 1))
    import_export(export(tmp_path, MINIMAL), project, "note")
    assert target.stat().st_mtime == 1


def test_write_is_atomic(tmp_path: Path, empty_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(empty_project)
    target = import_export(export(tmp_path, MINIMAL), project, "note")
    before = target.read_bytes()
    real_replace = os.replace

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fsio.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        import_export(export(tmp_path, MINIMAL.replace("Body", "New body")), project, "note", force=True)
    monkeypatch.setattr(fsio.os, "replace", real_replace)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["note.md"]


def test_footer_patterns_from_config(tmp_path: Path, empty_project: Path) -> None:
    (empty_project / "workflow.toml").write_text(
        '[import]\nfooter_patterns = ["^Read more at"]\n', encoding="utf-8"
    )
    text = MINIMAL + "\nSecond paragraph.\n\nREAD MORE AT example.org\n\nmore footer\n"
    path = import_export(export(tmp_path, text), load_project(empty_project), "note")
    body = read_article(path).body
    assert body == "\nBody text.\n\nSecond paragraph.\n"


def test_bad_footer_pattern_is_config_error(tmp_path: Path, empty_project: Path) -> None:
    (empty_project / "workflow.toml").write_text(
        '[import]\nfooter_patterns = ["(unclosed"]\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="footer pattern"):
        import_export(export(tmp_path, MINIMAL), load_project(empty_project), "note")


def test_crlf_export(tmp_path: Path, empty_project: Path) -> None:
    raw = export(tmp_path, MINIMAL.replace("\n", "\r\n").encode())
    path = import_export(raw, load_project(empty_project), "note")
    assert b"\r" not in path.read_bytes()
    assert read_article(path).author == "Jane Doe"


def test_cli_import(run_cli: Callable[..., Any], empty_project: Path) -> None:
    result = run_cli("--project", empty_project, "import", SEED, "--slug", SLUG)
    assert result.code == 0
    assert f"source/{SLUG}.md" in result.out
    assert (empty_project / "source" / f"{SLUG}.md").exists()
    result = run_cli("--project", empty_project, "import", empty_project / "missing.txt")
    assert result.code == 1
    assert "missing.txt" in result.err


# --------------------------------------------------------------------------- size and time


def long_export(paragraphs: int) -> str:
    """An export with escapes in every paragraph, a tenth of which must stay."""
    body = []
    for i in range(paragraphs):
        text = f"Paragraph {i}: miners earn US\\$60 a month \\(or less\\) at 10\\% interest."
        body.append("\\- " + text if i % 10 == 0 else text)
    return "# A long article for timing\n\n**Jane Doe**\n\n12 January 2021\n\n" + "\n\n".join(body) + "\n"


def test_escapes_are_checked_block_by_block_with_the_documents_references() -> None:
    body = (
        "See [the report][r] for US\\$60.\n\n\\- not a list, 5\\% off\n\n"
        '> quoted \\# and US\\$5\n\n[r]: /report "title \\$"\n\n1\\. not a list either\n'
    )
    result = drop_needless_escapes(body)
    assert MD.render(result) == MD.render(body)
    assert result == (
        "See [the report][r] for US$60.\n\n\\- not a list, 5% off\n\n"
        '> quoted # and US$5\n\n[r]: /report "title \\$"\n\n1\\. not a list either\n'
    )


def test_keep_passing_bisects_only_the_failures() -> None:
    calls: list[list[int]] = []

    def passes(positions: list[int]) -> bool:
        calls.append(positions)
        return 7 not in positions and 30 not in positions

    groups = [[n] for n in range(64)]
    assert _keep_passing(groups, passes) == [n for n in range(64) if n not in (7, 30)]
    assert len(calls) < 30  # 2 failures among 64: about 2 log2(64) tries, not 64


def test_import_is_linear_in_the_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """400 paragraphs took 20 s and 3,000 never finished when each escape re-rendered the document.

    Counts the characters handed to markdown-it rather than timing: deterministic on
    a loaded machine. Three times the input must cost about three times the parsing
    (re-rendering per escape would cost nine).
    """
    parsed = [0]
    original = MarkdownIt.parse

    def counting_parse(self: MarkdownIt, src: str, env: Any = None) -> Any:
        parsed[0] += len(src)
        return original(self, src, env)

    monkeypatch.setattr(MarkdownIt, "parse", counting_parse)
    work = {}
    for paragraphs in (1000, 3000):
        text = long_export(paragraphs)
        parsed[0] = 0
        article, _slug = convert_export(text, Path("raw.txt"))
        work[paragraphs] = parsed[0] / len(text)
        assert article.count("US$60") == paragraphs and article.count("\\- ") == paragraphs // 10
    assert work[3000] < 1.3 * work[1000], work


def test_cli_imports_a_3000_paragraph_export_in_seconds(
    run_cli: Callable[..., Any], empty_project: Path, tmp_path: Path
) -> None:
    raw = export(tmp_path, long_export(3000))
    started = time.perf_counter()
    result = run_cli("--project", empty_project, "import", raw, "--slug", "long")
    assert result.code == 0, result.err
    assert time.perf_counter() - started < 60  # it took 0.4 s; quadratic never finished
    assert read_article(empty_project / "source" / "long.md").body.count("\n\n") >= 2999
