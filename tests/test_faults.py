"""Work survives faults: a worker killed with SIGKILL mid-letter, and Redis restarted empty.

Both run real processes: `xinfang worker` (with its forked work horse), a private `redis-server` for the
restart test, SQLite on a temporary data directory. "Exactly once" is read from the database: every
letter reaches review once, with one suggestion row and one `review` status event.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select

from tests.conftest import WorkerProcess, free_port, make_settings, wait_for
from tests.services import tesseract_available
from xinfang.intake.ingest import ingest_stream
from xinfang.intake.jobs import enqueue_letter
from xinfang.models import AuditEvent, Letter, Status
from xinfang.models.db import session_scope, upgrade

pytestmark = [pytest.mark.redis, pytest.mark.slow]

FAST_SWEEP = {"XINFANG_MAINTENANCE_SECONDS": "5"}
TEXTS = ["我家楼下的烧烤店每天夜里油烟很大，噪音吵得孩子无法入睡，请环保部门来查一查。",
         "公司拖欠我们十二名工人三个月工资共计八万六千元，老板电话不接，请求人社局帮助讨薪。",
         "村里的低保评定不公开，村干部的亲戚都吃上了低保，真正困难的人却评不上，请民政局核查。",
         "小区物业收费高却不维修电梯，电梯已经停了两个月，老人上下楼很困难，请住建局督促。"]


def _review_events(session, letter_id: int) -> int:
    events = session.scalars(select(AuditEvent).where(AuditEvent.letter_id == letter_id,
                                                      AuditEvent.action == "status")).all()
    return sum(1 for e in events if e.detail.get("status") == Status.review)


def _assert_exactly_once(settings, letter_ids: list[int]) -> None:
    from xinfang.models import Suggestion

    with session_scope(settings.database_url) as session:
        for letter_id in letter_ids:
            letter = session.get(Letter, letter_id)
            assert letter.status == Status.review, (letter_id, letter.status, letter.failure_reason)
            assert _review_events(session, letter_id) == 1, letter_id
            suggestions = session.scalar(select(func.count()).select_from(Suggestion)
                                         .where(Suggestion.letter_id == letter_id))
            assert suggestions <= 1, (letter_id, suggestions)


def _font() -> str:
    out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
    fonts = sorted(line.split(":")[0] for line in out.splitlines() if "Noto" in line or "ukai" in line)
    if not fonts:
        pytest.fail("no CJK font installed (apt install fonts-noto-cjk)")
    return fonts[0]


def _slow_scan(path: Path, pages: int = 5) -> Path:
    """A scanned (image-only) PDF whose OCR takes several seconds: long enough to kill a worker mid-job."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(_font(), 34)
    images = []
    for number in range(pages):
        page = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(page)
        for row in range(40):
            draw.text((120, 120 + row * 52), TEXTS[(row + number) % len(TEXTS)][:40], font=font, fill=0)
        images.append(page)
    images[0].save(path, save_all=True, append_images=images[1:], resolution=200)
    return path


def test_worker_killed_mid_letter_is_requeued_and_finished_once(settings, redis_url):
    tesseract_available()
    settings = settings.with_(redis_url=redis_url)
    scan = _slow_scan(settings.data_dir / "slow.pdf")
    with session_scope(settings.database_url) as session, scan.open("rb") as stream:
        letter_id = ingest_stream(session, settings, stream, "slow.pdf").letter_ids[0]
    enqueue_letter(settings, letter_id)
    first = WorkerProcess(settings, **FAST_SWEEP)
    try:
        wait_for(lambda: _status(settings, letter_id) == Status.processing, timeout=60,
                 message="the worker to start the letter")
        time.sleep(1.5)
        assert _status(settings, letter_id) == Status.processing, "the job finished before the kill"
        first.kill_hard()
    finally:
        first.stop()
    second = WorkerProcess(settings, **FAST_SWEEP)
    try:
        # 600 s: the second worker warms up and OCRs five dense pages, minutes on a busy 2-core machine.
        wait_for(lambda: _status(settings, letter_id) in (Status.review, Status.failed), timeout=600,
                 message="the killed letter to be recovered")
    except AssertionError:
        raise AssertionError(second.log()[-3000:]) from None
    finally:
        second.stop()
    _assert_exactly_once(settings, [letter_id])
    with session_scope(settings.database_url) as session:
        letter = session.get(Letter, letter_id)
        assert letter.attempts == 2 and letter.page_count == 5
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.letter_id == letter_id)).all()
    assert "requeued" in actions


def _status(settings, letter_id: int) -> str:
    with session_scope(settings.database_url) as session:
        return session.get(Letter, letter_id).status


class PrivateRedis:
    """A redis-server of the test's own on a free port, with no persistence: a restart loses every job."""

    def __init__(self, data_dir: Path) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail("redis-server is not installed (apt install redis-server)")
        self.server, self.dir, self.port = server, data_dir, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen([self.server, "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
                                        stdout=subprocess.DEVNULL)

        def up() -> bool:
            try:
                return bool(Redis.from_url(self.url, socket_connect_timeout=1).ping())
            except RedisError:
                return False

        wait_for(up, timeout=20, interval=0.1, message="redis-server to start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


def test_redis_restarted_empty_loses_no_letter_and_repeats_none(tmp_path):
    settings = make_settings(tmp_path / "var")
    upgrade(settings.database_url)
    redis = PrivateRedis(tmp_path)
    settings = settings.with_(redis_url=redis.url)
    lines = [json.dumps({"id": f"W-{n}", "text": f"{TEXTS[n % len(TEXTS)]}（第{n}号，联系人编号{n * 7919}）"},
                        ensure_ascii=False) for n in range(120)]
    with session_scope(settings.database_url) as session:
        ids = ingest_stream(session, settings, io.BytesIO("\n".join(lines).encode()), "online.jsonl").letter_ids
    for letter_id in ids:
        enqueue_letter(settings, letter_id)
    worker = WorkerProcess(settings, **FAST_SWEEP)
    try:
        wait_for(lambda: _count(settings, Status.review) >= 10, timeout=600, message="the first letters")
        before = Redis.from_url(redis.url).info("server")["run_id"]
        redis.kill()
        done_at_crash = _count(settings, Status.review)
        time.sleep(2)
        redis.start()
        # A new server that loaded nothing: the queue, the jobs and the worker's registrations are gone. (Not
        # dbsize() == 0: the worker may reconnect and register itself before this line runs.)
        server = Redis.from_url(redis.url)
        assert server.info("server")["run_id"] != before
        assert server.info("persistence")["rdb_last_load_keys_loaded"] == 0
        wait_for(lambda: _count(settings, Status.review) == len(ids), timeout=240,
                 message="every letter after the Redis restart")
        assert worker.process.poll() is None, "the worker died with Redis"
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{worker.log()[-3000:]}") from None
    finally:
        worker.stop()
        redis.kill()
    assert done_at_crash < len(ids), "every letter was done before Redis went away: nothing was tested"
    _assert_exactly_once(settings, ids)


def _count(settings, status: str) -> int:
    with session_scope(settings.database_url) as session:
        return session.scalar(select(func.count()).select_from(Letter).where(Letter.status == status))
