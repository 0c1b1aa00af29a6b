"""Phone numbers: mobiles (11 digits from 1[3-9]) and landlines (0 + area code + 7-8 digits).

Written in groups (131 1824 9431, 0539-1234567) or read by OCR with O for 0; we never take digits from
inside a 身份证号 (an 18-digit run holds many 11-digit mobile-looking runs).
"""

from __future__ import annotations

import re

from xinfang.intake.fields.common import digits_only, empty, field, near_before

PHONE_CUES = ("电话", "手机", "联系方式", "联系", "Tel", "tel", "TEL", "号码")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[ \-]?[0-9]){8}(?![0-9])")
# A number spoken in characters (有事打俺儿子电话一三九三二七八五四零六): 11 digits starting 一[三-九].
_CN_MOBILE = re.compile(r"(?<![〇零一二三四五六七八九幺])一[三四五六七八九](?:[〇零一二三四五六七八九幺]\s?){8}"
                        r"[〇零一二三四五六七八九幺](?![〇零一二三四五六七八九幺])")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九幺", "001234567891")
_LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}[ \-—]?[2-9][0-9]{6,7}(?![0-9])")


def find_phones(text: str, blocked: list[tuple[int, int]]) -> list[dict]:
    """Every phone number outside `blocked` spans (身份证号): {value, span, kind, cued, confidence}."""
    found = []
    for kind, pattern in (("mobile", _MOBILE), ("landline", _LANDLINE)):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in blocked):
                continue
            value = digits_only(m.group(0))
            if kind == "landline" and not (10 <= len(value) <= 12):
                continue
            cued = near_before(text, m.start(), PHONE_CUES, 10)
            conf = (0.97 if cued else 0.8) if kind == "mobile" else (0.9 if cued else 0.5)
            found.append({"value": value, "span": [m.start(), m.end()], "kind": kind, "cued": cued,
                          "confidence": conf})
    for m in _CN_MOBILE.finditer(text):  # written in characters: only after a cue, never a guess
        if near_before(text, m.start(), PHONE_CUES, 10):
            value = re.sub(r"\s", "", m.group(0)).translate(_CN_DIGITS)
            found.append({"value": value, "span": [m.start(), m.end()], "kind": "mobile", "cued": True,
                          "confidence": 0.85})
    found.sort(key=lambda p: p["span"][0])
    return found


def phone_field(phones: list[dict], exclude: list[tuple[int, int]]) -> dict:
    """The petitioner's phone: cue-anchored first, outside the co-signer list; all numbers in items."""
    items = [{"value": p["value"], "span": p["span"], "confidence": p["confidence"], "kind": p["kind"]}
             for p in phones]
    own = [p for p in phones if not any(a <= p["span"][0] < b for a, b in exclude)]
    if not own:
        return empty(items or None)
    best = sorted(own, key=lambda p: (not p["cued"], p["kind"] != "mobile", p["span"][0]))[0]
    return field(best["value"], best["confidence"], best["span"], items=items)
