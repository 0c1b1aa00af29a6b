"""Small helpers shared by the field extractors: the field dict shape and digit-run scanning."""

from __future__ import annotations

import re
from typing import Any

CJK = "\u4e00-\u9fff"
# A digit run as people and OCR write it: digits with single spaces or dashes between groups.
DIGITISH = r"[0-9OoIl|]"


def field(value: Any, confidence: float, span: tuple[int, int] | list[int] | None, note: str = "",
          items: list[dict] | None = None) -> dict:
    """One field in the contract shape: value, confidence, span (offsets into the text), note, items."""
    out: dict[str, Any] = {"value": value, "confidence": round(float(confidence), 3),
                           "span": list(span) if span is not None else None}
    if note:
        out["note"] = note
    if items is not None:
        out["items"] = items
    return out


def empty(items: list[dict] | None = None) -> dict:
    return field(None, 0.0, None, items=items)


def near_before(text: str, start: int, words: tuple[str, ...], window: int = 12) -> bool:
    """True when one of `words` ends within `window` characters before `start` (a cue like 电话：)."""
    head = text[max(0, start - window):start]
    return any(w in head for w in words)


def digits_only(raw: str) -> str:
    return re.sub(r"\D", "", raw.translate(str.maketrans("OoIl|", "00111")))


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end
