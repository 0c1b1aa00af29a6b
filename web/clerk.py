"""The clerk's side: upload letters, follow them through the pipeline, retry failures, view a scan."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from xinfang.core.display import safe_display_name
from xinfang.core.errors import ServiceUnavailableError, XinfangError
from xinfang.core.privacy import mask_identity_deep
from xinfang.intake.ingest import ingest_stream
from xinfang.intake.jobs import enqueue_letter, enqueue_letters
from xinfang.intake.page_images import MEDIA_TYPE, view_of_page
from xinfang.models import AuditEvent, Letter, Role, Status, User, record
from xinfang.web.access import (
    can_view_letter,
    earlier_visible,
    letter_or_404,
    masks_identity,
    parse_ids,
    shown_field,
    user_filters,
    visible,
)
from xinfang.web.auth import role_required
from xinfang.web.choices import office_choices
from xinfang.web.extensions import db, settings
from xinfang.web.labels import event_view
from xinfang.web.letter_page import (
    batch_letters,
    field_rows,
    head_views,
    ocr_pages,
    repeat_view,
    text_segments,
)
from xinfang.web.queue import deadline_of, visible_neighbour
from xinfang.web.review import ReviewForm

bp = Blueprint("letters", __name__)

PAGE_SIZE = 50
NOT_RETRYABLE = "这封信失败的原因在文件本身（损坏、加密、无文字或格式不对），重试不会成功。请按失败原因处理后重新上传。"


class UploadForm(FlaskForm):
    files = MultipleFileField("扫描件或文本文件", validators=[FileRequired("请选择至少一个文件。")])


class ActionForm(FlaskForm):
    """A form with nothing but the CSRF token, for POST buttons."""


@bp.get("/")
@login_required
def home() -> Response:
    if current_user.can(Role.reviewer):
        return redirect(url_for("review.queue"))
    return redirect(url_for("letters.index"))


@bp.route("/upload", methods=["GET", "POST"])
@role_required(Role.clerk, Role.reviewer)
def upload() -> str | Response:
    form = UploadForm()
    if form.validate_on_submit():
        created, duplicates, queued_ids, refused = [], [], [], []
        for storage in request.files.getlist(form.files.name):
            if not storage.filename:
                continue
            try:
                result = ingest_stream(db(), settings(), storage.stream, storage.filename,
                                       user_id=current_user.id, received=date.today())
            except XinfangError as exc:  # too large, not a letter's file type: refused with the reason
                db().rollback()
                refused.append((safe_display_name(storage.filename, 100), exc.message))
                continue
            db().commit()
            if result.duplicate_of is not None:
                duplicates.append((storage.filename, result.duplicate_of))
                continue
            created.extend(result.letter_ids)
            queued_ids.extend(lid for lid in result.letter_ids
                              if db().get(Letter, lid).status == Status.received)
        try:
            enqueue_letters(settings(), queued_ids)  # online petitions go in batches
        except ServiceUnavailableError:
            flash("文件已保存，但任务队列（Redis）暂时不可用，恢复后可在列表中点击“重试”。", "error")
        if request.headers.get("X-Requested-With") == "fetch":
            # One file of a multi-file upload sent by the page's script: answer in JSON, no flash.
            body = {"letter_ids": created, "duplicates": [duplicate_json(name, first) for name, first in duplicates],
                    "refused": [{"name": name, "message": message} for name, message in refused]}
            return jsonify(body), 400 if refused and not created and not duplicates else 200
        if created:
            flash(f"已接收 {len(created)} 封信件，正在识别。", "ok")
        for name, first in duplicates:
            flash(duplicate_message(name, first, html=True), "warn")
        for name, message in refused:
            flash(f"“{name}”未登记：{message}", "error")
        return redirect(url_for("letters.index", ids=",".join(map(str, created))) if created
                        else url_for("letters.index"))
    return render_template("upload.html", form=form)


def duplicate_message(name: str, first: int | None, html: bool = False) -> str | Markup:
    """'Already registered as letter #N', with a link to it in the page."""
    shown = safe_display_name(name, 100)
    if first is None:
        return f"“{shown}”已经登记过，未重复登记。"
    if not html:
        return f"“{shown}”已登记为第 {first} 号信件，未重复登记。"
    link = Markup('<a href="{}">第 {} 号信件</a>').format(url_for("letters.detail", letter_id=first), first)
    return Markup("“{}”已登记为{}，未重复登记。").format(shown, link)


def duplicate_json(name: str, first: int | None) -> dict:
    return {"name": safe_display_name(name, 100), "letter_id": first,
            "url": url_for("letters.detail", letter_id=first) if first else None,
            "message": duplicate_message(name, first)}


@bp.get("/letters")
@login_required
def index() -> str:
    status = request.args.get("status") or None
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    query = select(Letter).order_by(Letter.id.desc())
    if status:
        query = query.where(Letter.status == status)
    ids = parse_ids(request.args.get("ids", ""))
    if ids:  # an upload's letters, and the letters a batch scan among them was cut into since
        files = select(Letter.file_id).where(Letter.id.in_(ids), Letter.file_id.is_not(None))
        query = query.where(or_(Letter.id.in_(ids), Letter.file_id.in_(files)))
    query = query.options(selectinload(Letter.suggestions), selectinload(Letter.file))
    letters = visible(db().scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    counts = dict(db().execute(select(Letter.status, func.count()).group_by(Letter.status)).all())
    return render_template("letters.html", letters=letters, counts=counts, status=status, page=page,
                           ids=ids, action_form=ActionForm())


@bp.get("/letters/<int:letter_id>")
@login_required
def detail(letter_id: int) -> str:

    letter = letter_or_404(letter_id)
    record(db(), "viewed", letter_id=letter.id, user_id=current_user.id)
    link = letter.repeat_link if earlier_visible(letter) else None
    if link is not None:  # the earlier letter's text is shown beside this one: that is a view of it too
        record(db(), "viewed", letter_id=link.earlier_id, user_id=current_user.id, via="repeat_comparison",
               beside=letter.id)
    db().commit()
    events = db().scalars(select(AuditEvent).where(AuditEvent.letter_id == letter.id)
                          .order_by(AuditEvent.id.desc()).limit(200)).all()
    masked = masks_identity()
    if masked:  # the audit trail's details (a reviewer's corrected 身份证号, say) as this user may see them
        events = [SimpleNamespace(id=e.id, at=e.at, action=e.action, user_id=e.user_id,
                                  detail=mask_identity_deep(e.detail)) for e in events]
    names = dict(db().execute(select(User.id, User.display_name).where(
        User.id.in_({e.user_id for e in events if e.user_id}))).all())
    events = [event_view(e, {k: v or f"用户{k}" for k, v in names.items()}, shown_field) for e in events]
    nav = {}
    filters = user_filters(request.args)  # the queue's filters travel with the reviewer
    if letter.status == Status.review and current_user.can(Role.reviewer, Role.supervisor):
        nav = {"next": visible_neighbour(db(), letter, 1, filters, can_view_letter),
               "prev": visible_neighbour(db(), letter, -1, filters, can_view_letter), "filters": filters.active()}
    return render_template(
        "letter.html", letter=letter, events=events, form=ReviewForm(letter=letter), action_form=ActionForm(),
        choices=office_choices(), segments=text_segments(letter, masked), field_rows=field_rows(letter, shown_field),
        ocr_pages=ocr_pages(letter, masked), heads=head_views(letter), nav=nav,
        deadline=deadline_of(settings(), letter), today=date.today(), batch=batch_letters(letter, visible),
        repeat=repeat_view(letter, masked) if link is not None else None)


@bp.post("/letters/<int:letter_id>/retry")
@role_required(Role.clerk, Role.reviewer)
def retry(letter_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    letter = letter_or_404(letter_id)
    if letter.status != Status.failed:
        flash("只有处理失败的信件可以重试。", "warn")
    elif letter.failure_retryable is False:
        flash(NOT_RETRYABLE, "warn")
    else:
        record(db(), "retry", letter_id=letter.id, user_id=current_user.id)
        db().commit()
        try:
            enqueue_letter(settings(), letter.id)
            flash(f"第 {letter.id} 号信件已重新排队。", "ok")
        except ServiceUnavailableError as exc:
            flash(exc.message, "error")
    return redirect(request.referrer or url_for("letters.detail", letter_id=letter_id))


@bp.get("/letters/<int:letter_id>/pages/<int:number>.png")
@login_required
def page_image(letter_id: int, number: int) -> Response:
    letter = letter_or_404(letter_id)
    data = view_of_page(settings(), letter, number)
    if data is None:
        abort(404)
    record(db(), "viewed", letter_id=letter.id, user_id=current_user.id, via="page_image", page=number)
    db().commit()
    # Never in a shared cache: a proxy would hand a hidden letter's scan to the next person asking.
    response = send_file(io.BytesIO(data), mimetype=MEDIA_TYPE, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
