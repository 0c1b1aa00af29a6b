"""The backlog page: counts by stage, throughput from the audit trail, time remaining, retry all."""

from __future__ import annotations

from bench.synthetic import make_letter
from tests.webutil import add_user, csrf_token, login
from xinfang.models import Letter, Status, record
from xinfang.models.db import session_scope
from xinfang.web import create_app


def test_backlog_counts_throughput_and_time_left(settings):
    with session_scope(settings.database_url) as s:
        for _ in range(30):
            letter = make_letter(s)
            record(s, "status", letter_id=letter.id, status=Status.review)
        for _ in range(60):
            make_letter(s, status=Status.queued)
        failed = make_letter(s, status=Status.failed)
        failed.failure_stage, failed.failure_reason = "read", "文件是空的（0 字节）。请重新扫描。"
        record(s, "failed", letter_id=failed.id, stage="read")
        record(s, "status", letter_id=failed.id, status=Status.queued)  # not a finished letter
    add_user(settings, "clerk", "clerk")
    client = create_app(settings).test_client()
    login(client, "clerk")
    summary = client.get("/api/backlog").json
    assert summary["counts"]["review"] == 30 and summary["counts"]["queued"] == 60
    assert summary["pending"] == 60
    assert summary["per_hour"] == 31 * 4          # 31 finished in the 15-minute window
    assert summary["minutes_left"] == round(60 / (31 / 15), 1)
    html = client.get("/batch").get_data(as_text=True)
    assert "文件是空的" in html and 'id="retry-all"' in html and "读取文件 1 封" in html


def test_retry_all_without_redis_keeps_the_letters_and_says_why(settings):
    settings = settings.with_(redis_url="redis://127.0.0.1:1/0")
    with session_scope(settings.database_url) as s:
        failed = make_letter(s, status=Status.failed)
        failed.failure_stage, failed.failure_reason = "ocr", "识别失败"
        failed_id = failed.id
    add_user(settings, "clerk", "clerk")
    client = create_app(settings).test_client()
    login(client, "clerk")
    token = csrf_token(client, "/batch")
    html = client.post("/batch/retry-failed", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "Redis" in html
    with session_scope(settings.database_url) as s:
        assert s.get(Letter, failed_id).status == Status.failed
