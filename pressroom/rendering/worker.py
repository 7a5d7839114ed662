"""Rendering, worker: one task -> its page built and written, in whichever process runs it.

Input: the :class:`~.plan.Plan` and one :class:`~.plan.Task`, both plain picklable
data. Output: the task's out-of-date files (HTML, PDF) and the article's local
images in the build folder, and a :class:`TaskResult` saying what was written. An
executor (:mod:`.executor`) decides where this runs; it runs the same anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..fsio import atomic_write
from .media import publish_media
from .pages import PageBuilder
from .pdf import write_pdf
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


_BUILDERS: dict[int, PageBuilder] = {}
"""One page builder per process and plan: it caches articles, catalogs and templates."""


def run_task(plan: Plan, task: Task) -> TaskResult:
    """Build one page and write the requested formats.

    The page builder is reused while the plan is the same object: the serial
    executor and each worker process of the pool keep one for the whole run.
    """
    builder = _BUILDERS.get(id(plan))
    if builder is None:
        _BUILDERS.clear()
        builder = _BUILDERS[id(plan)] = PageBuilder(plan)
    builder.warnings.clear()
    builder.media.clear()
    text = builder.page(task.kind, task.lang, task.slug)
    written: list[str] = []
    # Media are copied before the PDF is made: WeasyPrint reads images from the build.
    for local, name in builder.media.items():
        publish_media(local, plan.output_dir / "media" / name)
    for fmt, rel in task.outputs:
        target = plan.output_dir / rel
        if fmt == "html":
            atomic_write(target, text)
        else:
            html_path = plan.output_dir / page_path(task.lang, task.slug, task.kind, "html")
            write_pdf(
                text,
                html_path=html_path,
                pdf_path=target,
                allowed_roots=(plan.project.root, plan.output_dir),
                variant=plan.settings.pdf_variant,
                searchable_text=plan.settings.searchable_text,
            )
        written.append(rel)
    return TaskResult(
        written=tuple(written), warnings=tuple(builder.warnings), media=tuple(builder.media.items())
    )
