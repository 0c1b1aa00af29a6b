"""The clerk's side: upload letters, follow them through the pipeline, retry failures, view a scan."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from xinfang.core.errors import ServiceUnavailableError
from xinfang.intake.ingest import ingest_stream
from xinfang.intake.jobs import enqueue_letter, enqueue_letters
from xinfang.intake.page_images import MEDIA_TYPE, view_of_page
from xinfang.models import AuditEvent, Letter, Role, Status, record
from xinfang.web.access import letter_or_404, visible
from xinfang.web.auth import role_required
from xinfang.web.choices import office_choices
from xinfang.web.extensions import db, settings

bp = Blueprint("letters", __name__)

PAGE_SIZE = 50


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
        created, duplicates, queued_ids = [], [], []
        for storage in request.files.getlist(form.files.name):
            if not storage.filename:
                continue
            result = ingest_stream(db(), settings(), storage.stream, storage.filename, user_id=current_user.id,
                                   received=date.today())
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
            return jsonify({"letter_ids": created, "duplicates": [
                {"name": name, "letter_id": first} for name, first in duplicates]})
        if created:
            flash(f"已接收 {len(created)} 封信件，正在识别。", "ok")
        for name, first in duplicates:
            flash(f"“{name}”与已登记的第 {first} 号信件是同一文件，未重复登记。", "warn")
        return redirect(url_for("letters.index", ids=",".join(map(str, created))) if created
                        else url_for("letters.index"))
    return render_template("upload.html", form=form)


@bp.get("/letters")
@login_required
def index() -> str:
    status = request.args.get("status") or None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = select(Letter).order_by(Letter.id.desc())
    if status:
        query = query.where(Letter.status == status)
    ids = [int(x) for x in request.args.get("ids", "").split(",") if x.isdigit()]
    if ids:
        query = query.where(Letter.id.in_(ids))
    query = query.options(selectinload(Letter.suggestions), selectinload(Letter.file))
    letters = visible(db().scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    counts = dict(db().execute(select(Letter.status, func.count()).group_by(Letter.status)).all())
    return render_template("letters.html", letters=letters, counts=counts, status=status, page=page,
                           ids=ids, action_form=ActionForm())


@bp.get("/letters/<int:letter_id>")
@login_required
def detail(letter_id: int) -> str:
    from xinfang.core.privacy import can_view
    from xinfang.web.access import shown_field
    from xinfang.web.letter_view import field_rows, head_views, ocr_pages, repeat_view, text_segments
    from xinfang.web.queue import QueueFilters, deadline_of, neighbour
    from xinfang.web.review import ReviewForm

    letter = letter_or_404(letter_id)
    record(db(), "viewed", letter_id=letter.id, user_id=current_user.id)
    db().commit()
    events = db().scalars(select(AuditEvent).where(AuditEvent.letter_id == letter.id)
                          .order_by(AuditEvent.id.desc()).limit(200)).all()
    link = letter.repeat_link
    nav = {}
    filters = QueueFilters.from_args(request.args)  # the queue's filters travel with the reviewer
    if letter.status == Status.review and current_user.can(Role.reviewer, Role.supervisor):
        nav = {"next": neighbour(db(), letter, 1, filters), "prev": neighbour(db(), letter, -1, filters),
               "filters": filters.active()}
    return render_template(
        "letter.html", letter=letter, events=events, form=ReviewForm(letter=letter), action_form=ActionForm(),
        choices=office_choices(), segments=text_segments(letter), field_rows=field_rows(letter, shown_field),
        ocr_pages=ocr_pages(letter), heads=head_views(letter), nav=nav, deadline=deadline_of(settings(), letter),
        today=date.today(),
        repeat=repeat_view(letter, link is not None and can_view(current_user, link.earlier)))


@bp.post("/letters/<int:letter_id>/retry")
@role_required(Role.clerk, Role.reviewer)
def retry(letter_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    letter = letter_or_404(letter_id)
    if letter.status != Status.failed:
        flash("只有处理失败的信件可以重试。", "warn")
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
    return send_file(io.BytesIO(data), mimetype=MEDIA_TYPE, max_age=3600)
