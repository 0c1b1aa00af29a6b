"""Model versions: every trained model kept under classifiers/<version>/, one promoted copy in
classifiers/current (in the data directory).

`current` is a copy (not a symlink) swapped in by renames, because the pipeline watches
current/meta.json and a worker must never see a half-copied directory. promotions.json records the
order of promotions, so rollback goes back to the version promoted before the current one.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from xinfang.classifier.persist import META_FILE, read_meta
from xinfang.core.errors import NotFoundError

HISTORY = "promotions.json"


def versions(models_root: Path) -> list[dict]:
    """Every stored version with its meta, oldest first.

    `created` counts whole seconds and a model can train in less than one, so versions from the same
    second are ordered by when their meta.json was written.
    """
    found = []
    if models_root.exists():
        for child in sorted(models_root.iterdir()):
            if child.is_dir() and child.name != "current" and not child.name.startswith(".") \
                    and (child / META_FILE).exists():
                found.append((read_meta(child), (child / META_FILE).stat().st_mtime_ns))
    return [meta for meta, _ in sorted(found, key=lambda item: (item[0].get("created", ""), item[1]))]


def current_version(models_root: Path) -> str | None:
    meta = models_root / "current" / META_FILE
    return read_meta(models_root / "current").get("version") if meta.exists() else None


def history(models_root: Path) -> list[dict]:
    path = models_root / HISTORY
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _write_history(models_root: Path, entries: list[dict]) -> None:
    tmp = models_root / f".{HISTORY}.tmp"
    tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, models_root / HISTORY)


def promote(models_root: Path, version: str, reason: str = "manual") -> dict:
    """Make `version` the current model (copy, then swap by rename) and record it."""
    source = models_root / version
    if not (source / META_FILE).exists():
        raise NotFoundError(f"没有模型版本 {version}。用 `xinfang model list` 查看已有版本。")
    staging = models_root / f".current-{version}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    current = models_root / "current"
    old = models_root / ".current-old"
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        os.replace(current, old)
    os.replace(staging, current)
    shutil.rmtree(old, ignore_errors=True)
    os.utime(current / META_FILE)  # a fresh mtime, so watchers reload even for a re-promoted version
    entries = history(models_root)
    entries.append({"version": version, "at": datetime.now(UTC).isoformat(timespec="seconds"), "reason": reason})
    _write_history(models_root, entries)
    return read_meta(current)


def rollback(models_root: Path) -> dict:
    """Promote the version that was current before the present one."""
    now = current_version(models_root)
    earlier = [e["version"] for e in history(models_root) if e["version"] != now]
    if not earlier:
        raise NotFoundError("没有更早的已发布模型版本可以回退。")
    return promote(models_root, earlier[-1], reason=f"rollback from {now}")
