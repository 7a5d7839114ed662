"""The workflow.toml schema: types, allowed values, unknown keys, confined paths, lines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pressroom import config
from pressroom.errors import ConfigError
from pressroom.project import load_project

# (workflow.toml text, line the error names, words the message must contain)
BAD = [
    ("[project]\ntargets = 5\n", 2, "[project] targets must be a list of language codes"),
    ('[project]\ntargets = "ur"\n', 2, "targets must be a list"),
    ('[project]\ntargets = ["ur", "ur"]\n', 2, 'lists "ur" twice'),
    ('[project]\ntargets = ["en"]\n', 2, "lists the source language"),
    ('[project]\ntargets = ["../x"]\n', 2, "item 1 must be a language code"),
    ('[project]\ntargets = ["de"]\n', 2, "'de' has no [languages.de] table"),
    ("project = 5\n", 1, "project must be a table, not 5"),
    ("languages = 3\n", 1, "languages must be a table of [languages.<code>] tables"),
    (
        '[languages.ur]\nfont_scale = "big"\n',
        2,
        '[languages.ur] font_scale must be a number above 0 and at most 10, not "big"',
    ),
    ("[languages.ur]\nline_height = nan\n", 2, "line_height must be a number"),
    ("[languages.ur]\nfont_scale = true\n", 2, "font_scale must be a number"),
    ('[languages.ur]\nnumbering = "roman"\n', 2, "numbering must be one of"),
    ('[languages.ur]\nfont_family = "X\\"; } body { background: url(//evil) } a {"\n', 2, "font family name"),
    ('[languages.ur]\nfont_files = ["../../etc/passwd"]\n', 2, "item 1 must be a font file name"),
    ("[languages.ur]\nscript = 5\n", 2, "script must be an ISO 15924 script code"),
    (
        "[languages.ur]\nfont_sclae = 1.2\n",
        2,
        "unknown key [languages.ur] font_sclae (hint: did you mean 'font_scale'?)",
    ),
    (
        '[languages.hi]\nscript = "Deva"\n[project]\ntargets = ["hi"]\n',
        1,
        "lacks required setting 'font_family'",
    ),
    ('[languages."../x"]\nscript = "Latn"\n', 1, "is not a language code"),
    ('[render]\njobs = "many"\n', 2, '[render] jobs must be an integer from 0 to 1024, not "many"'),
    ("[render]\njobs = -1\n", 2, "jobs must be an integer"),
    ('[render]\nformats = "html"\n', 2, "formats must be a list"),
    ('[render]\nformats = ["html", "epub"]\n', 2, "item 2 must be one of"),
    ('[render]\npage_size = "A4; } body { color: red"\n', 2, "page_size must be a CSS page size"),
    ('[render]\nsearchable_text = "all"\n', 2, "searchable_text must be true, false or one of"),
    ('[render]\npdf_variant = "pdf/ua-9"\n', 2, "pdf_variant must be one of"),
    ('[render]\nbase_url = "javascript:alert(1)"\n', 2, "base_url must be empty or an http(s) URL"),
    ('[render]\nbilingual = "yes"\n', 2, "bilingual must be true or false"),
    ("[render]\nfont_dirs = 5\n", 2, "font_dirs must be a list"),
    ('[render]\nfont_dirs = ["/usr/share/fonts"]\n', 2, "is an absolute path"),
    ('[render]\ntemplates_dir = "../elsewhere"\n', 2, "points outside the project"),
    ('[render]\ntemplate_dir = "render"\n', 2, "did you mean 'templates_dir'?"),
    ('engine = "argos"\n', 1, "unknown key engine (hint: did you mean [translate] engine?)"),
    ('[translate]\nengine = "argos"\n', 2, "[translate] engine must be a table of language code = value"),
    ('[translate.engine]\nur = "marian"\n', 2, '[translate.engine] ur must be one of "argos", "nllb"'),
    ('[translate.engine]\nur = "argo"\n', 2, 'did you mean "argos"?'),
    ('[translate.package]\nur = "../../outside"\n', 2, "installed package folder name"),
    ("[translate]\nbeam_size = 0\n", 2, "beam_size must be an integer from 1 to 64"),
    ('[translate]\ntimeout = "20"\n', 2, "timeout must be a number"),
    ('[translate]\ncompute_type = "int4"\n', 2, "compute_type must be one of"),
    ("[translate]\ncache = 1\n", 2, "cache must be true or false"),
    ('[review]\nlength_tolerance = "x"\n', 2, "length_tolerance must be a number"),
    ('[review.length_ratio]\nur = "x"\n', 2, "[review.length_ratio] ur must be a number"),
    ("[import]\nfooter_patterns = 5\n", 2, "footer_patterns must be a list of regular expressions"),
    ('[project]\nsource_dir = "/etc"\n', 2, "is an absolute path"),
    ('[project]\nbuild_dir = "../../www"\n', 2, "points outside the project"),
    ('[project]\nglossary = ""\n', 2, "glossary must be a relative path inside the project"),
    ('# comment\n\n[render]\n  "jobs" = "x"\n', 4, "jobs must be an integer"),
    ('render.jobs = "x"\n', 1, "jobs must be an integer"),
    ('render = { jobs = "x" }\n', 1, "jobs must be an integer"),
    ('[project]\nname = """\njobs = 1\n"""\n[render]\njobs = "x"\n', 6, "jobs must be an integer"),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD, ids=[f"case{i}" for i in range(len(BAD))])
def test_bad_setting_names_file_line_and_problem(
    empty_project: Path, text: str, line: int, words: str
) -> None:
    (empty_project / "workflow.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_project(empty_project)
    rendered = info.value.render(relative_to=empty_project)
    assert rendered.startswith(f"workflow.toml:{line}: "), rendered
    assert words in rendered


GOOD = [
    '[render]\npage_size = "letter landscape"\nsearchable_text = false\npdf_variant = ""\n',
    '[render]\npage_size = "210mm 297mm"\nbase_url = "https://example.org/press/"\nfont_dirs = ["fonts"]\n',
    '[translate.package]\nur = "translate-en_ur-1_9"\n[translate.nllb_code]\nsi = "sin_Sinh"\n',
    "[review]\njobs = 2\nlength_tolerance = 2.5\n[review.length_ratio]\nur = 1.1\n",
    '[project]\ntargets = ["ur", "hi"]\n[languages.hi]\nscript = "Deva"\nnumbering = "deva"\n'
    'font_family = "Noto Serif Devanagari"\n',
]


@pytest.mark.parametrize("text", GOOD)
def test_good_settings_load(empty_project: Path, text: str) -> None:
    (empty_project / "workflow.toml").write_text(text, encoding="utf-8")
    load_project(empty_project)


def test_symlink_out_of_the_project_is_refused(empty_project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, empty_project / "render")
    (empty_project / "workflow.toml").write_text('[render]\ntemplates_dir = "render"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="points outside the project"):
        load_project(empty_project)


def test_lists_agree_with_the_stages_that_use_them() -> None:
    import weasyprint.pdf

    from pressroom import models
    from pressroom.rendering import searchable

    assert config.SEARCHABLE_MODES == searchable.SEARCHABLE_MODES
    assert config.ENGINES == models.ENGINES
    assert set(config.PDF_VARIANTS) == {"", *weasyprint.pdf.VARIANTS}


def test_key_lines_reads_headers_dotted_and_quoted_keys() -> None:
    text = '[a]\nb = 1\n"c.d" = 2\n[e.f]\ng.h = 3\ns = """\nx = 1\n"""\n[[i]]\nj = 4\n'
    lines = config.key_lines(text)
    assert lines[("a",)] == 1 and lines[("a", "b")] == 2 and lines[("a", "c.d")] == 3
    assert lines[("e", "f", "g", "h")] == 5 and ("e", "f", "x") not in lines
    assert lines[("i", "j")] == 10
