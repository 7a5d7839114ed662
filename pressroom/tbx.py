"""Glossary export: ``glossary.csv`` as TBX, for the glossary panes of translators' tools.

Input: a :class:`~pressroom.glossary.Glossary` and the languages to include. Output:
TBX-Basic text (ISO 30042, the ``martif`` form that Weblate's glossary component,
Lokalize and Translate Toolkit read), one ``termEntry`` per glossary row:

- the kind (person, place, organisation, publication, term) as the concept's
  ``<descrip type="subjectField">`` and the note as its ``<descrip type="definition">``;
- one ``langSet`` per language, English first: the canonical spelling is a
  ``tig`` marked ``preferredTerm-admn-sts``, each variant (and the English
  acronym, typed ``acronym``) a ``tig`` marked ``admittedTerm-admn-sts``.

``format_tbx()`` is the pure core, ``write_tbx()`` writes it; the same glossary
gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .fsio import atomic_write
from .glossary import Glossary
from .model import Term

SOURCE_LANG = "en"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'


def _entry_id(term: Term, taken: set[str]) -> str:
    """A stable XML ID from the English name (``term-pakistan-people-s-party``), unique in the file."""
    slug = re.sub(r"[^a-z0-9]+", "-", term.english.lower()).strip("-") or "x"
    candidate, number = f"term-{slug}", 2
    while candidate in taken:
        candidate, number = f"term-{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _add_term(lang_set: ET.Element, text: str, *, status: str, term_type: str | None = None) -> None:
    tig = ET.SubElement(lang_set, "tig")
    ET.SubElement(tig, "term").text = text
    if term_type is not None:
        ET.SubElement(tig, "termNote", type="termType").text = term_type
    ET.SubElement(tig, "termNote", type="administrativeStatus").text = status


def _lang_set(entry: ET.Element, lang: str, forms: Sequence[str], acronym: str | None = None) -> None:
    lang_set = ET.SubElement(entry, "langSet", {_XML_LANG: lang})
    for number, form in enumerate(forms):
        _add_term(lang_set, form, status=PREFERRED if number == 0 else ADMITTED)
    if acronym:
        _add_term(lang_set, acronym, status=ADMITTED, term_type="acronym")


def format_tbx(glossary: Glossary, langs: Sequence[str], *, title: str = "Glossary") -> str:
    """The TBX document of every term, in English and each language of ``langs`` that has a spelling.

    English variants (``Imran Khan|Khan``) and the acronym are admitted terms beside
    the canonical name. A term without a spelling in any of ``langs`` still has its
    English entry, so a tool shows it as a name to look up.
    """
    root = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: SOURCE_LANG})
    header = ET.SubElement(root, "martifHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    ET.SubElement(ET.SubElement(file_desc, "titleStmt"), "title").text = title
    source = ET.SubElement(file_desc, "sourceDesc")
    ET.SubElement(source, "p").text = f"Exported from glossary.csv by pressroom {__version__}"
    ET.SubElement(ET.SubElement(header, "encodingDesc"), "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    taken: set[str] = set()
    for term in glossary.terms:
        entry = ET.SubElement(body, "termEntry", id=_entry_id(term, taken))
        ET.SubElement(entry, "descrip", type="subjectField").text = term.kind
        if term.note:
            ET.SubElement(entry, "descrip", type="definition").text = term.note
        forms = glossary.english_forms(term)
        _lang_set(entry, SOURCE_LANG, forms[:-1] if term.acronym else forms, term.acronym)
        for lang in langs:
            if term.spellings.get(lang):
                _lang_set(entry, lang, term.spellings[lang])
    ET.indent(root, space="  ")
    return _PROLOG + ET.tostring(root, encoding="unicode") + "\n"


def write_tbx(path: Path, text: str) -> bool:
    """Write a TBX document atomically; an unchanged file is left alone."""
    return atomic_write(path, text)
