"""How many of the office's earlier letters name the same place or unit: the rarity of a name in its own mail.

A clerk groups two strangers' letters when they name a firm or 小区 that rarely comes up ("这个厂最近好几个人
来信" is news because the 厂 is not in every letter); a name found in many unrelated letters (a template phrase,
a kind of place read as a name) ties nothing. The index already holds one `unit:` key per named place or unit
of every letter (`features.index_keys`), so the count is read from `repeat_keys`, in one statement per letter,
each key's count capped so that a popular name costs a bounded index range.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from xinfang.matching.features import UNIT, Features

COUNT_CAP = 50  # enough to tell rare from common; a name in thousands of letters costs no more than one in 50


def unit_names(feats: Features) -> dict[int, str]:
    """The letter's named places and units as the index keys them: {hashed key: name}."""
    return {k: key.split(":", 1)[1] for k, person, key in feats.keys if person == UNIT}


def name_counts(session: Session, feats: Features, exclude: int | None = None, cap: int = COUNT_CAP) -> dict[str, int]:
    """{name: letters in the index naming it (at most `cap`)} for every place or unit the letter names.

    The letter itself is not counted (`exclude`: a re-run after it was indexed). One UNION ALL of small
    indexed range reads (SQLite and PostgreSQL alike), one per unit key (`index_keys`: ten at most).
    """
    names = unit_names(feats)
    if not names:
        return {}
    parts, params = [], {"exclude": -1 if exclude is None else exclude}
    for i, key in enumerate(names):
        params[f"k{i}"] = key
        parts.append(f"SELECT {i} AS i, count(*) AS n FROM (SELECT letter_id FROM repeat_keys WHERE key = :k{i} "
                     f"AND letter_id <> :exclude LIMIT {int(cap)}) AS r{i}")
    keys = list(names)
    return {names[keys[i]]: int(n) for i, n in session.execute(text(" UNION ALL ".join(parts)), params)}
