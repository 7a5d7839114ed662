"""The package's shape: imports follow the pipeline, nothing imports in a circle, modules stay small.

The import graph is read from the source with ``ast``: every ``import`` and
``from ... import`` naming a pressroom module, at module level, inside functions
and under ``TYPE_CHECKING`` alike (a lazy import is still a dependency; it is how
the old render_html <-> render_pdf cycle hid). Known exceptions are named below
with their reason, so the lead can shrink the lists; an entry that no longer
applies fails the test until it is removed.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "pressroom"
MAX_LINES = 500

# The pipeline, earliest first. A module may import its own stage, the stages of
# earlier layers and modules of its own layer (as long as nothing forms a cycle);
# never a later layer. "pressroom" is the package's __init__ (__version__).
LAYERS: tuple[tuple[str, ...], ...] = (
    # the shared core; cluster: the executor at the edge, runs pure tasks of any stage, imports none
    ("pressroom", "model", "errors", "fsio", "config", "languages", "project", "scripts", "cluster"),
    ("importer", "source", "segment", "rawhtml"),  # rawhtml: the text a reader sees in raw HTML
    ("catalog",),
    ("glossary", "tbx"),
    ("review",),
    ("models", "draft", "mt"),  # mt.remote: draft's batches decoded on a cluster
    ("site", "scaffold"),  # scaffold: a new content root, with a copy of the templates site finds
    ("rendering",),
    ("cli",),
)

KNOWN_BACKWARD: Mapping[tuple[str, str], str] = {
    ("review", "site"): (
        "review's HTML report finds review_report.html.j2 through site.template_dirs; "
        "template lookup belongs in the shared core"
    ),
}
"""(importing stage, imported later stage) tolerated for now, and why."""

OVERSIZED: Mapping[str, str] = {}
"""Modules (relative to pressroom/) allowed over MAX_LINES for now, and why."""


# --------------------------------------------------------------------------- the graph


def module_files() -> dict[str, Path]:
    """Dotted name -> file of every module and package of pressroom."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _existing(name: str, modules: Mapping[str, Path]) -> str:
    """``name`` or its nearest enclosing module that exists (``pressroom.x.attr`` -> ``pressroom.x``)."""
    while name not in modules and "." in name:
        name = name.rpartition(".")[0]
    return name


