"""Money amounts in yuan: 3000元, 1.2万元, 5万块, 三千元, 八百块钱, 20余万元."""

from __future__ import annotations

import re

from xinfang.intake.fields.common import field

_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_AMOUNT = re.compile(rf"(?P<n>\d+(?:[,，]\d{{3}})*(?:\.\d+)?|[{_CN_NUM}]+)\s*(?P<unit>万|千|百|亿)?\s*(?:多|余)?\s*"
                     rf"(?P<unit2>万|千)?\s*(?:元|块)")
_DIG = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_MULT = {None: 1, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def cn_amount(token: str) -> float | None:
    """三千五百 -> 3500, 十二万 -> 120000, 两 -> 2."""
    total, section, number = 0, 0, 0
    for ch in token:
        if ch in _DIG:
            number = _DIG[ch]
        elif ch in _UNIT:
            section += (number or 1) * _UNIT[ch]
            number = 0
        elif ch in ("万", "亿"):
            total += (section + number) * (10_000 if ch == "万" else 100_000_000)
            section, number = 0, 0
        else:
            return None
    value = total + section + number
    return float(value) if value else None


def amount_field(text: str) -> dict:
    items = []
    for m in _AMOUNT.finditer(text):
        token = m.group("n")
        base = float(token.replace(",", "").replace("，", "")) if token[0].isdigit() else cn_amount(token)
        if base is None:
            continue
        value = base * _MULT[m.group("unit")] * _MULT[m.group("unit2")]
        items.append({"value": round(value, 2), "span": [m.start(), m.end()], "confidence": 0.9})
    return field([i["value"] for i in items], 0.9 if items else 0.0, None, items=items)
