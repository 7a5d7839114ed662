"""Source articles: front matter in, Article out; errors name file and line."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from pressroom.errors import SourceError
from pressroom.project import load_project
from pressroom.source import format_article, iter_articles, parse_article, read_article

REPO = Path(__file__).resolve().parent.parent

GOOD = """---
title: "A: headline"
author: Jane Doe
date: 2021-01-12
slug: note
language: en
---

Body *text*.
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_article_fields_and_body_line(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "note.md", GOOD))
    assert article.title == "A: headline"
    assert article.author == "Jane Doe"
    assert article.date == datetime.date(2021, 1, 12)
    assert (article.slug, article.language) == ("note", "en")
    assert article.body == "\nBody *text*.\n"
    assert article.body_line == 8
    assert GOOD.splitlines()[article.body_line - 1 + 1] == "Body *text*."


def test_format_article_round_trips() -> None:
    text = format_article(
        title='Say "no": a headline',
        author="Ana Ñúñez",
        date=datetime.date(2021, 1, 12),
        slug="note",
        body="\nBody.\n",
    )
    article = parse_article(text, Path("source/note.md"))
    assert article.title == 'Say "no": a headline'
    assert article.author == "Ana Ñúñez"
    assert text.splitlines()[1] == 'title: "Say \\"no\\": a headline"'
    again = format_article(
        title=article.title,
        author=article.author,
        date=article.date,
        slug=article.slug,
        body=article.body,
        language=article.language,
    )
    assert again == text


def test_author_that_looks_like_another_type_is_quoted() -> None:
    text = format_article(title="T", author="yes", date=datetime.date(2020, 1, 1), slug="a", body="\nx\n")
    assert parse_article(text, Path("a.md")).author == "yes"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("title: x\n", 1, "missing front matter"),
        ("---\ntitle: x\n", 1, "not closed"),
        ("---\ntitle: [unclosed\nauthor: a\n---\n", 3, "not valid YAML"),
        ("---\ntitle: T\nauthor: A\ndate: 12 January 2021\nslug: note\n---\n", 4, "ISO 8601"),
        ("---\ntitle: T\nauthor: A\ndate: 2021-02-30\nslug: note\n---\n", 4, "does not exist"),
        ("---\ntitle: T\nauthor: A\ndate: 2021-02-03\n---\nbody\n", 5, "no 'slug'"),
        ("---\ntitle: T\nauthor: A\ndate: 2021-02-03\nslug: other\n---\n", 5, "does not match"),
        ("---\ntitle: T\nauthor: A\ndate: 2021-02-03\nslug: Note\n---\n", 5, "invalid slug"),
        ("---\ntitle: T\nauthr: A\ndate: 2021-02-03\nslug: note\n---\n", 3, "unknown front-matter field"),
        ("---\ntitle: ''\nauthor: A\ndate: 2021-02-03\nslug: note\n---\n", 2, "'title' is empty"),
        ("---\ntitle: [a, b]\nauthor: A\ndate: 2021-02-03\nslug: note\n---\n", 2, "must be text"),
        ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
    ],
    ids=[
        "no-front-matter",
        "unclosed",
        "yaml-syntax",
        "date-not-iso",
        "date-impossible",
        "missing-slug",
        "slug-file-mismatch",
        "slug-invalid",
        "unknown-key",
        "empty-title",
        "title-not-text",
        "not-mapping",
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = write(tmp_path, "note.md", text)
    with pytest.raises(SourceError) as info:
        read_article(path)
    assert info.value.path == path
    assert info.value.line == line
    assert needle in info.value.message
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_reserved_slug(tmp_path: Path) -> None:
    path = write(tmp_path, "site.md", GOOD.replace("slug: note", "slug: site"))
    with pytest.raises(SourceError, match="reserved"):
        read_article(path)


def test_invalid_utf8_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(GOOD.encode() + b"\xff\n")
    with pytest.raises(SourceError) as info:
        read_article(path)
    assert info.value.line == 10


def test_iter_articles_sorted_and_unknown_slug(empty_project: Path) -> None:
    for slug in ("zeta", "alpha"):
        write(empty_project / "source", f"{slug}.md", GOOD.replace("slug: note", f"slug: {slug}"))
    project = load_project(empty_project)
    assert [a.slug for a in iter_articles(project)] == ["alpha", "zeta"]
    assert [a.slug for a in iter_articles(project, ["zeta", "alpha"])] == ["alpha", "zeta"]
    with pytest.raises(SourceError) as info:
        iter_articles(project, ["beta"])
    assert "alpha, zeta" in str(info.value)


def test_seed_article_reads() -> None:
    article = read_article(REPO / "source" / "pakistan-hazara-miners.md")
    assert article.title.startswith("Pakistan: Eleven miners killed")
    assert article.author == "Sampath Perera"
    assert article.date == datetime.date(2021, 1, 12)
    assert article.body_line == 8


def test_an_article_too_large_to_typeset_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    head = "---\ntitle: Huge\nauthor: A\ndate: 2021-01-12\nslug: huge\n---\n\n"
    path.write_text(head + ("All work and no play. " * 50 + "\n\n") * 1000, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_article(path)
    assert "characters" in str(info.value) and info.value.hint == "split it into several articles"


def test_a_paragraph_of_thousands_of_links_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "links.md"
    head = "---\ntitle: Links\nauthor: A\ndate: 2021-01-12\nslug: links\n---\n\nFirst paragraph.\n\n"
    path.write_text(head + " ".join(f"[{n}](https://example.org/{n})" for n in range(5000)) + "\n", "utf-8")
    with pytest.raises(SourceError) as info:
        read_article(path)
    assert info.value.line == 10 and "links" in str(info.value)
