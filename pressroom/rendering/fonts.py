"""Font lookup for rendering: each language's configured font files, found and checked.

Input: ``Language.font_family``/``font_files`` from the configuration. Output:
:class:`FontFace` records, one per file, each under its own CSS family name
(``PR ur Regular``, ``PR ur Bold``): WeasyPrint 70 garbles text when two
``@font-face`` rules share a family, so weights and styles are selected by family
name, never by descriptors alone. Fonts are checked before anything is rendered; a
missing file is a :class:`FontMissingError` naming the package that installs it.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import FontMissingError
from ..languages import Language

# Where Debian and users keep fonts; fc-list is asked too when it is installed.
DEFAULT_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
INSTALL_HINT = "install it with: sudo apt-get install fonts-noto-core (or set [render] font_dirs)"


@dataclass(frozen=True, slots=True, kw_only=True)
class FontFace:
    """One font file as the stylesheets declare it."""

    lang: str
    """Language whose text uses this face."""
    family: str
    """Unique CSS family name, e.g. ``PR ur Bold``."""
    style_name: str
    """``Regular``, ``Bold``, ``Italic`` or ``BoldItalic``, from the file name."""
    weight: int
    """CSS font-weight of the face (400 or 700)."""
    italic: bool
    """Whether the face is italic."""
    path: Path
    """The installed font file."""
    codepoints: tuple[int, ...] = ()
    """The only characters a fallback face draws (its copy is subset to them); empty for text faces."""

    @property
    def unicode_range(self) -> str:
        """CSS ``unicode-range`` of a fallback face; empty for the text faces."""
        return codepoint_range(self.codepoints)

    @property
    def file_name(self) -> str:
        """Name of the copy in the build folder: stable and free of spaces."""
        role = "Punct" if self.codepoints else ""
        return f"PR-{self.lang}-{role}{self.style_name}{self.path.suffix.lower()}"


def style_of(file_name: str) -> str:
    """``Regular``/``Bold``/``Italic``/``BoldItalic`` as the file name says (``NotoSerif-BoldItalic.ttf``).

    The intermediate weights an emphasis may use are styles of their own:
    ``Medium``, ``SemiBold`` (and their ``...Italic``), see :func:`weight_of`.
    """
    stem = Path(file_name).stem
    tail = stem.rsplit("-", 1)[-1] if "-" in stem else ""
    italic = "Italic" in tail
    for weight_name in INTERMEDIATE_WEIGHTS:
        if tail.startswith(weight_name):
            return weight_name + ("Italic" if italic else "")
    bold = "Bold" in tail
    if bold and italic:
        return "BoldItalic"
    if bold:
        return "Bold"
    if italic:
        return "Italic"
    return "Regular"


INTERMEDIATE_WEIGHTS = {"Medium": 500, "SemiBold": 600}
"""Weights between regular and bold that emphasis may use (``[languages.<code>] emphasis``)."""


def weight_of(style: str) -> int:
    """CSS font-weight of a style name from :func:`style_of`: 400, 500, 600 or 700."""
    for weight_name, weight in INTERMEDIATE_WEIGHTS.items():
        if style.startswith(weight_name):
            return weight
    return 700 if "Bold" in style else 400


@functools.lru_cache(maxsize=8)
def _index_fonts(font_dirs: tuple[Path, ...]) -> Mapping[str, Path]:
    """File name -> path of every font file under ``font_dirs`` and known to fontconfig."""
    found: dict[str, Path] = {}
    for directory in font_dirs:
        if not directory.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(directory):
            for name in files:
                if name.lower().endswith((".ttf", ".otf", ".ttc")):
                    found.setdefault(name, Path(dirpath) / name)
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            listing = subprocess.run(
                [fc_list, "--format", "%{file}\n"], capture_output=True, text=True, timeout=30, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            listing = ""
        for line in listing.splitlines():
            path = Path(line.strip())
            if line.strip():
                found.setdefault(path.name, path)
    return found


def find_font(file_name: str, font_dirs: Sequence[Path] = DEFAULT_FONT_DIRS) -> Path | None:
    """The installed file called ``file_name``, or None; an absolute path is checked as is."""
    candidate = Path(file_name)
    if candidate.is_absolute():
        return candidate if candidate.is_file() else None
    path = _index_fonts(tuple(font_dirs)).get(file_name)
    return path if path is not None and path.is_file() else None


def faces_for(language: Language, font_dirs: Sequence[Path] = DEFAULT_FONT_DIRS) -> list[FontFace]:
    """The faces of one language, checked: raises FontMissingError for a missing file."""
    if not language.font_files:
        raise FontMissingError(
            f"{language.code}: no font_files configured for {language.font_family!r}",
            hint=f"list the font files under [languages.{language.code}] font_files in workflow.toml",
        )
    faces = []
    seen: set[str] = set()
    for file_name in language.font_files:
        path = find_font(file_name, font_dirs)
        if path is None:
            raise FontMissingError(
                f"{language.code}: font file {file_name} ({language.font_family}) is not installed",
                hint=INSTALL_HINT,
            )
        style = style_of(file_name)
        if style in seen:
            continue
        seen.add(style)
        faces.append(
            FontFace(
                lang=language.code,
                family=f"PR {language.code} {style}",
                style_name=style,
                weight=weight_of(style),
                italic="Italic" in style,
                path=path,
            )
        )
    if "Regular" not in seen:
        raise FontMissingError(
            f"{language.code}: font_files has no regular face for {language.font_family!r}",
            hint="put the Regular file first in font_files",
        )
    return faces


def check_fonts(
    languages: Iterable[Language], font_dirs: Sequence[Path] = DEFAULT_FONT_DIRS
) -> dict[str, list[FontFace]]:
    """Faces for each language, checking every file before any rendering starts."""
    return {
        language.code: [*faces_for(language, font_dirs), *punctuation_faces_for(language, font_dirs)]
        for language in languages
    }


# --------------------------------------------------------------------------- punctuation fallback

SPACES = frozenset({0x20, 0xA0, 0x2009, 0x200A, 0x202F})
"""Spaces a fallback face keeps, though the text face has them: a space after a dash shapes with the dash."""
PUNCTUATION_BLOCKS = (
    (0x0020, 0x0040), (0x005B, 0x0060), (0x007B, 0x007E), (0x00A0, 0x00BF), (0x2000, 0x206F)
)
"""Where the punctuation a text face may lack lives: ASCII and Latin-1 punctuation, General Punctuation."""


def punctuation_faces_for(
    language: Language, font_dirs: Sequence[Path] = DEFAULT_FONT_DIRS
) -> list[FontFace]:
    """The deliberate punctuation fallback of a language (``punctuation_files``), one face per weight.

    Each face draws only the punctuation the language's regular face lacks and it
    has (Noto Naskh Arabic has no ( ) [ ] / — “ ” %): its copy in the build is subset
    to them (:func:`subset_font`), so letters never fall to it, and fontconfig does
    not drop the Latin face behind it as adding no coverage. Stylesheets put it right
    after the text faces of the same weight.
    """
    if not language.punctuation_files:
        return []
    regular = faces_for(language, font_dirs)[0].path
    has = _cmap(regular)
    faces = []
    for file_name in language.punctuation_files:
        path = find_font(file_name, font_dirs)
        if path is None:
            raise FontMissingError(
                f"{language.code}: punctuation font file {file_name} is not installed", hint=INSTALL_HINT
            )
        missing = sorted(
            code
            for low, high in PUNCTUATION_BLOCKS
            for code in range(low, high + 1)
            if (code not in has or code in SPACES) and code in _cmap(path) and not chr(code).isalnum()
        )
        style = style_of(file_name)
        faces.append(
            FontFace(
                lang=language.code,
                family=f"PR {language.code} Punct {style}",
                style_name=style,
                weight=weight_of(style),
                italic="Italic" in style,
                path=path,
                codepoints=tuple(missing),
            )
        )
    return faces


@functools.lru_cache(maxsize=32)
def _cmap(path: Path) -> frozenset[int]:
    """Code points the font file maps to glyphs."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def subset_font(path: Path, codepoints: Sequence[int], *, flavor: str | None = None) -> bytes:
    """The font file cut down to the glyphs of ``codepoints`` (names and layout tables kept).

    ``flavor="woff2"`` compresses it for the web (brotli).
    """
    from io import BytesIO

    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.flavor = flavor
    with subset.load_font(str(path), options, lazy=True) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        out = BytesIO()
        subset.save_font(font, out, options)
    return out.getvalue()


