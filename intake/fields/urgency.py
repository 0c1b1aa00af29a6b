"""扬言: words threatening self-harm, violence or going over the county's head (越级 to 市/省/北京).

A clerk must see these first. The phrasings are the router's (classifier/threats.py), extended by the office's
own threat and escalation words (`rule_words` in the office file), so the letter page shows every threat the
office taught the system: a bare word list here flagged 极端天气, 减轻生产成本 and 去北京旅行, and a field read
without the office's words missed what the suggestion's urgent flag had found. The pipeline hands the phrases
found here to the router's rule (intake/stages.py), so a letter's threats are read once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xinfang.classifier.rules import office_threats
from xinfang.intake.fields.common import field


def urgency_field(text: str, rule_words: Mapping[str, Sequence[str]] | None = None) -> dict:
    """The 扬言 in `text` as a field: value (any found), each phrase with its span, and the first one's span."""
    items = [{"value": word, "span": [start, end], "confidence": 0.85}
             for word, start, end in office_threats(text, rule_words)]
    span = items[0]["span"] if items else None
    return field(bool(items), 0.9 if items else 0.7, span, items=items)


def found_threats(urgency: object) -> list[str] | None:
    """The phrases of an urgency field as the extractor wrote it, for the router's rule to take as they are;
    None for a field a reviewer corrected by hand or one without items (the rule then reads the letter)."""
    if not isinstance(urgency, dict) or urgency.get("corrected_by") is not None:
        return None
    items = urgency.get("items")
    if not isinstance(items, list) or not all(isinstance(item, dict) and "value" in item for item in items):
        return None
    return [str(item["value"]) for item in items]
