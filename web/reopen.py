"""Taking a confirmation back: 撤销 for a short time right after a confirm, and 重新打开 for a confirmed letter.

A reviewer who sees a slip as the next letter opens undoes it in one click (the 撤销 bar shows on the page
they land on); later, a reviewer or admin reopens a confirmed letter into the queue with a reason. Both are
in the audit trail; an undone review stays in the reviews table, marked as not to train on.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Blueprint, Flask, abort, flash, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from xinfang.models import Letter, Review, Role, Status, record
from xinfang.web.access import letter_or_404
from xinfang.web.auth import role_required
from xinfang.web.extensions import db

bp = Blueprint("reopen", __name__)

UNDO_SECONDS = 180
HEADS = ("category", "purpose", "department")
IDENTITY_COLUMNS = {"name": "petitioner_name", "id_number": "id_number", "phone": "phone"}


def offer_undo(letter_id: int) -> None:
    """Remember the confirm in the reviewer's session: the next pages show 撤销 until it expires."""
    session["undo"] = {"letter": letter_id, "until": time.time() + UNDO_SECONDS}


def pending_undo() -> dict | None:
    offer = session.get("undo")
    if not offer or offer.get("until", 0) < time.time():
        return None
    return {"letter": offer["letter"], "seconds": int(offer["until"] - time.time())}


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(lambda: {"undo_offer": pending_undo() if current_user.is_authenticated else None})


def _last_review(letter: Letter) -> Review | None:
    return db().scalar(select(Review).where(Review.letter_id == letter.id, Review.action != "undone")
                       .order_by(Review.id.desc()).limit(1))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@bp.post("/letters/<int:letter_id>/undo")
@role_required(Role.reviewer)
def undo(letter_id: int) -> Response:
    """Put the letter back as it was before this reviewer's confirm, if that was moments ago."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    letter = letter_or_404(letter_id)
    review = _last_review(letter)
    session.pop("undo", None)
    fresh = review is not None and (datetime.now(UTC) - _aware(review.at)).total_seconds() <= UNDO_SECONDS + 5
    if letter.status != Status.confirmed or review is None or review.user_id != current_user.id or not fresh:
        flash("撤销时间已过或这次确认不是您做的；如需更改，请“重新打开”这封信。", "warn")
        return redirect(url_for("letters.detail", letter_id=letter_id))
    earlier = db().scalar(select(Review).where(Review.letter_id == letter.id, Review.action != "undone",
                                               Review.id != review.id).order_by(Review.id.desc()).limit(1))
    for head in HEADS:
        setattr(letter, head, (earlier.after or {}).get(head) if earlier else None)
    link = letter.repeat_link
    if link is not None and "repeat_of" in (review.after or {}):
        link.confirmed = (bool((earlier.after or {}).get("repeat_of")) if earlier and "repeat_of" in (earlier.after or {})
                          else None)
    _restore_fields(letter, (review.before or {}).get("fields") or {})
    review.action = "undone"
    review.trainable = False
    letter.status = Status.review
    letter.confirmed_at = None
    record(db(), "review_undone", letter_id=letter.id, user_id=current_user.id, review=review.id)
    record(db(), "status", letter_id=letter.id, user_id=current_user.id, status=Status.review)
    db().commit()
    flash(f"已撤销对第 {letter.id} 号信件的确认，它回到了待审队列。", "ok")
    return redirect(url_for("letters.detail", letter_id=letter.id))


def _restore_fields(letter: Letter, before: dict) -> None:
    """Fields the review corrected get their extracted values back (the correction note goes with it)."""
    if not before:
        return
    current = dict(letter.fields or {})
    for key, value in before.items():
        restored = {k: v for k, v in (current.get(key) or {}).items() if k not in ("corrected_by", "note")}
        current[key] = {**restored, "value": value, "note": "审核更正已撤销"}
        if key in IDENTITY_COLUMNS:
            setattr(letter, IDENTITY_COLUMNS[key], value)
    letter.fields = current


@bp.post("/letters/<int:letter_id>/reopen")
@role_required(Role.reviewer)
def reopen(letter_id: int) -> Response:
    """Send a confirmed letter back to the review queue; its confirmed labels stay as the form's defaults."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    letter = letter_or_404(letter_id)
    if letter.status != Status.confirmed:
        flash("只有已确认的信件可以重新打开。", "warn")
        return redirect(url_for("letters.detail", letter_id=letter_id))
    reason = (request.form.get("reason") or "").strip()[:300]
    if not reason:
        flash("请写明重新打开的原因（会记入处理记录）。", "error")
        return redirect(url_for("letters.detail", letter_id=letter_id))
    if (session.get("undo") or {}).get("letter") == letter.id:
        session.pop("undo")
    letter.status = Status.review
    letter.confirmed_at = None
    record(db(), "reopened", letter_id=letter.id, user_id=current_user.id, reason=reason,
           confirmed={head: getattr(letter, head) for head in HEADS})
    record(db(), "status", letter_id=letter.id, user_id=current_user.id, status=Status.review)
    db().commit()
    flash(f"第 {letter.id} 号信件已重新打开，回到待审队列。", "ok")
    return redirect(url_for("letters.detail", letter_id=letter.id))