def codepoint_range(codes: Sequence[int]) -> str:
    """CSS ``unicode-range`` value for sorted code points, runs merged (``U+28-29, U+2F``)."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def family_stack(faces: Sequence[FontFace], style: str, fallback: Sequence[str] = ()) -> str:
    """CSS font-family value for one style, falling back to the regular face, then ``fallback``."""
    by_style = {face.style_name: face.family for face in faces}
    names: list[str] = []
    for wanted in (style, "Bold" if "Bold" in style else "Regular", "Regular"):
        if wanted in by_style and by_style[wanted] not in names:
            names.append(by_style[wanted])
    names.extend(name for name in fallback if name not in names)
    # Generic families (serif, sans-serif ...) are keywords: quoted, they would name a font.
    return ", ".join(name if name in GENERIC_FAMILIES else f'"{name}"' for name in names)


GENERIC_FAMILIES = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"})


# -- fallback chain and glyph coverage ---------------------------------------------------
# After each language's own faces come fonts for what no text face has: emoji, symbols,
# mathematics ([render] fallback_fonts), and one monospaced face for code
# ([render] code_font). Kept apart from the language faces above: a missing fallback is
# a warning, not an error, and the glyph check below reports what is still uncovered.

FALLBACK_PACKAGES = {
    "NotoColorEmoji.ttf": "fonts-noto-color-emoji",
    "DejaVuSansMono.ttf": "fonts-dejavu-core",
    "DejaVuSansMono-Bold.ttf": "fonts-dejavu-core",
}
"""Debian package of each default fallback file; the rest come with fonts-noto-core."""


def fallback_faces(
    file_names: Sequence[str], font_dirs: Sequence[Path] = DEFAULT_FONT_DIRS, *, role: str = "fallback"
) -> tuple[list[FontFace], list[str]]:
    """The installed faces of ``file_names`` in order, and a warning for each one missing.

    Each face gets its own family named after its file, ``PR fallback NotoColorEmoji``
    (``role`` names the series: ``fallback`` for the chain after the text faces,
    ``code`` for code), and its own file in the build,
    ``PR-fallback-NotoColorEmoji-Regular.ttf``.
    """
    faces: list[FontFace] = []
    warnings: list[str] = []
    for file_name in file_names:
        path = find_font(file_name, font_dirs)
        if path is None:
            package = FALLBACK_PACKAGES.get(Path(file_name).name, "fonts-noto-core")
            warnings.append(
                f"{role} font {file_name} is not installed; characters only it has will show as boxes "
                f"(hint: sudo apt-get install {package}, or change [render] {role}_fonts)"
            )
            continue
        style = style_of(file_name)
        stem = Path(file_name).stem.removesuffix("-Regular")
        faces.append(
            FontFace(
                lang=f"{role}-{stem}",
                family=f"PR {role} {stem}",
                style_name=style,
                weight=700 if "Bold" in style else 400,
                italic="Italic" in style,
                path=path,
            )
        )
    return faces, warnings


@functools.lru_cache(maxsize=64)
def font_coverage(path: Path) -> frozenset[int]:
    """The code points a font file maps to glyphs (its best cmap)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        cmap = font.getBestCmap() or {}
    return frozenset(cmap)


def describe_character(char: str) -> str:
    """``U+1F980 🦀 CRAB``: how a warning names a character."""
    import unicodedata

    name = unicodedata.name(char, "unnamed")
    shown = char if char.isprintable() and not char.isspace() else ""
    return f"U+{ord(char):04X} {shown} {name}".replace("  ", " ")


def unicode_range(path: Path) -> str:
    """The CSS ``unicode-range`` of a font file: ``U+20-7E, U+A0-FF, ...``.

    On a fallback face it lets a browser skip the download (ten megabytes for the
    emoji font) when a page has none of its characters, and fall back to the system
    at once for a script no configured font has, instead of drawing nothing while
    the faces load.
    """
    points = sorted(font_coverage(path))
    runs: list[str] = []
    index = 0
    while index < len(points):
        start = end = points[index]
        while index + 1 < len(points) and points[index + 1] == end + 1:
            index += 1
            end = points[index]
        runs.append(f"U+{start:X}" if start == end else f"U+{start:X}-{end:X}")
        index += 1
    return ", ".join(runs)
