"""A real-looking article with what real articles carry, drafted in Persian and Urdu.

Code (a block and inline), an emoji in the headline and the text, a table of numbers,
a numbered list, a video embed, a ``<details>`` note, a pull quote in an ``<aside>``,
a ``<script>`` that must vanish, and one paragraph hard-wrapped and left untranslated.
The tests render it (tests/test_real_articles.py); run this file to render it again
and take the screenshots and PDF pages committed under docs/ for a human to look at::

    .venv/bin/python tests/showcase.py [OUTPUT_DIR]   # default: docs/
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
SLUG = "vigil"
EMBED = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"

ARTICLE = f"""\
---
title: "Miners' families 🕯️ keep vigil on the highway"
author: Sampath Perera
date: 2021-01-12
slug: {SLUG}
language: en
---

Families of the eleven miners kept the coffins on the highway for a week. ✊

The protest camp checked its list of signatures with a short script
before it was printed:

```console
$ python count.py signatures.csv
Counted 18,500 signatures (3.5% from Karachi)!
```

Run `count.py --help` for the options; `signatures.csv` has one line per name.

This paragraph was left untranslated: it was wrapped at seventy-two
columns in the source, and it must read left to right as one unit, with
its full stop at the end.

| City    | Signatures | Share (%) |
|---------|-----------:|----------:|
| Quetta  |     12,400 |      67.0 |
| Karachi |      6,100 |      33.0 |

The families' demands:

1. Prime Minister Imran Khan meets the families.
2. The killers are found and tried.
3. Security for the Hazara community.

<iframe src="{EMBED}" width="560" height="315"
 title="Video: the vigil on the highway" onload="alert(1)"></iframe>

<details>
<summary>Where the figures come from</summary>

The counts come from the camp's own tally sheets.

</details>

<aside>
“We are only calling him to come here.”
</aside>

