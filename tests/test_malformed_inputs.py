"""Every malformed input gets one clear line and exit 1 or 2; none a traceback; no input changes.

Issue 17 found about 60 inputs that ended in a Python traceback. Each row below
breaks one input of a copy of the sample project, runs the commands that read it
(in-process, as a user would run them), and checks: exit status 1 (bad input) or 2
(bad argument); one line of output names the file (and line, where one applies) and
says what is wrong; no "Traceback"; every input file byte for byte as before.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, CliResult

SLUG = "pakistan-hazara-miners"
ARTICLE = f"source/{SLUG}.md"
HEADER = "english,acronym,kind,case_sensitive,ur,fa,si,note\n"
ARTICLE_COMMANDS = (
    ("extract",),
    ("status",),
    ("review",),
    ("translate", "--dry-run"),
    ("render", "--format", "html"),
    ("build", "--format", "html"),
    ("glossary", "suggest"),
)
"""Every command that takes ARTICLE arguments."""


@dataclass(frozen=True)
class Case:
    """One malformed input: how to make it, what to run, what the message must say."""

    name: str
    setup: Callable[[Path], None]
    commands: tuple[tuple[str, ...], ...]
    where: str
    """``file`` or ``file:line`` the message names, relative to the project."""
    words: str
    """Part of the message (the problem, in the user's terms)."""
    code: int = 1


def write(name: str, data: str | bytes) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return setup


def toml(text: str) -> Callable[[Path], None]:
    return write("workflow.toml", text)


def folder(name: str) -> Callable[[Path], None]:
    """A directory where the file ``name`` should be."""

    def setup(root: Path) -> None:
        path = root / name
        if path.exists():
            path.unlink()
        path.mkdir(parents=True)
        (path / "inside.txt").write_text("x", encoding="utf-8")

    return setup


def plain_file(name: str) -> Callable[[Path], None]:
    """A file where the folder ``name`` should be."""

    def setup(root: Path) -> None:
        import shutil

        shutil.rmtree(root / name, ignore_errors=True)
        (root / name).write_text("not a folder\n", encoding="utf-8")

    return setup


def fifo(name: str) -> Callable[[Path], None]:
    """A named pipe: reading it would block forever."""

    def setup(root: Path) -> None:
        path = root / name
        if path.exists():
            path.unlink()
        os.mkfifo(path)

    return setup


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def latin1_po(name: str) -> Callable[[Path], None]:
    """A catalog saved as Latin-1 by an editor: one é in its header."""

    def setup(root: Path) -> None:
        path = root / name
        raw = path.read_bytes()
        assert b"Project-Id-Version: " in raw
        path.write_bytes(raw.replace(b"Project-Id-Version: ", b"Project-Id-Version: Caf\xe9 ", 1))

    return setup


def link(name: str, target: str) -> Callable[[Path], None]:
    """``name`` replaced by a symbolic link to ``target`` (relative to its folder)."""

    def setup(root: Path) -> None:
        path = root / name
        if path.exists():
            path.unlink()
        os.symlink(target, path)

    return setup


def symlink_out(name: str, then: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        outside = root.parent / "outside"
        outside.mkdir()
        (outside / "base.html.j2").write_text("secret\n", encoding="utf-8")
        os.symlink(outside, root / name)
        then(root)

    return setup


def nested_body(body: str) -> Callable[[Path], None]:
    front = '---\ntitle: "Deep"\nauthor: A\ndate: 2021-01-12\nslug: deep\n---\n'
    return write("source/deep.md", front + body)


LONG = "a" * 300
CONFIG_COMMANDS = (("status",), ("extract",), ("models", "list"))

CASES = [
    # -- workflow.toml: bytes, kind, syntax
    Case(
        "toml-latin1-bytes",
        write("workflow.toml", '[project]\nname = "Caf\xe9"\n'.encode("latin-1")),
        CONFIG_COMMANDS,
        "workflow.toml:2",
        "not valid UTF-8 (byte 0xe9)",
    ),
    Case("toml-directory", folder("workflow.toml"), CONFIG_COMMANDS, "workflow.toml", "is a directory"),
    Case("toml-fifo", fifo("workflow.toml"), (("status",),), "workflow.toml", "is not a regular file"),
    Case("toml-syntax", toml("[project]\ntargets = [ur\n"), (("status",),), "workflow.toml:2", "Invalid"),
    Case(
        "toml-nul", toml('[project]\nname = "a\0b"\n'), (("status",),), "workflow.toml:2", "Illegal character"
    ),
    # -- workflow.toml: types, values, keys
    Case(
        "targets-int",
        toml("[project]\ntargets = 5\n"),
        CONFIG_COMMANDS,
        "workflow.toml:2",
        "[project] targets must be a list of language codes",
    ),
    Case("project-int", toml("project = 5\n"), CONFIG_COMMANDS, "workflow.toml:1", "project must be a table"),
    Case(
        "languages-int",
        toml("languages = 3\n"),
        CONFIG_COMMANDS,
        "workflow.toml:1",
        "languages must be a table",
    ),
    Case(
        "font-scale-text",
        toml('[languages.ur]\nfont_scale = "big"\n'),
        CONFIG_COMMANDS,
        "workflow.toml:2",
        "font_scale must be a number",
    ),
    Case(
        "jobs-text",
        toml('[render]\njobs = "many"\n'),
        (("render", "--format", "html"), ("status",)),
        "workflow.toml:2",
        "[render] jobs must be an integer",
    ),
    Case(
        "engine-top-level",
        toml('engine = "argos"\n'),
        (("translate", "--dry-run"),),
        "workflow.toml:1",
        "did you mean [translate] engine?",
    ),
    Case(
        "engine-not-table",
        toml('[translate]\nengine = "argos"\n'),
        (("models", "list"),),
        "workflow.toml:2",
        "[translate] engine must be a table",
    ),
    Case(
        "engine-unknown",
        toml('[translate.engine]\nur = "google"\n'),
        (("models", "doctor"),),
        "workflow.toml:2",
        "must be one of",
    ),
    Case(
        "key-typo",
        toml('[project]\ntargts = ["ur"]\n'),
        (("status",),),
        "workflow.toml:2",
        "did you mean 'targets'?",
    ),
    Case(
        "page-size-css",
        toml('[render]\npage_size = "A4; } * { background: url(//evil) }"\n'),
        (("render", "--format", "pdf"),),
        "workflow.toml:2",
        "page_size must be a CSS page size",
    ),
    Case(
        "source-dir-outside",
        toml('[project]\nsource_dir = "../../etc"\n'),
        (("status",),),
        "workflow.toml:2",
        "points outside the project",
    ),
    Case(
        "templates-symlink-out",
        symlink_out("render", toml('[render]\ntemplates_dir = "render"\n')),
        (("render", "--format", "html"),),
        "workflow.toml:2",
        "points outside the project",
    ),
    Case(
        "unknown-target",
        toml('[project]\ntargets = ["ur", "de"]\n'),
        (("status",),),
        "workflow.toml:2",
        "has no [languages.de] table",
    ),
    # -- glossary.csv
    Case(
        "glossary-latin1",
        write("glossary.csv", (HEADER + "Caf\xe9,,term,no,a,b,c,\n").encode("latin-1")),
        (("extract",), ("review",), ("glossary", "check")),
        "glossary.csv:2",
        "not valid UTF-8 (byte 0xe9)",
    ),
    Case(
        "glossary-directory",
        folder("glossary.csv"),
        (("extract",), ("review",), ("glossary", "check")),
        "glossary.csv",
        "is a directory",
    ),
    Case(
        "glossary-fifo",
        fifo("glossary.csv"),
        (("glossary", "check"), ("extract",)),
        "glossary.csv",
        "is not a regular file",
    ),
    Case(
        "glossary-huge-cell",
        write("glossary.csv", HEADER + 'X,,term,no,a,b,c,"' + "y" * 140_000 + '"\n'),
        (("glossary", "check"), ("review",)),
        "glossary.csv:2",
        "longer than 131,072 characters",
    ),
    # -- source articles
    Case(
        "source-latin1",
        write(ARTICLE, b'---\ntitle: "Caf\xe9"\n---\n'),
        (("extract",), ("render",)),
        f"{ARTICLE}:2",
        "not valid UTF-8 (byte 0xe9)",
    ),
    Case(
        "source-directory",
        folder("source/other.md"),
        (("extract",), ("status",), ("render",)),
        "source/other.md",
        "is a directory",
    ),
    Case(
        "source-folder-is-file",
        plain_file("source"),
        (("extract",), ("glossary", "suggest")),
        "source",
        "is a file, expected a directory",
    ),
    Case(
        "source-yaml-tag",
        write(ARTICLE, "---\ntitle: !!python/object:os.system x\n---\n"),
        (("extract",),),
        f"{ARTICLE}:2",
        "front matter is not valid YAML",
    ),
    Case(
        "source-nul-front-matter",
        write(ARTICLE, "---\ntitle: a\0b\n---\n"),
        (("extract",),),
        f"{ARTICLE}:2",
        "not valid YAML",
    ),
    Case(
        "lists-10-deep",
        nested_body("".join("  " * i + f"- item {i}\n" for i in range(10))),
        (("extract",), ("render", "--format", "html")),
        "source/deep.md:16",
        "nested too deeply",
    ),
    Case(
        "quotes-20-deep",
        nested_body("> " * 20 + "deep quote\n"),
        (("extract", "deep"), ("glossary", "suggest")),
        "source/deep.md:7",
        "nested too deeply",
    ),
    # -- catalogs and their folders
    Case(
        "language-folder-is-file",
        plain_file("translations/ur"),
        (("extract",), ("render",), ("status",)),
        "translations/ur",
        "is a file, expected a directory",
    ),
    Case(
        "templates-folder-is-file",
        plain_file("translations/templates"),
        (("extract",), ("build",)),
        "translations/templates",
        "is a file, expected a directory",
    ),
    Case(
        "translations-is-file",
        plain_file("translations"),
        (("extract",), ("render",)),
        "translations",
        "is a file, expected a directory",
    ),
    Case(
        "po-directory",
        folder(f"translations/ur/{SLUG}.po"),
        (("extract",), ("render",)),
        f"translations/ur/{SLUG}.po",
        "is a directory",
    ),
    Case(
        "site-po-directory",
        folder("translations/ur/site.po"),
        (("render",),),
        "translations/ur/site.po",
        "is a directory",
    ),
    Case(
        "pot-directory",
        folder(f"translations/templates/{SLUG}.pot"),
        (("extract",),),
        f"translations/templates/{SLUG}.pot",
        "is a directory",
    ),
    Case(
        "po-latin1",
        latin1_po(f"translations/fa/{SLUG}.po"),
        (("status",), ("render", "--format", "html")),
        f"translations/fa/{SLUG}.po:4",
        "not valid UTF-8 (byte 0xe9)",
    ),
    Case(
        "po-fifo",
        fifo(f"translations/ur/{SLUG}.po"),
        (("extract",), ("status",), ("render", "--format", "html")),
        f"translations/ur/{SLUG}.po",
        "is not a regular file",
    ),
    Case(
        "source-fifo",
        fifo(ARTICLE),
        (("extract",), ("render", "--format", "html")),
        ARTICLE,
        "is not a regular file",
    ),
    Case(
        "po-symlink-loop",
        link(f"translations/ur/{SLUG}.po", f"{SLUG}.po"),
        (("extract",), ("review",)),
        f"translations/ur/{SLUG}.po",
        "too many levels of symbolic links",
    ),
    Case(
        "po-symlink-out",
        link(f"translations/ur/{SLUG}.po", "/etc/hostname"),
        (("render", "--format", "html"), ("status",)),
        f"translations/ur/{SLUG}.po",
        "is a symbolic link out of the project",
    ),
    Case(
        "toml-symlink-loop",
        link("workflow.toml", "workflow.toml"),
        (("status",),),
        "workflow.toml",
        "too many levels",
    ),
    # -- article arguments and slugs
    *[
        Case(
            f"article-traversal-{command[0]}",
            lambda root: None,
            ((*command, "../../outside/x"),),
            "",
            "invalid slug '../../outside/x'",
            code=2,
        )
        for command in ARTICLE_COMMANDS
    ],
    *[
        Case(
            f"article-300-chars-{command[0]}",
            lambda root: None,
            ((*command, LONG),),
            "",
            "is longer than 100 characters",
            code=2,
        )
        for command in ARTICLE_COMMANDS
    ],
    Case(
        "import-slug-300-chars",
        lambda root: None,
        (("import", str(REPO / "tests/data/seed_export.txt"), "--slug", LONG),),
        "",
        "is longer than 100 characters",
        code=2,
    ),
    Case(
        "import-slug-traversal",
        lambda root: None,
        (("import", str(REPO / "tests/data/seed_export.txt"), "--slug", "../../outside/x"),),
        "",
        "invalid slug",
        code=2,
    ),
    Case(
        "import-directory", folder("export.txt"), (("import", "export.txt"),), "export.txt", "is a directory"
    ),
    Case(
        "import-latin1",
        write("export.txt", b"# Caf\xe9 headline\n"),
        (("import", "export.txt"),),
        "export.txt:1",
        "not valid UTF-8 (byte 0xe9)",
    ),
    Case(
        "models-remove-traversal",
        lambda root: None,
        (("models", "remove", "../../outside"),),
        "",
        "invalid package name",
        code=2,
    ),
]


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every input under ``root`` (outputs in build/ and .cache/ aside): bytes, or its kind."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in ("build", ".cache"):
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            found[relative] = f"link:{os.readlink(path)}"
        elif stat.S_ISDIR(mode):
            found[relative] = "dir"
        elif stat.S_ISFIFO(mode):
            found[relative] = "fifo"
        else:
            found[relative] = path.read_bytes()
    return found


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_malformed_input_gets_one_clear_line(
    case: Case, sample_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_project)  # messages name files relative to here, as a user sees them
    case.setup(sample_project)
    before = snapshot(sample_project)
    for command in case.commands:
        result = run_cli("--project", sample_project, *command)
        output = result.out + result.err
        shown = f"{' '.join(command)} -> {result.code}\n{output}"
        assert result.code == case.code, shown
        assert "Traceback" not in output, shown
        errors = [line for line in output.splitlines() if case.words in line]
        assert len(errors) == 1, shown
        assert case.where + (":" if case.where else "") in errors[0] or not case.where, shown
        if case.code == 1 and command[:2] != ("glossary", "check"):
            assert errors[0].startswith("workflow.py: error: "), shown
        assert snapshot(sample_project) == before, f"{' '.join(command)} changed an input"


def test_every_issue_17_input_is_in_the_table() -> None:
    """The inputs the adversarial pass reported, by name: none may drop out of the table."""
    names = {case.name for case in CASES}
    reported = {
        "toml-latin1-bytes",
        "toml-directory",
        "targets-int",
        "project-int",
        "languages-int",
        "font-scale-text",
        "jobs-text",
        "engine-top-level",
        "engine-not-table",
        "glossary-latin1",
        "glossary-directory",
        "glossary-huge-cell",
        "source-directory",
        "language-folder-is-file",
        "po-directory",
        "article-300-chars-translate",
        "article-traversal-translate",
        "import-slug-300-chars",
        "lists-10-deep",
        "quotes-20-deep",
    }
    assert reported <= names, reported - names


# --------------------------------------------------------------------------- the last resort


def test_unexpected_error_is_one_line_naming_command_and_file(
    sample_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in pressroom: one line with the command, the file and --debug; never a traceback."""
    import polib

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("'int' object is not iterable")

    monkeypatch.setattr(polib, "POFile", broken)  # every catalog read builds one, on either path
    monkeypatch.chdir(sample_project)
    result = run_cli("--project", sample_project, "status")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("workflow.py: error: status failed while working on translations/")
    assert "TypeError" in lines[0] and "run with --debug for the traceback" in lines[0]
    assert "Traceback" not in result.out + result.err

    debug = run_cli("--debug", "--project", sample_project, "status")
    assert debug.code == 1
    assert "Traceback (most recent call last)" in debug.err
    assert debug.err.strip().splitlines()[-1] == lines[0]


def test_os_error_names_the_file(
    sample_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pressroom.catalog import stats

    def denied(project: object, lang: str, slug: str) -> None:
        path = sample_project / "translations" / lang / f"{slug}.po"
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(stats, "catalog_stats", denied)
    monkeypatch.chdir(sample_project)
    result = run_cli("--project", sample_project, "status")
    assert result.code == 1
    assert result.err.strip() == (
        f"workflow.py: error: translations/ur/{SLUG}.po: permission denied "
        "(hint: check the file's permissions; run with --debug for the traceback)"
    )


# --------------------------------------------------------------------------- leftovers of a kill


def test_temporaries_left_by_a_killed_write_are_removed_by_the_next_run(
    sample_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """A process killed between writing its temporary file and renaming it leaves the file;
    the next command removes it, so the nightly ``git add translations`` never commits one."""
    templates = sample_project / "translations" / "templates"
    killed = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from pressroom import fsio\n"
        "fsio.os.replace = lambda *args: os._exit(9)  # killed before the rename\n"
        "fsio.atomic_write(Path(sys.argv[1]), 'half a catalog')\n"
    )
    target = templates / f"{SLUG}.pot"
    before = target.read_bytes()
    done = subprocess.run([sys.executable, "-c", killed, str(target)], cwd=REPO, check=False)
    assert done.returncode == 9
    left = [p for p in templates.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].name.startswith(f".{SLUG}.pot.")
    assert target.read_bytes() == before

    result = run_cli("--project", sample_project, "status")
    assert result.code == 0, result.err
    assert "removed 1 temporary file left by an interrupted run" in result.err
    assert not [p for p in templates.iterdir() if p.name.endswith(".tmp")]
