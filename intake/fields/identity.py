"""身份证号 in a letter: found even when spaced, full-width or OCR-misread; validated; one digit repaired.

Repair uses intake.idcard.repair, which only changes a character when it is a look-alike (O for 0) and the
check digit leaves exactly one candidate: a wrong number merges two people's histories, so we do not guess.
"""

from __future__ import annotations

import re

from xinfang.core import idcard
from xinfang.intake.fields.common import empty, field, near_before

ID_CUES = ("身份证", "身份号码", "证号", "公民身份", "身份证号码")
# 18 characters of digits or look-alikes, allowing single spaces/dashes between groups.
_ID_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9OoIlBSZDx×X](?:[ \-]?[0-9OoIlBSZD]){16}[ \-]?[0-9OoIlBSZDXx×]"
                     r"(?![0-9A-Za-z])")


def find_ids(text: str, region: str = "") -> list[dict]:
    """Every 身份证号-like run: {value, raw, span, valid, confidence, note, cued}."""
    found = []
    for m in _ID_RUN.finditer(text):
        raw = m.group(0)
        if sum(ch.isdigit() for ch in raw) < 15:
            continue
        result = idcard.repair_in_region(raw, region) if region else idcard.repair(raw)
        cued = near_before(text, m.start(), ID_CUES, 14)
        if result.valid:
            conf = 0.99 if result.repaired_position is None else 0.8
            conf -= 0 if cued else 0.1
        else:
            conf = 0.3
        found.append({"value": result.value, "raw": raw, "span": [m.start(), m.end()], "valid": result.valid,
                      "confidence": round(conf, 3), "note": result.note, "cued": cued})
    return found


def id_field(text: str, ids: list[dict], exclude: list[tuple[int, int]]) -> dict:
    """The petitioner's number: the first valid one outside the co-signer list, cue-anchored ones first."""
    own = [i for i in ids if not any(a <= i["span"][0] < b for a, b in exclude)]
    items = [{"value": i["value"], "span": i["span"], "confidence": i["confidence"], "valid": i["valid"]}
             for i in ids]
    valid = sorted((i for i in own if i["valid"]), key=lambda i: (not i["cued"], i["span"][0]))
    if not valid:
        return empty(items or None)
    best = valid[0]
    note = f"身份证号{best['note']}" if best["note"] else ""
    return field(best["value"], best["confidence"], best["span"], note=note, items=items)
