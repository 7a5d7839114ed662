"""The ``wrong-script`` and ``latin-text`` checks: letters outside the target language's script.

Latin inside Arabic-script or Sinhala text is normal in news and software: names,
acronyms and products are often kept as written. So Latin is an error
(``wrong-script``) only when the translation is mostly in another script (the
source pasted or left untranslated) or when a glossary term is left in Latin; any
other Latin run is ``info`` (``latin-text``), and a glossary term of kind
``keep-latin`` nothing at all. Letters of a third script (Arabic letters in
Sinhala) are always an error. URLs, code, markup, placeholders and ACRONYMS are
masked first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..scripts import foreign_runs, has_own_letters, iter_script_runs
from .codes import Problem
from .masking import ACRONYM_RUN, mask_non_prose

if TYPE_CHECKING:
    from ..glossary import Glossary

_NAMES = {"Latn": "Latin", "Arab": "Arabic-script", "Sinh": "Sinhala", "Deva": "Devanagari"}
MOSTLY_FOREIGN = 0.5
"""Share of letters in another script above which the whole translation is wrong-script."""
_MIN_FOREIGN_LETTERS = 4
_MIN_LATIN_WORDS = 3
"""A translation with its own letters is "mostly Latin" only with an English phrase (three
lowercase words), not with kept names."""


def check_script(target: str, lang: str, script: str, *, glossary: Glossary | None = None) -> list[Problem]:
    """Foreign letters in the translation, judged as the module docstring says."""
    masked = mask_non_prose(target)
    runs = [
        (found, start, end)
        for found, start, end in foreign_runs(masked, script)
        if not (found == "Latn" and ACRONYM_RUN.fullmatch(masked, start, end))
    ]
    if not runs:
        return []
    want = _NAMES.get(script, script)
    foreign = sum(end - start for _, start, end in runs)
    own = sum(end - start for found, start, end in iter_script_runs(masked) if found == script)
    # Lowercase Latin words are English prose left in; capitalised ones are names kept.
    latin_words = sum(
        1
        for found, start, end in runs
        if found == "Latn"
        for word in masked[start:end].split()
        if word[:1].islower()
    )
    if (
        foreign >= _MIN_FOREIGN_LETTERS
        and foreign > MOSTLY_FOREIGN * (foreign + own)
        and (own == 0 or latin_words >= _MIN_LATIN_WORDS or all(found != "Latn" for found, _, _ in runs))
    ):
        start, end = runs[0][1], runs[-1][2]
        return [
            Problem(
                code="wrong-script",
                message=f"the {lang} translation is mostly not in {want} script: {target[start:end]!r}",
                hint="translate it; the source may have been pasted in or left as it was",
                span=(start, end),
            )
        ]
    stretches: list[list[int]] = []
    for _, start, end in runs:
        if stretches and not has_own_letters(masked, script, stretches[-1][1], start):
            stretches[-1][1] = end  # only spaces, digits or punctuation between: one stretch
        else:
            stretches.append([start, end])
    problems = []
    for start, end in stretches:
        found = target[start:end]
        kind = _first_script(found)
        if kind != "Latn":
            problems.append(
                Problem(
                    code="wrong-script",
                    message=f"{_NAMES.get(kind, 'foreign')} text in the {lang} translation: {found!r}",
                    hint=f"write it in {want} script",
                    span=(start, end),
                )
            )
            continue
        terms = _latin_terms(found, lang, glossary)
        if terms is None:
            continue  # a name the glossary keeps in Latin
        if terms:
            problems.append(
                Problem(
                    code="wrong-script",
                    message=f"glossary term {terms[0]!r} left in Latin in the {lang} translation",
                    hint=f"write it as the glossary spells it in {want} script",
                    span=(start, end),
                )
            )
            continue
        problems.append(
            Problem(
                code="latin-text",
                message=f"Latin text in the {lang} translation: {found!r}",
                hint="fine for a name or product kept in Latin (glossary kind keep-latin silences it); "
                "otherwise translate it",
                span=(start, end),
            )
        )
    return problems


def _latin_terms(text: str, lang: str, glossary: Glossary | None) -> list[str] | None:
    """Glossary terms written in Latin in ``text`` that ``lang`` spells otherwise.

    None when the whole stretch is terms the glossary keeps in Latin (kind
    ``keep-latin``, or a Latin spelling listed for ``lang``).
    """
    if glossary is None:
        return []
    matches = glossary.match_source(text)
    if not matches:
        return []
    wrong = []
    for match in matches:
        term = match.term
        forms = term.spellings.get(lang, ())
        if term.kind == "keep-latin" or any(text[match.start : match.end] == form for form in forms):
            continue
        wrong.append(text[match.start : match.end])
    if wrong:
        return wrong
    covered = sum(match.end - match.start for match in matches)
    letters = sum(1 for char in text if char.isalpha())
    return None if covered >= letters else []


def _first_script(text: str) -> str:
    """Script of the first letter run of ``text`` (``Zyyy`` when none)."""
    for script, _, _ in iter_script_runs(text):
        return script
    return "Zyyy"
