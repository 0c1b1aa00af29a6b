"""Driving the Flask test client like a browser: real CSRF tokens taken from the pages."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from xinfang.core.config import Settings
from xinfang.models import User
from xinfang.models.db import session_scope

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def add_user(settings: Settings, username: str, role: str, password: str = "correct horse 1",
             unit: str | None = None) -> None:
    with session_scope(settings.database_url) as session:
        account = User(username=username, role=role, display_name=username, unit=unit)
        account.set_password(password)
        session.add(account)


def login(client: FlaskClient, username: str, password: str = "correct horse 1") -> None:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
