"""Soft line breaks reach translators as spaces; catalogs keep their translations through it."""

from __future__ import annotations

from pathlib import Path

import polib

from pressroom.catalog import extract, read_catalog, write_catalog
from pressroom.project import load_project
from pressroom.segment import iter_body_segments, join_soft_breaks, markdown_parser, translate_body

WRAPPED = (
    """\
---
title: "A hard-wrapped article"
author: Staff
date: 2021-01-12
slug: wrapped
language: en
---

The first paragraph was wrapped at
seventy-two columns by an editor that
likes short lines.

A hard break stays here,\\
and here too"""
    + "  "  # two spaces: a hard break
    + """
but this soft one
goes.
"""
)


def test_soft_breaks_become_spaces_hard_breaks_stay() -> None:
    body = WRAPPED.split("---\n", 2)[2]
    texts = [s.text for s in iter_body_segments(body)]
    assert texts == [
        "The first paragraph was wrapped at seventy-two columns by an editor that likes short lines.",
        "A hard break stays here,\\\nand here too  \nbut this soft one goes.",
    ]
    assert join_soft_breaks("a \n  b\t\nc") == "a b c"


def test_rendering_is_unchanged_and_identity_keeps_every_byte() -> None:
    body = WRAPPED.split("---\n", 2)[2]
    md = markdown_parser()
    assert translate_body(body, lambda s: s.text) == body
    rebuilt = translate_body(body, lambda s: s.text.replace("first", "First"))
    # The translated paragraph is one line now; the words and the breaks render the same.
    normal = " ".join(md.render(body).replace("first", "First").split())
    assert " ".join(md.render(rebuilt).split()) == normal
    assert "<br />" in md.render(rebuilt)


def test_existing_catalog_keeps_translations_through_the_change(tmp_path: Path) -> None:
    """A catalog written when msgids held line breaks: extract keeps every translation, none fuzzy."""
    root = tmp_path / "press"
    (root / "source").mkdir(parents=True)
    (root / "source" / "wrapped.md").write_text(WRAPPED, encoding="utf-8")
    (root / "workflow.toml").write_text('[project]\nname = "Test"\ntargets = ["fa"]\n', encoding="utf-8")
    project = load_project(root)
    extract(project)
    po_path = project.po_path("fa", "wrapped")
    po = read_catalog(po_path)
    old_msgids = {
        "The first paragraph was wrapped at seventy-two columns by an editor that likes short lines.": (
            "The first paragraph was wrapped at\nseventy-two columns by an editor that\nlikes short lines."
        ),
    }
    for entry in po:
        entry.msgid = old_msgids.get(entry.msgid, entry.msgid)  # as the old segmentation wrote it
        entry.msgstr = f"ترجمه {len(entry.msgid)}"
    write_catalog(po_path, po)
    translated = {join_soft_breaks(e.msgid): e.msgstr for e in read_catalog(po_path)}

    extract(project)

    after = read_catalog(po_path)
    assert not after.obsolete_entries()
    for entry in after:
        assert "\n" not in entry.msgid or entry.msgid.startswith("A hard break")
        assert entry.msgstr == translated[entry.msgid]
        assert "fuzzy" not in entry.flags
    assert isinstance(after, polib.POFile)
