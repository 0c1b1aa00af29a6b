"""The backlog page: how many letters are at each stage, how fast they move, when the backlog is done.

Throughput is counted from the audit trail's recent events (letters reaching review, or failing),
reading only the newest rows by primary key, so the page stays fast with millions of events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from xinfang.core.errors import ServiceUnavailableError
from xinfang.intake.jobs import enqueue_letter
from xinfang.models import AuditEvent, Letter, Role, Status, record
from xinfang.web.access import visible
from xinfang.web.auth import role_required
from xinfang.web.clerk import ActionForm
from xinfang.web.extensions import db, settings

bp = Blueprint("batch", __name__)

WINDOW_MINUTES = 15
RECENT_EVENTS = 50_000
PENDING = (Status.received, Status.queued, Status.processing)


def backlog_summary() -> dict:
    counts = {status: 0 for status in Status}
    counts.update(dict(db().execute(select(Letter.status, func.count()).group_by(Letter.status)).all()))
    since = datetime.now(UTC) - timedelta(minutes=WINDOW_MINUTES)
    newest = db().scalar(select(func.max(AuditEvent.id))) or 0
    events = db().execute(select(AuditEvent.action, AuditEvent.detail).where(
        AuditEvent.id > newest - RECENT_EVENTS, AuditEvent.action.in_(["status", "failed"]),
        AuditEvent.at >= since)).all()
    # A letter leaves the pipeline with a "status: review" event, or a "failed" event.
    done = sum(1 for action, detail in events
               if action == "failed" or (detail or {}).get("status") == Status.review)
    per_minute = done / WINDOW_MINUTES
    pending = sum(counts[s] for s in PENDING)
    minutes_left = pending / per_minute if per_minute > 0 else None
    failed_by_stage = dict(db().execute(select(Letter.failure_stage, func.count()).where(
        Letter.status == Status.failed).group_by(Letter.failure_stage)).all())
    return {"counts": {str(k): v for k, v in counts.items()}, "pending": pending, "total": sum(counts.values()),
            "per_minute": round(per_minute, 2), "per_hour": round(per_minute * 60, 1),
            "minutes_left": None if minutes_left is None else round(minutes_left, 1),
            "window_minutes": WINDOW_MINUTES, "failed_by_stage": {str(k): v for k, v in failed_by_stage.items()}}


@bp.get("/batch")
@login_required
def index() -> str:

    summary = backlog_summary()
    failed = visible(db().scalars(select(Letter).where(Letter.status == Status.failed)
                                  .order_by(Letter.id.desc()).limit(200)))
    return render_template("batch.html", s=summary, failed=failed, action_form=ActionForm())


def retry_letters(letter_ids: list[int]) -> int:
    """Queue failed letters again; returns how many were queued."""
    queued = 0
    for letter_id in letter_ids:
        record(db(), "retry", letter_id=letter_id, user_id=current_user.id)
        db().commit()
        enqueue_letter(settings(), letter_id)
        queued += 1
    return queued


@bp.post("/batch/retry-failed")
@role_required(Role.clerk, Role.reviewer)
def retry_failed() -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    stage = request.form.get("stage") or None
    query = select(Letter).where(Letter.status == Status.failed, or_(Letter.failure_retryable.is_(None),
                                                                      Letter.failure_retryable.is_(True)))
    if stage:
        query = query.where(Letter.failure_stage == stage)
    ids = [letter.id for letter in visible(db().scalars(query.limit(5000)))]
    try:
        flash(f"已将 {retry_letters(ids)} 封处理失败的信件重新排队。", "ok")
    except ServiceUnavailableError as exc:
        flash(exc.message, "error")
    return redirect(url_for("batch.index"))
