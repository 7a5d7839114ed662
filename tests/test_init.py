"""workflow init: a new content root that runs with pressroom's own templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import REPO, CliResult


def test_init_then_build_uses_the_packaged_templates(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = tmp_path / "newsroom"
    assert run_cli("init", root).code == 0
    assert (root / "glossary.csv").read_text("utf-8") == "english,acronym,kind,case_sensitive,ur,fa,si,note\n"
    (root / "source" / "a.md").write_text(
        "---\ntitle: Rain in Quetta\nauthor: A Reporter\ndate: 2021-01-12\nslug: a\n---\n\nIt rained.\n",
        encoding="utf-8",
    )
    result = run_cli("--project", root, "build", "--drafts", "--format", "html")
    assert result.code == 3, result.err  # nothing is translated yet: review fails, pages are drafts
    assert "Rain in Quetta" in (root / "build" / "en" / "a.html").read_text("utf-8")
    site = (root / "translations" / "ur" / "site.po").read_text("utf-8")
    assert "#~" not in site and 'msgid "Bilingual edition"' in site
    assert not (root / "render").exists()


def test_init_refuses_an_existing_content_root(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    root = tmp_path / "newsroom"
    assert run_cli("init", root).code == 0
    settings = (root / "workflow.toml").read_bytes()
    again = run_cli("init", root)
    assert again.code == 1 and "already exists" in again.err
    assert (root / "workflow.toml").read_bytes() == settings


def test_init_with_templates_copies_them_for_restyling(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = tmp_path / "newsroom"
    assert run_cli("init", root, "--with-templates").code == 0
    packaged = REPO / "pressroom" / "render"
    for path in packaged.rglob("*"):
        if path.is_file():
            assert (root / "render" / path.relative_to(packaged)).read_bytes() == path.read_bytes()


def test_configured_templates_folder_missing_is_an_error_not_obsolete_strings(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = tmp_path / "newsroom"
    assert run_cli("init", root).code == 0
    assert run_cli("--project", root, "extract").code == 0
    site = root / "translations" / "ur" / "site.po"
    before = site.read_bytes()
    settings = root / "workflow.toml"
    settings.write_text(
        settings.read_text("utf-8").replace('# templates_dir = "render"', 'templates_dir = "my-theme"'),
        "utf-8",
    )
    result = run_cli("--project", root, "extract")
    assert result.code == 1
    assert "my-theme" in result.err and "Traceback" not in result.err
    assert site.read_bytes() == before
