#!/usr/bin/env bash
# Set up everything this project needs on Debian, then run one job.
#   ./dev.sh sample   set up, then run the main job (workflow.py build) on the sample content
#   ./dev.sh test     set up, then lint, type-check and run the test suite
#   ./dev.sh setup    set up only
#   ./dev.sh bench    set up, then run the benchmarks (minutes; not part of the tests)
#   ./dev.sh lowest   the test suite against the oldest versions pyproject.toml allows
set -euo pipefail
cd "$(dirname "$0")"

# What every job needs; chromium only for the tests (screenshots, DOM checks). Fonts: each
# language's faces and the fallback chain after them (Noto Sans Symbols, Symbols 2 and Math
# are in fonts-noto-core, Noto Color Emoji in its own package), DejaVu Sans Mono for code.
APT_PACKAGES=(python3-venv gettext fonts-noto-core fonts-noto-color-emoji fonts-dejavu-core poppler-utils)
TEST_APT_PACKAGES=(chromium)
VENV=${PRESSROOM_VENV:-.venv}

setup_system() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "dev.sh: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

# Python packages come from uv.lock (exact versions, sha256-checked): two installs a
# month apart give the same catalogs, dates and PDFs. uv itself is pinned here too.
UV_VERSION=0.13.9

setup_python() {
    local uv
    uv=$(command -v uv || true)
    if [ -z "$uv" ] || [ "$("$uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
        if [ ! -x .cache/uv/bin/uv ]; then
            python3 -m venv .cache/uv
            .cache/uv/bin/python -m pip install -q "uv==$UV_VERSION"
        fi
        uv=.cache/uv/bin/uv
    fi
    # --locked: fail when uv.lock is stale against pyproject.toml instead of re-resolving.
    UV_PROJECT_ENVIRONMENT="$VENV" "$uv" sync --locked --quiet --python python3 "$@"
}

job=${1:-sample}
PY="$VENV/bin/python"
case "$job" in
    setup) setup_system "${APT_PACKAGES[@]}" "${TEST_APT_PACKAGES[@]}"; setup_python --extra test --extra cluster ;;
    # The sample translations are unreviewed drafts: render them, visibly marked.
    sample) setup_system "${APT_PACKAGES[@]}"; setup_python --inexact; "$PY" workflow.py build --drafts ;;
    test)
        setup_system "${APT_PACKAGES[@]}" "${TEST_APT_PACKAGES[@]}"
        setup_python --extra test --extra cluster
        "$VENV/bin/ruff" check pressroom tests benchmarks workflow.py
        "$VENV/bin/mypy"
        # The CommonMark spec examples come from markdown-it-py's sdist, the real-world
        # corpus from six more sdists on PyPI (all cached in .cache/, never committed).
        "$PY" tests/spec_corpus.py >/dev/null
        "$PY" tests/real_corpus.py >/dev/null
        "$PY" -m pytest -q "${@:2}"
        ;;
    lowest)
        # pyproject.toml's lower bounds are claims: install the lowest direct versions
        # they allow into a second environment and run the suite there.
        setup_system "${APT_PACKAGES[@]}" "${TEST_APT_PACKAGES[@]}"
        setup_python --extra test --extra cluster
        lowest=${PRESSROOM_LOWEST_VENV:-.venv-lowest}
        [ -x "$lowest/bin/python" ] || "$VENV/bin/uv" venv --quiet --python python3 "$lowest"
        "$VENV/bin/uv" pip install --quiet --python "$lowest/bin/python" --resolution lowest-direct -e ".[test,cluster]"
        "$lowest/bin/python" tests/spec_corpus.py >/dev/null
        "$lowest/bin/python" tests/real_corpus.py >/dev/null
        "$lowest/bin/python" -m pytest -q -p no:cacheprovider "${@:2}"
        ;;
    bench)
        setup_system "${APT_PACKAGES[@]}" "${TEST_APT_PACKAGES[@]}"
        setup_python --extra test --extra cluster
        "$PY" -m benchmarks "${@:2}"
        ;;
    *) echo "usage: ./dev.sh [sample|test|setup|bench|lowest]" >&2; exit 2 ;;
esac
