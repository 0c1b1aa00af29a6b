"""撤销 and 重新打开 on the real app and database: what an undo restores, who may do either, and when."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bench.synthetic import link_repeat, make_letter
from tests.webutil import add_user, csrf_token, login
from xinfang.models import AuditEvent, Letter, Review, Status
from xinfang.models.db import session_scope
from xinfang.web import create_app


@pytest.fixture
def desk(settings):
    for name, role in (("rev", "reviewer"), ("rev2", "reviewer"), ("boss", "supervisor"), ("clerk", "clerk")):
        add_user(settings, name, role)
    app = create_app(settings)
    client = app.test_client()
    login(client, "rev")
    return settings, app, client


def confirm(client, letter_id: int, **extra: str):  # noqa: ANN201
    token = csrf_token(client, f"/letters/{letter_id}")
    return client.post(f"/letters/{letter_id}/review", data={
        "csrf_token": token, "category": "城乡建设", "purpose": "求决", "department": "住建局", **extra})


def test_undo_restores_the_letter_as_it_was(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        earlier = make_letter(s, status=Status.confirmed)
        letter = make_letter(s, name="李秀英")
        link_repeat(s, letter, earlier)
        letter_id = letter.id
    response = confirm(client, letter_id, **{"field-phone": "13900139000", "is_repeat": "y"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="undo-bar"' in page and f"/letters/{letter_id}/undo" in page
    response = client.post(f"/letters/{letter_id}/undo", data={"csrf_token": csrf_token(client, "/review")})
    assert response.status_code == 302
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        assert letter.status == Status.review and letter.confirmed_at is None
        assert (letter.category, letter.purpose, letter.department) == (None, None, None)
        assert letter.fields["phone"]["value"] == "13800138000" and letter.phone == "13800138000"
        assert "corrected_by" not in letter.fields["phone"]
        assert letter.repeat_link.confirmed is None
        review = s.scalar(select(Review).where(Review.letter_id == letter_id))
        assert review.action == "undone" and review.trainable is False
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.letter_id == letter_id)).all()
        assert "review_undone" in actions
    assert 'id="undo-bar"' not in client.get("/review").get_data(as_text=True)


def test_undo_is_refused_after_its_time_or_for_another_reviewer(desk):
    settings, app, client = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    assert confirm(client, letter_id).status_code == 302
    other = app.test_client()
    login(other, "rev2")
    response = other.post(f"/letters/{letter_id}/undo", data={"csrf_token": csrf_token(other, "/review")})
    assert response.status_code == 302
    with session_scope(settings.database_url) as s:
        assert s.get(Letter, letter_id).status == Status.confirmed
        s.scalar(select(Review).where(Review.letter_id == letter_id)).at = datetime.now(UTC) - timedelta(minutes=10)
    response = client.post(f"/letters/{letter_id}/undo", data={"csrf_token": csrf_token(client, "/review")})
    assert response.status_code == 302
    assert "撤销时间已过" in client.get(response.headers["Location"]).get_data(as_text=True)
    with session_scope(settings.database_url) as s:
        assert s.get(Letter, letter_id).status == Status.confirmed


def test_reopen_needs_a_reason_and_a_reviewer(desk):
    settings, app, client = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    assert confirm(client, letter_id).status_code == 302
    for name in ("boss", "clerk"):
        other = app.test_client()
        login(other, name)
        html = other.get(f"/letters/{letter_id}").get_data(as_text=True)
        assert 'id="reopen-form"' not in html
        response = other.post(f"/letters/{letter_id}/reopen", data={"csrf_token": csrf_token(other, "/letters"),
                                                                    "reason": "x"})
        assert response.status_code == 403, name
    token = csrf_token(client, f"/letters/{letter_id}")
    response = client.post(f"/letters/{letter_id}/reopen", data={"csrf_token": token, "reason": ""})
    assert response.status_code == 302
    with session_scope(settings.database_url) as s:
        assert s.get(Letter, letter_id).status == Status.confirmed
    response = client.post(f"/letters/{letter_id}/reopen", data={"csrf_token": token, "reason": "单位分错"})
    assert response.status_code == 302
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        assert letter.status == Status.review and letter.department == "住建局"
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "reopened"))
        assert event.detail["reason"] == "单位分错" and event.detail["confirmed"]["department"] == "住建局"
    html = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert re.search(r'<option[^>]* selected value="住建局"', html), "the confirmed department stays chosen"
    # Reopening a letter that is not confirmed changes nothing.
    response = client.post(f"/letters/{letter_id}/reopen", data={"csrf_token": token, "reason": "again"})
    assert response.status_code == 302
    with session_scope(settings.database_url) as s:
        assert len(s.scalars(select(AuditEvent).where(AuditEvent.action == "reopened")).all()) == 1
