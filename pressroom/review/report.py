"""Review reports: the findings as text, JSON or a self-contained HTML page.

Input: findings (and the project, for paths, language names and templates). Output:
report text; writing it anywhere is the CLI's business. The review gate's question,
:func:`has_errors`, is answered here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Finding, Severity
from .codes import CODES

if TYPE_CHECKING:
    from ..project import Project


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding fails the review gate."""
    return any(finding.severity is Severity.ERROR for finding in findings)


def finding_to_dict(
    finding: Finding, project_root: Path | None = None, *, relative: dict[Path, str | None] | None = None
) -> dict[str, Any]:
    """A JSON-ready dict of one finding (paths relative to ``project_root`` when inside it).

    ``relative`` caches each path's form across the findings of one report: resolving
    it is a system call, and a large review has hundreds of thousands of findings.
    """
    path: str | None = None
    if finding.path is not None:
        cached = relative.get(finding.path) if relative is not None else None
        if cached is not None:
            path = cached
        else:
            path = str(finding.path)
            if project_root is not None:
                try:
                    path = finding.path.resolve().relative_to(project_root.resolve()).as_posix()
                except ValueError:
                    pass
            if relative is not None:
                relative[finding.path] = path
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "article": finding.article,
        "lang": finding.lang,
        "path": path,
        "line": finding.line,
        "msgctxt": finding.msgctxt,
        "msgid": finding.msgid,
        "msgstr": finding.msgstr,
        "message": finding.message,
        "hint": finding.hint,
        "span": list(finding.span) if finding.span else None,
    }


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts per severity: ``{"error": n, "warning": n, "info": n}``."""
    counts = {str(severity): 0 for severity in Severity}
    for finding in findings:
        counts[str(finding.severity)] += 1
    return counts


def format_json(findings: Sequence[Finding], project_root: Path | None = None) -> str:
    """The JSON report: findings, counts per severity and the checks that ran."""
    return "".join(json_pieces(findings, project_root))


def json_pieces(findings: Sequence[Finding], project_root: Path | None = None) -> Iterator[str]:
    """The JSON report in pieces, one finding at a time, as ``json.dumps(..., indent=2)`` writes it.

    A review of 5,000 articles can have 500,000 findings: the report (480 MB) is
    written as it is made, never held whole with its dicts (3 GB at peak before).
    """
    import json

    head = {
        "summary": summarize(findings),
        "checks": {code: str(severity) for code, severity in CODES.items()},
        "findings": [],
    }
    text = json.dumps(head, ensure_ascii=False, indent=2)
    if not findings:
        yield text + "\n"
        return
    yield text[: text.rindex("[]")] + "["
    relative: dict[Path, str | None] = {}
    separator = "\n    "
    for finding in findings:
        fields = finding_to_dict(finding, project_root, relative=relative)
        item = json.dumps(fields, ensure_ascii=False, indent=2)
        yield separator + item.replace("\n", "\n    ")
        separator = ",\n    "
    yield "\n  ]\n}\n"


def _pieces(text: str, span: tuple[int, int] | None) -> tuple[str, str, str]:
    if span is None or not (0 <= span[0] <= span[1] <= len(text)):
        return text, "", ""
    return text[: span[0]], text[span[0] : span[1]], text[span[1] :]


def format_html(project: Project, findings: Sequence[Finding], *, title: str = "Review report") -> str:
    """The self-contained HTML report (``render/review_report.html.j2``), autoescaped."""
    import jinja2

    from ..site import template_dirs

    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for finding in findings:
        language = project.languages.get(finding.lang)
        before, marked, after = _pieces(finding.msgstr, finding.span)
        item = finding_to_dict(finding, project.root)
        item.update(
            before=before,
            marked=marked,
            after=after,
            dir=language.direction if language else "auto",
            lang_name=language.name if language else finding.lang,
        )
        groups.setdefault((finding.article, finding.lang), []).append(item)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(project)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    template = env.get_template("review_report.html.j2")
    return template.render(
        title=title,
        source_lang=project.source_language,
        summary=summarize(findings),
        groups=[
            {"article": article, "lang": lang, "items": items} for (article, lang), items in groups.items()
        ],
        checks=CODES,
    )


def finding_location(project: Project, finding: Finding) -> str:
    """``translations/ur/a.po:12``: where a finding is, relative to the project ("" when nowhere)."""
    if finding.path is None:
        return ""
    where = project.relative(finding.path)
    return f"{where}:{finding.line}" if finding.line else where


def format_text(project: Project, findings: Sequence[Finding]) -> str:
    """The plain-text report: findings grouped by article and language, one line each, with hints."""
    lines = []
    current: tuple[str, str] | None = None
    for finding in findings:
        if (finding.article, finding.lang) != current:
            current = (finding.article, finding.lang)
            lines.append(f"{finding.article} [{finding.lang}]")
        where = finding_location(project, finding)
        lines.append(f"  {where}: {finding.severity} [{finding.code}] {finding.message}")
        if finding.hint:
            lines.append(f"      hint: {finding.hint}")
    return "\n".join(lines) + ("\n" if lines else "")
