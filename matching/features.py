"""Everything the index needs from one letter, computed once: identity, keys, MinHash, bands, entities."""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from xinfang.classifier.routing_table import file_stamp
from xinfang.matching import matter
from xinfang.matching.identity import Identity, letter_identity, normalize_place
from xinfang.matching.kinds import Lexicon
from xinfang.matching.matter import MAX_CHARS
from xinfang.matching.text import Entities, band_keys, clean_text, entities, signature


@dataclass(frozen=True)
class Gazetteer:
    """The office's own townships and villages (its places.json), without suffix (柳林镇 -> 柳林).

    Given by the caller (the pipeline reads the office's file from the data directory): a place name is
    only evidence in the county it belongs to, so matching never falls back to the sample county.
    """

    places: tuple[str, ...] = ()
    villages: frozenset[str] = frozenset()


NO_PLACES = Gazetteer()


def gazetteer(path: str | None) -> Gazetteer:
    """The places.json (townships with villages) as the file is now; an absent or unreadable file gives no
    places. A stat per call and a reload only when the file changed: an admin's edit of the office's places
    is seen by the next letter, not after a restart."""
    if not path:
        return NO_PLACES
    try:
        stamp = file_stamp(Path(path))
    except OSError:
        return NO_PLACES
    return _load_gazetteer(path, stamp)


@lru_cache(maxsize=8)
def _load_gazetteer(path: str, stamp: tuple[int, int]) -> Gazetteer:
    """One version of a places file (the stamp is its mtime and size, part of the cache key)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return NO_PLACES
    names: list[str] = []
    for township in data.get("townships", []):
        names.append(township.get("name", ""))
        names.extend(township.get("villages", []))
    found = {normalize_place(n) for n in names if n}
    places = tuple(sorted((p for p in found if p and len(p) >= 2), key=len, reverse=True))
    villages = {normalize_place(v) for t in data.get("townships", []) for v in t.get("villages", [])}
    townships = {normalize_place(t.get("name", "")) for t in data.get("townships", [])}
    return Gazetteer(places, frozenset(n for n in villages if n and n not in townships))


def key_hash(key: str) -> int:
    """A signed 64-bit hash: keys are stored as BIGINT, 8 bytes instead of a string per row."""
    return struct.unpack("<q", hashlib.blake2b(key.encode(), digest_size=8).digest())[0]


@dataclass
class Features:
    identity: Identity
    sig: np.ndarray
    bands: list[int]
    entities: Entities
    keys: list[tuple[int, int, str]]  # (hashed key, person index, key text)


def _identity_strings(identity: Identity, fields: dict) -> list[str]:
    """Strings to cut out of the text before shingling: names, numbers, the petitioner's address."""
    out: list[str] = []
    for person in identity.people:
        out.extend(v for v in (person.name, person.id_number, person.phone) if v)
    address = (fields.get("address") or {}) if isinstance(fields.get("address"), dict) else {}
    if address.get("value"):
        out.append(str(address["value"]))
    return out


def compute(text: str | None, fields: dict | None, *, id_number: object = None, phone: object = None,
            name: object = None, places: Gazetteer = NO_PLACES, lexicon: Lexicon | None = None) -> Features:
    """Features of one letter; the text is cut to `MAX_CHARS` so that any letter costs a bounded time.

    `places` and `lexicon` are the office's own gazetteer and complaint kinds, given by the caller as the
    office's files are now (`intake.stages.office_gazetteer`, `office_lexicon`); no lexicon: the starter's.
    """
    text = (text or "")[:MAX_CHARS]
    known = list(places.places)
    fields = fields or {}
    identity = letter_identity(fields, id_number=id_number, phone=phone, name=name, known_places=known)
    remove = _identity_strings(identity, fields)
    cleaned = clean_text(text, remove)
    sig = signature(cleaned)
    ents = entities(text, known, remove, cleaned, lexicon)
    return Features(identity, sig, band_keys(sig) if cleaned else [], ents, index_keys(identity, ents))


UNIT = -2  # `person` of a key naming a unit of the matter (a factory, a school): same-matter candidates


def index_keys(identity: Identity, ents: Entities) -> list[tuple[int, int, str]]:
    """(hashed key, person, key): identity keys, and one key per place or unit named in the matter
    (锦绣家园, 白岩村, 鑫泰化工厂): how a neighbour's letter about the same matter is found when the
    wording shares too little for the LSH bands. Then the names without their place word that the letter's
    entities keep (滨河鑫泰化工 -> 鑫泰化工): read from the stored entities, not computed again, so that
    removing a letter (`store.remove_letter`) deletes exactly the keys it was written with."""
    units = matter.keyed_names(ents.anchors, ents.units)
    units += [v for v in ents.variants if v not in units]
    keys = identity.index_keys() + [(f"unit:{unit}", UNIT) for unit in units]
    return [(key_hash(key), person, key) for key, person in keys]
