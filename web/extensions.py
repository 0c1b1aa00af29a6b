"""Flask extensions created once and bound to the app in the factory."""

from __future__ import annotations

from flask import Flask, Request, current_app, g, jsonify, redirect, request, url_for
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from xinfang.core.config import Settings
from xinfang.models import User
from xinfang.models.db import get_sessionmaker

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"


def settings() -> Settings:
    return current_app.config["XINFANG"]


def db() -> Session:
    """One session per request, closed at teardown."""
    if "db" not in g:
        g.db = get_sessionmaker(settings().database_url)()
    return g.db


@login_manager.user_loader
def load_user(session_key: str) -> User | None:
    """The user of a session cookie, if the cookie's session version is still the user's (see auth.logout)."""
    user_id, _, version = session_key.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # a cookie from before session versions, or forged: log in again
    user = active_user(int(user_id))
    return user if user is not None and (user.session_version or 0) == int(version) else None


def active_user(user_id: int) -> User | None:
    user = db().get(User, user_id) if 0 < user_id < 2**31 else None
    return user if user is not None and user.active else None


def app_settings(app: Flask) -> Settings:
    return app.config["XINFANG"]


@login_manager.request_loader
def load_user_from_token(request: Request) -> User | None:
    """API calls may carry `Authorization: Bearer <token>` (see web/tokens.py) instead of a session."""
    header = request.headers.get("Authorization", "")
    if not request.path.startswith("/api/") or not header.lower().startswith("bearer "):
        return None
    from xinfang.web.tokens import read_token  # import cycle: web.tokens imports this module's login manager

    user_id = read_token(current_app.config["SECRET_KEY"], header[7:].strip())
    if user_id is None:
        return None
    user = active_user(user_id)
    g.token_auth = user is not None
    return user


@login_manager.unauthorized_handler
def unauthorized():  # noqa: ANN201
    """Pages send the browser to the login form; the API answers 401 in JSON."""
    if request.path.startswith("/api/"):
        return jsonify({"error": "unauthorized", "message": "需要登录或有效的 API 令牌（Authorization: Bearer ...）。"}), 401
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
