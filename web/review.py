"""The reviewer's side: the queue, and confirming or correcting a letter's routing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from werkzeug.wrappers import Response
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from xinfang.models import Letter, Review, Role, Status, User, record
from xinfang.web.access import (
    can_view_letter,
    earlier_visible,
    hidden_count,
    letter_or_404,
    shown_text,
    user_filters,
    visible,
)
from xinfang.web.auth import role_required
from xinfang.web.choices import full_name, office_choices, search_keys
from xinfang.web.extensions import db, settings
from xinfang.web.letter_page import EDITABLE
from xinfang.web.queue import (
    QueueFilters,
    count_capped,
    deadline_of,
    filtered,
    ordered,
    visible_neighbour,
    with_relations,
)
from xinfang.web.reopen import offer_undo

bp = Blueprint("review", __name__)

HEADS = ("category", "purpose", "department")
PAGE_SIZE = 50
IDENTITY_COLUMNS = {"name": "petitioner_name", "id_number": "id_number", "phone": "phone"}


class ReviewForm(FlaskForm):
    category = SelectField("内容分类", validate_choice=False)
    purpose = SelectField("信访目的", validate_choice=False)
    department = SelectField("责任单位", validate_choice=False)
    is_repeat = BooleanField("重复信访（同人同事）")

    def __init__(self, *args: object, letter: Letter | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = office_choices()
        suggestion = letter.suggestion if letter is not None else None
        for head in HEADS:
            field = getattr(self, head)
            options = list(choices[head])
            suggested = getattr(suggestion, head, None) if suggestion else None
            current = getattr(letter, head, None) if letter is not None else None
            for value in (suggested, current):
                if value and value not in options:
                    options.insert(0, value)
            field.choices = [SelectChoice("", "（请选择）")] + [
                SelectChoice(value, value, render_kw=search_keys(value, full_name(value) if head == "department" else ""))
                for value in options]
            if not field.data:
                field.data = current or suggested or ""
        if letter is not None and not self.is_submitted():
            self.is_repeat.data = (letter.repeat_link is not None and letter.repeat_link.kind == "repeat"
                                   and letter.repeat_link.confirmed is not False)


def queue_query():  # noqa: ANN201
    """Letters waiting for review: urgent first, then the nearest routing deadline (oldest) first."""
    return ordered(select(Letter).where(Letter.status == Status.review))


@bp.get("/review")
@role_required(Role.reviewer, Role.supervisor)
def queue() -> str:
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    filters = user_filters(request.args)
    base = filtered(filters)
    rows = db().scalars(with_relations(ordered(base)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    letters = visible(rows)
    total, capped = count_capped(db(), base, filters)
    total = max(total - hidden_count(db(), base), 0)
    today = date.today()
    deadlines = {letter.id: deadline_of(settings(), letter) for letter in letters}
    snippets = {letter.id: shown_text((letter.text or letter.ocr_text or "")[:80])[:60] for letter in letters}
    repeats = {letter.id: letter.repeat_link for letter in letters if earlier_visible(letter)}
    return render_template("queue.html", letters=letters, total=f"{total}+" if capped else total, page=page,
                           filters=filters, snippets=snippets, repeats=repeats,
                           no_model=not (settings().model_dir / "meta.json").exists(),
                           deadlines=deadlines, today=today, choices=office_choices(), has_more=len(rows) == PAGE_SIZE)


def _next_after(letter: Letter, filters: QueueFilters) -> int | None:
    """The next letter of the reviewer's (filtered) queue; past its end, the first one left in it."""
    following = visible_neighbour(db(), letter, 1, filters, can_view_letter)
    if following is not None:
        return following
    first_left = filtered(filters).with_only_columns(Letter.id).where(Letter.id != letter.id)
    for letter_id in db().scalars(ordered(first_left).limit(200)):
        if can_view_letter(db().get(Letter, letter_id)):
            return letter_id
    return None


@bp.get("/letters/<int:letter_id>/next")
@role_required(Role.reviewer, Role.supervisor)
def next_letter(letter_id: int) -> Response:
    """The next (or with ?dir=prev the previous) letter in the queue, for the J/K keys."""
    letter = letter_or_404(letter_id)
    filters = user_filters(request.args)
    target = visible_neighbour(db(), letter, -1 if request.args.get("dir") == "prev" else 1, filters,
                               can_view_letter)
    if target is None:
        flash("已经是队列的" + ("第一封。" if request.args.get("dir") == "prev" else "最后一封。"), "warn")
        target = letter.id
    return redirect(url_for("letters.detail", letter_id=target, **filters.active()))


