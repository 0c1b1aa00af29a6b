"""The stable, public shape of a letter: what `xinfang export` writes and the JSON API returns.

Offices' scripts read these names, so they change only with a new format version.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import object_session

from xinfang.core.privacy import mask_id_number, mask_identity_deep, mask_identity_text, mask_phone
from xinfang.matching.service import export_fields
from xinfang.models import Letter

EXPORT_FIELDS = ("id", "external_id", "original_name", "status", "failure", "text", "fields", "suggestions",
                 "confirmed", "repeat_of", "reasons", "matter_group", "ocr_text", "text_corrected",
                 "transcribed_by_hand")
HEADS = ("category", "subcategory", "purpose", "department")


def letter_record(letter: Letter, mask_identity: bool = False, earlier_visible: bool = True) -> dict[str, Any]:
    """The export record; `mask_identity` masks 身份证号 and phone for roles that do not need them (in the
    fields and wherever they stand in the text); without `earlier_visible` (the user may not see the letter
    this one repeats) nothing of the repeat link is given: not its number, passages or person.

    `text` is the letter's text as people corrected it when they did (`text_corrected`), `ocr_text` the text
    as the engine read it, kept for comparison; both are masked alike."""
    suggestion = letter.suggestion
    suggestions = None
    if suggestion is not None:
        suggestions = {
            head: {"label": getattr(suggestion, head), "probability": getattr(suggestion, f"{head}_probability")}
            for head in HEADS if getattr(suggestion, head) is not None
        }
        suggestions["model_version"] = suggestion.model_version
        suggestions["needs_routing"] = suggestion.needs_routing
    confirmed = None
    if letter.confirmed_at is not None:
        confirmed = {head: {"label": getattr(letter, head)} for head in ("category", "purpose", "department")}
    link = letter.repeat_link
    repeat_of = None
    if link is not None and link.kind == "repeat" and link.confirmed is not False and earlier_visible:
        repeat_of = {"id": link.earlier_id, "external_id": link.earlier.external_id, "score": round(link.score, 4)}
    repeat_extra = (_repeat_extra(letter, mask_identity) if earlier_visible
                    else {"reasons": None, "matter_group": None})
    text = letter.text if letter.text is not None else letter.ocr_text
    return {
        "id": letter.id,
        "external_id": letter.external_id,
        "original_name": letter.file.original_name if letter.file else None,
        "status": letter.status,
        "failure": ({"stage": letter.failure_stage, "reason": letter.failure_reason}
                    if letter.failure_reason else None),
        "text": mask_identity_text(text) if mask_identity else text,
        "ocr_text": mask_identity_text(letter.ocr_text) if mask_identity else letter.ocr_text,
        "text_corrected": letter.corrected_text is not None,
        "transcribed_by_hand": bool(letter.transcribed_by_hand),
        "fields": _fields(letter.fields or {}, mask_identity),
        "suggestions": suggestions,
        "confirmed": confirmed,
        "repeat_of": repeat_of,
        **repeat_extra,
        "received_date": letter.received_date.isoformat(),
        "form": letter.form,
        "urgent": letter.urgent,
    }


def _repeat_extra(letter: Letter, mask_identity: bool) -> dict[str, Any]:
    """Why the letter was linked (`reasons`) and its same-matter group; the matched identity is hidden when masked."""
    session = object_session(letter)
    if session is None:
        return {"reasons": None, "matter_group": None}

    extra = export_fields(session, letter)
    if mask_identity and extra["reasons"]:
        extra["reasons"] = mask_identity_deep({k: v for k, v in extra["reasons"].items() if k != "person"})
    return extra


def _fields(fields: dict[str, dict], mask_identity: bool) -> dict[str, dict]:
    out = {key: {k: v for k, v in value.items() if k in ("value", "confidence", "note")}
           for key, value in fields.items()}
    if mask_identity:
        maskers = {"id_number": mask_id_number, "phone": mask_phone}
        for key, value in out.items():
            raw = value.get("value")
            if key in maskers and isinstance(raw, str):
                out[key] = {**value, "value": maskers[key](raw), "note": ""}
            else:
                out[key] = {**value, "value": mask_identity_deep(raw),
                            **({"note": mask_identity_text(value["note"])} if isinstance(value.get("note"), str)
                               else {})}
    return out
