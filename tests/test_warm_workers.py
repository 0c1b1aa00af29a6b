"""Warm workers through the doors an office uses: `ingest --wait` with and without workers, a promoted model
picked up without a restart, page images made at intake, and a huge letter that must not stall the desk."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from PIL import Image, ImageDraw
from rq import Worker
from sqlalchemy import select

from tests.conftest import ROOT, WorkerProcess, install_model, settings_env, wait_for
from tests.test_cli import xinfang
from tests.test_faults import TEXTS, _font
from tests.webutil import add_user, login
from xinfang.core.errors import ExitCode
from xinfang.intake import stages
from xinfang.intake.ingest import ingest_stream
from xinfang.intake.jobs import TEXT_BATCH, enqueue_letters, get_queue
from xinfang.intake.page_images import cache_path
from xinfang.intake.pipeline import process_letter
from xinfang.models import Letter, Status, Suggestion
from xinfang.models.db import session_scope
from xinfang.web import create_app

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def _jsonl(path, count: int, extra: list[dict] | None = None):  # noqa: ANN001, ANN202
    items = [{"id": f"W-{n}", "text": f"{TEXTS[n % len(TEXTS)]}（第{n}件）", "received": "2024-05-06"}
             for n in range(count)] + (extra or [])
    path.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items), encoding="utf-8")
    return path


def _statuses(settings) -> dict[str, int]:  # noqa: ANN001
    with session_scope(settings.database_url) as session:
        rows = session.execute(select(Letter.status)).scalars().all()
    return {s: rows.count(s) for s in set(rows)}


def test_ingest_wait_without_a_worker_says_so_at_once_and_stores_nothing(settings, redis_url, tmp_path):
    settings = settings.with_(redis_url=redis_url)
    started = time.monotonic()
    run = xinfang(settings, "ingest", str(_jsonl(tmp_path / "a.jsonl", 3)), "--wait", check=False)
    assert run.returncode == ExitCode.service_unavailable, run.stdout + run.stderr
    assert "no worker is running: start `xinfang worker`" in run.stderr
    assert time.monotonic() - started < 240  # start-up and migrations only (slow on a busy machine), no waiting
    assert _statuses(settings) == {}


def test_ingest_with_its_own_workers_processes_every_letter_and_stops_them(settings, redis_url, starter_model_dir,
                                                                          tmp_path):
    settings = settings.with_(redis_url=redis_url)
    install_model(settings, starter_model_dir)
    count = TEXT_BATCH + 5  # two batches: one full, one short
    path = _jsonl(tmp_path / "b.jsonl", count, [{"id": "W-bad", "text": ""}])
    # Its own timeout: two workers warm up (models, OCR sessions) before the first letter, slow on a busy box.
    run = subprocess.run([sys.executable, "-m", "xinfang", "ingest", str(path), "--workers", "2"],
                         env=settings_env(settings), cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{count + 1} letters" in run.stdout
    assert "failed in read" in run.stdout  # the empty record, reported on its own
    assert _statuses(settings) == {Status.review: count, Status.failed: 1}
    with session_scope(settings.database_url) as session:
        jobs = set(session.scalars(select(Letter.job_id).where(Letter.status == Status.review)))
        assert session.scalar(select(Suggestion.id).limit(1)) is not None
    assert len(jobs) == 2, jobs  # text letters went in batches
    assert Worker.all(queue=get_queue(settings)) == []  # its workers are gone


def test_a_promoted_model_is_used_without_restarting_the_worker(settings, redis_url, starter_model_dir):
    settings = settings.with_(redis_url=redis_url)
    install_model(settings, starter_model_dir)
    worker = WorkerProcess(settings)
    try:
        first = _submit_text(settings, TEXTS[1])
        wait_for(lambda: _status(settings, first) == Status.review, timeout=900, message="the first letter")
        meta_path = settings.model_dir / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        old = meta["version"]
        meta["version"] = f"{old}-promoted"
        tmp = meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, meta_path)  # what a promotion does to the current model, seen by a running worker
        second = _submit_text(settings, TEXTS[2])
        wait_for(lambda: _status(settings, second) == Status.review, timeout=600, message="the second letter")
    finally:
        worker.stop()
    with session_scope(settings.database_url) as session:
        versions = dict(session.execute(select(Suggestion.letter_id, Suggestion.model_version)).all())
    assert versions == {first: old, second: f"{old}-promoted"}
    assert "loaded the newly promoted model" in worker.log()


def _submit_text(settings, text: str) -> int:  # noqa: ANN001
    import io

    with session_scope(settings.database_url) as session:
        letter_id = ingest_stream(session, settings, io.BytesIO(text.encode()), f"{time.time_ns()}.txt").letter_ids[0]
    enqueue_letters(settings, [letter_id])
    return letter_id


def _status(settings, letter_id: int) -> str:  # noqa: ANN001
    with session_scope(settings.database_url) as session:
        return session.get(Letter, letter_id).status


def test_page_images_are_made_at_intake_and_served_from_disk(settings, starter_model_dir, tmp_path):
    import io

    from PIL import ImageFont

    install_model(settings, starter_model_dir)
    page = Image.new("L", (1240, 600), 255)
    draw = ImageDraw.Draw(page)
    for row, text in enumerate(TEXTS):
        draw.text((80, 80 + row * 60), text[:30], font=ImageFont.truetype(_font(), 32), fill=0)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    with session_scope(settings.database_url) as session:
        letter_id = ingest_stream(session, settings, io.BytesIO(buffer.getvalue()), "scan.png").letter_ids[0]
    assert process_letter(settings, letter_id) == Status.review
    with session_scope(settings.database_url) as session:
        letter = session.get(Letter, letter_id)
        cached = cache_path(settings, letter.file, 0)
    assert cached.exists(), "the page image was not made at intake"
    add_user(settings, "rev", "reviewer")
    client = create_app(settings).test_client()
    login(client, "rev")
    response = client.get(f"/letters/{letter_id}/pages/0.png")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == cached.read_bytes()
    assert Image.open(io.BytesIO(response.data)).width == 1240
    assert client.get(f"/letters/{letter_id}/pages/1.png").status_code == 404


def test_stage_text_is_bounded_but_the_letter_keeps_all_of_it():
    text = "甲" * 150_000 + "联系电话13905381234，信访人王建国"
    sample = stages.bounded(text, stages.FIELDS_CHARS)
    assert len(sample) <= stages.FIELDS_CHARS + 1
    assert sample.endswith("信访人王建国") and sample.startswith("甲")
    assert stages.bounded("短信", 10) == "短信"


def test_a_huge_letter_does_not_stall_the_desk(settings, redis_url, starter_model_dir):
    """A 200,000-character letter goes through a worker while a reviewer works the desk (SQLite, the
    single-writer case): every page answers 200 and none waits on the letter's job."""
    settings = settings.with_(redis_url=redis_url)
    install_model(settings, starter_model_dir)
    ordinary = [_submit_text(settings, TEXTS[n % len(TEXTS)] + f"（{n}）") for n in range(4)]
    worker = WorkerProcess(settings)
    try:
        wait_for(lambda: all(_status(settings, i) == Status.review for i in ordinary), timeout=900,
                 message="the ordinary letters")
        add_user(settings, "rev", "reviewer")
        client = create_app(settings).test_client()
        login(client, "rev")
        huge_text = ""
        while len(huge_text) < 200_000:  # as long as needed, whatever the sample texts' length
            huge_text += "".join(TEXTS)
        huge_text = huge_text[:200_000]
        submitted = time.monotonic()
        huge = _submit_text(settings, "信访人王建国，电话13905381234。\n" + huge_text)
        timings, codes = [], []
        done = threading.Event()
        took: list[float] = []

        def watch() -> None:
            wait_for(lambda: _status(settings, huge) in (Status.review, Status.failed), timeout=600,
                     message="the huge letter")
            took.append(time.monotonic() - submitted)
            done.set()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        while not done.is_set() or time.monotonic() - submitted < 15:  # the desk in use before, during, after
            for path in ("/review", f"/letters/{ordinary[0]}", "/letters"):
                started = time.perf_counter()
                codes.append(client.get(path).status_code)
                timings.append(time.perf_counter() - started)
            time.sleep(0.2)
        watcher.join()
    finally:
        worker.stop()
    print(f"huge letter in review after {took[0]:.1f} s; desk meanwhile: {len(timings)} pages, "
          f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s")
    assert set(codes) == {200}, codes
    assert len(timings) >= 6, "the desk was not used while the letter ran"
    assert took[0] < 120, f"a bounded letter took {took[0]:.0f} s"
    assert max(timings) < 10 and statistics.median(timings) < 2, (max(timings), statistics.median(timings))
    with session_scope(settings.database_url) as session:
        letter = session.get(Letter, huge)
        assert letter.status == Status.review, (letter.failure_stage, letter.failure_reason)
        assert len(letter.ocr_text) > 200_000 and len(letter.text) > 150_000  # stored whole (normalised)
        assert letter.phone == "13905381234"
        assert letter.received_date == date.today()
