"""Model files with their provenance: joblib beside a meta.json that names the library versions.

A pickled scikit-learn model from other library versions may load and silently predict differently, so
loading compares the versions recorded at training time with the running ones and refuses a mismatch
with a message that says how to retrain.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import uuid
from datetime import UTC, datetime
from pathlib import Path

import joblib

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
# The layout of the pickled router; a model from an older layout is refused like one from other libraries.
# 2: n-gram features as integer codes (classifier/features.py) instead of scikit-learn vectorizers.
MODEL_FORMAT = "2"


class ModelMismatchError(Exception):
    """The model was trained with other library versions and cannot be trusted here."""


def library_versions() -> dict[str, str]:
    import jieba  # start-up: library versions are read only when a model is saved or loaded
    import numpy  # start-up: library versions are read only when a model is saved or loaded
    import scipy  # start-up: library versions are read only when a model is saved or loaded
    import sklearn  # start-up: library versions are read only when a model is saved or loaded

    return {"python": ".".join(platform.python_version_tuple()[:2]), "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "jieba": jieba.__version__,
            "model-format": MODEL_FORMAT}


def new_version_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:4]


def save_model(model: object, out_dir: Path, metrics: dict, training_size: int, extra: dict | None = None) -> dict:
    """Write model.joblib and meta.json; meta.json last, because watchers reload on its change."""
    out_dir.mkdir(parents=True, exist_ok=True)
    version = getattr(model, "version", None)
    if not version or version == "unsaved":
        version = new_version_id()
        model.version = version  # type: ignore[attr-defined]
    path = out_dir / MODEL_FILE
    joblib.dump(model, path)
    meta = {"version": version, "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "metrics": metrics, "training_size": training_size, "libraries": library_versions(),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), **(extra or {})}
    tmp = out_dir / f".{META_FILE}.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, out_dir / META_FILE)
    return meta


def read_meta(model_dir: Path) -> dict:
    return json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))


def check_versions(meta: dict) -> None:
    stored = meta.get("libraries", {})
    running = library_versions()
    differ = {name: (stored.get(name), now) for name, now in running.items() if stored.get(name) != now}
    if differ:
        detail = "，".join(f"{name} 训练时 {old or '未记录'}、现在 {new}" for name, (old, new) in differ.items())
        raise ModelMismatchError(
            f"模型 {meta.get('version', '?')} 是用其他版本的程序库训练的（{detail}），不能安全使用。"
            "请运行 `xinfang model retrain --now` 用已确认信件重新训练（或 `xinfang train`）。")


def load_model(model_dir: Path) -> object:
    """The model in `model_dir`, refusing files from other library versions or with a wrong checksum."""
    model_dir = Path(model_dir)
    if not (model_dir / META_FILE).exists() or not (model_dir / MODEL_FILE).exists():
        raise FileNotFoundError(f"{model_dir} 中没有完整的模型（缺 {META_FILE} 或 {MODEL_FILE}）。请先训练模型。")
    meta = read_meta(model_dir)
    check_versions(meta)
    path = model_dir / MODEL_FILE
    if meta.get("sha256") and hashlib.sha256(path.read_bytes()).hexdigest() != meta["sha256"]:
        raise ModelMismatchError(f"模型文件 {path} 与 {META_FILE} 记录的校验和不符（文件被替换或损坏）。请重新训练。")
    model = joblib.load(path)
    model.version = meta.get("version", "?")
    return model
