"""Login, roles and CSRF on the real app with the embedded database."""

from tests.webutil import add_user, csrf_token, login
from xinfang.models import User
from xinfang.models.db import session_scope
from xinfang.web import create_app


def test_login_requires_the_right_password_and_stores_only_a_hash(settings):
    add_user(settings, "clerk1", "clerk")
    client = create_app(settings).test_client()
    token = csrf_token(client, "/login")
    bad = client.post("/login", data={"username": "clerk1", "password": "wrong password", "csrf_token": token})
    assert "用户名或密码不正确" in bad.get_data(as_text=True)
    login(client, "clerk1")
    assert client.get("/letters").status_code == 200
    with session_scope(settings.database_url) as session:
        stored = session.query(User).filter_by(username="clerk1").one().password_hash
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_forms_without_csrf_token_are_refused(settings):
    add_user(settings, "clerk1", "clerk")
    client = create_app(settings).test_client()
    response = client.post("/login", data={"username": "clerk1", "password": "correct horse 1"})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert client.get("/letters").status_code == 302  # still not logged in


def test_pages_need_login_and_the_queue_needs_a_reviewer(settings):
    add_user(settings, "clerk1", "clerk")
    client = create_app(settings).test_client()
    assert client.get("/review").status_code == 302
    login(client, "clerk1")
    assert client.get("/review").status_code == 403
    assert client.get("/upload").status_code == 200