def _field_corrections(letter: Letter) -> dict[str, str | None]:
    """Fields the reviewer changed in the form (`field-<key>` inputs), compared with what was extracted."""
    changes = {}
    fields = letter.fields or {}
    for key in EDITABLE:
        name = f"field-{key}"
        if name not in request.form:
            continue
        new = request.form[name].strip() or None
        old = (fields.get(key) or {}).get("value")
        if isinstance(old, list):
            continue
        if new != (old or None):
            changes[key] = new
    return changes


@bp.post("/letters/<int:letter_id>/review")
@role_required(Role.reviewer)
def confirm(letter_id: int) -> Response:
    letter = letter_or_404(letter_id)
    form = ReviewForm(letter=letter)
    if letter.status != Status.review:
        flash("这封信不在待审队列中（可能已被他人处理）。", "warn")
        return redirect(url_for("letters.detail", letter_id=letter_id))
    if not form.validate_on_submit():
        abort(400)
    chosen = {head: getattr(form, head).data or None for head in HEADS}
    if not all(chosen.values()):
        flash("请填写内容分类、信访目的和责任单位后再确认。", "error")
        return redirect(url_for("letters.detail", letter_id=letter_id))
    corrections = _field_corrections(letter)
    if (problem := label_problem(chosen) or field_problem(corrections)) is not None:
        abort(400, description=problem)
    is_repeat = form.is_repeat.data if letter.repeat_link is not None and earlier_visible(letter) else None
    try:
        apply_review(letter, current_user.id, chosen, is_repeat, corrections)
    except AlreadyHandled as exc:
        flash(exc.message, "warn")
        return redirect(url_for("letters.detail", letter_id=letter_id))
    db().commit()
    offer_undo(letter.id)
    flash(f"第 {letter.id} 号信件已确认：{chosen['category']} / {chosen['purpose']} / {chosen['department']}。", "ok")
    filters = user_filters(request.args)
    following = _next_after(letter, filters)
    if following is not None:
        return redirect(url_for("letters.detail", letter_id=following, **filters.active()))
    return redirect(url_for("review.queue", **filters.active()))


