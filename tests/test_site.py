"""Site strings: the catalog extracted from the templates, its translations, the lookup."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

from pressroom.catalog import is_unreviewed, read_catalog
from pressroom.project import load_project
from pressroom.site import SITE_SLUG, SiteTranslations, extract_site_messages, update_site_catalogs

LANGS = ("ur", "fa", "si")


def test_committed_site_catalogs_are_current(tmp_path: Path) -> None:
    """Re-extracting from render/ changes nothing: the POT and POs match the templates."""
    root = tmp_path / "copy"
    shutil.copytree(REPO / "translations", root / "translations")
    shutil.copytree(REPO / "pressroom" / "render", root / "render")
    shutil.copy2(REPO / "workflow.toml", root / "workflow.toml")
    changed = update_site_catalogs(load_project(root))
    assert changed == []


def test_templates_strings_are_extracted_with_places() -> None:
    messages = dict(extract_site_messages(load_project(REPO)))
    assert "Translated from English" in messages
    assert "To contact the WSWS and the Socialist Equality Party visit: %(link)s" in messages
    assert "Unreviewed machine/draft translation" in messages
    assert all(
        place.startswith("render/") and line > 0 for places in messages.values() for place, line in places
    )


@pytest.mark.parametrize("lang", LANGS)
def test_site_catalog_passes_msgfmt_and_is_fully_drafted(lang: str) -> None:
    path = REPO / "translations" / lang / f"{SITE_SLUG}.po"
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True, capture_output=True)
    po = read_catalog(path)
    entries = [e for e in po if not e.obsolete]
    assert entries
    for entry in entries:
        assert entry.msgstr.strip(), entry.msgid
        # written by a non-native engineer: fuzzy and marked until a native editor checks it
        assert is_unreviewed(entry), entry.msgid
        if "%(link)s" in entry.msgid:
            assert entry.msgstr.count("%(link)s") == 1


def test_site_translations_fall_back_to_english() -> None:
    site = SiteTranslations({(None, "Articles"): "مضامین", ("nav", "Home"): "گھر"})
    assert site.gettext("Articles") == "مضامین"
    assert site.gettext("Languages") == "Languages"
    assert site.pgettext("nav", "Home") == "گھر"
    assert site.ngettext("Articles", "Articles", 2) == "مضامین"


def test_new_template_string_arrives_untranslated(tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(REPO / "translations", root / "translations")
    shutil.copytree(REPO / "pressroom" / "render", root / "render")
    footer = root / "render" / "index.html.j2"
    footer.write_text(footer.read_text("utf-8") + '{{ _("Archive") }}\n', encoding="utf-8")
    update_site_catalogs(load_project(root))
    po = read_catalog(root / "translations" / "ur" / "site.po")
    entry = po.find("Archive")
    assert entry is not None and entry.msgstr == ""
    kept = po.find("Translated from English")
    assert kept is not None and kept.msgstr == "انگریزی سے ترجمہ"
