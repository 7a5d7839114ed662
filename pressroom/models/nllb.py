"""``.argosmodel`` archives wrapping an NLLB-200 CTranslate2 conversion."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

from ..errors import WorkflowError
from .packages import vocabulary
from .settings import DOCS, TranslateSettings


def package_nllb(
    settings: TranslateSettings,
    conversion_dir: Path,
    lang: str,
    *,
    output: Path,
    version: str = "1.0",
) -> Path:
    """Wrap an NLLB-200 CTranslate2 conversion as an en-><lang> Argos package archive.

    The model config gets NLLB's input convention (source ``eng_Latn ... </s>``,
    decoder start ``</s>``) and the metadata the target language token as
    ``target_prefix``, so the package drafts through the same path as Argos ones.
    """
    source = settings.source_language
    target_token = settings.nllb_codes.get(lang)
    source_token = settings.nllb_codes.get(source)
    if target_token is None or source_token is None:
        raise WorkflowError(
            f"no NLLB language code known for {lang if target_token is None else source}",
            hint=f'add it under [translate.nllb_code], e.g. {lang} = "xxx_Latn"',
        )
    if not (conversion_dir / "model.bin").is_file():
        raise WorkflowError(
            "not a CTranslate2 model folder (no model.bin)",
            path=conversion_dir,
            hint=f"convert NLLB-200 with ct2-transformers-converter first, see {DOCS}",
        )
    spm_path = next(
        (
            conversion_dir / n
            for n in ("sentencepiece.bpe.model", "sentencepiece.model")
            if (conversion_dir / n).is_file()
        ),
        None,
    )
    if spm_path is None:
        raise WorkflowError(
            "no sentencepiece.bpe.model beside the model",
            path=conversion_dir,
            hint="pass --copy_files sentencepiece.bpe.model to ct2-transformers-converter",
        )
    vocab = vocabulary(conversion_dir)
    if vocab is None:
        raise WorkflowError("no shared_vocabulary.json/.txt in the model folder", path=conversion_dir)
    absent = [token for token in (source_token, target_token) if token not in vocab]
    if absent:
        raise WorkflowError(
            f"the model vocabulary lacks the language token(s) {', '.join(absent)}: not an NLLB-200 model?",
            path=conversion_dir,
        )
    config_path = conversion_dir / "config.json"
    try:
        config = json.loads(config_path.read_text("utf-8")) if config_path.is_file() else {}
    except json.JSONDecodeError as exc:
        raise WorkflowError(f"bad model config: {exc}", path=config_path, line=exc.lineno) from exc
    config.update(
        {
            "bos_token": source_token,
            "add_source_bos": True,
            "add_source_eos": True,
            "decoder_start_token": "</s>",
        }
    )
    name = f"nllb-{source}_{lang}-{version.replace('.', '_')}"
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "type": "translate",
        "from_code": source,
        "from_name": source,
        "to_code": lang,
        "to_name": lang,
        "target_prefix": target_token,
        "pressroom_engine": "nllb",
        "pressroom_source": conversion_dir.name,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as bundle:
            bundle.writestr(f"{name}/metadata.json", json.dumps(metadata, indent=2) + "\n")
            bundle.writestr(f"{name}/model/config.json", json.dumps(config, indent=2) + "\n")
            for item in sorted(conversion_dir.iterdir()):
                if item.is_file() and item.name != "config.json" and item != spm_path:
                    bundle.write(item, f"{name}/model/{item.name}")
            bundle.write(spm_path, f"{name}/sentencepiece.model")
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return output
