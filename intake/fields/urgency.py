"""扬言: words threatening self-harm, violence or going over the county's head (越级 to 市/省/北京).

A clerk must see these first; a false alarm costs a glance, a miss can cost a life, so the list errs wide.
"""

from __future__ import annotations

import re

from xinfang.intake.fields.common import field

URGENT_WORDS = ("同归于尽", "喝农药", "喝药", "跳楼", "跳河", "上吊", "自杀", "自焚", "轻生", "寻死", "死给你们看", "一死了之",
                "以死相逼", "不想活", "活不下去", "不活了", "一了百了", "从楼上跳", "拼命", "拼了", "炸药", "炸掉", "放火", "点火", "杀了",
                "报复社会", "去北京", "进京", "到北京", "上北京", "去省里", "到省里", "去市里", "做出什么事", "极端", "堵路",
                "围堵", "静坐")
_URGENT = re.compile("|".join(map(re.escape, sorted(URGENT_WORDS, key=len, reverse=True))))
_NEGATED = re.compile(r"(?:不会|决不|绝不|不至于)[^，。]{0,4}$")


def urgency_field(text: str) -> dict:
    items = []
    for m in _URGENT.finditer(text):
        if _NEGATED.search(text[max(0, m.start() - 8):m.start()]):
            continue
        items.append({"value": m.group(0), "span": [m.start(), m.end()], "confidence": 0.85})
    span = items[0]["span"] if items else None
    return field(bool(items), 0.9 if items else 0.7, span, items=items)
