"""JSON API: everything the UI does, for scripts and the UI's polling, under the same permission rules.

Authentication is the browser session or `Authorization: Bearer <token>` (web/tokens.py). A POST made
with a session cookie must carry the CSRF token (header X-CSRFToken), so another site cannot make a
logged-in browser post here; a bearer token is never sent by a browser on its own, so it needs none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from xinfang.core.display import safe_display_name
from xinfang.core.errors import ServiceUnavailableError, XinfangError
from xinfang.core.privacy import mask_id_number, mask_identity_deep, mask_phone, sees_full_identity
from xinfang.intake.ingest import ingest_stream
from xinfang.intake.jobs import enqueue_letters
from xinfang.models import Letter, Role, Status, record
from xinfang.web.access import (
    MAX_ID,
    earlier_visible,
    hidden_count,
    letter_or_404,
    masks_identity,
    parse_ids,
    user_filters,
    visible,
)
from xinfang.web.batch import backlog_summary, retry_letters
from xinfang.web.clerk import NOT_RETRYABLE, duplicate_json
from xinfang.web.extensions import csrf, db, settings
from xinfang.web.letter_page import EDITABLE
from xinfang.web.openapi import spec
from xinfang.web.queue import count_capped, deadline_of, filtered, ordered, with_relations
from xinfang.web.records import letter_record
from xinfang.web.review import (
    HEADS,
    AlreadyHandled,
    apply_review,
    field_problem,
    handled_message,
    label_problem,
    send_back,
)
from xinfang.web.statistics import PeriodError, as_json, compute, parse_period
from xinfang.web.tokens import read_token

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_PAGE = 100_000  # beyond it the offset overflows the database's integer; no queue is that long


def error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": code, "message": message}), status


def _bearer() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


@bp.before_request
def _csrf_for_sessions() -> tuple[Response, int] | None:
    if request.method == "POST" and request.path != "/api/openapi.json":
        # Flask-Login resolves the user (and g.token_auth) lazily: touch it first.
        _ = current_user.is_authenticated
        if _bearer():
            # A cross-site form cannot send an Authorization header, so a token needs no CSRF check; an
            # expired or forged one means: authenticate again (401), not a CSRF problem.
            token = request.headers["Authorization"][7:].strip()
            if read_token(current_app.config["SECRET_KEY"], token) is None:
                return error(401, "unauthorized", "API 令牌无效或已过期。请用 `xinfang token create` 生成新令牌。")
            return None
        if not g.get("token_auth"):
            csrf.protect()
    return None


def _require(*roles: str) -> tuple[Response, int] | None:
    if not current_user.can(*roles):
        return error(403, "forbidden", "您的角色无权执行此操作。")
    return None


def _letter(letter_id: int) -> Letter | tuple[Response, int]:
    letter = db().get(Letter, letter_id) if 0 < letter_id <= MAX_ID else None
    if letter is None:
        return error(404, "not_found", f"没有第 {letter_id} 号信件。")

    try:
        return letter_or_404(letter_id)
    except NotFound:  # hidden from this user: answer exactly as if it did not exist
        return error(404, "not_found", f"没有第 {letter_id} 号信件。")


@bp.get("/openapi.json")
def openapi() -> Response:

    return jsonify(spec())


@bp.get("/me")
@login_required
def me() -> Response:
    return jsonify({"id": current_user.id, "username": current_user.username, "role": current_user.role,
                    "unit": current_user.unit})


@bp.post("/letters")
@login_required
def upload() -> Any:
    """Store uploaded files (multipart field `files`, repeatable) and queue them."""

    if (denied := _require(Role.clerk, Role.reviewer)) is not None:
        return denied
    uploads = [f for f in request.files.getlist("files") if f.filename]
    if not uploads:
        return error(400, "no_files", "请在 multipart 字段 files 中附上至少一个文件。")
    created, duplicates, queued = [], [], []
    for storage in uploads:
        try:
            result = ingest_stream(db(), settings(), storage.stream, storage.filename, user_id=current_user.id,
                                   received=date.today())
        except XinfangError as exc:
            db().rollback()
            return error(400, "bad_file", f"{safe_display_name(storage.filename, 100)}: {exc.message}")
        db().commit()
        if result.duplicate_of is not None:
            duplicates.append(duplicate_json(storage.filename, result.duplicate_of))
            continue
        created.extend(result.letter_ids)
        queued.extend(lid for lid in result.letter_ids if db().get(Letter, lid).status == Status.received)
    warning = None
    try:
        enqueue_letters(settings(), queued)  # online petitions go in batches
    except ServiceUnavailableError as exc:
        warning = exc.message
    return jsonify({"letter_ids": created, "duplicates": duplicates, "warning": warning}), 201


@bp.get("/letters/<int:letter_id>")
@login_required
def letter(letter_id: int) -> Any:
    found = _letter(letter_id)
    if not isinstance(found, Letter):
        return found
    record(db(), "viewed", letter_id=found.id, user_id=current_user.id, via="api")
    db().commit()
    return jsonify(letter_record(found, mask_identity=not sees_full_identity(current_user),
                                 earlier_visible=earlier_visible(found)))


@bp.get("/letters/<int:letter_id>/suggestions")
@login_required
def suggestions(letter_id: int) -> Any:
    """The newest suggestion with its probabilities, alternatives and the words behind it, and the repeat link."""
    found = _letter(letter_id)
    if not isinstance(found, Letter):
        return found
    s = found.suggestion
    link = found.repeat_link if earlier_visible(found) else None
    record(db(), "viewed", letter_id=found.id, user_id=current_user.id, via="api_suggestions")
    db().commit()
    passages = (link.reason or {}).get("passages") if link is not None else None
    if passages and masks_identity():
        passages = mask_identity_deep(passages)
    return jsonify({
        "letter_id": found.id,
        "suggestion": None if s is None else {
            "model_version": s.model_version, "needs_routing": s.needs_routing,
            **{head: {"label": getattr(s, head), "probability": getattr(s, f"{head}_probability"),
                      "detail": (s.detail or {}).get(head)}
               for head in ("category", "subcategory", "purpose", "department")},
            "flags": (s.detail or {}).get("flags")},
        "repeat": None if link is None else {
            "earlier_id": link.earlier_id, "kind": link.kind, "score": link.score, "confirmed": link.confirmed,
            "passages": passages, "stage": link.earlier.case_stage,
            "stage_implication": (link.reason or {}).get("stage_implication")},
    })


@bp.get("/letters/status")
@login_required
def statuses() -> Response:
    """Status of several letters at once, for the upload page's progress display."""
    ids = parse_ids(request.args.get("ids", ""))
    rows = visible(db().scalars(select(Letter).where(Letter.id.in_(ids)).options(selectinload(Letter.suggestions))))
    return jsonify({str(r.id): {"status": r.status, "failure_stage": r.failure_stage,
                                "failure_reason": r.failure_reason} for r in rows})


