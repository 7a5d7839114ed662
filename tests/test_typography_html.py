"""Typography in the browser: responsive type scale, bilingual pairs on phones, emphasis, web fonts.

Measured in headless Chromium (``chromium_probe``) at a phone's width (390 px) and a
desktop's (1280 px) on a rendered fixture project.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from chromium_probe import CHROMIUM, measure
from test_render_html import ARTICLE, make_project

from pressroom.project import load_project
from pressroom.rendering import render

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is installed by dev.sh")

LANGS = ("ur", "fa", "si")
PHONE, DESKTOP = 390, 1280
EMPHASIS = {
    "en": "The daily *Dawn* wrote about it.",
    "ur": "روزنامہ *ڈان* نے اس پر لکھا۔",
    "fa": "روزنامهٔ *داون* دربارهٔ آن نوشت.",
    "si": "*ඩෝන්* දිනපතා පුවත්පත ඒ ගැන ලිවීය.",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture article plus a paragraph with emphasis, rendered as HTML in every language."""
    root = tmp_path_factory.mktemp("typo") / "press"
    overrides = {(lang, 5): EMPHASIS[lang] for lang in LANGS}
    make_project(root, article=ARTICLE + "\n" + EMPHASIS["en"] + "\n", overrides=overrides)
    render(load_project(root), formats=("html",))
    return root / "build"


@pytest.fixture(scope="module")
def probes(site: Path) -> dict[tuple[str, str, int], dict[str, Any]]:
    """Measurements of every article and bilingual page at phone and desktop width."""
    wanted = [
        (lang, kind, width)
        for lang in ("en", *LANGS)
        for kind in ("article", "bilingual")
        for width in (PHONE, DESKTOP)
        if not (lang == "en" and kind == "bilingual")
    ]
    pages = [(site / lang / ("miners.html" if kind == "article" else "miners.bilingual.html"), width)
             for lang, kind, width in wanted]
    return dict(zip(wanted, measure(pages), strict=True))


@pytest.mark.parametrize("lang", LANGS)
def test_bilingual_pairs_stack_on_a_phone_translation_first(probes: dict[Any, Any], lang: str) -> None:
    phone = probes[(lang, "bilingual", PHONE)]
    assert phone["width"] == PHONE
    target, original = phone["target"], phone["original"]
    assert target["top"] + target["height"] <= original["top"] + 1  # translation above the original
    assert target["width"] > 0.8 * (PHONE - 40) and original["width"] > 0.7 * (PHONE - 40)
    desktop = probes[(lang, "bilingual", DESKTOP)]
    assert abs(desktop["target"]["top"] - desktop["original"]["top"]) < 1  # side by side
    assert desktop["target"]["width"] < 0.55 * DESKTOP


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_headline_is_smaller_on_a_phone(probes: dict[Any, Any], lang: str) -> None:
    phone, desktop = probes[(lang, "article", PHONE)], probes[(lang, "article", DESKTOP)]
    assert phone["h1"]["fontSize"] <= 0.8 * desktop["h1"]["fontSize"]
    assert phone["h1"]["fontSize"] <= 1.45 * phone["body"]["fontSize"]
    assert phone["h1"]["fontSize"] < 30


@pytest.mark.parametrize("lang", LANGS)
def test_emphasis_is_visible_and_never_slanted(probes: dict[Any, Any], lang: str) -> None:
    for width in (PHONE, DESKTOP):
        em, parent = probes[(lang, "article", width)]["em"], probes[(lang, "article", width)]["emParent"]
        assert em["fontStyle"] == "normal"
        assert int(em["fontWeight"]) >= 600 > int(parent["fontWeight"])
        assert em["fontFamily"] != parent["fontFamily"]  # a real heavier face, not a synthesised one
    if lang == "ur":  # Nastaliq has no weight between regular and bold: colour tells em from strong
        em = probes[(lang, "article", DESKTOP)]["em"]
        assert em["color"] != probes[(lang, "article", DESKTOP)]["emParent"]["color"]


def test_english_emphasis_stays_italic_beside_a_translation(probes: dict[Any, Any]) -> None:
    assert probes[("en", "article", DESKTOP)]["em"]["fontStyle"] == "italic"
    assert "PR en Italic" in probes[("en", "article", DESKTOP)]["em"]["fontFamily"]


def test_urdu_word_spacing_and_justification(probes: dict[Any, Any]) -> None:
    desktop, phone = probes[("ur", "article", DESKTOP)]["body"], probes[("ur", "article", PHONE)]["body"]
    # Nastaliq's own space (0.13 em) plus 0.12 em: the tails of ے and ع no longer touch the next word.
    spacing = float(desktop["wordSpacing"].removesuffix("px"))
    assert spacing == pytest.approx(0.12 * desktop["fontSize"], rel=0.05)
    assert desktop["textAlign"] == "justify"  # as Urdu papers set it; ragged on phones
    assert phone["textAlign"] != "justify"


def test_sinhala_word_spacing_is_brought_down(probes: dict[Any, Any]) -> None:
    body = probes[("si", "article", DESKTOP)]["body"]
    assert float(body["wordSpacing"].removesuffix("px")) == pytest.approx(-0.22 * body["fontSize"], rel=0.05)
    assert probes[("en", "article", DESKTOP)]["body"]["wordSpacing"] in ("0px", "normal")


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_skip_link_first_and_language_names_in_their_own_faces(probes: dict[Any, Any], lang: str) -> None:
    page = probes[(lang, "article", DESKTOP)]
    assert page["skip"] == {**page["skip"], "href": "#content", "first": True, "focusable": True}
    assert page["skip"]["box"]["top"] + page["skip"]["box"]["height"] <= 0  # out of sight until focused
    names = {item["lang"]: item["fontFamily"] for item in page["switcher"]}
    assert set(names) == {"en", *LANGS}
    for code, family in names.items():
        assert family.startswith(f'"PR {code} Name"'), (code, family)


def test_web_fonts_are_woff2_subsets_shown_while_loading(site: Path) -> None:
    from fontTools.ttLib import TTFont

    css = (site / "css" / "lang-ur.css").read_text("utf-8")
    screen = css[css.index("@media screen { @font-face") :]
    files = re.findall(r'url\("\.\./fonts/([^"]+)"\) format\("woff2"\)', screen)
    assert files and screen.count("font-display: swap") >= len(files)
    for name in files:
        path = site / "fonts" / name
        assert path.read_bytes()[:4] == b"wOF2"
        if name.startswith("PR-ur-Regular"):
            # A subset: Noto Nastaliq Urdu is 570 KB as TrueType.
            assert path.stat().st_size < 200_000
            with TTFont(path) as font:
                assert ord("ہ") in font.getBestCmap() and ord("ژ") not in font.getBestCmap()
