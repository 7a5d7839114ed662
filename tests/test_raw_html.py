"""The text a reader sees in raw HTML is offered for translation and put back in place."""

from __future__ import annotations

import pytest

from pressroom.model import Segment, SegmentKind
from pressroom.rawhtml import iter_units, open_elements
from pressroom.segment import iter_body_segments, markdown_parser, translate_body

BODY = """\
Intro paragraph.

<details>
<summary>Where the <b>figures</b> come from</summary>

The counts come from **tally sheets**.

</details>

<figure>
  <img src="chart.png" alt="A chart of the counts" title="Counts by city">
  <figcaption>Signatures by city,
  January 2021</figcaption>
</figure>

> <aside>
> <p>“We are only calling him to come here.”</p>
> <p>A second paragraph of the quote with <abbr title="World Health Organization">WHO</abbr>.</p>
> </aside>

<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video: the vigil"></iframe>

<a href="https://example.org"><img src="badge.svg" alt="Build status"></a>

<div>
<script>var text = "not prose";</script>
<style>p { content: "not prose" }</style>
<!-- a comment, not prose -->
<pre>code, not prose</pre>
<form><label>Name</label><button>Send</button></form>
<p><code>only_code()</code></p>
<p>https://example.org/only/a/url</p>
</div>
"""


def offered(body: str) -> list[tuple[str, str]]:
    return [(s.kind.value, s.text) for s in iter_body_segments(body)]


def test_text_in_kept_html_is_offered_and_nothing_else() -> None:
    assert offered(BODY) == [
        ("paragraph", "Intro paragraph."),
        ("html text", "Where the <b>figures</b> come from"),
        ("paragraph", "The counts come from **tally sheets**."),
        ("image alt text", "A chart of the counts"),
        ("title attribute", "Counts by city"),
        ("html text", "Signatures by city, January 2021"),
        ("html text", "“We are only calling him to come here.”"),
        (
            "html text",
            'A second paragraph of the quote with <abbr title="World Health Organization">WHO</abbr>.',
        ),
        ("title attribute", "Video: the vigil"),
        ("image alt text", "Build status"),
    ]


def test_lines_point_at_the_text() -> None:
    lines = BODY.split("\n")
    for segment in iter_body_segments(BODY):
        words = segment.text.split()[0].lstrip("<“")
        assert words[:4] in lines[segment.line - 1], (segment, lines[segment.line - 1])


def test_identity_keeps_every_byte_and_translations_go_in_place() -> None:
    assert translate_body(BODY, lambda s: s.text) == BODY
    def translate(segment: Segment) -> str | None:
        return f"«{segment.text}» \"ok\" & <b>x</b>" if segment.kind != SegmentKind.PARAGRAPH else None

    marked = translate_body(BODY, translate)
    # Containers and everything around the units are kept; attributes are escaped and quoted.
    assert '> <p>«“We are only calling him to come here.”» "ok" & <b>x</b></p>' in marked
    assert 'alt="«A chart of the counts» &quot;ok&quot; &amp; &lt;b&gt;x&lt;/b&gt;"' in marked
    assert "<figcaption>«Signatures by city, January 2021» \"ok\" & <b>x</b></figcaption>" in marked
    assert '<a href="https://example.org"><img src="badge.svg" alt="«Build status»' in marked
    assert "not prose" in marked
    assert marked.count("\n") == BODY.count("\n") - 1  # the caption's two lines are one
    # The document keeps its structure: the same units, in the same order, of the same kinds.
    assert [kind for kind, _ in offered(marked)] == [kind for kind, _ in offered(BODY)]


def test_rendering_of_the_identity_rebuild_is_the_same() -> None:
    md = markdown_parser()
    assert md.render(translate_body(BODY, lambda s: s.text)) == md.render(BODY)


@pytest.mark.parametrize(
    ("source", "texts"),
    [
        ('<p><a href="x">Only a link</a></p>', ["Only a link"]),  # the wrapping link stays outside
        ("<p><b>Bold</b> start and <i>end</i></p>", ["<b>Bold</b> start and <i>end</i>"]),
        ("<p>A <br> break</p>", ["A <br> break"]),
        ("<ul><li>One</li><li>Two</li></ul>", ["One", "Two"]),
        ('<div id="broken"\n*hi*\n', []),  # a tag the parser cannot read is not text
        ("</ins>\n*bar*\n", ["*bar*"]),
    ],
)
def test_runs(source: str, texts: list[str]) -> None:
    assert [unit.text for unit in iter_units(source) if unit.kind == "text"] == texts


def test_kinds_are_segment_kinds() -> None:
    kinds = {s.kind for s in iter_body_segments(BODY)}
    assert {SegmentKind.HTML_TEXT, SegmentKind.TITLE_ATTRIBUTE, SegmentKind.IMAGE_ALT} <= kinds


def test_open_elements() -> None:
    assert open_elements("<details>\n<summary>x</summary>\n") == 1
    assert open_elements("</details>\n") == -1
    assert open_elements('<p>a<br><img src="x"></p>') == 0
