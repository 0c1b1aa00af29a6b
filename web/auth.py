"""Log in and out, and change one's password.

Passwords are checked against salted hashes; every form carries a CSRF token. Failed logins are
audited and throttled (web/throttle.py); an unknown user name costs the same hashing time as a known
one, so timing does not tell which names exist. Logging out or changing the password raises the user's
session version, which every session cookie carries, so a copied cookie stops working server-side.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from xinfang.models import User, record
from xinfang.web import throttle
from xinfang.web.extensions import db

bp = Blueprint("auth", __name__)

# Checked when the user name is unknown, so that answer takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("no such user: the same work as a real check")


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired()])
    new = PasswordField("新密码", validators=[DataRequired(), Length(min=8, max=200, message="新密码至少 8 个字符。")])
    repeat = PasswordField("再次输入新密码", validators=[DataRequired(), EqualTo("new", message="两次输入的新密码不一致。")])


def role_required(*roles: str):  # noqa: ANN201
    """Allow the view only to users with one of the roles (admins always)."""
    def decorator(view):  # noqa: ANN001, ANN202
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):  # noqa: ANN202
            if not current_user.can(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers drop tabs and line breaks inside URLs and read a backslash as a slash, so "/\\t/evil.example"
    and "/\\\\evil.example" would leave the site: any control character, space or backslash is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ch < " " or ch in "\\\x7f " for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _clean(text: str | None) -> str:
    return (text or "").replace("\x00", "")[:80]


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        username = _clean(form.username.data).strip()
        limits = throttle.keys(username, request.remote_addr)
        until = throttle.locked_until(db(), limits)
        if until is not None:
            minutes = max(1, round((until - datetime.now(UTC)).total_seconds() / 60))
            record(db(), "login_locked", username=username, address=request.remote_addr)
            db().commit()
            flash(f"登录失败次数过多，已暂时锁定。请 {minutes} 分钟后再试。", "error")
            return render_template("login.html", form=form), 429
        user = db().scalar(select(User).where(User.username == username))
        password = form.password.data or ""
        valid = user.check_password(password) if user is not None else check_password_hash(_DUMMY_HASH, password)
        if user is not None and user.active and valid:
            throttle.record_success(db(), username)
            login_user(user)
            record(db(), "login", user_id=user.id, address=request.remote_addr)
            db().commit()
            return redirect(safe_next(request.args.get("next")) or url_for("letters.home"))
        throttle.record_failure(db(), limits)
        record(db(), "login_failed", user_id=user.id if user is not None else None, username=username,
               address=request.remote_addr, reason="inactive" if user is not None and valid else "password")
        throttle.commit_counts(db())
        flash("用户名或密码不正确。", "error")
    return render_template("login.html", form=form)


def _me() -> User:
    """The logged-in user's row, in this request's session (current_user may come from another)."""
    user = db().get(User, current_user.id)
    if user is None:
        abort(401)
    return user


@bp.post("/logout")
@login_required
def logout() -> Response:
    user = _me()
    user.session_version = (user.session_version or 0) + 1  # every cookie of this user stops working
    record(db(), "logout", user_id=user.id)
    db().commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    form = PasswordForm()
    if form.validate_on_submit():
        user = _me()
        if not user.check_password(form.current.data or ""):
            record(db(), "password_change_failed", user_id=user.id)
            db().commit()
            flash("当前密码不正确。", "error")
            return render_template("password.html", form=form)
        user.set_password(form.new.data)  # raises the session version: other sessions of this user end
        record(db(), "password_changed", user_id=user.id)
        db().commit()
        login_user(user)  # this session goes on with the new version
        flash("密码已修改。其他设备上的登录已失效。", "ok")
        return redirect(url_for("letters.home"))
    return render_template("password.html", form=form)
