"""Review of parsed catalog entries: every check on every translated pair, ``noqa`` honoured.

Input: a catalog's entries (polib's model, as ``catalog.io.read_catalog`` gives them),
the language, the glossary and the settings. Output: :class:`~pressroom.model.Finding`
objects, collected and never raised. Pure: nothing here reads files.

:func:`check_entry` runs the checks of every family (one module each: ``terms``,
``numbers``, ``markup``, ``script``, ``punctuation``, ``spacing``, ``length``) on one
(source, translation) pair; :func:`review_catalog` runs it over a catalog, adding
``untranslated`` and the ``# noqa: code`` silencing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.conventions import noqa_codes
from ..languages import Language
from ..model import Finding
from ..scripts import LANG_SCRIPTS
from .codes import DEFAULT_LENGTH_RATIO, Problem, ReviewSettings
from .length import check_identical, check_length
from .markup import check_entities, check_markup, check_placeholders, check_tags
from .numbers import check_numbers
from .punctuation import check_end_punctuation
from .script import check_script
from .spacing import check_bidi_controls, check_double_space
from .terms import check_glossary_terms

if TYPE_CHECKING:
    import polib

    from ..glossary import Glossary

_UNTRANSLATED = Problem(
    code="untranslated",
    message="not translated",
    hint="translate it in the PO file, or run 'workflow.py draft'",
)


def check_entry(
    source: str,
    target: str,
    language: Language,
    *,
    glossary: Glossary | None = None,
    settings: ReviewSettings | None = None,
) -> list[Problem]:
    """Run every entry check on one translated pair; the core of :func:`review`.

    A translation that is its English source gets that one finding and no others.
    """
    lang = language.code
    settings = settings or ReviewSettings(length_ratio=DEFAULT_LENGTH_RATIO)
    identical = check_identical(source, target, language)
    if identical or target.strip() == source.strip():
        return identical  # the same text, and nothing to translate in it: nothing else to check
    problems = check_glossary_terms(source, target, lang, glossary) if glossary is not None else []
    problems += check_numbers(source, target, lang)
    problems += check_markup(source, target)
    problems += check_tags(source, target)
    problems += check_entities(source, target)
    problems += check_placeholders(source, target)
    script = language.script or LANG_SCRIPTS.get(lang, "Latn")
    if script != "Latn":
        problems += check_script(target, lang, script, glossary=glossary)
    problems += check_end_punctuation(source, target, language)
    problems += check_double_space(source, target)
    problems += check_bidi_controls(source, target)
    problems += check_length(source, target, lang, settings)
    return problems


def review_catalog(
    po: Iterable[polib.POEntry],
    language: Language,
    *,
    article: str,
    path: Path | None = None,
    glossary: Glossary | None = None,
    settings: ReviewSettings | None = None,
    include_untranslated: bool = True,
) -> list[Finding]:
    """Findings for one parsed catalog: translated and fuzzy entries; obsolete ones skipped.

    Plural entries are checked form by form (``msgstr[0]`` against the msgid, the others
    against ``msgid_plural``).
    """
    findings: list[Finding] = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        silenced = noqa_codes(entry)
        for source, target in _pairs(entry):
            if target.strip():
                problems = check_entry(source, target, language, glossary=glossary, settings=settings)
                if entry.msgid_plural:
                    problems = _plural_problems(problems, entry)
            else:
                problems = [_UNTRANSLATED] if include_untranslated else []
            findings += (
                _finding(problem, entry, target, language, article=article, path=path)
                for problem in problems
                if problem.code not in silenced
            )
    return findings


def _finding(
    problem: Problem,
    entry: polib.POEntry,
    target: str,
    language: Language,
    *,
    article: str,
    path: Path | None,
) -> Finding:
    return Finding(
        code=problem.code,
        severity=problem.severity,
        article=article,
        lang=language.code,
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgstr=target,
        line=entry.linenum,
        path=path,
        message=problem.message,
        hint=problem.hint,
        span=problem.span,
    )


def _plural_problems(problems: list[Problem], entry: polib.POEntry) -> list[Problem]:
    """A plural form may use the other form's placeholders (``%(count)s`` in the one form of fa)."""
    both = entry.msgid + "\n" + entry.msgid_plural
    return [
        problem
        for problem in problems
        if not (
            problem.code == "markup-mismatch"
            and problem.message.startswith("placeholder ")
            and problem.message.endswith("is not in the source")
            and problem.message.split()[1] in both
        )
    ]


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = sorted(entry.msgstr_plural.items())
    return [(entry.msgid if int(index) == 0 else entry.msgid_plural, text) for index, text in forms]
