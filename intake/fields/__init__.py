"""Registration fields from a letter's normalised text: one call, one JSON-serialisable dict.

`extract_fields(text, places, rule_words)` returns {field name: {"value", "confidence", "span", "note"?,
"items"?}}. Spans are offsets into `text` (Letter.text), so the review screen can highlight where a value came
from. `rule_words` are the office file's rule words: its threat and escalation words are 扬言 to the urgency
field as they are to the router's rule.
Each family lives in its own module; this one only orders them, because some depend on others (phones
must not be read inside 身份证号, the petitioner's own ID and phone must not be a co-signer's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xinfang.intake.fields.dates import date_fields, find_dates
from xinfang.intake.fields.identity import find_ids, id_field
from xinfang.intake.fields.money import amount_field
from xinfang.intake.fields.names import petitioner_field
from xinfang.intake.fields.parties import (
    accused_field,
    address_field,
    addressee_field,
    anonymous_field,
    cosigner_fields,
)
from xinfang.intake.fields.phone import find_phones, phone_field
from xinfang.intake.fields.places import Places, place_fields
from xinfang.intake.fields.urgency import urgency_field

__all__ = ["Places", "extract_fields"]


def _name_field(text: str, places: Places | None, cosign_spans: list[tuple[int, int]]) -> dict:
    return petitioner_field(text, _place_words(places), cosign_spans)


def _without_head(cosigners: dict, count: dict, spans: list[tuple[int, int]], petitioner: str | None,
                  ) -> tuple[dict, dict, list[tuple[int, int]]]:
    """A 联名 list headed by the petitioner (联名人：赵春梅（电话…）、陈德福…): the head is no co-signer,
    and their own 身份证号 and phone, written beside the name, are the petitioner's."""
    items = cosigners.get("items") or []
    if not petitioner or not items or items[0]["value"].get("name") != petitioner:
        return cosigners, count, spans
    head_start, head_end = items[0]["span"]
    spans = [(max(a, head_end), b) if a <= head_start < b else (a, b) for a, b in spans]
    rest = items[1:]
    cosigners = {**cosigners, "value": [i["value"] for i in rest], "items": rest}
    return cosigners, {**count, "value": len(rest)}, spans


def _place_words(places: Places | None) -> set[str]:
    if places is None:
        return set()
    return set(places.townships) | {v for vs in places.townships.values() for v in vs}


def extract_fields(text: str, places: Places | None = None,
                   rule_words: Mapping[str, Sequence[str]] | None = None) -> dict:
    """All registration fields of one letter (see module docstring for the shape)."""
    text = text or ""
    cosigners, cosigner_count, cosign_spans = cosigner_fields(text)
    ids = find_ids(text, places.region_code if places is not None else "")
    id_spans = [tuple(i["span"]) for i in ids]
    phones = find_phones(text, id_spans)
    name = _name_field(text, places, cosign_spans)
    cosigners, cosigner_count, cosign_spans = _without_head(cosigners, cosigner_count, cosign_spans, name["value"])
    address = address_field(text)
    township, village = place_fields(text, places, tuple(address["span"]) if address["span"] else None)
    written, incident = date_fields(text, find_dates(text))
    excluded = {c["name"] for c in cosigners["value"]} | ({name["value"]} if name["value"] else set())
    return {
        "name": name,
        "id_number": id_field(text, ids, cosign_spans),
        "phone": phone_field(phones, cosign_spans),
        "address": address,
        "township": township,
        "village": village,
        "date_written": written,
        "incident_dates": incident,
        "cosigners": cosigners,
        "cosigner_count": cosigner_count,
        "addressee": addressee_field(text),
        "accused": accused_field(text, excluded),
        "amounts": amount_field(text),
        "urgency": urgency_field(text, rule_words),
        "anonymous": anonymous_field(text, bool(name["value"])),
    }
