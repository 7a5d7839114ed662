"""Rendering, worker: one task -> its page built and written, in whichever process runs it.

Input: the :class:`~.plan.Plan` and one :class:`~.plan.Task`, both plain picklable
data. Output: the task's out-of-date files (HTML, PDF) and the article's local
images in the build folder, and a :class:`TaskResult` saying what was written. An
executor (:mod:`.executor`) decides where this runs; it runs the same anywhere.

A page that fails (a translation that breaks the Markdown, a layout error) never
stops the run: the error comes back as a :class:`PageFailure` naming the output,
the file and the cause, and the other pages are still written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..fsio import atomic_write
from .coverage import coverage_warnings, plan_font_paths, uncovered_characters
from .failures import PageFailure, failure_cause
from .fonts import describe_character
from .media import publish_media
from .pages import PageBuilder
from .pdf import FontConfigs, write_pdf
from .plan import Plan, Task, page_path


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskResult:
    """What one task did, sent back to the process that planned it."""

    written: tuple[str, ...]
    """Outputs written, relative to the build folder."""
    warnings: tuple[str, ...]
    """Remote or missing images and similar, for the report."""
    media: tuple[tuple[Path, str], ...]
    """(local image, name under ``media/``) copied for the page."""
    failures: tuple[PageFailure, ...] = ()
    """Outputs of the task that could not be made, and why."""


_BUILDERS: dict[int, tuple[PageBuilder, FontConfigs]] = {}
"""One page builder and one set of PDF font configurations per process and plan.

The builder caches articles, catalogs and templates; the font configurations
(:class:`~.pdf.FontConfigs`) are shared by the PDFs the process makes for the plan.
"""


def release() -> None:
    """Forget the builder and fonts of the last plan, and remove WeasyPrint's font copies.

    Laid-out documents hold their font configuration in reference cycles: only a
    collection runs WeasyPrint's clean-up, and a pool worker exits right after this.
    """
    if not _BUILDERS:
        return
    for _, fonts in _BUILDERS.values():
        fonts.close()
    _BUILDERS.clear()
    import gc

    gc.collect()


def run_task(plan: Plan, task: Task) -> TaskResult:
    """Build one page and write the requested formats.

    The page builder is reused while the plan is the same object: the serial
    executor and each worker process of the pool keep one for the whole run.
    """
    state = _BUILDERS.get(id(plan))
    if state is None:
        release()
        state = _BUILDERS[id(plan)] = (PageBuilder(plan), FontConfigs())
    builder, fonts = state
    builder.warnings.clear()
    builder.media.clear()
    root = plan.project.root
    source = plan.project.source_path(task.slug) if task.slug else plan.project.source_dir
    written: list[str] = []
    failures: list[PageFailure] = []
    try:
        text = builder.page(task.kind, task.lang, task.slug)
        missing = uncovered_characters(text, plan_font_paths(plan))
        builder.warnings.extend(
            coverage_warnings(missing, page=task.outputs[0][1], article=plan.project.relative(source))
        )
        # Media are copied before the PDF is made: WeasyPrint reads images from the build.
        for local, name in builder.media.items():
            publish_media(local, plan.output_dir / "media" / name)
    except Exception as exc:  # one page must not stop the run: reported, never a traceback
        cause = failure_cause(exc, root, source)
        failures.extend(PageFailure(slug=task.slug, page=rel, cause=cause) for _fmt, rel in task.outputs)
        return TaskResult(written=(), warnings=tuple(builder.warnings), media=(), failures=tuple(failures))
    for fmt, rel in task.outputs:
        target = plan.output_dir / rel
        try:
            if fmt == "html":
                atomic_write(target, text)
            else:
                html_path = plan.output_dir / page_path(task.lang, task.slug, task.kind, "html")
                pdf_warnings: list[str] = []
                write_pdf(
                    text,
                    html_path=html_path,
                    pdf_path=target,
                    allowed_roots=(root, plan.output_dir),
                    variant=plan.settings.pdf_variant,
                    searchable_text=plan.settings.searchable_text,
                    warnings=pdf_warnings,
                    fonts=fonts,
                )
                # Characters no font has were reported above, once per page.
                described = [describe_character(char) for char in missing]
                builder.warnings.extend(
                    f"{rel}: {warning}"
                    for warning in pdf_warnings
                    if not any(name in warning for name in described)
                )
        except Exception as exc:  # the HTML may be written while the PDF fails: keep going
            failures.append(PageFailure(slug=task.slug, page=rel, cause=failure_cause(exc, root, source)))
            continue
        written.append(rel)
    return TaskResult(
        written=tuple(written),
        warnings=tuple(builder.warnings),
        media=tuple(builder.media.items()),
        failures=tuple(failures),
    )
