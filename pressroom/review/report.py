"""Review reports: the findings as text, JSON or a self-contained HTML page.

Input: findings (and the project, for paths, language names and templates). Output:
report text; writing it anywhere is the CLI's business. The review gate's question,
:func:`has_errors`, is answered here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Finding, Severity
from .codes import CODES

if TYPE_CHECKING:
    from ..project import Project


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding fails the review gate."""
    return any(finding.severity is Severity.ERROR for finding in findings)


def finding_to_dict(finding: Finding, project_root: Path | None = None) -> dict[str, Any]:
    """A JSON-ready dict of one finding (paths relative to ``project_root`` when inside it)."""
    path: str | None = None
    if finding.path is not None:
        path = str(finding.path)
        if project_root is not None:
            try:
                path = finding.path.resolve().relative_to(project_root.resolve()).as_posix()
            except ValueError:
                pass
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
    import json

    payload = {
        "summary": summarize(findings),
        "checks": {code: str(severity) for code, severity in CODES.items()},
        "findings": [finding_to_dict(finding, project_root) for finding in findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


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
