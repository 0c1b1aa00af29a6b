"""Failures a user saw as 500s, on SQLite and PostgreSQL: each now answers with a status and a message,
and the API always answers JSON."""

from __future__ import annotations

import io
import json
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bench.synthetic import make_letter
from tests.webutil import add_user, csrf_token, login
from xinfang.core.config import load_settings
from xinfang.core.deadlines import add_days, routing_deadline
from xinfang.intake.ingest import ingest_stream
from xinfang.models import Letter, StoredFile, User
from xinfang.models.db import session_scope
from xinfang.web import create_app
from xinfang.web.tokens import make_token


@pytest.fixture
def desk(db_settings):
    for name, role in (("rev", "reviewer"), ("rev2", "reviewer"), ("boss", "supervisor"), ("clerk", "clerk")):
        add_user(db_settings, name, role)
    app = create_app(db_settings)
    with session_scope(db_settings.database_url) as s:
        ids = {u.username: u.id for u in s.scalars(select(User))}

    def headers(name: str, days: int = 1) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(app.config['SECRET_KEY'], ids[name], days=days)}"}
    return db_settings, app, headers


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json, response.get_data(as_text=True)[:300]
    assert response.json["error"] and response.json["message"]
    return response.json


def test_send_back_for_rescan_from_the_letter_page(desk):
    settings, app, _headers = desk
    with session_scope(settings.database_url) as s:
        first, second = make_letter(s).id, make_letter(s).id
    client = app.test_client()
    login(client, "rev")
    token = csrf_token(client, f"/letters/{first}")
    response = client.post(f"/letters/{first}/rescan", data={"csrf_token": token, "reason": "缺页"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/letters/{second}")
    with session_scope(settings.database_url) as s:
        assert s.get(Letter, first).status == "failed"


def test_api_answers_json_for_every_error(desk):
    settings, app, headers = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    client = app.test_client()
    h = headers("rev")
    _json_error(client.get("/api/letters/99999999999999999999999", headers=h), 404)
    assert client.get("/api/letters/status?ids=³,¹²", headers=h).status_code == 200
    assert client.get("/api/queue?page=1e20", headers=h).status_code == 200
    assert client.get("/api/queue?page=100000000000000000000", headers=h).status_code == 200
    assert client.get("/api/queue?q=%00abc&township=%00", headers=h).status_code == 200
    assert client.get("/api/queue?per_page=99999999999999999999", headers=h).status_code == 200
    _json_error(client.post(f"/api/letters/{letter_id}/review", json=["a", "b"], headers=h), 400)
    _json_error(client.post(f"/api/letters/{letter_id}/rescan", json=[1], headers=h), 400)
    error = _json_error(client.delete(f"/api/letters/{letter_id}", headers=h), 405)
    assert error["error"] == "method_not_allowed"
    _json_error(client.get("/api/no-such-thing", headers=h), 404)
    expired = headers("rev", days=-1)
    assert _json_error(client.post(f"/api/letters/{letter_id}/review", json={}, headers=expired), 401)
    assert "CSRF" not in client.post(f"/api/letters/{letter_id}/review", json={}, headers=expired).json["message"]


def test_dates_out_of_range_are_refused_at_ingest_per_record(desk):
    settings, app, headers = desk
    lines = [{"id": "ok-1", "text": "反映油烟扰民", "received": "2024-03-02"},
             {"id": "far", "text": "日期写错了", "received": "9999-12-31"},
             {"id": "old", "text": "日期太早", "received": "0001-01-01"},
             {"id": "ok-2", "text": "反映噪声", "received": "2024-03-03"}]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
    with session_scope(settings.database_url) as s:
        ids = ingest_stream(s, settings, io.BytesIO(data), "online.jsonl").letter_ids
    with session_scope(settings.database_url) as s:
        rows = [s.get(Letter, i) for i in ids]
        assert [r.status for r in rows] == ["received", "failed", "failed", "received"]
        assert "第 2 行" in rows[1].failure_reason and "9999-12-31" in rows[1].failure_reason
        assert "第 3 行" in rows[2].failure_reason
        assert rows[1].failure_retryable is False


def test_a_stored_far_future_date_does_not_break_the_queue_or_the_page(desk):
    """Rows written before ingest refused such dates: the deadline caps instead of overflowing."""
    settings, app, headers = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
        s.execute(update(Letter).where(Letter.id == letter_id).values(received_date=date(9999, 12, 28)))
    client = app.test_client()
    login(client, "rev")
    assert client.get("/review").status_code == 200
    assert client.get(f"/letters/{letter_id}").status_code == 200
    assert client.get("/api/queue", headers=headers("rev")).status_code == 200
    assert routing_deadline(date(9999, 12, 28)).due == date.max


def test_stats_refuse_periods_outside_the_sane_range(desk):
    _settings, app, headers = desk
    client = app.test_client()
    h = headers("boss")
    assert "0001-01-01" in _json_error(client.get("/api/stats?start=0001-01-01", headers=h), 400)["message"]
    _json_error(client.get("/api/stats?end=9999-12-31", headers=h), 400)
    _json_error(client.get("/api/stats?start=yesterday", headers=h), 400)
    assert client.get("/api/stats?start=2024-01-01&end=2024-12-31", headers=h).status_code == 200
    login(client, "boss")
    page = client.get("/stats/?start=0001-01-01")
    assert page.status_code == 400 and "0001-01-01" in page.get_data(as_text=True)
    assert client.get("/stats/export.csv?start=0001-01-01").status_code == 400


def test_workdays_counting_as_the_readme_writes_it(desk, monkeypatch):
    settings, app, headers = desk
    monkeypatch.setenv("XINFANG_DAY_COUNTING", "workdays")
    assert load_settings().day_counting == "working"
    # 2025 National Day and Mid-Autumn: 1-8 October off; the next working day after 30 September is 9 October.
    assert add_days(date(2025, 9, 30), 1, "workdays").due == date(2025, 10, 9)
    # Saturday 11 October 2025 is a make-up working day (调休).
    assert add_days(date(2025, 10, 10), 1, "workdays").due == date(2025, 10, 11)
    app = create_app(settings.with_(day_counting="workdays"))
    with session_scope(settings.database_url) as s:
        make_letter(s, received=date.today() - timedelta(days=3))
    client = app.test_client()
    login(client, "rev")
    assert client.get("/review").status_code == 200
    assert client.get("/api/queue", headers=headers("rev")).json["items"]
    monkeypatch.setenv("XINFANG_DAY_COUNTING", "fortnights")
    from xinfang.core.errors import ConfigError

    with pytest.raises(ConfigError, match="workdays"):
        load_settings()


def test_ui_upload_over_the_size_limit_says_so(desk):
    settings, _app, _headers = desk
    app = create_app(settings.with_(max_upload_bytes=2000))
    client = app.test_client()
    login(client, "clerk")
    token = csrf_token(client, "/upload")
    big = (b"%PDF-1.4\n" + b"0" * 5000, "big.pdf")
    response = client.post("/upload", data={"csrf_token": token, "files": [(io.BytesIO(big[0]), big[1])]},
                           follow_redirects=True)
    assert response.status_code == 200 and "超过上传上限" in response.get_data(as_text=True)
    fetch = client.post("/upload", data={"csrf_token": token, "files": [(io.BytesIO(big[0]), "big.pdf")]},
                        headers={"X-Requested-With": "fetch"})
    assert fetch.status_code == 400 and "超过上传上限" in fetch.json["refused"][0]["message"]
    huge = client.post("/upload", data={"csrf_token": token, "files": [(io.BytesIO(b"0" * 9000), "huge.pdf")]})
    assert huge.status_code == 413 and "文件太大" in huge.get_data(as_text=True)


def test_two_identical_uploads_at_the_same_moment(desk):
    """The second insert of the same sha256 waits for the first transaction, then finds its letter."""
    settings, _app, _headers = desk
    data = b"%PDF-1.4 the same scan uploaded twice"
    first_session_ready = threading.Event()
    results: dict[str, object] = {}
    with session_scope(settings.database_url) as first:
        results["first"] = ingest_stream(first, settings, io.BytesIO(data), "a.pdf")
        first_session_ready.set()

        def second() -> None:
            try:
                with session_scope(settings.database_url) as other:
                    results["second"] = ingest_stream(other, settings, io.BytesIO(data), "a (1).pdf")
            except Exception as exc:  # noqa: BLE001
                results["second"] = exc

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=1.5)  # the second upload is now waiting on the first one's row
    thread.join(timeout=60)
    second_result = results["second"]
    assert not isinstance(second_result, Exception), repr(second_result)
    assert second_result.duplicate_of == results["first"].letter_ids[0]
    with session_scope(settings.database_url) as s:
        assert len(s.scalars(select(StoredFile)).all()) == 1


def test_duplicate_upload_names_the_letter_with_a_link(desk):
    settings, app, headers = desk
    client = app.test_client()
    data = b"%PDF-1.4 a scan"
    first = client.post("/api/letters", data={"files": [(io.BytesIO(data), "a.pdf")]}, headers=headers("clerk"))
    assert first.status_code == 201
    letter_id = first.json["letter_ids"][0]
    again = client.post("/api/letters", data={"files": [(io.BytesIO(data), "b.pdf")]}, headers=headers("clerk"))
    assert again.status_code == 201
    duplicate = again.json["duplicates"][0]
    assert duplicate["letter_id"] == letter_id and duplicate["url"] == f"/letters/{letter_id}"
    assert f"已登记为第 {letter_id} 号信件" in duplicate["message"]
    login(client, "clerk")
    token = csrf_token(client, "/upload")
    page = client.post("/upload", data={"csrf_token": token, "files": [(io.BytesIO(data), "c.pdf")]},
                       follow_redirects=True)
    assert page.status_code == 200
    assert f'<a href="/letters/{letter_id}">第 {letter_id} 号信件</a>' in page.get_data(as_text=True)


def test_bad_json_lines_fail_alone_and_the_rest_registers(desk):
    settings, app, headers = desk
    lines = ['{"id": "a", "text": "第一封，正常"}',
             '{"id": "nul", "text": "含有\\u0000字符"}',
             json.dumps({"id": "x" * 300, "text": "编号过长"}),
             json.dumps({"id": "f", "text": "形式过长", "form": "网" * 40}),
             '{"id": "raw", "text": "原始\x00字节"}',
             '{"id": "b", "text": "最后一封，正常"}']
    data = "\n".join(lines).encode()
    response = app.test_client().post("/api/letters", data={"files": [(io.BytesIO(data), "online.jsonl")]},
                                      headers=headers("clerk"))
    assert response.status_code == 201, response.json
    with session_scope(settings.database_url) as s:
        rows = [s.get(Letter, i) for i in response.json["letter_ids"]]
        assert [r.status != "failed" for r in rows] == [True, False, False, False, False, True]
        assert [r.external_id for r in rows][0] == "a" and rows[-1].external_id == "b"
        for number, row in enumerate(rows[1:5], start=2):
            assert f"第 {number} 行" in row.failure_reason
        assert len(rows[2].external_id) == 200


def test_review_refuses_labels_outside_the_office_lists(desk):
    settings, app, headers = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    client = app.test_client()
    body = {"category": "劳动和社会保障", "purpose": "求决", "department": "不存在的局"}
    error = _json_error(client.post(f"/api/letters/{letter_id}/review", json=body, headers=headers("rev")), 400)
    assert "不存在的局" in error["message"]
    login(client, "rev")
    token = csrf_token(client, f"/letters/{letter_id}")
    page = client.post(f"/letters/{letter_id}/review", data={"csrf_token": token, **body, "category": "=cmd"})
    assert page.status_code == 400 and "不在本单位的列表中" in page.get_data(as_text=True)
    with session_scope(settings.database_url) as s:
        assert s.get(Letter, letter_id).status == "review"


def test_a_confirm_after_another_reviewers_names_who_confirmed(desk):
    """A second confirm that arrives after the first committed gets the answer of one that lost the race
    (409 already_handled, naming the reviewer), not a vaguer "not in review"; a letter never in review still
    answers not_in_review."""
    settings, app, headers = desk
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
        waiting = make_letter(s)
        waiting.status = "queued"
        waiting_id = waiting.id
    client = app.test_client()
    body = {"category": "劳动和社会保障", "purpose": "求决", "department": "人社局"}
    assert client.post(f"/api/letters/{letter_id}/review", json=body, headers=headers("rev")).status_code == 200
    error = _json_error(client.post(f"/api/letters/{letter_id}/review", json=body, headers=headers("rev2")), 409)
    assert error["error"] == "already_handled" and "已由" in error["message"] and "rev" in error["message"]
    error = _json_error(client.post(f"/api/letters/{waiting_id}/review", json=body, headers=headers("rev2")), 409)
    assert error["error"] == "not_in_review"


def test_two_reviewers_confirming_at_once_on_postgresql(postgres_url, tmp_path):
    """Real concurrent requests through a served app (gunicorn, threads): one confirm wins, the other
    gets 409 naming who confirmed, and the letter has exactly one review."""
    import urllib.error
    import urllib.request

    from tests.conftest import WebServer, make_settings
    from xinfang.models import Review
    from xinfang.models.db import upgrade

    settings = make_settings(tmp_path / "var", postgres_url)
    upgrade(settings.database_url)
    add_user(settings, "rev", "reviewer")
    add_user(settings, "rev2", "reviewer")
    with session_scope(settings.database_url) as s:
        letter_ids = [make_letter(s).id for _ in range(6)]
        users = {u.username: u.id for u in s.scalars(select(User))}
    server = WebServer(settings)
    try:
        key = settings.secret_key
        body = json.dumps({"category": "劳动和社会保障", "purpose": "求决", "department": "人社局"}).encode()

        def confirm(letter_id: int, who: str, out: list, barrier: threading.Barrier) -> None:
            request = urllib.request.Request(
                f"{server.url}/api/letters/{letter_id}/review", data=body, method="POST",
                headers={"Content-Type": "application/json",
                         "Authorization": f"Bearer {make_token(key, users[who])}"})
            barrier.wait()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    out.append((response.status, json.loads(response.read())))
            except urllib.error.HTTPError as exc:
                out.append((exc.code, json.loads(exc.read())))

        for letter_id in letter_ids:
            out: list = []
            barrier = threading.Barrier(2)
            threads = [threading.Thread(target=confirm, args=(letter_id, who, out, barrier)) for who in ("rev", "rev2")]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert sorted(status for status, _ in out) == [200, 409], out
            conflict = next(body for status, body in out if status == 409)
            assert conflict["error"] == "already_handled" and "已由" in conflict["message"]
        with session_scope(settings.database_url) as s:
            for letter_id in letter_ids:
                assert len(s.scalars(select(Review).where(Review.letter_id == letter_id)).all()) == 1
    finally:
        server.stop()
