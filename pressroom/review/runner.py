"""Review of a project: which catalogs, read how, in which processes.

Input: the project (catalogs, glossary, ``[review]`` settings) and the languages and
articles asked for. Output: the findings of every catalog, in article, language and
entry order. Planning turns the request into pure, picklable tasks (one per catalog);
the executor that runs them (this process, or a pool of worker processes for a large
review) is the one swappable piece.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog.io import read_catalog
from ..errors import SourceError, UnknownLanguageError
from ..languages import Language
from ..model import Finding
from .codes import CODES, ReviewSettings
from .findings import review_catalog

if TYPE_CHECKING:
    from ..glossary import Glossary
    from ..project import Project

PARALLEL_MIN_CATALOGS = 200
"""Below this many catalogs, worker processes cost more than they save."""


def _review_slugs(project: Project, slugs: Sequence[str] | None) -> list[str]:
    from ..catalog.stats import catalog_slugs

    known = set(catalog_slugs(project))
    for lang in project.targets:
        known.update(path.stem for path in (project.translations_dir / lang).glob("*.po"))
    if slugs is None:
        return sorted(known)
    for slug in slugs:
        if slug not in known:
            raise SourceError(
                f"unknown article {slug!r}",
                path=project.source_path(slug),
                hint="articles are source/<slug>.md; run without ARTICLE to review all catalogs",
            )
    return list(dict.fromkeys(slugs))


def load_glossary(project: Project) -> Glossary | None:
    """The project's glossary, or None when it has no glossary.csv."""
    from ..glossary import read_glossary

    if not project.glossary_path.exists():
        return None
    scripts = {code: language.script for code, language in project.languages.items()}
    return read_glossary(project.glossary_path, scripts=scripts)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Task:
    """Everything needed to review one catalog, picklable for worker processes."""

    slug: str
    language: Language
    path: Path
    include_untranslated: bool


def _plan_tasks(
    project: Project, slugs: Sequence[str], languages: Sequence[Language], *, include_untranslated: bool
) -> list[_Task]:
    """One task per catalog: every language of every article, in that order."""
    return [
        _Task(
            slug=slug,
            language=language,
            path=project.po_path(language.code, slug),
            include_untranslated=include_untranslated,
        )
        for slug in slugs
        for language in languages
    ]


_WORKER: dict[str, Any] = {}


def _init_worker(glossary: Glossary | None, settings: ReviewSettings) -> None:
    _WORKER["glossary"] = glossary
    _WORKER["settings"] = settings


def _review_task(
    task: _Task, glossary: Glossary | None = None, settings: ReviewSettings | None = None
) -> list[Finding]:
    if settings is None:  # in a worker process
        glossary, settings = _WORKER["glossary"], _WORKER["settings"]
    language = task.language
    if not task.path.exists():
        if not task.include_untranslated:
            return []
        return [
            Finding(
                code="missing-catalog",
                severity=CODES["missing-catalog"],
                article=task.slug,
                lang=language.code,
                msgid="",
                path=task.path,
                message=f"no {language.name} catalog",
                hint="run 'workflow.py extract' to create it",
            )
        ]
    return review_catalog(
        read_catalog(task.path),
        language,
        article=task.slug,
        path=task.path,
        glossary=glossary,
        settings=settings,
        include_untranslated=task.include_untranslated,
    )


def _run_in_process(
    tasks: Sequence[_Task], glossary: Glossary | None, settings: ReviewSettings
) -> list[Finding]:
    findings: list[Finding] = []
    for task in tasks:
        findings += _review_task(task, glossary, settings)
    return findings


def _run_in_pool(
    tasks: Sequence[_Task], glossary: Glossary | None, settings: ReviewSettings, *, jobs: int
) -> list[Finding]:
    """The tasks spread over ``jobs`` worker processes; results in task order."""
    from concurrent.futures import ProcessPoolExecutor

    findings: list[Finding] = []
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(glossary, settings)
    ) as pool:
        for part in pool.map(_review_task, tasks, chunksize=max(1, len(tasks) // (jobs * 8))):
            findings += part
    return findings


def review(
    project: Project,
    langs: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    *,
    include_untranslated: bool = True,
    glossary: Glossary | None = None,
    jobs: int | None = None,
) -> list[Finding]:
    """Review every catalog of ``slugs`` (all by default) in ``langs`` (all targets by default).

    Raises ``GlossaryError`` for a broken glossary and ``CatalogError`` for a broken
    catalog (both are input errors, not findings); an article with no catalog in a
    language is a ``missing-catalog`` finding when ``include_untranslated``. Findings
    come in article, language and entry order. With ``jobs`` > 1 (default: ``[review]
    jobs``, else the number of CPUs) a large review is spread over worker processes;
    the result is the same.
    """
    languages = project.target_languages(list(langs) if langs else None)
    if glossary is None:
        glossary = load_glossary(project)
    settings = ReviewSettings.from_project(project)
    chosen = _review_slugs(project, slugs)
    tasks = _plan_tasks(project, chosen, languages, include_untranslated=include_untranslated)
    if jobs is None:
        jobs = int(project.section("review").get("jobs", 0)) or os.cpu_count() or 1
    if jobs > 1 and len(tasks) >= PARALLEL_MIN_CATALOGS:
        return _run_in_pool(tasks, glossary, settings, jobs=jobs)
    return _run_in_process(tasks, glossary, settings)


def catalog_language(project: Project, po_path: Path, header_lang: str | None, lang: str | None) -> Language:
    """The language to review a catalog in: ``lang`` if given, else its ``Language`` header.

    ``fa_IR`` and ``fa-IR`` fall back to ``fa``; a language the project does not
    configure is an error naming ``--lang``.
    """
    code = lang or header_lang or ""
    for candidate in (code, code.replace("-", "_").split("_")[0].split("@")[0].lower()):
        if candidate in project.languages:
            return project.languages[candidate]
    known = ", ".join(sorted(project.languages))
    raise UnknownLanguageError(
        f"cannot review in language {code!r}" if code else "no Language header",
        path=po_path,
        hint=f"give the language with --lang (configured: {known})",
    )


def review_files(
    project: Project,
    po_paths: Sequence[Path],
    *,
    lang: str | None = None,
    include_untranslated: bool = True,
    glossary: Glossary | None = None,
) -> list[Finding]:
    """Review PO files from anywhere (another tool's, a freelancer's) with the same checks.

    Each file's language is its ``Language`` header unless ``lang`` is given; its
    article is the file name's stem. The project's glossary and ``[review]`` settings
    apply. A broken file is a ``CatalogError``, as for the project's own catalogs.
    """
    if glossary is None:
        glossary = load_glossary(project)
    settings = ReviewSettings.from_project(project)
    findings: list[Finding] = []
    for po_path in po_paths:
        po = read_catalog(po_path)
        language = catalog_language(project, po_path, po.metadata.get("Language"), lang)
        findings += review_catalog(
            po,
            language,
            article=po_path.stem,
            path=po_path,
            glossary=glossary,
            settings=settings,
            include_untranslated=include_untranslated,
        )
    return findings
