"""Translation models: which Argos package drafts which language, and managing them.

Input: the ``[translate]`` table of the configuration and the packages folder.
Output: ``InstalledPackage`` records for the drafting stage, installs and removals,
a per-language ``doctor`` report (each model loaded for real), and ``.argosmodel``
archives wrapping an NLLB-200 CTranslate2 conversion.

- ``settings``: the ``[translate]`` table and where packages live;
- ``packages``: reading installed packages, choosing one per language, ``doctor``;
- ``install``: checked, atomic installs and removals of ``.argosmodel`` archives;
- ``index``: the package index and downloads, over http(s) only, with limits;
- ``nllb``: wrapping an NLLB-200 conversion as a package.
"""

from .index import INDEX_MAX_BYTES, IndexEntry, install_from_index, read_index
from .install import BOMB_RATIO, install_package, remove_package
from .nllb import package_nllb
from .packages import (
    InstalledPackage,
    LanguageStatus,
    candidates,
    doctor,
    install_hint,
    list_packages,
    load_problem,
    model_position_limit,
    read_package,
    scan_packages,
    select_package,
    source_special_tokens,
)
from .settings import (
    DEFAULT_INDEX_URL,
    DOCS,
    ENGINES,
    INDEX_URL_ENV,
    MEGABYTE,
    MODELS_DIR_ENV,
    NLLB_CODES,
    TranslateSettings,
    default_models_dir,
    read_settings,
)

__all__ = [
    "BOMB_RATIO",
    "DEFAULT_INDEX_URL",
    "DOCS",
    "ENGINES",
    "INDEX_MAX_BYTES",
    "INDEX_URL_ENV",
    "MEGABYTE",
    "MODELS_DIR_ENV",
    "NLLB_CODES",
    "IndexEntry",
    "InstalledPackage",
    "LanguageStatus",
    "TranslateSettings",
    "candidates",
    "default_models_dir",
    "doctor",
    "install_from_index",
    "install_hint",
    "install_package",
    "list_packages",
    "load_problem",
    "model_position_limit",
    "package_nllb",
    "read_index",
    "read_package",
    "read_settings",
    "remove_package",
    "scan_packages",
    "select_package",
    "source_special_tokens",
]
