"""The ``wrong-script`` check: letters outside the target language's script.

URLs, code, domains and acronyms may stay Latin; any other run of foreign letters
(with only spaces, digits or punctuation between them) is one finding.
"""

from __future__ import annotations

from ..scripts import foreign_runs, has_own_letters, iter_script_runs
from .codes import Problem
from .masking import ACRONYM_RUN, mask_non_prose


def check_script(target: str, lang: str, script: str) -> list[Problem]:
    """Letters outside the language's script, except URLs, code, domains and ACRONYMS."""
    masked = mask_non_prose(target)
    stretches: list[list[int]] = []
    for found_script, start, end in foreign_runs(masked, script):
        if found_script == "Latn" and ACRONYM_RUN.fullmatch(masked, start, end):
            continue
        if stretches and not has_own_letters(masked, script, stretches[-1][1], start):
            stretches[-1][1] = end  # only spaces, digits or punctuation between: one stretch
        else:
            stretches.append([start, end])
    problems = []
    names = {"Latn": "Latin", "Arab": "Arabic-script", "Sinh": "Sinhala", "Deva": "Devanagari"}
    for start, end in stretches:
        found = target[start:end]
        kind = names.get(_first_script(found), "foreign")
        problems.append(
            Problem(
                code="wrong-script",
                message=f"{kind} text in the {lang} translation: {found!r}",
                hint=f"write it in {names.get(script, script)} script (names as in the glossary); "
                "Latin is kept only for URLs, code and acronyms",
                span=(start, end),
            )
        )
    return problems


def _first_script(text: str) -> str:
    """Script of the first letter run of ``text`` (``Zyyy`` when none)."""
    for script, _, _ in iter_script_runs(text):
        return script
    return "Zyyy"
