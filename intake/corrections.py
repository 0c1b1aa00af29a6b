"""People correcting a letter's recognised text: line corrections, hand transcription, and the re-run.

The OCR result is never overwritten: a correction is a row (text_corrections) with the line's text before
and after and who changed it, and `Letter.corrected_text` is the OCR lines with the latest correction of
each line applied. Fields, routing and the repeat check are then run again on that text by a job
(`rerun_text`, the same stage bodies as the pipeline, intake/stages.py), and the audit event it leaves says
what changed in the suggestions, so the reviewer sees the effect of the correction.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.core.config import Settings
from xinfang.intake.ocr.layout import is_line_image
from xinfang.intake.pages import PageLimits, iter_pages
from xinfang.intake.preprocess import preprocess
from xinfang.intake.stages import classify_letter, detect_repeats, extract
from xinfang.matching import store
from xinfang.models import Letter, Status, TextCorrection, record
from xinfang.models.db import session_scope

log = logging.getLogger(__name__)

HAND_FIELDS = {"name": "信访人", "matter": "反映问题", "demand": "诉求"}
SUGGESTION_HEADS = ("category", "purpose", "department")
# A suggestion "changed" when its label did, or its probability moved by at least this much.
PROBABILITY_STEP = 0.01
# Fields whose change is worth telling the reviewer about after a re-run.
WATCHED_FIELDS = ("name", "id_number", "phone", "address", "township", "accused")
# Margin around a line's box in an exported crop, as a share of the line's height (a recogniser wants a
# little paper around the ink).
LINE_PAD = 0.15


@dataclass
class LineView:
    page: int
    line: int
    ocr: str          # as the engine read it
    text: str         # as it stands now (the latest correction, else the OCR)
    confidence: float
    box: tuple[int, int, int, int] | None
    corrected: bool


def latest_corrections(session: Session, letter_id: int) -> dict[tuple[int, int], TextCorrection]:
    """The newest correction of every line of the letter (hand transcriptions left out)."""
    rows = session.scalars(select(TextCorrection).where(TextCorrection.letter_id == letter_id,
                                                        TextCorrection.field.is_(None))
                           .order_by(TextCorrection.id)).all()
    return {(row.page, row.line): row for row in rows}


def line_views(session: Session, letter: Letter) -> list[LineView]:
    latest = latest_corrections(session, letter.id)
    views = []
    for page_no, page in enumerate(letter.ocr_pages or []):
        for line_no, line in enumerate(page.get("lines", [])):
            ocr = str(line.get("text", ""))
            fix = latest.get((page_no, line_no))
            box = line.get("box")
            views.append(LineView(page_no, line_no, ocr, fix.after if fix else ocr,
                                  float(line.get("confidence") or 0.0),
                                  tuple(box) if isinstance(box, list | tuple) and len(box) == 4 else None,
                                  fix is not None and fix.after != ocr))
    return views


def corrected_text(views: list[LineView]) -> str:
    """Pages joined as the pipeline joins them (a blank line between pages)."""
    pages: dict[int, list[str]] = {}
    for view in views:
        pages.setdefault(view.page, []).append(view.text)
    return "\n\n".join("\n".join(line for line in lines if line.strip()) for _, lines in sorted(pages.items()))


def correct_lines(session: Session, letter: Letter, user_id: int | None,
                  edits: dict[tuple[int, int], str]) -> list[TextCorrection]:
    """Store the lines whose text changed; returns the new corrections (none: nothing to re-run)."""
    views = {(v.page, v.line): v for v in line_views(session, letter)}
    added = []
    for key, text in sorted(edits.items()):
        view = views.get(key)
        text = text.strip()
        if view is None or text == view.text:
            continue
        row = TextCorrection(letter_id=letter.id, page=key[0], line=key[1], before=view.text, after=text,
                             user_id=user_id)
        session.add(row)
        added.append(row)
        view.text = text
    if added:
        letter.corrected_text = corrected_text(list(views.values()))
        # Positions only: the audit trail is shown to every role, the text (with identity numbers) is not.
        record(session, "text_corrected", letter_id=letter.id, user_id=user_id,
               lines=[[row.page, row.line] for row in added])
    return added


def transcribe_by_hand(session: Session, letter: Letter, user_id: int | None, values: dict[str, str]) -> bool:
    """手工录入: the essentials typed from an unreadable scan become the letter's text and fields."""
    values = {key: (values.get(key) or "").strip() for key in HAND_FIELDS}
    if not any(values.values()):
        return False
    fields = dict(letter.fields or {})
    for key, value in values.items():
        before = (fields.get(key) or {}).get("value") if isinstance(fields.get(key), dict) else None
        session.add(TextCorrection(letter_id=letter.id, page=-1, line=-1, field=key, before=str(before or ""),
                                   after=value, user_id=user_id))
        if value:
            fields[key] = {"value": value, "confidence": 1.0, "note": "手工录入", "corrected_by": user_id}
    letter.fields = fields
    if values["name"]:
        letter.petitioner_name = values["name"][:50]
    letter.transcribed_by_hand = True
    letter.corrected_text = "\n".join(f"{HAND_FIELDS[key]}：{value}" for key, value in values.items() if value)
    record(session, "transcribed_by_hand", letter_id=letter.id, user_id=user_id,
           fields=[key for key, value in values.items() if value])
    return True


def _rounded(probability: float | None) -> float | None:
    return None if probability is None else round(float(probability), 2)


