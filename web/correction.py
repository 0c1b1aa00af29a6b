"""Correcting a letter's recognised text beside its scan, line by line, or typing it by hand (手工录入).

Clerks and reviewers only (supervisors read masked identities, and this page shows the text as written);
a letter hidden from the user (揭发控告 against their unit) is a 404 here as everywhere (web/access.py).
Saving stores the changed lines (intake/corrections.py), then queues the re-run of fields, routing and
the repeat check on the corrected text; the page polls `status.json` and shows what changed.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from PIL import Image
from sqlalchemy import select
from werkzeug.wrappers import Response

from xinfang.core.errors import ServiceUnavailableError
from xinfang.intake.corrections import HAND_FIELDS, correct_lines, line_views, transcribe_by_hand
from xinfang.intake.jobs import enqueue_rerun
from xinfang.models import AuditEvent, Letter, Role
from xinfang.web.access import letter_or_404
from xinfang.web.auth import role_required
from xinfang.web.extensions import db, settings
from xinfang.web.letter_page import FIELD_LABELS, HEAD_LABELS, LOW_LINE
from xinfang.web.page_images import page_png

bp = Blueprint("correction", __name__)

CORRECTION_ACTIONS = ("text_corrected", "transcribed_by_hand")
# Space kept around a line's box in its crop: the box is on the cleaned-up page the engine read, the crop is
# cut from the page as scanned, so it is a little off where clean-up cut borders or straightened the page.
CROP_PAD = 0.35
MAX_EDIT = 2000


class SaveForm(FlaskForm):
    """CSRF only; the line inputs are named line-<page>-<line>."""


def _rerun_state(letter: Letter) -> dict:
    """Is a re-run still to come for the latest correction, and what the last finished one changed."""
    events = db().scalars(select(AuditEvent).where(
        AuditEvent.letter_id == letter.id,
        AuditEvent.action.in_(CORRECTION_ACTIONS + ("text_rerun",))).order_by(AuditEvent.id)).all()
    last_fix = max((e.id for e in events if e.action in CORRECTION_ACTIONS), default=0)
    reruns = [e for e in events if e.action == "text_rerun"]
    last = reruns[-1] if reruns else None
    changes = (last.detail or {}).get("changes") if last is not None else None
    suggestion = letter.suggestion
    return {
        "corrected": last_fix > 0,
        "pending": last_fix > (last.id if last is not None else 0),
        "changes": _labelled(changes) if changes else None,
        "suggestion": {head: getattr(suggestion, head) for head in ("category", "purpose", "department")}
        if suggestion is not None else None,
    }


def _shown(value: list | str | None) -> str | None:
    """A suggestion as "label 89%" (re-runs record [label, probability])."""
    if not isinstance(value, list):
        return value
    label, probability = value
    if label is None:
        return None
    return label if probability is None else f"{label} {100 * probability:.0f}%"


def _labelled(changes: dict) -> dict:
    return {
        "suggestion": [{"head": head, "label": HEAD_LABELS.get(head, head), "before": _shown(pair[0]),
                        "after": _shown(pair[1])} for head, pair in (changes.get("suggestion") or {}).items()],
        "fields": [FIELD_LABELS.get(key, key) for key in changes.get("fields") or []],
        "repeat": changes.get("repeat"),
    }


@bp.get("/letters/<int:letter_id>/correct")
@role_required(Role.clerk, Role.reviewer)
def page(letter_id: int) -> str:
    letter = letter_or_404(letter_id)
    views = line_views(db(), letter)
    pages = []
    for number, ocr_page in enumerate(letter.ocr_pages or []):
        width, height = ocr_page.get("width") or 0, ocr_page.get("height") or 0
        rows = [v for v in views if v.page == number]
        pages.append({"number": number, "width": width, "height": height, "rows": rows,
                      "boxes": width > 0 and height > 0 and any(v.box and v.box[2] > v.box[0] for v in rows)})
    return render_template("correct.html", letter=letter, pages=pages, low=LOW_LINE, form=SaveForm(),
                           state=_rerun_state(letter), hand_fields=HAND_FIELDS,
                           low_count=sum(v.confidence < LOW_LINE for v in views))


@bp.post("/letters/<int:letter_id>/correct")
@role_required(Role.clerk, Role.reviewer)
def save(letter_id: int) -> Response:
    if not SaveForm().validate_on_submit():
        abort(400)
    letter = letter_or_404(letter_id)
    edits = {}
    for key, value in request.form.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "line" and parts[1].isdigit() and parts[2].isdigit():
            edits[(int(parts[1]), int(parts[2]))] = value[:MAX_EDIT]
    added = correct_lines(db(), letter, current_user.id, edits)
    db().commit()
    if not added:
        flash("没有改动的行。", "warn")
    else:
        _queue(letter.id, f"已保存 {len(added)} 行更正，原识别结果保留。正在按更正后的正文重新提取要素和分流建议……")
    return redirect(url_for("correction.page", letter_id=letter.id))


@bp.post("/letters/<int:letter_id>/transcribe")
@role_required(Role.clerk, Role.reviewer)
def transcribe(letter_id: int) -> Response:
    if not SaveForm().validate_on_submit():
        abort(400)
    letter = letter_or_404(letter_id)
    values = {key: request.form.get(f"hand-{key}", "")[:MAX_EDIT] for key in HAND_FIELDS}
    if not transcribe_by_hand(db(), letter, current_user.id, values):
        flash("请至少填写信访人、反映问题或诉求中的一项。", "error")
        return redirect(url_for("correction.page", letter_id=letter.id))
    db().commit()
    _queue(letter.id, "已按手工录入保存，信件标记为“手工录入”。正在重新计算分流建议……")
    return redirect(url_for("correction.page", letter_id=letter.id))


def _queue(letter_id: int, message: str) -> None:
    try:
        enqueue_rerun(settings(), letter_id)
        flash(message, "ok")
    except ServiceUnavailableError:
        flash("更正已保存，但任务队列（Redis）暂时不可用，分流建议尚未重新计算；恢复后再保存一次即可。", "error")


@bp.get("/letters/<int:letter_id>/correct/status.json")
@role_required(Role.clerk, Role.reviewer)
def status(letter_id: int) -> Response:
    letter = letter_or_404(letter_id)
    return jsonify(_rerun_state(letter))


@bp.get("/letters/<int:letter_id>/correct/lines/<int:page_no>-<int:line_no>.png")
@role_required(Role.clerk, Role.reviewer)
def line_crop(letter_id: int, page_no: int, line_no: int) -> Response:
    """The line's part of the scan, cut from the viewer's page image."""
    letter = letter_or_404(letter_id)
    pages = letter.ocr_pages or []
    if page_no >= len(pages) or line_no >= len(pages[page_no].get("lines", [])):
        abort(404)
    ocr_page = pages[page_no]
    box = ocr_page["lines"][line_no].get("box") or [0, 0, 0, 0]
    width, height = ocr_page.get("width") or 0, ocr_page.get("height") or 0
    png = page_png(settings(), letter, page_no)
    if png is None or not width or not height or box[2] <= box[0] or box[3] <= box[1]:
        abort(404)
    image = Image.open(io.BytesIO(png))
    sx, sy = image.width / width, image.height / height
    pad = (box[3] - box[1]) * CROP_PAD
    crop = image.crop((max(0, round((box[0] - pad) * sx)), max(0, round((box[1] - pad) * sy)),
                       min(image.width, round((box[2] + pad) * sx)), min(image.height, round((box[3] + pad) * sy))))
    out = io.BytesIO()
    crop.save(out, format="PNG")
    return send_file(io.BytesIO(out.getvalue()), mimetype="image/png", max_age=3600)
