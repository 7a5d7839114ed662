"""Project configuration and languages from CLDR."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.errors import ConfigError, UnknownLanguageError
from pressroom.project import load_project


def test_languages_come_from_cldr(empty_project: Path) -> None:
    project = load_project(empty_project)
    ur, fa, si = (project.languages[c] for c in ("ur", "fa", "si"))
    assert (ur.direction, fa.direction, si.direction) == ("rtl", "rtl", "ltr")
    assert ur.native_name == "اردو" and si.native_name == "සිංහල"
    assert fa.localize_digits("US$6.75 in 2021") == "US$۶.۷۵ in ۲۰۲۱"
    assert ur.localize_digits("2021") == "2021"


@pytest.mark.parametrize("code", ["ur", "fa", "si"])
def test_plural_forms_are_what_weblate_and_translate_toolkit_use(empty_project: Path, code: str) -> None:
    """Oracle: Translate Toolkit's language data, which Weblate's plural definitions follow."""
    from translate.lang import data

    _name, nplurals, expression = data.languages[code]
    if not expression.startswith("("):
        expression = f"({expression})"
    expected = f"nplurals={nplurals}; plural={expression};"
    assert load_project(empty_project).languages[code].plural_forms == expected


def test_fourth_language_is_configuration_only(empty_project: Path) -> None:
    (empty_project / "workflow.toml").write_text(
        '[project]\ntargets = ["ur", "fa", "si", "hi"]\n'
        '[languages.hi]\nscript = "Deva"\nnumbering = "deva"\nfont_family = "Noto Serif Devanagari"\n',
        encoding="utf-8",
    )
    project = load_project(empty_project)
    hi = project.target_languages(["hi"])[0]
    assert (hi.name, hi.direction, hi.script) == ("Hindi", "ltr", "Deva")
    assert hi.localize_digits("12") == "१२"


def test_unknown_language_lists_configured(empty_project: Path) -> None:
    project = load_project(empty_project)
    with pytest.raises(UnknownLanguageError) as info:
        project.target_languages(["de"])
    assert "ur, fa, si" in str(info.value)


def test_broken_config_names_file_and_line(empty_project: Path) -> None:
    (empty_project / "workflow.toml").write_text("[project]\ntargets = [ur\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_project(empty_project)
    assert "workflow.toml:2" in str(info.value)


def test_every_committed_catalog_of_a_language_has_its_one_plural_forms() -> None:
    """Site and article catalogs alike: Weblate must never see two plural definitions."""
    from conftest import REPO

    project = load_project(REPO)
    for code in project.targets:
        for po in sorted((REPO / "translations" / code).glob("*.po")):
            header = po.read_text("utf-8").split("\n\n", 1)[0]
            assert f'"Plural-Forms: {project.languages[code].plural_forms}\\n"' in header, po
