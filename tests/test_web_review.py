"""The review desk on the real app and the embedded database: queue order, filters, the letter page,
corrections, rescans and the privacy of reports."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bench.synthetic import link_repeat, make_letter
from tests.webutil import add_user, csrf_token, login
from xinfang.models import AuditEvent, Letter, Review, Status
from xinfang.models.db import session_scope
from xinfang.web import create_app


@pytest.fixture
def desk(settings):
    add_user(settings, "rev", "reviewer")
    add_user(settings, "boss", "supervisor")
    add_user(settings, "town", "reviewer", unit="清河镇人民政府")
    app = create_app(settings)
    client = app.test_client()
    login(client, "rev")
    return settings, app, client


def ids_in(html: str, table: str = "queue") -> list[int]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return [int(x) for x in re.findall(r'<tr[^>]*data-id="(\d+)"', body)]


def test_queue_puts_urgent_first_then_nearest_deadline_and_marks_overdue(desk):
    settings, _app, client = desk
    today = date.today()
    with session_scope(settings.database_url) as s:
        recent = make_letter(s, received=today - timedelta(days=1)).id
        old = make_letter(s, received=today - timedelta(days=30)).id
        urgent = make_letter(s, received=today, urgent=True).id
        make_letter(s, status=Status.confirmed)
    html = client.get("/review").get_data(as_text=True)
    assert ids_in(html) == [urgent, old, recent]
    row = html.split(f'data-id="{old}"', 1)[1].split("</tr>", 1)[0]
    assert "overdue" in html.split(f'data-id="{old}"', 1)[0][-80:] and "已超期" in row
    assert "已超期" not in html.split(f'data-id="{recent}"', 1)[1].split("</tr>", 1)[0]


def test_queue_filters_and_search(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        wage = make_letter(s, township="清河镇", matter="工地老板拖欠工资。").id
        noise = make_letter(s, township="王庄乡", matter="夜间工厂噪声扰民。", category="环境保护",
                            department="生态环境局", purpose="意见建议", probability=0.3).id
        later = make_letter(s, name="李秀英", received=date.today() - timedelta(days=2))
        link_repeat(s, later, s.get(Letter, wage))
        later = later.id
    assert ids_in(client.get("/review?q=噪声").get_data(as_text=True)) == [noise]
    assert ids_in(client.get("/review?category=环境保护").get_data(as_text=True)) == [noise]
    assert ids_in(client.get("/review?department=人社局").get_data(as_text=True)) == [later, wage]
    assert ids_in(client.get("/review?purpose=意见建议").get_data(as_text=True)) == [noise]
    assert ids_in(client.get("/review?low=1").get_data(as_text=True)) == [noise]
    assert ids_in(client.get("/review?township=王庄").get_data(as_text=True)) == [noise]
    assert ids_in(client.get("/review?repeat=yes").get_data(as_text=True)) == [later]
    assert set(ids_in(client.get("/review?repeat=no").get_data(as_text=True))) == {wage, noise}
    since = (date.today() - timedelta(days=1)).isoformat()
    assert later not in ids_in(client.get(f"/review?date_from={since}").get_data(as_text=True))
    assert ids_in(client.get("/review?q=李秀英").get_data(as_text=True)) == [later]
    assert "没有符合条件" in client.get("/review?q=不存在的词").get_data(as_text=True)


def test_letter_page_shows_spans_low_confidence_words_and_the_repeat_side_by_side(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        earlier = make_letter(s, matter="村里拖欠我工资三个月未发放。", received=date.today() - timedelta(days=40))
        earlier.case_stage = "办理"
        letter = make_letter(s, matter="村里拖欠我工资三个月未发放，至今无人过问。")
        link_repeat(s, letter, earlier, passages=[["村里拖欠我工资三个月未发放", "村里拖欠我工资三个月未发放"]])
        letter_id = letter.id
    html = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert '<mark data-field="name" class="field">王建国</mark>' in html
    assert '<tr data-field="phone" class="linked"' in html
    assert re.search(r'class="line low"[^>]*>[^<]*联系电话', html)
    assert '<span class="tag word">拖欠</span>' in html and "其他：" in html
    assert "疑似重复信访" in html and 'id="compare"' in html
    assert html.count('<mark class="shared">村里拖欠我工资三个月未发放</mark>') == 2
    assert '<b id="earlier-stage">办理</b>' in html
    assert 'id="rescan-form"' in html and 'name="field-phone"' in html
    with session_scope(settings.database_url) as s:
        viewed = s.scalars(select(AuditEvent).where(AuditEvent.letter_id == letter_id,
                                                    AuditEvent.action == "viewed")).all()
    assert len(viewed) == 1 and viewed[0].user_id is not None


def test_correcting_routing_fields_and_repeat_is_recorded_before_and_after(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        earlier = make_letter(s, received=date.today() - timedelta(days=9))
        letter = make_letter(s, phone="13800000000")
        link_repeat(s, letter, earlier)
        letter_id, earlier_id = letter.id, earlier.id
    token = csrf_token(client, f"/letters/{letter_id}")
    response = client.post(f"/letters/{letter_id}/review", data={
        "csrf_token": token, "category": "城乡建设", "purpose": "求决", "department": "住建局",
        "field-phone": "13911112222", "field-name": "王建国", "field-township": "清河镇"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/letters/{earlier_id}")  # the next letter in the queue
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        review = s.scalar(select(Review).where(Review.letter_id == letter_id))
        assert letter.status == Status.confirmed and letter.category == "城乡建设"
        assert letter.fields["phone"]["value"] == "13911112222" and letter.phone == "13911112222"
        assert letter.fields["phone"]["corrected_by"] == review.user_id
        assert letter.repeat_link.confirmed is False  # checkbox left unticked: not a repeat
        assert review.action == "correct"
        assert review.before == {"category": "劳动和社会保障", "purpose": "求决", "department": "人社局",
                                 "repeat_of": earlier_id, "fields": {"phone": "13800000000"}}
        assert review.after == {"category": "城乡建设", "purpose": "求决", "department": "住建局",
                                "repeat_of": None, "fields": {"phone": "13911112222"}}
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.letter_id == letter_id)).all()
    assert "reviewed" in actions and "status" in actions


def test_confirming_unchanged_suggestion_is_a_confirm_and_the_last_one_returns_to_the_queue(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    token = csrf_token(client, f"/letters/{letter_id}")
    response = client.post(f"/letters/{letter_id}/review", data={
        "csrf_token": token, "category": "劳动和社会保障", "purpose": "求决", "department": "人社局"},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已确认" in html and 'class="empty"' in html
    with session_scope(settings.database_url) as s:
        assert s.scalar(select(Review.action).where(Review.letter_id == letter_id)) == "confirm"


def test_send_back_for_rescan_fails_the_letter_with_a_reason_clerks_can_retry(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    token = csrf_token(client, f"/letters/{letter_id}")
    client.post(f"/letters/{letter_id}/rescan", data={"csrf_token": token, "reason": "第2页模糊"})
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        assert letter.status == Status.failed and letter.failure_stage == "review"
        assert "第2页模糊" in letter.failure_reason
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "审核退回" in page and "第2页模糊" in page
    assert "重试" in page and "第2页模糊" in client.get("/batch").get_data(as_text=True)


def test_next_and_previous_follow_queue_order(desk):
    settings, _app, client = desk
    today = date.today()
    with session_scope(settings.database_url) as s:
        a = make_letter(s, received=today - timedelta(days=5)).id
        b = make_letter(s, received=today - timedelta(days=3)).id
        c = make_letter(s, received=today - timedelta(days=1)).id
    html = client.get(f"/letters/{b}").get_data(as_text=True)
    assert f'href="/letters/{c}" id="next-letter"' in html and f'href="/letters/{a}" id="prev-letter"' in html
    assert client.get(f"/letters/{b}/next").headers["Location"].endswith(f"/letters/{c}")
    assert client.get(f"/letters/{b}/next?dir=prev").headers["Location"].endswith(f"/letters/{a}")


def test_a_report_is_hidden_from_the_accused_unit_in_queue_page_scan_and_list(desk):
    settings, app, _client = desk
    with session_scope(settings.database_url) as s:
        report = make_letter(s, purpose="揭发控告", accused="清河镇政府", matter="镇干部违规收费。").id
        other = make_letter(s).id
    town = app.test_client()
    login(town, "town")
    assert ids_in(town.get("/review").get_data(as_text=True)) == [other]
    assert town.get(f"/letters/{report}").status_code == 404
    assert town.get(f"/letters/{report}/pages/0.png").status_code == 404
    assert f'data-id="{report}"' not in town.get("/letters").get_data(as_text=True)
    assert town.get(f"/letters/{other}").status_code == 200
    with session_scope(settings.database_url) as s:
        denied = s.scalars(select(AuditEvent).where(AuditEvent.action == "view_denied")).all()
    assert denied and all(e.letter_id == report for e in denied)


def test_supervisor_sees_the_queue_but_cannot_confirm(desk):
    settings, app, _client = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    boss = app.test_client()
    login(boss, "boss")
    assert boss.get("/review").status_code == 200
    html = boss.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert 'id="review-form"' not in html
    token = csrf_token(boss, f"/letters/{letter_id}")
    assert boss.post(f"/letters/{letter_id}/review", data={"csrf_token": token}).status_code == 403


def test_a_filtered_queue_stays_filtered_through_next_previous_and_confirm(desk):
    settings, _app, client = desk
    today = date.today()
    with session_scope(settings.database_url) as s:
        a = make_letter(s, department="住建局", received=today - timedelta(days=6)).id
        make_letter(s, department="人社局", received=today - timedelta(days=5))
        b = make_letter(s, department="住建局", received=today - timedelta(days=4)).id
        make_letter(s, department="人社局", received=today - timedelta(days=3))
        urgent = make_letter(s, department="住建局", received=today - timedelta(days=1), urgent=True).id
    queue = client.get("/review?department=住建局").get_data(as_text=True)
    assert ids_in(queue) == [urgent, a, b]
    assert f"/letters/{a}?department=" in queue  # the rows link with the filter
    html = client.get(f"/letters/{a}?department=住建局").get_data(as_text=True)
    assert f'/letters/{b}?department=' in html and f'/letters/{urgent}?department=' in html  # next, previous
    assert client.get(f"/letters/{urgent}/next?department=住建局").headers["Location"].startswith(f"/letters/{a}?")
    token = csrf_token(client, f"/letters/{a}?department=住建局")
    confirmed = client.post(f"/letters/{a}/review?department=住建局", data={
        "csrf_token": token, "category": "城乡建设", "purpose": "求决", "department": "住建局"})
    assert confirmed.headers["Location"].startswith(f"/letters/{b}?department=")  # not the 人社局 letter between


def test_desk_says_when_no_model_is_promoted_and_shows_the_knowledge_behind_a_suggestion(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        letter = make_letter(s)
        letter.suggestion.detail = dict(letter.suggestion.detail, department={
            "label": "人社局", "probability": 0.83, "reasons": ["拖欠工资", "农民工"]})
        waiting = make_letter(s)
        waiting.suggestions = []
        letter_id, waiting_id = letter.id, waiting.id
    queue = client.get("/review")
    assert queue.status_code == 200 and 'id="no-model"' in queue.get_data(as_text=True)
    page = client.get(f"/letters/{letter_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "职能/用语依据" in html and "拖欠工资" in html
    unrouted = client.get(f"/letters/{waiting_id}")
    assert unrouted.status_code == 200 and 'id="no-suggestion"' in unrouted.get_data(as_text=True)
    settings.model_dir.mkdir(parents=True)
    (settings.model_dir / "meta.json").write_text("{}", encoding="utf-8")
    assert 'id="no-model"' not in client.get("/review").get_data(as_text=True)