def _letter_in_review(letter_id: int) -> Any:
    """The letter a reviewer acts on, or the error response: not a reviewer, not visible, not in review."""
    if (denied := _require(Role.reviewer)) is not None:
        return denied
    found = _letter(letter_id)
    if isinstance(found, Letter) and found.status == Status.confirmed:
        # the same answer whether the other reviewer's confirm committed before this request or during it
        return error(409, "already_handled", handled_message(found.id))
    if isinstance(found, Letter) and found.status != Status.review:
        return error(409, "not_in_review", "这封信不在待审队列中（可能已被他人处理）。")
    return found


@bp.post("/letters/<int:letter_id>/review")
@login_required
def review(letter_id: int) -> Any:
    """Confirm or correct: JSON {category, purpose, department, is_repeat?, fields?: {key: value}}."""

    found = _letter_in_review(letter_id)
    if not isinstance(found, Letter):
        return found
    body = request.get_json(silent=True)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        return error(400, "bad_body", "请求体应为 JSON 对象：{category, purpose, department, is_repeat?, fields?}。")
    chosen = {head: (str(body.get(head) or "").strip() or None) for head in HEADS}
    missing = [head for head, value in chosen.items() if not value]
    if missing:
        return error(400, "missing", f"请填写 {', '.join(missing)} 后再确认。")
    fields = body.get("fields") or {}
    if not isinstance(fields, dict) or any(k not in EDITABLE for k in fields):
        return error(400, "bad_fields", f"fields 只能更正这些要素：{', '.join(EDITABLE)}。")
    old = found.fields or {}
    fields = {k: (str(v).strip() or None) if v is not None else None for k, v in fields.items()
              if (old.get(k) or {}).get("value") != v}
    if (problem := label_problem(chosen) or field_problem(fields)) is not None:
        return error(400, "bad_value", problem)
    is_repeat = body.get("is_repeat") if found.repeat_link is not None else None
    try:
        result = apply_review(found, current_user.id, chosen, None if is_repeat is None else bool(is_repeat),
                              fields)
    except AlreadyHandled as exc:
        return error(409, "already_handled", exc.message)
    db().commit()
    return jsonify({"letter_id": found.id, "status": found.status, "action": result.action,
                    "before": result.before, "after": result.after})


