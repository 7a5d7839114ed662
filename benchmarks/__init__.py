"""Benchmarks: ``python -m benchmarks [NAME ...]`` (or ``./dev.sh bench``).

Each ``bench_<name>.py`` measures our code against a baseline timed in the same run
(GNU msgmerge, Translate Toolkit's pofilter, argostranslate, raw CTranslate2) and
prints ratios. Not part of the tests: they take minutes.
"""
