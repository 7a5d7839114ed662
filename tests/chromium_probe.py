"""Computed styles of rendered pages in headless Chromium, at any viewport width.

Each page is loaded in an iframe of the wanted width inside one probe page (so one
Chromium run measures several pages and widths); a script reads ``getComputedStyle``
and bounding boxes in each frame and writes them as JSON into the probe's DOM, which
``--dump-dom`` prints. Media queries inside an iframe see the iframe's width.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")

# Runs inside each frame's window as w, document as d; returns a JSON-able value.
MEASURE = """
(w, d) => {
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
    return {top: r.top, left: r.left, width: r.width, height: r.height}; };
  const style = (el) => { if (!el) return null; const s = w.getComputedStyle(el);
    return {fontSize: parseFloat(s.fontSize), fontWeight: s.fontWeight, fontStyle: s.fontStyle,
            fontFamily: s.fontFamily, color: s.color, display: s.display, wordSpacing: s.wordSpacing,
            textAlign: s.textAlign}; };
  const lang = d.documentElement.lang;
  const pair = d.querySelector('tr.pair:not(.heading-pair)');
  const em = d.querySelector('.body em, td[lang="' + lang + '"] em');
  const skip = d.querySelector('a.skip-link');
  return {
    width: w.innerWidth,
    lang: lang,
    h1: style(d.querySelector('h1.title')),
    body: style(d.querySelector('.body p, td[lang="' + lang + '"] p')),
    em: style(em), emParent: style(em && em.parentElement),
    target: box(pair && pair.querySelector('td[lang="' + lang + '"]')),
    original: box(pair && pair.querySelector('td[lang="en"]')),
    switcher: Array.from(d.querySelectorAll('.language-switcher [lang]')).map(
      (el) => ({lang: el.lang, fontFamily: w.getComputedStyle(el).fontFamily})),
    skip: skip ? {href: skip.getAttribute('href'), first: d.body.firstElementChild === skip,
                  box: box(skip), focusable: skip.tabIndex >= 0} : null,
  };
}
"""


def measure(pages: Sequence[tuple[Path, int]], *, timeout: float = 120) -> list[dict[str, Any]]:
    """For each (HTML file, viewport width) what :data:`MEASURE` returns, in order."""
    frames = "\n".join(
        f'<iframe src="{html.escape(path.resolve().as_uri())}" '
        f'style="width:{width}px;height:900px;border:0;display:block"></iframe>'
        for path, width in pages
    )
    script = f"""
<script>
const measure = {MEASURE};
window.addEventListener('load', () => {{
  const out = Array.from(document.querySelectorAll('iframe')).map(
    (f) => measure(f.contentWindow, f.contentDocument));
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}});
</script>"""
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.html"
        probe.write_text(f"<!DOCTYPE html><html><body>{frames}{script}</body></html>", encoding="utf-8")
        dom = subprocess.run(
            [
                str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--allow-file-access-from-files", f"--user-data-dir={tmp}/profile",
                "--window-size=1400,900", "--virtual-time-budget=5000", "--dump-dom", probe.as_uri(),
            ],
            capture_output=True, text=True, timeout=timeout, check=True,
        ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert found, f"the probe wrote nothing: {dom[-500:]}"
    result: list[dict[str, Any]] = json.loads(html.unescape(found.group(1)))
    return result
