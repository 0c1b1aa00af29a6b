"""Administration in the browser: the office's users, and its own data (labels, departments, routing table,
places and any further section of office.json), each change validated and written to the audit trail.

Data edits are saved to the files the classifier and workers read ($XINFANG_DATA_DIR/office.json and
places.json); their loaders notice the new file, so nothing needs a restart.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from xinfang.core.errors import OfficeDataError
from xinfang.models import AuditEvent, Role, User, record
from xinfang.web.auth import role_required
from xinfang.web.extensions import db, settings
from xinfang.web.labels import ROLE_LABELS
from xinfang.web.office_editor import DOCUMENTS, SECTION_NAME, apply_edit, section_label, section_text

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role.value]) for role in Role]
ADMIN_ACTIONS = ("user_added", "user_changed", "password_reset", "office_edited")


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。"), Length(max=80),
                                               Regexp(r"^[A-Za-z0-9_.\-]+$", message="用户名只能用字母、数字、_ . -")])
    display_name = StringField("姓名", validators=[Optional(), Length(max=80)])
    role = SelectField("角色", choices=ROLE_CHOICES)
    unit = StringField("所在单位（被举报时看不到该件）", validators=[Optional(), Length(max=100)])
    password = PasswordField("初始密码", validators=[DataRequired("请设置初始密码。"), Length(min=8, message="密码至少 8 位。")])


class EditUserForm(FlaskForm):
    display_name = StringField("姓名", validators=[Optional(), Length(max=80)])
    role = SelectField("角色", choices=ROLE_CHOICES)
    unit = StringField("所在单位", validators=[Optional(), Length(max=100)])
    active = BooleanField("启用")


class PasswordForm(FlaskForm):
    password = PasswordField("新密码", validators=[DataRequired("请填写新密码。"), Length(min=8, message="密码至少 8 位。")])


class SectionForm(FlaskForm):
    """A hidden stamp of the file as it was when the form opened, and the section as JSON."""


def _user_state(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "unit": user.unit,
            "active": user.active}


def _errors(form: FlaskForm) -> str:
    return "；".join(message for messages in form.errors.values() for message in messages)


@bp.get("/")
@role_required(Role.admin)
def index() -> str:
    events = db().scalars(select(AuditEvent).where(AuditEvent.action.in_(ADMIN_ACTIONS))
                          .order_by(AuditEvent.id.desc()).limit(50)).all()
    names = {u.id: u.display_name or u.username for u in db().scalars(select(User))}
    documents = []
    for doc in DOCUMENTS.values():
        try:
            documents.append((doc, list(doc.read(settings().data_dir))))
        except (OSError, ValueError) as exc:  # a hand edit broke the file: say so instead of failing the page
            flash(f"{doc.path(settings().data_dir)} 无法读取：{exc}。请修正该文件（或删除它以使用初始数据）。", "error")
            documents.append((doc, []))
    return render_template("admin/index.html", documents=documents, events=events, names=names,
                           section_label=section_label, form=SectionForm())


@bp.get("/users")
@role_required(Role.admin)
def users() -> tuple[str, int]:
    return _users_page(UserForm())


def _users_page(form: UserForm, status: int = 200) -> tuple[str, int]:
    accounts = db().scalars(select(User).order_by(User.active.desc(), User.username)).all()
    edit_forms = {u.id: EditUserForm(obj=u, formdata=None) for u in accounts}
    return render_template("admin/users.html", accounts=accounts, form=form, edit_forms=edit_forms,
                           password_form=PasswordForm(formdata=None)), status


@bp.post("/users")
@role_required(Role.admin)
def add_user() -> Response | tuple[str, int]:
    form = UserForm()
    if not form.validate_on_submit():
        flash(_errors(form) or "表单已过期，请重试。", "error")
        return _users_page(form, 400)
    if db().scalar(select(User).where(User.username == form.username.data)) is not None:
        flash(f"用户名“{form.username.data}”已被使用。", "error")
        return _users_page(form, 400)
    user = User(username=form.username.data, display_name=form.display_name.data or "", role=form.role.data,
                unit=(form.unit.data or "").strip() or None)
    user.set_password(form.password.data)
    db().add(user)
    db().flush()
    record(db(), "user_added", user_id=current_user.id, target=user.id, after=_user_state(user))
    db().commit()
    flash(f"已添加用户 {user.username}（{ROLE_LABELS[user.role]}）。", "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>")
@role_required(Role.admin)
def edit_user(user_id: int) -> Response | tuple[str, int]:
    user = db().get(User, user_id) or abort(404)
    form = EditUserForm()
    if not form.validate_on_submit():
        flash(_errors(form) or "表单已过期，请重试。", "error")
        return _users_page(UserForm(formdata=None), 400)
    if user.id == current_user.id and (form.role.data != Role.admin or not form.active.data):
        flash("不能停用自己或取消自己的管理员角色（以免无人可以管理）。请由另一位管理员操作。", "error")
        return _users_page(UserForm(formdata=None), 400)
    before = _user_state(user)
    user.display_name = form.display_name.data or ""
    user.role = form.role.data
    user.unit = (form.unit.data or "").strip() or None
    user.active = bool(form.active.data)
    after = _user_state(user)
    if after != before:
        record(db(), "user_changed", user_id=current_user.id, target=user.id, before=before, after=after)
        db().commit()
        flash(f"已保存用户 {user.username}。", "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@role_required(Role.admin)
def reset_password(user_id: int) -> Response | tuple[str, int]:
    user = db().get(User, user_id) or abort(404)
    form = PasswordForm()
    if not form.validate_on_submit():
        flash(_errors(form) or "表单已过期，请重试。", "error")
        return _users_page(UserForm(formdata=None), 400)
    user.set_password(form.password.data)
    record(db(), "password_reset", user_id=current_user.id, target=user.id, username=user.username)
    db().commit()
    flash(f"已为 {user.username} 设置新密码。请当面或通过可靠渠道告知。", "ok")
    return redirect(url_for("admin.users"))


@bp.route("/data/<doc>/<section>", methods=["GET", "POST"])
@role_required(Role.admin)
def section(doc: str, section: str) -> Response | tuple[str, int] | str:
    document = DOCUMENTS.get(doc) or abort(404)
    if not re.fullmatch(SECTION_NAME, section):
        abort(404)
    data_dir = settings().data_dir
    try:
        data = document.read(data_dir)
    except (OSError, ValueError) as exc:
        flash(f"{document.path(data_dir)} 无法读取：{exc}。请修正该文件后再编辑。", "error")
        return redirect(url_for("admin.index"))
    if section not in data and request.method == "GET" and not request.args.get("new"):
        abort(404)
    form = SectionForm()
    text = section_text(data[section] if section in data else document.default(section))
    problems: list[str] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        text = request.form.get("value", "")
        try:
            before, after = apply_edit(document, data_dir, section, text, request.form.get("stamp"))
        except OfficeDataError as exc:
            problems = exc.problems
        else:
            if before != after:
                record(db(), "office_edited", user_id=current_user.id, document=doc, section=section,
                       before=before, after=after)
                db().commit()
                flash(f"已保存“{section_label(section)}”，新内容已生效，无需重启。", "ok")
            return redirect(url_for("admin.index"))
    return render_template("admin/section.html", document=document, section=section, label=section_label(section),
                           text=text, problems=problems, stamp=document.stamp(data_dir), form=form,
                           is_new=section not in data), 400 if problems else 200


@bp.get("/data/<doc>")
@role_required(Role.admin)
def new_section(doc: str) -> Response:
    """The 'add a section' form of the overview: on to the editor of that (still empty) section."""
    if doc not in DOCUMENTS:
        abort(404)
    name = (request.args.get("section") or "").strip()
    if not re.fullmatch(SECTION_NAME, name):
        flash("部分名称只能用英文字母、数字和下划线（如 department_duties）。", "error")
        return redirect(url_for("admin.index"))
    return redirect(url_for("admin.section", doc=doc, section=name, new=1))
