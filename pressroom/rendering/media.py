"""Images an article uses, published into ``build/media/``.

Raster images are copied as they are. An SVG is a document that can carry scripts,
event handlers and references to other sites, and it runs them when a reader opens
``build/media/x.svg`` directly; so an SVG is published only after an allow-list pass:
scripts, ``foreignObject``, event-handler attributes, and references that leave the
file (``javascript:``, ``data:``, other hosts, ``@import``/``url()`` in styles) are removed.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import RenderError
from ..fsio import atomic_write, read_bytes
from .assets import copy_if_changed

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_DROPPED_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
_LINK_ATTRIBUTES = {"href", f"{{{XLINK_NS}}}href", "src"}
_CSS_REFERENCE = re.compile(r"@import|url\s*\(|expression\s*\(", re.IGNORECASE)


def publish_media(source: Path, target: Path) -> bool:
    """Publish ``source`` at ``target``; SVGs sanitised. True if the file was (re)written."""
    if source.suffix.lower() not in (".svg", ".svgz"):
        return copy_if_changed(source, target)
    if source.suffix.lower() == ".svgz":
        raise RenderError(
            "compressed SVG images are not published", path=source, hint="save it as a plain .svg"
        )
    return atomic_write(target, sanitize_svg(read_bytes(source, error=RenderError), source))


def sanitize_svg(data: bytes, source: Path) -> bytes:
    """``data`` without anything that runs or loads from elsewhere when the SVG is opened."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise RenderError(
            f"not a well-formed SVG: {exc.msg}", path=source, line=exc.lineno, hint="re-export the image"
        ) from exc
    if etree.QName(root).localname != "svg":
        raise RenderError("not an SVG image (no <svg> root)", path=source, hint="re-export the image")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments, processing instructions
            if element.getparent() is not None:
                element.getparent().remove(element)
            continue
        name = etree.QName(element).localname
        if name in _DROPPED_ELEMENTS or (name == "style" and _CSS_REFERENCE.search(element.text or "")):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        for attribute, value in list(element.attrib.items()):
            local = etree.QName(attribute).localname.lower()
            if local.startswith("on"):
                del element.attrib[attribute]
            elif attribute in _LINK_ATTRIBUTES and not value.strip().startswith("#"):
                del element.attrib[attribute]
            elif local == "style" and _CSS_REFERENCE.search(value):
                del element.attrib[attribute]
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
