"""Longest common substring between letters: the measure that no two letters share a template.

WHY binary search over lengths with substring sets: it is O(n log n) per pair in practice, fast enough to
measure thousands of letter pairs in plain Python.
"""

from __future__ import annotations

import random
import re
from statistics import median

_SPACE = re.compile(r"\s+")


def longest_common_substring(a: str, b: str) -> str:
    """The longest string that occurs in both a and b (whitespace removed first)."""
    a, b = _SPACE.sub("", a), _SPACE.sub("", b)
    if len(a) > len(b):
        a, b = b, a
    best, lo, hi = "", 1, len(a)
    while lo <= hi:
        mid = (lo + hi) // 2
        seen = {a[i:i + mid] for i in range(len(a) - mid + 1)}
        found = next((b[j:j + mid] for j in range(len(b) - mid + 1) if b[j:j + mid] in seen), None)
        if found is None:
            hi = mid - 1
        else:
            best, lo = found, mid + 1
    return best


def same_category_pairs(records: list[dict], pairs: int, seed: int = 0) -> list[tuple[dict, dict]]:
    """Random pairs of letters of the same category about different matters."""
    rng = random.Random(seed)
    by_cat: dict[str, list[dict]] = {}
    for r in records:
        by_cat.setdefault(r["category"], []).append(r)
    cats = [c for c, rs in by_cat.items() if len(rs) > 1]
    out = []
    while len(out) < pairs and cats:
        rs = by_cat[rng.choice(cats)]
        a, b = rng.sample(rs, 2)
        if a["matter_id"] != b["matter_id"]:
            out.append((a, b))
    return out


def percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))]) if ordered else 0.0


def overlap_stats(records: list[dict], pairs: int = 2000, seed: int = 0) -> dict:
    """Median, p95, max LCS length (characters) over same-category pairs, and the longest one found."""
    lengths, longest = [], ""
    for a, b in same_category_pairs(records, pairs, seed):
        common = longest_common_substring(a["text"], b["text"])
        lengths.append(len(common))
        if len(common) > len(longest):
            longest = common
    return {"pairs": len(lengths), "median": median(lengths) if lengths else 0, "p95": percentile(lengths, 0.95),
            "p99": percentile(lengths, 0.99), "max": max(lengths, default=0), "longest": longest}
