"""Dates in every form letters use: 2023年11月6日, 二〇二三年十一月六日, 23年7月31号, 2023.11.6, 2023-11-06.

The date written is the last full date in the closing (signature) part; other dates are incident dates.
Two-digit years are read as 20xx (letters about the 1900s write the full year).
"""

from __future__ import annotations

import re
from datetime import date

from xinfang.intake.fields.common import empty, field

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN = "〇零○一二两三四五六七八九十"
_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|\d{{2}}|[{_CN}]{{4}}|[{_CN}]{{2}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN}]{{1,2}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*[日号]"
    r"|(?<!\d)(?P<y2>(?:19|20)\d{2})\s*(?P<sep>[.\-/])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2})(?!\d)")


def cn_int(token: str) -> int | None:
    """二十六 -> 26, 十一 -> 11, 〇六 -> 6, 2023 -> 2023; None when not a number."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        head, _, tail = token.partition("十")
        tens = _CN_DIGIT.get(head) if head else 1
        ones = _CN_DIGIT.get(tail) if tail else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    digits = [_CN_DIGIT.get(ch) for ch in token]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _year(raw: int, token: str) -> int:
    return 2000 + raw if len(token) == 2 else raw


def find_dates(text: str) -> list[dict]:
    """Every full date: {value (ISO), span, raw}."""
    out = []
    for m in _DATE.finditer(text):
        if m.group("y"):
            y, mo, d = cn_int(m.group("y")), cn_int(m.group("m")), cn_int(m.group("d"))
            if y is not None:
                y = _year(y, m.group("y"))
        else:
            y, mo, d = int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))
        if y is None or mo is None or d is None:
            continue
        try:
            value = date(y, mo, d)
        except ValueError:
            continue
        if not 1950 <= value.year <= 2100:
            continue
        out.append({"value": value.isoformat(), "span": [m.start(), m.end()], "raw": m.group(0)})
    return out


def date_fields(text: str, dates: list[dict]) -> tuple[dict, dict]:
    """(date_written, incident_dates): the last date in the last lines is the date written."""
    if not dates:
        return empty(), field([], 0.0, None, items=[])
    tail_start = max(0, len(text) - 160)
    last = dates[-1]
    written = None
    if last["span"][0] >= tail_start:
        line_start = text.rfind("\n", 0, last["span"][0]) + 1
        alone = text[line_start:last["span"][0]].strip() in ("", "日期：", "日期:", "时间：")
        written = field(last["value"], 0.95 if alone else 0.8, last["span"])
    others = [d for d in dates if written is None or d is not last]
    items = [{"value": d["value"], "span": d["span"], "confidence": 0.85} for d in others]
    incident = field([d["value"] for d in others], 0.85 if others else 0.0, None, items=items)
    return written or empty(), incident
