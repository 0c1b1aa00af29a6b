"""扬言: words threatening self-harm, violence or going over the county's head (越级 to 市/省/北京).

A clerk must see these first. The phrasings are the router's (classifier/threats.py), so the letter page and
the suggestion agree on what a threat is: a bare word list here flagged 极端天气, 减轻生产成本 and 去北京旅行.
"""

from __future__ import annotations

from xinfang.classifier.threats import find_threats
from xinfang.intake.fields.common import field


def urgency_field(text: str) -> dict:
    items = [{"value": word, "span": [start, end], "confidence": 0.85} for word, start, end in find_threats(text)]
    span = items[0]["span"] if items else None
    return field(bool(items), 0.9 if items else 0.7, span, items=items)