def _snapshot(letter: Letter) -> dict:
    suggestion = letter.suggestion
    link = letter.repeat_link
    fields = letter.fields or {}
    return {
        "suggestion": {head: [getattr(suggestion, head), _rounded(getattr(suggestion, f"{head}_probability"))]
                       if suggestion else [None, None] for head in SUGGESTION_HEADS},
        "fields": {key: (fields.get(key) or {}).get("value") for key in WATCHED_FIELDS},
        "repeat": [link.earlier_id, link.kind] if link is not None else None,
    }


def _moved(before: list, after: list) -> bool:
    if before[0] != after[0] or (before[1] is None) != (after[1] is None):
        return True
    return before[1] is not None and abs(before[1] - after[1]) >= PROBABILITY_STEP


def rerun_text(settings: Settings, letter_id: int) -> dict:
    """Fields, routing suggestion and repeat check again, on the corrected text.

    Fields a reviewer corrected by hand (corrected_by) are kept; repeat links nobody has judged yet are
    found again, judged ones stay. Any confirmed routing stays; a letter that failed for want of readable
    text (and now has it, typed by hand) goes to review.
    """
    with session_scope(settings.database_url) as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            return {"letter": letter_id, "gone": True}
        before = _snapshot(letter)
        kept = {key: value for key, value in (letter.fields or {}).items()
                if isinstance(value, dict) and value.get("corrected_by") is not None}
        extract(settings, letter)
        if kept:
            letter.fields = {**(letter.fields or {}), **kept}
            for key, column in (("id_number", "id_number"), ("phone", "phone"), ("name", "petitioner_name")):
                if key in kept and isinstance(kept[key].get("value"), str):
                    setattr(letter, column, kept[key]["value"][:50])
        classify_letter(session, settings, letter)
        judged = [link for link in letter.repeat_links if link.confirmed is not None]
        for link in list(letter.repeat_links):
            if link.confirmed is None:
                letter.repeat_links.remove(link)
        session.flush()
        if not judged:
            store.remove_letter(session, letter.id)  # found afresh: the corrected identity may be another person
            detect_repeats(session, letter, settings)
        session.flush()
        session.refresh(letter)
        after = _snapshot(letter)
        changes = {
            "suggestion": {head: [before["suggestion"][head], after["suggestion"][head]]
                           for head in SUGGESTION_HEADS if _moved(before["suggestion"][head], after["suggestion"][head])},
            "fields": sorted(key for key in WATCHED_FIELDS if before["fields"][key] != after["fields"][key]),
            "repeat": [before["repeat"], after["repeat"]] if before["repeat"] != after["repeat"] else None,
        }
        if letter.status == Status.failed and (letter.text or "").strip():
            letter.status, letter.failure_stage, letter.failure_reason = Status.review, None, None
            record(session, "status", letter_id=letter.id, status=Status.review, after="text correction")
        record(session, "text_rerun", letter_id=letter.id, changes=changes)
        session.commit()
        return {"letter": letter_id, "changes": changes}



def engine_image(settings: Settings, letter: Letter, page_no: int) -> Image.Image | None:
    """The `page_no`-th page of the letter as the engine saw it (same clean-up as intake.stages.read_page),
    so the OCR boxes fall exactly on it; None for a page without an image (text layer, online letter)."""
    stored = letter.file
    indices = letter.page_numbers or list(range(max(letter.page_count, 1)))
    if stored is None or page_no >= len(indices):
        return None
    limits = PageLimits(settings.max_pages, settings.max_image_pixels, settings.render_dpi)
    for page in iter_pages(settings.data_dir / stored.storage_path, stored.media_type, limits, [indices[page_no]]):
        if page.image is None or page.text_layer is not None:
            return None
        return page.image if is_line_image(page.image) else preprocess(page.image)
    return None


def export_corrected_lines(settings: Settings, out: Path) -> int:
    """Every corrected line with its crop, as an OCR test set (image + same-named .txt, the format of
    bench/bench_ocr_real.py --set): the office's own handwriting, read by the people who know it."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    with session_scope(settings.database_url) as session:
        letter_ids = session.scalars(select(TextCorrection.letter_id).where(TextCorrection.field.is_(None))
                                     .distinct().order_by(TextCorrection.letter_id)).all()
        manifest = (out / "manifest.jsonl").open("w", encoding="utf-8")
        with manifest:
            for letter_id in letter_ids:
                letter = session.get(Letter, letter_id)
                if letter is None:
                    continue
                fixes = latest_corrections(session, letter_id)
                images: dict[int, Image.Image | None] = {}
                for (page_no, line_no), fix in sorted(fixes.items()):
                    if page_no not in images:
                        images[page_no] = engine_image(settings, letter, page_no)
                    image = images[page_no]
                    lines = (letter.ocr_pages or [{}] * (page_no + 1))[page_no].get("lines", [])
                    if image is None or line_no >= len(lines) or not fix.after.strip():
                        continue
                    left, top, right, bottom = lines[line_no]["box"]
                    pad = round((bottom - top) * LINE_PAD)
                    crop = image.crop((max(0, left - pad), max(0, top - pad), min(image.width, right + pad),
                                       min(image.height, bottom + pad)))
                    name = f"L{letter_id:06d}-p{page_no}-l{line_no:03d}"
                    crop.save(out / f"{name}.png")
                    (out / f"{name}.txt").write_text(fix.after.strip() + "\n", encoding="utf-8")
                    manifest.write(json.dumps({"file": f"{name}.png", "letter": letter_id, "page": page_no,
                                               "line": line_no, "ocr": lines[line_no].get("text", ""),
                                               "confidence": lines[line_no].get("confidence"),
                                               "engine": (letter.ocr_pages or [{}])[page_no].get("engine"),
                                               "corrected_by": fix.user_id, "at": fix.at.isoformat()},
                                              ensure_ascii=False) + "\n")
                    written += 1
    return written