@bp.post("/letters/<int:letter_id>/rescan")
@role_required(Role.reviewer)
def rescan(letter_id: int) -> Response:
    """Send a letter back to the clerks: the scan is unreadable or pages are missing."""
    letter = letter_or_404(letter_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if letter.status != Status.review:
        flash("这封信不在待审队列中。", "warn")
        return redirect(url_for("letters.detail", letter_id=letter_id))
    reason = (request.form.get("reason") or "").replace("\x00", "").strip()[:300] or "扫描件不清楚或缺页"
    try:
        send_back(letter, current_user.id, reason)
    except AlreadyHandled as exc:
        flash(exc.message, "warn")
        return redirect(url_for("letters.detail", letter_id=letter_id))
    db().commit()
    flash(f"第 {letter.id} 号信件已退回重新扫描。", "ok")
    filters = user_filters(request.args)
    following = _next_after(letter, filters)
    return redirect(url_for("letters.detail", letter_id=following, **filters.active()) if following
                    else url_for("review.queue", **filters.active()))


class AlreadyHandled(Exception):
    """Another reviewer changed the letter between our read and our write (two confirms at once)."""

    def __init__(self, letter_id: int, message: str) -> None:
        super().__init__(message)
        self.letter_id = letter_id
        self.message = message


FIELD_MAX = {"name": 50, "id_number": 18, "phone": 20}  # the searchable identity columns' widths
FIELD_MAX_DEFAULT = 500


def label_problem(chosen: dict[str, str | None]) -> str | None:
    """Why the chosen labels cannot be saved: each must be one of the office's own list."""
    lists = office_choices()
    names = {"category": "内容分类", "purpose": "信访目的", "department": "责任单位"}
    for head, value in chosen.items():
        if value is not None and value not in lists[head]:
            return f"{names[head]}“{value[:50]}”不在本单位的列表中。请从下拉列表中选择。"
    return None


def field_problem(fields: dict[str, str | None]) -> str | None:
    """Why corrected field values cannot be saved (too long for the column, control characters)."""
    for key, value in fields.items():
        if value is None:
            continue
        if "\x00" in value:
            return f"要素 {key} 含有不可见的控制字符（NUL），请重新输入。"
        limit = FIELD_MAX.get(key, FIELD_MAX_DEFAULT)
        if len(value) > limit:
            return f"要素 {key} 过长（{len(value)} 字，最多 {limit} 字）。"
    return None


def _claim(letter: Letter, new_status: str) -> None:
    """Move the letter out of review in one conditional UPDATE (status = review → new_status).

    Reading the status and then writing it lets two reviewers both succeed; the database decides here
    instead: the second UPDATE matches no row (PostgreSQL waits for the first to commit, then re-checks).
    """
    claimed = db().execute(update(Letter).where(Letter.id == letter.id, Letter.status == Status.review)
                           .values(status=new_status).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db().rollback()
        raise AlreadyHandled(letter.id, handled_message(letter.id))
    letter.status = new_status


def handled_message(letter_id: int) -> str:
    """What a reviewer is told when someone else got to the letter first: who confirmed it, when one did."""
    last = db().execute(select(Review.at, User.display_name, User.username).join(User, Review.user_id == User.id)
                        .where(Review.letter_id == letter_id).order_by(Review.id.desc()).limit(1)).first()
    status = db().scalar(select(Letter.status).where(Letter.id == letter_id))
    if last is not None and status == Status.confirmed:
        return f"第 {letter_id} 号信件已由 {last.display_name or last.username} 确认，未重复确认。"
    return f"第 {letter_id} 号信件已不在待审队列中（已被他人处理），未作改动。"


def send_back(letter: Letter, user_id: int, reason: str) -> None:
    _claim(letter, Status.failed)
    letter.failure_stage = "review"
    letter.failure_reason = f"审核人退回：{reason}。请重新扫描原件后上传，或核对后点击“重试”。"
    record(db(), "rescan_requested", letter_id=letter.id, user_id=user_id, reason=reason)
    record(db(), "status", letter_id=letter.id, user_id=user_id, status=Status.failed)


def apply_review(letter: Letter, user_id: int, chosen: dict[str, str | None], is_repeat: bool | None,
                 fields: dict[str, str | None] | None = None) -> Review:
    """Record what was suggested and what the reviewer decided; the letter leaves the queue.

    Corrected fields are written into letter.fields with `corrected_by`, and the searchable identity
    columns follow, so repeat look-ups and retraining see the reviewer's values, not the OCR's.
    """
    _claim(letter, Status.confirmed)
    suggestion = letter.suggestion
    before = {head: getattr(suggestion, head, None) if suggestion else None for head in HEADS}
    link = letter.repeat_link
    if link is not None:
        before["repeat_of"] = link.earlier_id
    after = dict(chosen)
    if link is not None and is_repeat is not None:
        link.confirmed = bool(is_repeat)
        after["repeat_of"] = link.earlier_id if is_repeat else None
    if fields:
        current = dict(letter.fields or {})
        before["fields"] = {key: (current.get(key) or {}).get("value") for key in fields}
        after["fields"] = dict(fields)
        for key, value in fields.items():
            current[key] = {**(current.get(key) or {}), "value": value, "confidence": 1.0,
                            "corrected_by": user_id, "note": "审核人更正"}
            if key in IDENTITY_COLUMNS:
                setattr(letter, IDENTITY_COLUMNS[key], value)
        letter.fields = current
    changed = any(before.get(h) != after.get(h) for h in HEADS) or bool(fields) or (
        link is not None and is_repeat is not None and before.get("repeat_of") != after.get("repeat_of"))
    action = "correct" if changed else "confirm"
    review = Review(letter_id=letter.id, user_id=user_id, action=action, before=before, after=after)
    db().add(review)
    for head in HEADS:
        setattr(letter, head, chosen[head])
    letter.status = Status.confirmed
    letter.confirmed_at = datetime.now(UTC)
    record(db(), "reviewed", letter_id=letter.id, user_id=user_id, decision=action, before=before, after=after)
    record(db(), "status", letter_id=letter.id, user_id=user_id, status=Status.confirmed)
    return review
