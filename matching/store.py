"""Reading and writing the shared index tables (SQLite or PostgreSQL, same SQL)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from xinfang.matching.features import Features, index_keys
from xinfang.matching.identity import Identity
from xinfang.matching.score import Candidate
from xinfang.matching.text import Entities, band_keys, from_bytes, is_empty, to_bytes
from xinfang.models import Letter
from xinfang.models.repeat_index import (
    RepeatBand,
    RepeatKey,
    RepeatMatterGroup,
    RepeatPetitioner,
    RepeatSignature,
)

PER_KEY = {"id": 200, "ph": 100, "nm": 100, "nv": 25, "n": 30, "acc": 50, "unit": 40}  # newest letters read per key
BAND_CAP = 1000    # a band shared by more letters is a template sentence: skipped, like a stop-word
MAX_TEXT = 40      # text candidates kept, by number of shared bands (rarer bands first on a tie)
STRONG = ("id", "ph", "nm", "acc")  # keys that name one person (or one accused party): always compared


def _kind(key: str) -> str:
    kind = key.split(":", 1)[0]
    if kind == "nv" and "*" not in key:
        return "nm"  # the exact name@place: a strong key
    return kind


NAMES = ("n", "nv")  # a name alone or a fuzzy name@place: weak, and common names are common


def _key_items(feats: Features) -> dict[int, tuple[str, int, bool]]:
    """Each distinct hashed key: ('s' strong | 'w' weak, how many of its newest letters to read, whether a
    key with more letters than that is skipped). A strong key is one person (or accused party): its newest
    letters are that person's recent history. A name shared by more letters than its limit names nobody
    in particular, and a cut to its newest letters would only bring strangers: it is skipped, as a band
    over BAND_CAP is. A unit of the matter keeps its newest letters (a hot spot: the recent ones are the
    group a reviewer is shown)."""
    items: dict[int, tuple[str, int, bool]] = {}
    for k, _, key in feats.keys:
        kind = _kind(key)
        items.setdefault(k, ("s" if kind in STRONG else "w", PER_KEY.get(kind, 25), kind in NAMES))
    return items


def _pg_params(feats: Features) -> dict:
    items = _key_items(feats)
    return {"keys": list(items), "limits": [v[1] for v in items.values()], "srcs": [v[0] for v in items.values()],
            "skips": [v[2] for v in items.values()], "bands": sorted(set(feats.bands))}


# The text candidates of both databases: every band of the letter is sized first (an index-only count that
# stops at BAND_CAP + 1); a band longer than BAND_CAP says only "a common template sentence" and is skipped,
# so that it cannot crowd an old original out (a cut to its newest letters would keep only the newest); the
# letters on the other bands are ranked by how many bands they share, rarer bands first on a tie.
_SQLITE_BANDED = (
    "WITH q(band) AS (VALUES {values}), "
    # MATERIALIZED: each band is counted once, not again for every letter joined to it
    "sized AS MATERIALIZED (SELECT band, (SELECT count(*) FROM (SELECT 1 FROM repeat_bands AS r "
    f"WHERE r.band = q.band LIMIT {BAND_CAP + 1})) AS n FROM q), "
    "banded AS (SELECT r.letter_id, count(*) AS shared, sum(1.0 / s.n) AS rarity FROM sized AS s "
    f"JOIN repeat_bands AS r ON r.band = s.band WHERE s.n <= {BAND_CAP} AND r.letter_id IS NOT :exclude "
    f"GROUP BY r.letter_id ORDER BY shared DESC, rarity DESC, r.letter_id DESC LIMIT {MAX_TEXT}) "
    "SELECT letter_id, 'b', shared FROM banded")


def _sqlite_sql(feats: Features, exclude: int | None) -> tuple[str, dict]:
    """SQLite (in-process, cheap to parse): the banded candidates, and a UNION ALL of one small indexed
    query per key, in one statement."""
    params: dict = {"exclude": exclude}
    bands = sorted(set(feats.bands))
    parts = []
    if bands:
        params.update({f"b{i}": b for i, b in enumerate(bands)})
        parts.append(_SQLITE_BANDED.format(values=", ".join(f"(:b{i})" for i in range(len(bands)))))
    for i, (value, (tag, limit, skip)) in enumerate(_key_items(feats).items()):
        params[f"k{i}"] = value
        short = (f" AND (SELECT count(*) FROM (SELECT 1 FROM repeat_keys WHERE key = :k{i} LIMIT {limit + 1})) "
                 f"<= {limit}") if skip else ""
        parts.append(f"SELECT * FROM (SELECT letter_id, '{tag}', 0 FROM repeat_keys WHERE key = :k{i}{short} "
                     f"ORDER BY letter_id DESC LIMIT {limit})")
    return " UNION ALL ".join(parts), params


@dataclass
class Found:
    """Candidate letters by how they were found."""

    strong: set[int] = field(default_factory=set)   # share a 身份证号, phone, exact name@place, accused
    weak: set[int] = field(default_factory=set)     # share a fuzzy name@place or a unit of the matter
    text: list[int] = field(default_factory=list)   # share the most informative LSH bands


def candidate_ids(session: Session, feats: Features, exclude: int | None) -> Found:
    """Letters sharing an identity or unit key, and letters sharing the most informative LSH bands, in one
    statement (SQLite; PostgreSQL's `lookup` does the same and also returns the rows)."""
    if session.get_bind().dialect.name == "postgresql":
        return lookup(session, feats, exclude)[0]
    found = Found()
    if not feats.keys and not feats.bands:
        return found
    sql, params = _sqlite_sql(feats, exclude)
    bands: list[tuple[int, int]] = []
    for letter_id, src, shared in session.execute(text(sql), params):
        if letter_id == exclude:
            continue
        if src == "s":
            found.strong.add(letter_id)
        elif src == "w":
            found.weak.add(letter_id)
        else:
            bands.append((letter_id, shared))
    found.text = _ranked(bands)
    found.weak -= found.strong
    return found


def _ranked(by_bands: list[tuple[int, int]]) -> list[int]:
    """Text candidates from (letter, shared bands), most first: letters sharing two or more bands, and
    only when fewer than 5 do, those sharing one (a single band is often boilerplate)."""
    ranked = [lid for lid, n in by_bands if n >= 2]
    if len(ranked) < 5:
        ranked.extend(lid for lid, n in by_bands if n == 1)
    return ranked[:MAX_TEXT]


@dataclass
class Record:
    """A candidate's stored row as the one-statement PostgreSQL lookup returns it; JSON parsed on demand."""

    letter_id: int
    sig: np.ndarray
    identity: str | dict | None
    entities: str | dict | None
    matter_group_id: int | None
    petitioner_id: int | None
    case_stage: str | None
    received: date | None = None

    def candidate(self) -> Candidate:
        return Candidate(self.letter_id, self.sig, Identity.from_json(_json(self.identity)),
                         Entities.from_json(_json(self.entities)), "", self.case_stage, self.matter_group_id,
                         self.petitioner_id, self.received)


def _json(value: str | dict | None) -> dict:
    if isinstance(value, str):
        return json.loads(value) or {}
    return value or {}


_PG_LOOKUP = (
    "WITH hits AS (SELECT r.letter_id, q.src FROM unnest(CAST(:keys AS BIGINT[]), CAST(:limits AS INT[]), "
    "CAST(:srcs AS TEXT[]), CAST(:skips AS BOOLEAN[])) AS q(key, lim, src, skip) CROSS JOIN LATERAL "
    "(SELECT letter_id FROM repeat_keys WHERE key = q.key AND (NOT q.skip OR (SELECT count(*) FROM "
    "(SELECT 1 FROM repeat_keys AS k WHERE k.key = q.key LIMIT q.lim + 1) AS one) <= q.lim) "
    "ORDER BY letter_id DESC LIMIT q.lim) AS r), "
    "banded AS (SELECT r.letter_id, count(*) AS n, sum(1.0 / z.n) AS rarity "
    "FROM unnest(CAST(:bands AS BIGINT[])) AS q(band) CROSS JOIN LATERAL (SELECT count(*) AS n FROM "
    f"(SELECT 1 FROM repeat_bands WHERE band = q.band LIMIT {BAND_CAP + 1}) AS one) AS z CROSS JOIN LATERAL "
    f"(SELECT letter_id FROM repeat_bands WHERE band = q.band AND z.n <= {BAND_CAP}) AS r "
    "WHERE r.letter_id IS DISTINCT FROM CAST(:exclude AS INTEGER) "
    f"GROUP BY r.letter_id ORDER BY n DESC, rarity DESC, r.letter_id DESC LIMIT {MAX_TEXT}), "
    "found AS (SELECT letter_id, bool_or(src = 's') AS strong, bool_or(src = 'w') AS weak, 0 AS n FROM hits "
    "WHERE letter_id IS DISTINCT FROM CAST(:exclude AS INTEGER) GROUP BY letter_id "
    "UNION ALL SELECT letter_id, false, false, n FROM banded), "
    "c AS (SELECT letter_id, bool_or(strong) AS strong, bool_or(weak) AS weak, max(n) AS n FROM found "
    "GROUP BY letter_id) "
    "SELECT c.letter_id, c.strong, c.weak, c.n, s.minhash, CAST(s.identity AS TEXT), CAST(s.entities AS TEXT), "
    "s.matter_group_id, s.petitioner_id, l.case_stage, s.received_date FROM c "
    "JOIN repeat_signatures AS s ON s.letter_id = c.letter_id JOIN letters AS l ON l.id = c.letter_id")


def lookup(session: Session, feats: Features, exclude: int | None) -> tuple[Found, dict[int, Record]]:
    """Candidates and their stored rows in one round trip: the identity and unit keys, the letters sharing
    the most informative LSH bands (counted and cut to MAX_TEXT by the server), joined to their signatures.

    PostgreSQL only (arrays + LATERAL ... LIMIT: the same plan every time, prepared by psycopg after a few
    calls); SQLite uses `candidate_ids` + `minhashes` + `load_candidates`, in-process and cheap.
    """
    found = Found()
    if not feats.keys and not feats.bands:
        return found, {}
    params = _pg_params(feats)
    params["exclude"] = exclude
    records: dict[int, Record] = {}
    bands: list[tuple[int, int]] = []
    for row in session.execute(text(_PG_LOOKUP), params):
        letter_id, strong, weak, n, minhash, identity, ents, group, petitioner, stage, received = row
        records[letter_id] = Record(letter_id, from_bytes(minhash), identity, ents, group, petitioner, stage,
                                    received)
        if strong:
            found.strong.add(letter_id)
        elif weak:
            found.weak.add(letter_id)
        if n:
            bands.append((n, letter_id))
    found.text = _ranked([(lid, n) for n, lid in sorted(bands, reverse=True)])
    return found, records


def minhashes(session: Session, ids: set[int]) -> dict[int, np.ndarray]:
    """Only the signatures (a few hundred bytes each): the cheap first look at weak candidates."""
    if not ids:
        return {}
    rows = session.execute(select(RepeatSignature.letter_id, RepeatSignature.minhash).where(
        RepeatSignature.letter_id.in_(bindparam("ids", expanding=True))), {"ids": sorted(ids)})
    return {r.letter_id: from_bytes(r.minhash) for r in rows}


def load_candidates(session: Session, ids: set[int] | list[int]) -> list[Candidate]:
    if not ids:
        return []
    rows = session.execute(
        select(RepeatSignature.letter_id, RepeatSignature.minhash, RepeatSignature.identity,
               RepeatSignature.entities, RepeatSignature.matter_group_id, RepeatSignature.petitioner_id,
               Letter.case_stage, RepeatSignature.received_date)
        .join(Letter, Letter.id == RepeatSignature.letter_id)
        .where(RepeatSignature.letter_id.in_(bindparam("ids", expanding=True))), {"ids": sorted(ids)})
    return [Candidate(r.letter_id, from_bytes(r.minhash), Identity.from_json(r.identity or {}),
                      Entities.from_json(r.entities or {}), "", r.case_stage, r.matter_group_id, r.petitioner_id,
                      r.received_date)
            for r in rows]


def load_texts(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(Letter.id, Letter.text, Letter.ocr_text).where(Letter.id.in_(ids)))
    return {r.id: r.text or r.ocr_text or "" for r in rows}


def remove_letter(session: Session, letter_id: int) -> RepeatSignature | None:
    """Drop a letter's keys and bands (found again from its stored signature); keep the signature row."""
    existing = session.get(RepeatSignature, letter_id)
    if existing is None:
        return None
    sig = from_bytes(existing.minhash)
    bands = [] if is_empty(sig) else band_keys(sig)
    if bands:
        session.execute(delete(RepeatBand).where(RepeatBand.letter_id == letter_id, RepeatBand.band.in_(bands)))
    keys = [k for k, _, _ in index_keys(Identity.from_json(existing.identity or {}),
                                        Entities.from_json(existing.entities or {}))]
    if keys:
        session.execute(delete(RepeatKey).where(RepeatKey.letter_id == letter_id, RepeatKey.key.in_(keys)))
    return existing


def write_letter(session: Session, letter_id: int, received: date | None, feats: Features,
                 petitioner_id: int | None, group_id: int | None) -> None:
    existing = session.get(RepeatSignature, letter_id)
    values = {"minhash": to_bytes(feats.sig), "identity": feats.identity.to_json(),
              "entities": feats.entities.to_json(), "petitioner_id": petitioner_id,
              "matter_group_id": group_id, "received_date": received}
    if existing is None:
        session.add(RepeatSignature(letter_id=letter_id, **values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)
    rows_k = {(k, p) for k, p, _ in feats.keys}
    if rows_k:
        session.execute(RepeatKey.__table__.insert(),
                        [{"key": k, "letter_id": letter_id, "person": p} for k, p in sorted(rows_k)])
    if feats.bands:
        session.execute(RepeatBand.__table__.insert(),
                        [{"band": b, "letter_id": letter_id} for b in sorted(set(feats.bands))])


def petitioner_for(session: Session, feats: Features) -> int | None:
    """The registry entry of the main signer, found by 身份证号, phone or exact name@place; else None."""
    if not feats.identity.people:
        return None
    strong = [k for k, person, key in feats.keys if person == 0 and _is_strong(key)]
    if not strong:
        return None
    found = session.execute(
        select(RepeatSignature.petitioner_id, RepeatKey.key)
        .join(RepeatSignature, RepeatSignature.letter_id == RepeatKey.letter_id)
        .where(RepeatKey.key.in_(strong), RepeatKey.person == 0, RepeatSignature.petitioner_id.is_not(None))
        .order_by(RepeatKey.letter_id.desc()).limit(50)).all()
    if not found:
        return None
    rank = {k: i for i, k in enumerate(strong)}  # 身份证号 first, then phone, then name@place
    return min(found, key=lambda r: rank[r.key]).petitioner_id


def _is_strong(key: str) -> bool:
    if key.startswith(("id:", "ph:")):
        return True
    return key.startswith("nv:") and "*" not in key


def new_petitioner(session: Session, feats: Features, letter_id: int) -> int:
    main = feats.identity.people[0]
    person = RepeatPetitioner(name=main.name, id_number=main.id_number, phone=main.phone,
                              first_letter_id=letter_id, letter_count=0)
    session.add(person)
    session.flush()
    return person.id


def touch_petitioner(session: Session, petitioner_id: int) -> None:
    person = session.get(RepeatPetitioner, petitioner_id)
    if person is not None:
        person.letter_count += 1


def join_group(session: Session, group_id: int | None, letter_id: int, petitioner_id: int | None) -> int:
    """Add the letter to a matter group (a new one when `group_id` is None) and keep the counts."""
    group = session.get(RepeatMatterGroup, group_id) if group_id else None
    if group is None:
        group = RepeatMatterGroup(first_letter_id=letter_id, letter_count=0, people_count=0)
        session.add(group)
        session.flush()
    new_person = petitioner_id is None or session.scalar(
        select(RepeatSignature.letter_id).where(RepeatSignature.matter_group_id == group.id,
                                                RepeatSignature.petitioner_id == petitioner_id,
                                                RepeatSignature.letter_id != letter_id).limit(1)) is None
    group.letter_count += 1
    group.people_count += 1 if new_person else 0
    return group.id


def merge_groups(session: Session, source_id: int, into_id: int) -> None:
    """Fold matter group `source_id` into `into_id`: a letter that repeats one person's case and is also the
    same matter as another person's letters ties the two groups (a clerk files them as one matter)."""
    if source_id == into_id:
        return
    source, into = session.get(RepeatMatterGroup, source_id), session.get(RepeatMatterGroup, into_id)
    if source is None or into is None:
        return
    session.flush()
    session.execute(update(RepeatSignature).where(RepeatSignature.matter_group_id == source_id)
                    .values(matter_group_id=into_id))
    into.letter_count += source.letter_count
    if source.first_letter_id is not None and (into.first_letter_id is None
                                               or source.first_letter_id < into.first_letter_id):
        into.first_letter_id = source.first_letter_id
    people = session.execute(text(
        "SELECT count(DISTINCT petitioner_id), sum(CASE WHEN petitioner_id IS NULL THEN 1 ELSE 0 END) "
        "FROM repeat_signatures WHERE matter_group_id = :into"), {"into": into_id}).one()
    into.people_count = int(people[0] or 0) + int(people[1] or 0)
    session.delete(source)


def clear(session: Session) -> None:
    for table in (RepeatBand, RepeatKey, RepeatSignature, RepeatMatterGroup, RepeatPetitioner):
        session.execute(delete(table))

