"""Logging in as an attacker would try it: redirects off the site, guessing, timing, stolen cookies."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.webutil import add_user, csrf_token, login
from xinfang.models import AuditEvent, User
from xinfang.models.db import session_scope
from xinfang.web import create_app
from xinfang.web.auth import safe_next


@pytest.fixture
def app(db_settings):
    add_user(db_settings, "rev", "reviewer")
    add_user(db_settings, "other", "reviewer")
    return create_app(db_settings)


@pytest.fixture
def sqlite_app(settings):
    add_user(settings, "rev", "reviewer")
    return create_app(settings)


def _post_login(client, username: str, password: str, next_: str | None = None):  # noqa: ANN202
    token = csrf_token(client, "/login")
    path = "/login" if next_ is None else f"/login?next={next_}"
    return client.post(path, data={"username": username, "password": password, "csrf_token": token})


@pytest.mark.parametrize("target", ["%2F%09%2Fevil.example", "//evil.example", "%2F%5Cevil.example",
                                    "https://evil.example/", "%2F%0D%0ALocation:%20http://evil.example",
                                    "%2F%0A%2Fevil.example", "/%20/evil.example"])
def test_login_never_redirects_off_the_site(sqlite_app, target):
    client = sqlite_app.test_client()
    response = _post_login(client, "rev", "correct horse 1", target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and location.startswith("/"), location


def test_login_keeps_a_path_on_the_site():
    assert safe_next("/letters/5?status=review") == "/letters/5?status=review"
    assert safe_next("/\t/evil.example") is None and safe_next("/\\evil.example") is None


def test_failed_logins_are_audited_and_throttled(app, db_settings):
    client = app.test_client()
    for _ in range(5):
        assert _post_login(client, "rev", "wrong password").status_code == 200
    locked = _post_login(client, "rev", "correct horse 1")
    assert locked.status_code == 429 and "锁定" in locked.get_data(as_text=True)
    # The count lives in the database: another app (another gunicorn worker) sees the lock too.
    other_worker = create_app(db_settings).test_client()
    assert _post_login(other_worker, "rev", "correct horse 1").status_code == 429
    # Another user is not locked by failures against this one.
    assert _post_login(other_worker, "other", "correct horse 1").status_code == 302
    with session_scope(db_settings.database_url) as s:
        failed = s.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
        assert len(failed) == 5 and all(e.detail["username"] == "rev" for e in failed)
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "login_locked")).first() is not None


def test_the_lock_ends(app, db_settings):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from xinfang.models import LoginThrottle

    client = app.test_client()
    for _ in range(5):
        _post_login(client, "rev", "wrong password")
    with session_scope(db_settings.database_url) as s:
        s.execute(update(LoginThrottle).values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert _post_login(client, "rev", "correct horse 1").status_code == 302


def test_unknown_users_cost_the_same_time_as_known_ones(app):
    client = app.test_client()

    def timed(username: str) -> float:
        started = time.perf_counter()
        _post_login(client, username, "wrong password")
        return time.perf_counter() - started

    timed("rev"), timed("nobody-0")  # warm up
    known = min(timed("other") for _ in range(3))
    unknown = min(timed(f"nobody-{i}") for i in range(1, 4))
    assert unknown > 0.5 * known, (unknown, known)


def test_a_session_cookie_stops_working_after_logout(app):
    client = app.test_client()
    login(client, "rev")
    assert client.get("/review").status_code == 200
    stolen = client.get_cookie("session").value
    token = csrf_token(client, "/review")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/review")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_needs_the_current_password_and_ends_other_sessions(app, db_settings):
    client, elsewhere = app.test_client(), app.test_client()
    login(client, "rev")
    login(elsewhere, "rev")
    token = csrf_token(client, "/password")
    wrong = client.post("/password", data={"csrf_token": token, "current": "not it", "new": "a new secret 2",
                                           "repeat": "a new secret 2"})
    assert wrong.status_code == 200 and "当前密码不正确" in wrong.get_data(as_text=True)
    short = client.post("/password", data={"csrf_token": token, "current": "correct horse 1", "new": "short",
                                           "repeat": "short"})
    assert short.status_code == 200 and "至少 8 个字符" in short.get_data(as_text=True)
    done = client.post("/password", data={"csrf_token": token, "current": "correct horse 1",
                                          "new": "a new secret 2", "repeat": "a new secret 2"})
    assert done.status_code == 302
    assert client.get("/review").status_code == 200  # this session goes on
    assert elsewhere.get("/review").status_code == 302  # the other one ended
    fresh = app.test_client()
    assert _post_login(fresh, "rev", "correct horse 1").status_code == 200
    login(fresh, "rev", "a new secret 2")
    with session_scope(db_settings.database_url) as s:
        user = s.scalar(select(User).where(User.username == "rev"))
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "password_changed",
                                                 AuditEvent.user_id == user.id)) is not None


def test_a_password_reset_by_an_admin_ends_the_users_sessions(app, db_settings):
    client = app.test_client()
    login(client, "rev")
    assert client.get("/review").status_code == 200
    with session_scope(db_settings.database_url) as s:  # as `xinfang user add rev` (reset) does
        s.scalar(select(User).where(User.username == "rev")).set_password("reset by admin 3")
    assert client.get("/review").status_code == 302
