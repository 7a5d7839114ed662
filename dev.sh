#!/usr/bin/env bash
# Set up everything this project needs on Debian, then run one job.
#   ./dev.sh sample   set up, then run the main job (workflow.py build) on the sample content
#   ./dev.sh test     set up, then lint, type-check and run the test suite
#   ./dev.sh setup    set up only
#   ./dev.sh bench    set up, then run the benchmarks (minutes; not part of the tests)
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(python3-venv gettext fonts-noto-core poppler-utils chromium)
VENV=${PRESSROOM_VENV:-.venv}

setup_system() {
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "dev.sh: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

setup_python() {
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    local py="$VENV/bin/python"
    # torch comes in through argostranslate -> stanza. Pin the CPU build first, or pip
    # resolves an unpinned torch to a multi-GB CUDA download.
    "$py" -m pip show torch >/dev/null 2>&1 || "$py" -m pip install -q "torch==2.13.0"
    local stamp="$VENV/.pressroom-installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$py" -m pip install -q -e ".[test]"
        touch "$stamp"
    fi
}

job=${1:-sample}
setup_system
setup_python
PY="$VENV/bin/python"
case "$job" in
    setup) ;;
    # The sample translations are unreviewed drafts: render them, visibly marked.
    sample) "$PY" workflow.py build --drafts ;;
    test)
        "$VENV/bin/ruff" check pressroom tests benchmarks workflow.py
        "$VENV/bin/mypy"
        # The CommonMark spec examples come from markdown-it-py's sdist (cached in .cache/).
        "$PY" tests/spec_corpus.py >/dev/null
        "$PY" -m pytest -q "${@:2}"
        ;;
    bench) "$PY" -m benchmarks "${@:2}" ;;
    *) echo "usage: ./dev.sh [sample|test|setup|bench]" >&2; exit 2 ;;
esac
