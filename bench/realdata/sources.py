"""Every real source the routing bench measures on, read from `<checkout>/../shared/data` (bench/data.py).

Nothing here is written into the repository: the loaders return records in memory. A missing source is a
SystemExit that says where the data was expected, so a bench never prints nothing. Splits that must stay
apart (calibration vs measurement) are made by id, deterministically, so every run uses the same letters.
"""

from __future__ import annotations

import csv
import hashlib
import json

from bench.data import read_csv, shared
from bench.realdata.reply_units import load_labelled

PARTS = ("P", "Q", "R", "S")
# Teddy's 7 labels onto the office's 一级 (卫生计生 was renamed 卫生健康 in 2018).
TEDDY_LABELS = {"卫生计生": "卫生健康"}
# The rmw poster's own type, read as a purpose.
RMW_PURPOSE = {"投诉/求助": "求决", "建言": "意见建议", "咨询": "咨询"}


def _csv(*parts: str) -> list[dict[str, str]]:
    csv.field_size_limit(10**8)  # replies and messages hold long texts
    return read_csv(*parts)


def half(key: str) -> int:
    """0 or 1, fixed per id: the calibration half (0) and the measurement half (1) of a real source."""
    return hashlib.sha1(str(key).encode()).digest()[0] & 1


def blind(part: str) -> list[dict]:
    """Letters written apart from the project: measure only, never train or calibrate."""
    path = shared("letters_blind", f"part_{part}.jsonl")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) | {"part": part, "title": ""} for line in lines if line.strip()]


def teddy_train() -> list[dict]:
    """Segmented, stop-word-filtered tokens with the 7 labels mapped onto the office's 一级."""
    return [{"id": f"t{i}", "text": r["tokens"], "title": "", "category": TEDDY_LABELS.get(r["label"], r["label"])}
            for i, r in enumerate(_csv("teddy2020c", "train.csv"))]


def teddy_dev() -> list[dict]:
    return [{"id": r["id"], "text": r["text"], "title": r["title"],
             "category": TEDDY_LABELS.get(r["label"], r["label"])}
            for r in _csv("teddy2020c", "dev.csv")]


def replies(departments: set[str]) -> list[dict]:
    """Real messages with the department read out of the government's reply (0.907 hand-checked)."""
    shared("teddy2020c", "replies.csv")
    return [{"id": r["id"], "text": r["text"], "title": r["title"], "department": r["department"]}
            for r in load_labelled() if r["department"] in departments]


def rmw() -> list[dict]:
    """Real online messages with the poster's own type read as a purpose."""
    out = []
    for r in _csv("rmw_gas", "messages.csv"):
        purpose = RMW_PURPOSE.get((r.get("typeNameD") or "").strip())
        if purpose and (r.get("replyContentMain") or "").strip():
            out.append({"id": r["replyID"], "text": r["replyContentMain"], "title": r.get("title", ""),
                        "purpose": purpose})
    return out
