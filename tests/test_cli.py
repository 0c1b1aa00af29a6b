"""The `xinfang` command as an office's IT person runs it: init, user add, ingest --wait, export."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from tests.conftest import ROOT, WorkerProcess, install_model, settings_env, wait_for
from xinfang.intake.jobs import live_workers
from xinfang.models import User
from xinfang.models.db import session_scope
from xinfang.web.records import EXPORT_FIELDS

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def xinfang(settings, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "xinfang", *args], env=settings_env(settings), cwd=ROOT,
                            input=stdin, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, f"xinfang {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def test_user_add_stores_a_hash_and_refuses_a_short_password(settings):
    xinfang(settings, "init", "--no-model")
    added = xinfang(settings, "user", "add", "lihua", "--role", "reviewer", "--password", "long enough 1")
    assert "added lihua" in added.stdout
    short = xinfang(settings, "user", "add", "wang", "--password", "short", check=False)
    assert short.returncode != 0 and "8 characters" in short.stderr
    with session_scope(settings.database_url) as session:
        user = session.scalar(select(User).where(User.username == "lihua"))
        assert user.role == "reviewer" and user.check_password("long enough 1")
        assert session.scalar(select(User).where(User.username == "wang")) is None


def test_ingest_wait_then_export_jsonl_and_csv(settings, redis_url, starter_model_dir, tmp_path):
    settings = settings.with_(redis_url=redis_url)
    install_model(settings, starter_model_dir)
    online = tmp_path / "online.jsonl"
    online.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in [
        {"id": "WS-2024-001", "text": "我是柳林镇柳林村村民王建国，电话13905381234。村委会拖欠我家土地流转费两年共计"
                                      "一万二千元，多次找村干部都推脱，请求镇政府督促村委会尽快支付。",
         "received": "2024-05-06"},
        {"id": "WS-2024-002", "text": "县城凤凰街道锦绣社区旁边的工地晚上十二点还在施工，噪音很大，严重影响休息。",
         "received": "2024-05-07"},
        {"id": "WS-2024-003", "text": ""},
    ]), encoding="utf-8")
    worker = WorkerProcess(settings)
    try:
        # `ingest --wait` refuses at once when no worker is registered: wait for this one's start-up first.
        wait_for(lambda: live_workers(settings) > 0, timeout=600, message="the worker to register")
        run = xinfang(settings, "ingest", str(online), "--wait")
        assert "1 files: 1 new" in run.stdout and "3 letters" in run.stdout
        assert "failed" in run.stdout  # the empty line is reported, not hidden
        again = xinfang(settings, "ingest", str(online))
        assert "0 new, 1 already stored" in again.stdout
    finally:
        worker.stop()

    records = [json.loads(line) for line in xinfang(settings, "export", "--format", "jsonl").stdout.splitlines()]
    assert len(records) == 3
    by_id = {r["external_id"]: r for r in records}
    assert set(EXPORT_FIELDS) <= set(by_id["WS-2024-001"])
    first = by_id["WS-2024-001"]
    assert first["status"] == "review" and first["failure"] is None
    assert first["original_name"] == "online.jsonl"
    assert "王建国" in first["text"]
    assert first["fields"]["phone"]["value"] == "13905381234"
    assert first["suggestions"]["category"]["label"]
    assert 0 < first["suggestions"]["category"]["probability"] <= 1
    assert first["confirmed"] is None and first["repeat_of"] is None
    broken = by_id["WS-2024-003"]
    assert broken["status"] == "failed" and "第 3 行" in broken["failure"]["reason"]

    out = tmp_path / "all.csv"
    xinfang(settings, "export", "--format", "csv", "--out", str(out))
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["external_id"] for row in rows] == ["WS-2024-001", "WS-2024-002", "WS-2024-003"]
    assert tuple(rows[0]) == EXPORT_FIELDS
    assert json.loads(rows[0]["suggestions"])["category"]["label"] == first["suggestions"]["category"]["label"]


def test_init_gives_a_new_office_a_promoted_starter_model(settings):
    """An office set up as the README says routes letters: init trains, promotes and keeps the corpus."""
    first = xinfang(settings, "init", "--starter-size", "400")
    assert "starter model promoted" in first.stdout
    meta = json.loads((settings.model_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["source"].startswith("starter")
    history = json.loads((settings.models_root / "promotions.json").read_text(encoding="utf-8"))
    assert [h["version"] for h in history] == [meta["version"]]
    assert (settings.models_root / "starter-corpus.jsonl").stat().st_size > 0
    again = xinfang(settings, "init")  # a second init keeps the promoted model
    assert "model already promoted" in again.stdout
    assert json.loads((settings.model_dir / "meta.json").read_text(encoding="utf-8"))["version"] == meta["version"]


def test_errors_are_a_message_and_an_exit_code_not_a_traceback(settings):
    broken = settings.with_(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = xinfang(broken, "init", check=False)
    assert result.returncode == 4, result
    assert "Cannot reach the database" in result.stderr and "Traceback" not in result.stderr
