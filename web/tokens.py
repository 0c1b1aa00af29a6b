"""API tokens: stateless, signed with the install's SECRET_KEY, so no token table (and no migration).

A token names a user id and an expiry; it is checked on every request against the user row, so
deactivating a user or changing their role takes effect at once. Rotating XINFANG_SECRET_KEY (or the
data directory's secret_key file) revokes every token.
"""

from __future__ import annotations

import time

import click
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from xinfang.core.config import load_settings
from xinfang.core.errors import NotFoundError
from xinfang.models import User, record
from xinfang.models.db import session_scope

SALT = "xinfang-api-token"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def make_token(secret_key: str, user_id: int, days: int = 90, now: float | None = None) -> str:
    expires = int((now or time.time()) + days * 86400)
    return _serializer(secret_key).dumps({"u": user_id, "exp": expires})


def read_token(secret_key: str, token: str, now: float | None = None) -> int | None:
    """The user id in a valid, unexpired token, else None."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if int(data.get("exp", 0)) < (now or time.time()):
        return None
    return data["u"]


@click.group("token")
def token_command() -> None:
    """API tokens for scripts (Authorization: Bearer ...)."""


@token_command.command("create")
@click.argument("username")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3650), help="valid for N days")
def create(username: str, days: int) -> None:
    """Print a new API token for USERNAME."""


    settings = load_settings()
    with session_scope(settings.database_url) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            raise NotFoundError(f"没有启用的用户 {username}。先用 `xinfang user` 创建该用户。")
        record(session, "token_created", user_id=user.id, days=days)
        click.echo(make_token(settings.secret_key, user.id, days))
