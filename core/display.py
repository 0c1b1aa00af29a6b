"""Names as they are shown: a file name must read as what it is.

A right-to-left override (U+202E) in "invoice\u202Efdp.exe" makes it display as "invoiceexe.pdf"; the
other bidirectional controls and zero-width characters can hide or reorder parts of a name the same way.
They carry no meaning in a file name, so they are removed from the name the desk stores and shows.
"""

from __future__ import annotations

import re
import unicodedata

# Bidi embeddings/overrides/isolates (LRE..RLO, LRI..PDI), marks (LRM, RLM, ALM), zero-width characters.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]")


def safe_display_name(name: str, limit: int = 500) -> str:
    """`name` without bidi controls, zero-width characters or other control characters."""
    cleaned = _INVISIBLE.sub("", name)
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch) != "Cc")
    return cleaned.strip()[:limit] or "（无名文件）"
