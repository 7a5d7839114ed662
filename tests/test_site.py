"""Site strings: the catalog extracted from the templates, its translations, the lookup."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

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


# --------------------------------------------------------------------------- hostile site strings

PAYLOAD = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    '"\'><svg onload=alert(3)><a href="javascript:alert(4)">x</a>'
)
CHROMIUM = Path("/usr/bin/chromium")


class _Dom(HTMLParser):
    """Elements, attributes and text of a page, for what a payload could have injected."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _assert_inert(html: str, where: str) -> None:
    dom = _Dom()
    dom.feed(html)
    assert not {"script", "svg", "iframe", "object", "embed"} & set(dom.tags), where
    assert not [name for name, _value in dom.attrs if name.startswith("on")], where
    assert not [value for name, value in dom.attrs if name == "src" and value == "x"], where
    urls = [value.strip().lower() for name, value in dom.attrs if name in ("href", "src", "action")]
    assert not [url for url in urls if url.startswith("javascript:")], where
    # ... and the payload is there, as text: the site strings were rendered.
    assert "window.__pwned=1" in "".join(dom.text), where


def _hostile_site_catalogs(root: Path) -> None:
    """Every site string of every language replaced by a payload, reviewed (not fuzzy)."""
    import polib

    for lang in LANGS:
        path = root / "translations" / lang / f"{SITE_SLUG}.po"
        po = polib.pofile(str(path), wrapwidth=79)
        for entry in po:
            if not entry.obsolete:
                entry.msgstr = PAYLOAD + (" %(link)s" if "%(link)s" in entry.msgid else "")
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                entry.tcomment = ""
        path.write_text(str(po) + "\n", encoding="utf-8")


def test_hostile_site_strings_are_inert_in_every_page(
    sample_project: Path, run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    """A translator's <script> or <img onerror> in site.po is text in every page (issue 17)."""
    _hostile_site_catalogs(sample_project)
    result = run_cli("--project", sample_project, "render", "--format", "html", "--drafts")
    assert result.code == 0, result.err
    pages = sorted(p for lang in LANGS for p in (sample_project / "build" / lang).glob("*.html"))
    assert len(pages) == 3 * len(LANGS)  # article, bilingual edition, index
    for page in pages:
        _assert_inert(page.read_text("utf-8"), str(page))
    assert CHROMIUM.exists(), "chromium is missing: ./dev.sh test installs it"
    # What a browser builds from them: one page of each kind, in each language.
    kinds = ["index.html", "pakistan-hazara-miners.html", "pakistan-hazara-miners.bilingual.html"]
    for lang, kind in zip(LANGS, kinds, strict=True):
        page = sample_project / "build" / lang / kind
        dumped = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--dump-dom",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=90,
        )
        _assert_inert(dumped.stdout, f"{lang}/{kind} in chromium")


def test_site_strings_that_would_break_formatting_fall_back_to_english() -> None:
    link = "To contact us visit: %(link)s"
    site = SiteTranslations(
        {(None, link): "ہم سے رابطہ: %(url)s", (None, "Articles"): "100% مضامین", (None, "Site"): "سائٹ %%"}
    )
    assert site.gettext(link) == link
    assert site.gettext("Articles") == "Articles"
    assert site.gettext("Site") == "سائٹ %%"
    assert site.gettext("Site").__html__() == "سائٹ %%"
    assert SiteTranslations({(None, "A"): "<b>"}).gettext("A").__html__() == "&lt;b&gt;"
