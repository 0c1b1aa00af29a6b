"""Everything the index needs from one letter, computed once: identity, keys, MinHash, bands, entities."""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from xinfang.matching.identity import Identity, letter_identity, normalize_place
from xinfang.matching.text import Entities, band_keys, clean_text, entities, signature

PLACES = Path(__file__).resolve().parents[1] / "samples" / "places.json"


@lru_cache(maxsize=4)
def known_places(path: str = str(PLACES)) -> tuple[str, ...]:
    """Township and village names of the county without suffix (柳林镇 -> 柳林, 大王庄村 -> 大王庄)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    names: list[str] = []
    for township in data.get("townships", []):
        names.append(township.get("name", ""))
        names.extend(township.get("villages", []))
    found = {normalize_place(n) for n in names if n}
    return tuple(sorted((p for p in found if p and len(p) >= 2), key=len, reverse=True))


@lru_cache(maxsize=4)
def known_villages(path: str = str(PLACES)) -> frozenset[str]:
    """Village and community names only: a township is too wide to say two letters share a matter."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    names = {normalize_place(v) for t in data.get("townships", []) for v in t.get("villages", [])}
    townships = {normalize_place(t.get("name", "")) for t in data.get("townships", [])}
    return frozenset(n for n in names if n and n not in townships)


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
            name: object = None, places: tuple[str, ...] | None = None) -> Features:
    places = known_places() if places is None else places
    fields = fields or {}
    identity = letter_identity(fields, id_number=id_number, phone=phone, name=name, known_places=list(places))
    remove = _identity_strings(identity, fields)
    cleaned = clean_text(text or "", remove)
    sig = signature(cleaned)
    ents = entities(text or "", list(places), remove, cleaned)
    return Features(identity, sig, band_keys(sig) if cleaned else [], ents, index_keys(identity, ents))


UNIT = -2  # `person` of a key naming a unit of the matter (a factory, a school): same-matter candidates


def index_keys(identity: Identity, ents: Entities) -> list[tuple[int, int, str]]:
    """(hashed key, person, key): identity keys, and one key per unit named in the matter."""
    keys = identity.index_keys() + [(f"unit:{unit}", UNIT) for unit in ents.units[:6]]
    return [(key_hash(key), person, key) for key, person in keys]
