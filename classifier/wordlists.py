"""Built-in patterns extended by an office's own words (`rule_words` in its office file).

One place for the rule that the office's words are literal phrases, stripped: a blank entry left in the
file would otherwise match every space in every letter (every letter urgent, every letter 涉法).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def phrases(words: Iterable[str]) -> list[str]:
    """An office's words as the literal phrases they stand for: stripped, blank entries dropped."""
    return [w.strip() for w in words if w.strip()]


def with_words(base: re.Pattern[str], words: Iterable[str]) -> str:
    """The pattern text of `base` or any of `words` taken literally."""
    added = "|".join(map(re.escape, phrases(words)))
    return f"{base.pattern}|{added}" if added else base.pattern
