"""Typography in the PDFs of the sample article: page fill, fonts, direction, searchable Persian.

One render of the repository's sample article with its draft catalogs (every
language, article and bilingual PDFs), checked with poppler's tools.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import REPO, inflated, pdftext
from PIL import Image

from pressroom.project import load_project
from pressroom.rendering import render

SLUG = "pakistan-hazara-miners"
LANGS = ("ur", "fa", "si")
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, PAGE_MM = 22, 24, 297


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample article rendered as PDF (article and bilingual) in every language, drafts included."""
    root = tmp_path_factory.mktemp("sample") / "press"
    for name in ("source", "translations"):
        shutil.copytree(REPO / name, root / name)
    render(load_project(root), formats=("pdf",), include_drafts=True, bilingual=True)
    return root / "build"


def page_fill(pdf: Path, dpi: int = 30) -> list[float]:
    """Per page, how far down the body area (inside the top and bottom margins) ink reaches, 0..1.

    Rasterised in grey; a row counts when a pixel is darker than 160 of 255, so the
    pale draft watermark and the light rules between pairs do not.
    """
    fills = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{tmp}/p"], check=True, timeout=120)
        for pgm in sorted(Path(tmp).glob("p*.pgm")):
            image = Image.open(pgm)
            width, height = image.size
            top = round(MARGIN_TOP_MM / PAGE_MM * height)
            bottom = height - round(MARGIN_BOTTOM_MM / PAGE_MM * height)
            pixels = image.load()
            assert pixels is not None
            last = top
            for y in range(top, bottom):
                if any(int(pixels[x, y]) < 160 for x in range(width)):  # type: ignore[arg-type]
                    last = y
            fills.append((last - top) / (bottom - top))
    return fills


@pytest.mark.parametrize("lang", LANGS)
def test_bilingual_pdf_pages_are_full_but_the_last(sample: Path, lang: str) -> None:
    fills = page_fill(sample / lang / f"{SLUG}.bilingual.pdf")
    assert len(fills) > 3
    assert all(fill >= 0.75 for fill in fills[:-1]), [round(f, 2) for f in fills]