@bp.post("/letters/<int:letter_id>/rescan")
@login_required
def rescan(letter_id: int) -> Any:

    found = _letter_in_review(letter_id)
    if not isinstance(found, Letter):
        return found
    body = request.get_json(silent=True)
    if body is not None and not isinstance(body, dict):
        return error(400, "bad_body", "请求体应为 JSON 对象：{reason?}。")
    reason = str((body or {}).get("reason") or "").replace("\x00", "").strip()[:300] or "扫描件不清楚或缺页"
    try:
        send_back(found, current_user.id, reason)
    except AlreadyHandled as exc:
        return error(409, "already_handled", exc.message)
    db().commit()
    return jsonify({"letter_id": found.id, "status": found.status, "failure_reason": found.failure_reason})


@bp.post("/letters/<int:letter_id>/retry")
@login_required
def retry(letter_id: int) -> Any:

    if (denied := _require(Role.clerk, Role.reviewer)) is not None:
        return denied
    found = _letter(letter_id)
    if not isinstance(found, Letter):
        return found
    if found.status != Status.failed:
        return error(409, "not_failed", "只有处理失败的信件可以重试。")
    if found.failure_retryable is False:
        return error(409, "not_retryable", NOT_RETRYABLE)
    try:
        retry_letters([found.id])
    except ServiceUnavailableError as exc:
        return error(503, "queue_unavailable", exc.message)
    return jsonify({"letter_id": found.id, "status": Status.queued})


@bp.get("/queue")
@login_required
def queue() -> Any:
    """The review queue with the same filters as the page (query parameters of the same names)."""

    if (denied := _require(Role.reviewer, Role.supervisor)) is not None:
        return denied
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    size = min(max(request.args.get("per_page", 50, type=int) or 50, 1), 200)
    filters = user_filters(request.args)
    base = filtered(filters)
    rows = visible(db().scalars(with_relations(ordered(base)).limit(size).offset((page - 1) * size)))
    total, capped = count_capped(db(), base, filters)
    total = max(total - hidden_count(db(), base), 0)
    today = date.today()
    full = sees_full_identity(current_user)
    items = []
    for row in rows:
        shown_link = row.repeat_link if earlier_visible(row) else None
        deadline = deadline_of(settings(), row)
        s = row.suggestion
        items.append({
            "id": row.id, "received_date": row.received_date.isoformat(), "urgent": row.urgent,
            "deadline": deadline.due.isoformat(), "overdue": deadline.overdue(today),
            "petitioner_name": row.petitioner_name,
            "id_number": row.id_number if full else mask_id_number(row.id_number),
            "phone": row.phone if full else mask_phone(row.phone),
            "suggestion": None if s is None else {h: {"label": getattr(s, h), "probability": getattr(s, f"{h}_probability")}
                                                  for h in ("category", "purpose", "department")},
            "repeat_of": shown_link.earlier_id if shown_link and shown_link.kind == "repeat" else None,
        })
    return jsonify({"total": total, "total_is_lower_bound": capped, "page": page, "per_page": size,
                    "items": items})


@bp.get("/backlog")
@login_required
def backlog() -> Response:

    return jsonify(backlog_summary())


@bp.get("/stats")
@login_required
def stats() -> Any:

    if (denied := _require(Role.supervisor)) is not None:
        return denied
    try:
        period = parse_period(request.args.get("start"), request.args.get("end"))
    except PeriodError as exc:
        return error(400, "bad_period", str(exc))
    return jsonify(as_json(compute(db(), period, settings().day_counting, settings().routing_days)))