def iter_imports(name: str, path: Path, modules: Mapping[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported pressroom module, line) for every import in the module ``name``."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            # "from . import x" imports the module x when there is one, else a name of the package.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target == "pressroom" or target.startswith("pressroom."):
                yield _existing(target, modules), node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """Module -> {module it imports: line of the first such import}."""
    modules = module_files()
    graph: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, path in modules.items():
        for target, line in iter_imports(name, path, modules):
            if target != name:
                graph[name][target] = min(line, graph[name].get(target, line))
    return graph


def stage_of(module: str) -> str:
    """The stage a module belongs to: ``pressroom.rendering.plan`` -> ``rendering``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def layer_of(stage: str) -> int | None:
    """Position of ``stage`` in LAYERS, None when it has none."""
    return next((n for n, layer in enumerate(LAYERS) if stage in layer), None)


def cycles(graph: Mapping[str, Mapping[str, object]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def cycle_path(graph: Mapping[str, Mapping[str, object]], component: list[str]) -> list[str]:
    """A shortest cycle through the first node of a strongly connected component, closed."""
    start = component[0]
    parents: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph.get(node, {})):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if target in component and target not in parents:
                parents[target] = node
                queue.append(target)
    return component


def stage_graph(graph: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, tuple[str, int]]]:
    """Stage -> {stage it imports: (first importing module, line)}."""
    stages: dict[str, dict[str, tuple[str, int]]] = {}
    for module, targets in sorted(graph.items()):
        edges = stages.setdefault(stage_of(module), {})
        for target, line in sorted(targets.items()):
            if stage_of(target) != stage_of(module):
                edges.setdefault(stage_of(target), (module, line))
    return stages


def where(module: str, line: int) -> str:
    return f"{module_files()[module].relative_to(REPO)}:{line}"


# --------------------------------------------------------------------------- the contracts


def test_no_import_cycle_between_modules() -> None:
    """A lazy import inside a function is still an edge: it is how the old cycle hid."""
    graph = import_graph()
    problems = []
    for component in cycles(graph):
        path = cycle_path(graph, component)
        steps = [f"  {where(a, graph[a][b])}: {a} imports {b}" for a, b in itertools.pairwise(path)]
        problems.append(f"cycle among {', '.join(component)}:\n" + "\n".join(steps))
    assert not problems, "\n".join(problems)


def test_no_import_cycle_between_stages() -> None:
    stages = stage_graph(import_graph())
    problems = []
    for component in cycles(stages):
        path = cycle_path(stages, component)
        steps = [f"  {where(*stages[a][b])}: {a} imports {b}" for a, b in itertools.pairwise(path)]
        problems.append(f"stages importing each other: {', '.join(component)}\n" + "\n".join(steps))
    assert not problems, "\n".join(problems)


def test_every_stage_has_a_place_in_the_pipeline() -> None:
    unplaced = sorted({stage_of(m) for m in import_graph()} - {s for layer in LAYERS for s in layer})
    assert not unplaced, f"add {', '.join(unplaced)} to LAYERS in tests/test_architecture.py"


def test_stages_import_only_earlier_stages() -> None:
    """The shared core and earlier stages only: never cli, never a later stage."""
    problems = []
    for stage, edges in sorted(stage_graph(import_graph()).items()):
        for target, (module, line) in sorted(edges.items()):
            mine, theirs = layer_of(stage), layer_of(target)
            if mine is None or theirs is None or theirs <= mine or (stage, target) in KNOWN_BACKWARD:
                continue
            problems.append(f"{where(module, line)}: {stage} imports {target}, a later stage")
    assert not problems, "\n".join(problems)


def test_backward_allow_list_is_current() -> None:
    stages = stage_graph(import_graph())
    stale = [f"{a} -> {b}" for a, b in KNOWN_BACKWARD if b not in stages.get(a, {})]
    assert not stale, f"no longer imported, remove from KNOWN_BACKWARD: {', '.join(stale)}"


def _sizes() -> dict[str, int]:
    return {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text("utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_no_module_over_500_lines() -> None:
    sizes = _sizes()
    over = [
        f"pressroom/{name}: {n} lines" for name, n in sizes.items() if n > MAX_LINES and name not in OVERSIZED
    ]
    assert not over, f"over {MAX_LINES} lines, split along its concerns:\n" + "\n".join(over)
    allowed = [f"{name} ({sizes[name]})" for name in OVERSIZED if name in sizes]
    if allowed:
        warnings.warn(f"allowed over {MAX_LINES} lines for now: {', '.join(allowed)}", stacklevel=1)


def test_size_allow_list_is_current() -> None:
    sizes = _sizes()
    stale = [name for name in OVERSIZED if sizes.get(name, 0) <= MAX_LINES]
    assert not stale, f"no longer over {MAX_LINES} lines (or gone), remove from OVERSIZED: {', '.join(stale)}"


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    """Every stage imports weasyprint, argostranslate, ctranslate2, translate inside functions only."""
    probe = (
        "import sys, pkgutil, importlib, pressroom\n"
        "for info in pkgutil.walk_packages(pressroom.__path__, 'pressroom.'):\n"
        "    importlib.import_module(info.name)\n"
        "heavy = ('argostranslate', 'torch', 'weasyprint', 'ctranslate2', 'translate')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stdout, result.stdout


def test_the_checks_see_cycles_and_resolve_imports() -> None:
    """The contract helpers themselves: a made-up cycle, and imports of real modules resolved."""
    made_up = {"a": {"b": 1, "d": 1}, "b": {"c": 1}, "c": {"a": 1, "b": 1}, "d": {"a": 1}}
    assert cycles(made_up) == [["a", "b", "c", "d"]]
    assert cycle_path(made_up, ["a", "b", "c", "d"]) == ["a", "d", "a"]
    graph = import_graph()
    assert {"pressroom.rendering.plan", "pressroom.site", "pressroom.errors"} <= set(
        graph["pressroom.rendering.pages"]
    )
    assert "pressroom.cli.build" in graph["pressroom.cli"]  # from . import build
    assert "pressroom" in graph["pressroom.rendering.plan"]  # from .. import __version__
    assert stage_of("pressroom.rendering.plan") == "rendering" and stage_of("pressroom") == "pressroom"
    assert [layer_of(s) for s in ("errors", "source", "site", "rendering", "cli")] == [0, 1, 6, 7, 8]