def pdffont_names(pdf: Path) -> list[str]:
    """Embedded font names as pdffonts prints them, without the subset tag (``ABCDEF+``)."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in out.splitlines()[2:]]


@pytest.mark.parametrize("lang", LANGS)
def test_no_synthesised_face_is_embedded(sample: Path, lang: str) -> None:
    for kind in ("", ".bilingual"):
        names = pdffont_names(sample / lang / f"{SLUG}{kind}.pdf")
        assert not [n for n in names if "Oblique" in n], names
        # The only slanted face is the Latin italic of the English text.
        assert all(("Italic" not in n) or n.startswith(("NotoSerif", "PR-en")) for n in names), names


REAL_NAMES = {
    "ur": {"NotoNastaliqUrdu-Regular", "NotoNastaliqUrdu-Bold"},
    "fa": {"NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold", "NotoNaskhArabic-SemiBold", "NotoSans-Regular"},
    "si": {"NotoSerifSinhala-Regular", "NotoSerifSinhala-Bold", "NotoSerifSinhala-SemiBold"},
}


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_embedded_under_their_real_names(sample: Path, lang: str) -> None:
    names = set(pdffont_names(sample / lang / f"{SLUG}.pdf"))
    assert REAL_NAMES[lang] | {"NotoSerif-Regular"} <= names
    # Nothing stands in for a weight or slant it lacks (finishing.pdf_font_name would say so).
    assert not [n for n in names if "," in n or n.startswith("PR-")], names
    assert not [n for n in names if "DejaVu" in n], names  # no system fallback


def test_a_face_standing_in_for_bold_or_italic_is_named_so() -> None:
    from pressroom.rendering.finishing import pdf_font_name

    assert pdf_font_name("NotoSerif-Regular", 400, False, 700, 0) == "NotoSerif-Regular,Bold"
    assert pdf_font_name("NotoSerifSinhala-Regular", 400, False, 400, 2) == "NotoSerifSinhala-Regular,Oblique"
    assert pdf_font_name("NotoNastaliqUrdu-Bold", 700, False, 700, 0) == "NotoNastaliqUrdu-Bold"
    assert pdf_font_name("NotoNaskhArabic-SemiBold", 600, False, 600, 0) == "NotoNaskhArabic-SemiBold"


def test_persian_punctuation_comes_from_one_deliberate_face_per_weight(sample: Path) -> None:
    from fontTools.ttLib import TTFont

    css = (sample / "css" / "lang-fa.css").read_text("utf-8")
    for weight in ("Regular", "Bold"):
        with TTFont(sample / "fonts" / f"PR-fa-Punct{weight}.ttf") as font:
            cmap = font.getBestCmap()
            assert font["name"].getDebugName(6) == f"NotoSans-{weight}"
        assert all(ord(c) in cmap for c in "()[]/—“”%-–;?")
        assert not any(chr(c).isalpha() for c in cmap)  # punctuation only: letters never fall to it
    # Each Persian stack: the Naskh face, then the punctuation face of the nearest weight, then Latin.
    stacks = re.findall(r"font-family: (\"PR fa [^;]*,[^;]*);", css)  # stacks, not @font-face
    assert stacks and all(re.search(r'"PR fa (?:Regular|Bold|SemiBold)", .*"PR fa Punct', s) for s in stacks)






def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_right_to_left_pdfs_ask_viewers_for_right_to_left_spreads(sample: Path, lang: str) -> None:
    for kind in ("",) if lang == "en" else ("", ".bilingual"):
        direction = re.search(rb"/Direction\s*/(\w+)", inflated(sample / lang / f"{SLUG}{kind}.pdf"))
        assert (direction.group(1) if direction else b"L2R") == (b"R2L" if lang in ("ur", "fa") else b"L2R")


@pytest.mark.parametrize("lang", LANGS)
def test_watermark_is_not_text_and_running_marks_are_artifacts(sample: Path, lang: str) -> None:
    from pressroom.site import site_translations

    pdf = sample / lang / f"{SLUG}.pdf"
    project = load_project(sample.parent)
    words = site_translations(project, lang, include_drafts=True).gettext("Unreviewed draft")

    def plain(text: str) -> str:  # joiners and bidi controls aside
        return re.sub("[\u200c\u200d\u200e\u200f\u202a-\u202e]", "", text)

    lines = [line for line in plain(pdftext(pdf)).splitlines() if plain(words) in line]
    # The running mark at each page's foot says it, and the banner of page 1 may; the
    # watermark, outlines in the page background, is no longer read into the body lines.
    assert len([line for line in lines if "Unreviewed draft" in line]) == pages(pdf)
    assert len([line for line in lines if "Unreviewed draft" not in line]) <= 1, lines
    with Image.open(sample / "css" / f"watermark-{lang}.png") as image:
        assert image.mode == "RGBA" and image.getextrema()[3][1] > 0  # transparent, with a visible mark
    # Running head, page number and draft mark: pagination artifacts on every page.
    assert inflated(pdf).count(b"/Artifact\n<</Type /Pagination>>\nBDC") >= 3 * pages(pdf)


def catalog_text(lang: str) -> str:
    import polib

    return "\n".join(e.msgstr for e in polib.pofile(str(REPO / "translations" / lang / f"{SLUG}.po")))


@pytest.mark.parametrize("kind", ["", ".bilingual"])
def test_persian_zwnj_survive_in_extracted_text(sample: Path, kind: str) -> None:
    from pressroom.rendering import extracted_word_share, extracted_zwnj_share

    text = catalog_text("fa")
    assert text.count("\u200c") > 150
    pdf = sample / "fa" / f"{SLUG}{kind}.pdf"
    assert extracted_zwnj_share(text, pdf) >= 0.95  # 2 % before: pdftotext gave میکنند for می‌کنند
    assert extracted_word_share(text, pdf) >= 0.99


@pytest.mark.parametrize(
    ("lang", "present", "absent"),
    [("fa", ("دی", "۱۳۹۹", "ژانویه", "۲۰۲۱"), ()), ("si", ("ජනවාරි",), ("දුරුතු",)), ("ur", ("جنوری",), ())],
)
def test_byline_dates_in_the_pdf(
    sample: Path, lang: str, present: tuple[str, ...], absent: tuple[str, ...]
) -> None:
    first_page = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(sample / lang / f"{SLUG}.pdf"), "-"],
        capture_output=True, check=True,
    ).stdout.decode("utf-8")
    lines = first_page.splitlines()
    byline = next(line for line in lines if "—" in line and ("2021" in line or "۲۰۲۱" in line))
    assert all(word in byline for word in present), byline
    assert not any(word in first_page for word in absent)


@pytest.mark.parametrize("lang", LANGS)
def test_running_head_fits_one_line(sample: Path, lang: str) -> None:
    top_margin_pt = MARGIN_TOP_MM * 72 / 25.4
    for kind in ("", ".bilingual"):
        layout = subprocess.run(
            ["pdftotext", "-bbox-layout", str(sample / lang / f"{SLUG}{kind}.pdf"), "-"],
            capture_output=True, text=True, check=True,
        ).stdout
        for number, page in enumerate(layout.split("<page ")[1:], start=1):
            boxes = re.findall(r'<line xMin="[0-9.]+" yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)"', page)
            tops = sorted(float(top) for top, bottom in boxes if float(bottom) < top_margin_pt)
            # poppler may cut one line at wide spaces into several: count rows, not pieces.
            rows = [top for n, top in enumerate(tops) if n == 0 or top - tops[n - 1] > 4]
            assert len(rows) == 1, (kind, number, tops)
