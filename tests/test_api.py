"""The JSON API: bearer tokens, the same permission rules as the pages, and an accurate OpenAPI file."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from bench.synthetic import link_repeat, make_letter
from tests.conftest import ROOT, settings_env
from tests.webutil import add_user, csrf_token, login
from xinfang.models import AuditEvent, Letter, Review, Status, User
from xinfang.models.db import session_scope
from xinfang.web import create_app
from xinfang.web.tokens import make_token, read_token


@pytest.fixture
def api(settings):
    for name, role, unit in (("rev", "reviewer", None), ("clerk", "clerk", None), ("boss", "supervisor", None),
                             ("town", "reviewer", "清河镇人民政府")):
        add_user(settings, name, role, unit=unit)
    app = create_app(settings)
    with session_scope(settings.database_url) as s:
        ids = {u.username: u.id for u in s.scalars(select(User))}
    def headers(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(app.config['SECRET_KEY'], ids[name])}"}
    return settings, app, headers


def test_tokens_are_signed_and_expire():
    token = make_token("k" * 32, 7, days=1, now=1000.0)
    assert read_token("k" * 32, token, now=1001.0) == 7
    assert read_token("k" * 32, token, now=1000.0 + 86401) is None
    assert read_token("other" * 8, token, now=1001.0) is None
    assert read_token("k" * 32, token[:-2] + "xx", now=1001.0) is None


def test_without_a_valid_token_the_api_answers_401_in_json(api):
    _settings, app, _headers = api
    client = app.test_client()
    response = client.get("/api/queue")
    assert response.status_code == 401 and response.json["error"] == "unauthorized"
    assert client.get("/api/queue", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    # A token is only accepted by the API, never for pages.
    assert client.get("/review", headers={"Authorization": "Bearer nonsense"}).status_code == 302


def test_review_through_the_api_with_a_token(api):
    settings, app, headers = api
    with session_scope(settings.database_url) as s:
        earlier = make_letter(s)
        letter = make_letter(s, phone="13800000001")
        link_repeat(s, letter, earlier, passages=[["a", "b"]])
        letter_id, earlier_id = letter.id, earlier.id
    client = app.test_client()
    queue = client.get("/api/queue", headers=headers("rev")).json
    assert queue["total"] == 2 and {item["id"] for item in queue["items"]} == {letter_id, earlier_id}
    got = client.get(f"/api/letters/{letter_id}/suggestions", headers=headers("rev")).json
    assert got["suggestion"]["category"]["label"] == "劳动和社会保障"
    assert got["suggestion"]["category"]["detail"]["words"] == ["拖欠", "工资"]
    assert got["repeat"]["earlier_id"] == earlier_id
    assert client.post(f"/api/letters/{letter_id}/review", headers=headers("clerk"),
                       json={"category": "民政"}).status_code == 403
    bad = client.post(f"/api/letters/{letter_id}/review", headers=headers("rev"), json={"category": "民政"})
    assert bad.status_code == 400 and "purpose" in bad.json["message"]
    done = client.post(f"/api/letters/{letter_id}/review", headers=headers("rev"), json={
        "category": "民政", "purpose": "求决", "department": "民政局", "is_repeat": True,
        "fields": {"phone": "13900000000"}})
    assert done.status_code == 200 and done.json["action"] == "correct"
    assert done.json["after"]["repeat_of"] == earlier_id
    again = client.post(f"/api/letters/{letter_id}/review", headers=headers("rev"), json={
        "category": "民政", "purpose": "求决", "department": "民政局"})
    assert again.status_code == 409
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        assert letter.status == Status.confirmed and letter.department == "民政局"
        assert letter.phone == "13900000000" and letter.repeat_link.confirmed is True
        assert s.scalar(select(Review.after).where(Review.letter_id == letter_id))["fields"] == {
            "phone": "13900000000"}


def test_letter_record_masks_identity_for_supervisors_and_logs_the_view(api):
    settings, app, headers = api
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s, phone="13812345678").id
    client = app.test_client()
    full = client.get(f"/api/letters/{letter_id}", headers=headers("rev")).json
    masked = client.get(f"/api/letters/{letter_id}", headers=headers("boss")).json
    assert full["fields"]["phone"]["value"] == "13812345678"
    assert masked["fields"]["phone"]["value"] == "138****5678"
    queue = client.get("/api/queue", headers=headers("boss")).json
    assert queue["items"][0]["phone"] == "138****5678"
    with session_scope(settings.database_url) as s:
        views = s.scalars(select(AuditEvent).where(AuditEvent.action == "viewed")).all()
    assert len(views) == 2 and {e.detail.get("via") for e in views} == {"api"}


def test_a_report_is_not_found_for_the_accused_unit_through_the_api(api):
    settings, app, headers = api
    with session_scope(settings.database_url) as s:
        report = make_letter(s, purpose="揭发控告", accused="清河镇政府").id
    client = app.test_client()
    for path in (f"/api/letters/{report}", f"/api/letters/{report}/suggestions"):
        response = client.get(path, headers=headers("town"))
        assert response.status_code == 404 and response.json["error"] == "not_found"
    assert client.get(f"/api/letters/{report}", headers=headers("rev")).status_code == 200
    assert client.get("/api/queue", headers=headers("town")).json["items"] == []
    assert client.get(f"/api/letters/status?ids={report}", headers=headers("town")).json == {}
    assert client.post(f"/api/letters/{report}/review", headers=headers("town"), json={
        "category": "纪检监察", "purpose": "揭发控告", "department": "纪委监委"}).status_code == 404


def test_session_posts_to_the_api_need_the_csrf_token(api):
    settings, app, _headers = api
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    client = app.test_client()
    login(client, "rev")
    body = {"category": "民政", "purpose": "求决", "department": "民政局"}
    assert client.post(f"/api/letters/{letter_id}/review", json=body).status_code == 400
    token = csrf_token(client, f"/letters/{letter_id}")
    response = client.post(f"/api/letters/{letter_id}/review", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_upload_and_status_through_the_api(api, tmp_path):
    _settings, app, headers = api
    client = app.test_client()
    path = tmp_path / "letter.txt"
    path.write_text("尊敬的领导：我叫王建国，反映拖欠工资问题。", encoding="utf-8")
    with path.open("rb") as handle:
        response = client.post("/api/letters", headers=headers("clerk"), data={"files": [(handle, "letter.txt")]},
                               content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    ids = response.json["letter_ids"]
    assert len(ids) == 1
    status = client.get(f"/api/letters/status?ids={ids[0]}", headers=headers("clerk")).json
    assert status[str(ids[0])]["status"] in ("received", "queued")  # Redis is not running in this test
    assert client.post("/api/letters", headers=headers("boss")).status_code == 403


def test_statistics_need_a_supervisor(api):
    _settings, app, headers = api
    client = app.test_client()
    assert client.get("/api/stats", headers=headers("rev")).status_code == 403
    body = client.get("/api/stats?start=2026-01-01&end=2026-12-31", headers=headers("boss")).json
    assert body["period"] == {"start": "2026-01-01", "end": "2026-12-31"} and "summary" in body


def test_openapi_describes_exactly_the_api_routes(api):
    _settings, app, _headers = api
    spec = app.test_client().get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    described = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == routes


def test_token_create_command_prints_a_working_token(settings):
    add_user(settings, "rev", "reviewer")
    env = settings_env(settings)
    code = ("import sys; from web.tokens import token_command; "
            "sys.exit(token_command.main(['create', 'rev', '--days', '2'], standalone_mode=True))")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    user_id = read_token(settings.secret_key, token)
    assert user_id is not None and read_token(settings.secret_key, token, now=time.time() + 3 * 86400) is None
    client = create_app(settings).test_client()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json["username"] == "rev"
    missing = subprocess.run([sys.executable, "-c", code.replace("'rev'", "'nobody'")], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0
