"""Rendering, failures: a page or an article that could not be rendered, and why.

Input: the exception a step raised for one article or one page. Output: a
:class:`PageFailure`, one GNU-style line that names the file to fix and the cause.
The render goes on with every other page; the CLI lists the failures at the end
and exits non-zero. Never a traceback: an exception that is not a
:class:`~pressroom.errors.WorkflowError` is named by its type and message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkflowError


@dataclass(frozen=True, slots=True, kw_only=True)
class PageFailure:
    """One output (or every output of one article) that could not be rendered."""

    slug: str
    """The article."""
    page: str
    """The output, relative to the build folder (``fa/slug.pdf``), or what was not rendered
    (``fa/slug``: one edition; ``slug``: the whole article)."""
    cause: str
    """The error, GNU style, starting with the file to fix: ``source/slug.md:12: ...``."""

    def describe(self) -> str:
        """``fa/slug.pdf not written: source/slug.md:12: ... (hint: ...)``."""
        return f"{self.page} not written: {self.cause}"


def failure_cause(exc: BaseException, root: Path, fallback: Path) -> str:
    """The error as one line starting with a file: its own, else ``fallback`` (the article)."""
    if isinstance(exc, WorkflowError) and exc.path is not None:
        return exc.render(relative_to=root)
    where: Path = fallback
    try:
        where = fallback.resolve().relative_to(root.resolve())
    except ValueError:
        pass
    if isinstance(exc, WorkflowError):
        return f"{where}: {exc.render()}"
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "no message"
    return f"{where}: unexpected {type(exc).__name__}: {detail}"
