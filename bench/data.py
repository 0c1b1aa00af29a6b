"""Where the shared measuring data lives, found relative to the checkout, and a loud stop when it is not there."""

from __future__ import annotations

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def shared(*parts: str) -> Path:
    """A path under ../shared/data; exits with a message naming it when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise SystemExit(f"bench: {path} is missing. The benchmarks measure on the shared data set at "
                         f"{SHARED} (next to the checkout); put it there or run from a checkout that has it.")
    return path


def read_csv(*parts: str) -> list[dict[str, str]]:
    with shared(*parts).open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def emit(results: object, path: Path | None) -> None:
    """Print the figures as JSON, and keep a copy in `path` (`--json`) when one is given."""
    text = json.dumps(results, ensure_ascii=False, indent=1)
    if path:
        path.write_text(text, encoding="utf-8")
    print(text)