<script>alert("x")</script>
"""

UNTRANSLATED = 5
"""Index (in segment order) of the paragraph left untranslated in every draft."""

TRANSLATIONS = {
    "fa": [
        "خانواده‌های معدنچیان 🕯️ در بزرگراه شب‌زنده‌داری می‌کنند",
        "سمپت پررا",
        "خانواده‌های یازده معدنچی یک هفته تابوت‌ها را در بزرگراه نگه داشتند. ✊",
        "اردوگاه اعتراض پیش از چاپ فهرست امضاها، آن را با یک اسکریپت کوتاه بررسی کرد:",
        "برای دیدن گزینه‌ها `count.py --help` را اجرا کنید؛ در `signatures.csv` هر نام یک سطر است.",
        "",
        "شهر",
        "امضاها",
        "سهم (٪)",
        "کویته",
        "کراچی",
        "خواسته‌های خانواده‌ها:",
        "نخست‌وزیر عمران خان با خانواده‌ها دیدار کند.",
        "قاتلان پیدا و محاکمه شوند.",
        "امنیت برای جامعهٔ هزاره.",
        "ویدیو: شب‌زنده‌داری در بزرگراه",
        "این ارقام از کجا آمده‌اند",
        "شمارش‌ها از برگه‌های شمارش خود اردوگاه است.",
        "«ما فقط از او می‌خواهیم که به اینجا بیاید.»",
    ],
    "ur": [
        "کان کنوں کے خاندان 🕯️ شاہراہ پر شب بیداری کر رہے ہیں",
        "سمپتھ پریرا",
        "گیارہ کان کنوں کے خاندانوں نے ایک ہفتے تک تابوت شاہراہ پر رکھے۔ ✊",
        "احتجاجی کیمپ نے دستخطوں کی فہرست چھاپنے سے پہلے ایک مختصر اسکرپٹ سے اس کی جانچ کی:",
        "اختیارات دیکھنے کے لیے `count.py --help` چلائیں؛ `signatures.csv` میں ہر نام ایک سطر پر ہے۔",
        "",
        "شہر",
        "دستخط",
        "حصہ (٪)",
        "کوئٹہ",
        "کراچی",
        "خاندانوں کے مطالبات:",
        "وزیر اعظم عمران خان خاندانوں سے ملاقات کریں۔",
        "قاتلوں کو تلاش کر کے ان پر مقدمہ چلایا جائے۔",
        "ہزارہ برادری کو تحفظ فراہم کیا جائے۔",
        "ویڈیو: شاہراہ پر شب بیداری",
        "یہ اعداد و شمار کہاں سے آئے",
        "گنتی کیمپ کی اپنی گنتی کی شیٹوں سے لی گئی ہے۔",
        "”ہم صرف یہ کہہ رہے ہیں کہ وہ یہاں آئیں۔“",
    ],
}


def make_showcase(root: Path) -> Path:
    """A content root with the article, drafted (fuzzy) in Persian and Urdu, embeds allowed."""
    from pressroom.catalog import extract, mark_unreviewed, read_catalog, write_catalog
    from pressroom.project import load_project
    from pressroom.site import update_site_catalogs

    (root / "source").mkdir(parents=True, exist_ok=True)
    (root / "source" / f"{SLUG}.md").write_text(ARTICLE, encoding="utf-8")
    (root / "workflow.toml").write_text(
        '[project]\nname = "Pressroom showcase"\ntargets = ["ur", "fa"]\n\n'
        '[render]\nembed_hosts = ["www.youtube-nocookie.com"]\n',
        encoding="utf-8",
    )
    project = load_project(root)
    for lang in TRANSLATIONS:  # the sample's site strings (drafts), the footer left untranslated
        site = read_catalog(REPO / "translations" / lang / "site.po")
        for entry in site:
            if entry.msgid.startswith("To contact"):
                entry.msgstr = ""
        write_catalog(project.po_path(lang, "site"), site)
    update_site_catalogs(project)
    extract(project)
    for lang, texts in TRANSLATIONS.items():
        path = project.po_path(lang, SLUG)
        po = read_catalog(path)
        entries = [entry for entry in po if not entry.obsolete]
        assert len(entries) == len(texts), (lang, len(entries))
        for entry, text in zip(entries, texts, strict=True):
            entry.msgstr = text
            if text:
                mark_unreviewed(entry)
        write_catalog(path, po)
    assert isinstance(po, polib.POFile)
    return root


def shrink(path: Path, *, margin: int = 16) -> None:
    """Crop a screenshot to what is drawn (plus a margin) and store it in 256 colours."""
    from PIL import Image, ImageChops

    with Image.open(path) as image:
        rgb = image.convert("RGB")
    box = ImageChops.difference(rgb, Image.new("RGB", rgb.size, (255, 255, 255))).getbbox()
    if box:
        left, _top, right, bottom = box
        right, bottom = min(rgb.width, right + margin), min(rgb.height, bottom + margin)
        rgb = rgb.crop((max(0, left - margin), 0, right, bottom))
    rgb.quantize(colors=256, dither=Image.Dither.NONE).save(path, optimize=True)


def take_screenshots(build: Path, out_dir: Path) -> list[Path]:
    """Chromium at 1280 and 390 px and PDF pages (pdftoppm -r 110), cropped and small."""
    shots: list[Path] = []
    for lang in ("fa", "ur"):
        page = build / lang / f"{SLUG}.html"
        for width in (1280, 390):
            target = out_dir / f"real-article-html-{lang}-{width}.png"
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(
                    ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", f"--user-data-dir={profile}", "--hide-scrollbars",
                     f"--screenshot={target}", f"--window-size={width},3600", page.as_uri()],
                    check=True, capture_output=True, timeout=120,
                )
            shots.append(target)
        kinds = ("", ".bilingual") if lang == "fa" else ("",)
        for kind in kinds:
            pdf = build / lang / f"{SLUG}{kind}.pdf"
            stem = out_dir / f"real-article-pdf-{lang}{kind.replace('.', '-')}"
            pages = ["-f", "1", "-l", "1" if kind else "2"]
            subprocess.run(["pdftoppm", "-r", "110", "-png", *pages, str(pdf), str(stem)], check=True)
            shots.extend(sorted(out_dir.glob(f"{stem.name}-*.png")))
    for shot in shots:
        shrink(shot)
    return shots


def main(argv: list[str]) -> int:
    from pressroom.project import load_project
    from pressroom.rendering import render

    out_dir = Path(argv[0]) if argv else REPO / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        root = make_showcase(Path(tmp) / "showcase")
        report = render(load_project(root), include_drafts=True)
        for warning in report.warnings:
            print("warning:", warning)
        for failure in report.failures:
            print("failure:", failure.describe())
        for shot in take_screenshots(root / "build", out_dir):
            print(shot)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
