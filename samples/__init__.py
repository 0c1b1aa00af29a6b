"""Sample petition letters with ground truth (samples/letters) and the generator that makes more.

The committed set is rebuilt by `python -m samples.committed`; any number more by
`xinfang samples generate --count N --seed S --out DIR [--scans]`.
"""

from __future__ import annotations

import json
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def letters_dir() -> Path:
    """The committed sample folder (scans, text letters, index.json, batches.json)."""
    return _HERE / "letters"


def load_index() -> list[dict]:
    """One entry per letter: id, scan (file name or None), file (text file or None), kind, quality, pages, truth."""
    return json.loads((letters_dir() / "index.json").read_text(encoding="utf-8"))


def load_batches() -> list[dict]:
    """Batch scans: {file, letters (ids in order), pages (page indexes per letter), separators, quality}."""
    path = letters_dir() / "batches.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
