"""Log in and out. Passwords are checked against salted hashes; every form carries a CSRF token."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from xinfang.models import User, record
from xinfang.web.extensions import db

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired()])
    password = PasswordField("密码", validators=[DataRequired()])


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


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = db().scalar(select(User).where(User.username == form.username.data))
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user)
            record(db(), "login", user_id=user.id)
            db().commit()
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("letters.home")
            return redirect(target)
        flash("用户名或密码不正确。", "error")
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    return redirect(url_for("auth.login"))
