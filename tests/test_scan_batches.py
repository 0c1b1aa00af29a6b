"""Scans share a work horse a few at a time, and a horse that dies takes only the letter it was reading.

Real `xinfang worker`, real Redis, SQLite. The horse is killed with SIGKILL, as a C library's crash or the
kernel's OOM killer would end it: the letters of its batch not yet done go on, the one it was reading
goes again alone, and a letter that kills its horse with no retry left is failed with its reason (not
swept back into the queue for ever).
"""

from __future__ import annotations

import os
import signal

import pytest
from sqlalchemy import select

from tests.conftest import WorkerProcess, _descendants, wait_for
from tests.services import tesseract_available
from tests.test_faults import FAST_SWEEP, _assert_exactly_once, _slow_scan, _status
from xinfang.intake.ingest import ingest_stream
from xinfang.intake.jobs import enqueue_letters, get_queue
from xinfang.models import AuditEvent, Letter, Status
from xinfang.models.db import session_scope

pytestmark = [pytest.mark.redis]
BATCH = 4  # scans per job asked of enqueue_letters here (the ingest command asks as it goes)


def _scans(settings, count: int, pages: int = 1) -> list[int]:
    ids = []
    for number in range(count):
        scan = _slow_scan(settings.data_dir / f"scan-{number}.pdf", pages=pages)
        with session_scope(settings.database_url) as session, scan.open("rb") as stream:
            ids += ingest_stream(session, settings, stream, scan.name).letter_ids
    return ids


def _job_of(settings, letter_id: int) -> str:
    with session_scope(settings.database_url) as session:
        return session.get(Letter, letter_id).job_id


def test_scans_are_queued_a_few_to_a_job_and_a_retried_scan_alone(settings, redis_url):
    settings = settings.with_(redis_url=redis_url)
    ids = _scans(settings, BATCH + 2)
    with session_scope(settings.database_url) as session:  # as if its first try had died
        session.get(Letter, ids[-1]).attempts = 1
        session.commit()
    enqueue_letters(settings, ids, BATCH)
    jobs = {}
    for letter_id in ids:
        jobs.setdefault(_job_of(settings, letter_id), []).append(letter_id)
    assert sorted(map(len, jobs.values())) == [1, 1, BATCH]
    assert jobs[_job_of(settings, ids[-1])] == [ids[-1]]
    queued = get_queue(settings).get_job_ids()
    assert set(jobs) <= set(queued)
    batch = get_queue(settings).fetch_job(_job_of(settings, ids[0]))
    assert batch.args == (ids[:BATCH],)
    assert batch.timeout == settings.job_timeout * BATCH  # each scan of a batch gets the time of one job


def test_the_ingest_command_queues_a_runs_last_scans_in_smaller_jobs(settings, redis_url, tmp_path):
    """Through `xinfang ingest` with no worker yet: full batches first, single letters last, every scan queued."""
    from click.testing import CliRunner

    from tests.conftest import settings_env
    from xinfang.cli import main

    settings = settings.with_(redis_url=redis_url)
    folder = tmp_path / "scans"
    folder.mkdir()
    for number in range(12):
        _slow_scan(folder / f"scan-{number:02}.pdf", pages=1 + number % 2)
    result = CliRunner().invoke(main, ["ingest", str(folder)], env=settings_env(settings))
    assert result.exit_code == 0, result.output
    with session_scope(settings.database_url) as session:
        rows = session.execute(select(Letter.id, Letter.job_id, Letter.status).order_by(Letter.id)).all()
    assert len(rows) == 12 and {row.status for row in rows} == {Status.queued}
    jobs: dict[str, list[int]] = {}
    for row in rows:
        jobs.setdefault(row.job_id, []).append(row.id)
    sizes = [len(ids) for ids in sorted(jobs.values())]
    assert sizes[0] > 1 and sizes[-1] == 1
    assert sizes == sorted(sizes, reverse=True)
    assert set(jobs) <= set(get_queue(settings).get_job_ids())


def _kill_horse_reading(settings, letter_id: int, finished, timeout: float, **env: str) -> None:  # noqa: ANN001
    """Start a worker, SIGKILL its work horse once it reads `letter_id`, wait until `finished()`; the worker
    itself must live on."""
    worker = WorkerProcess(settings, **FAST_SWEEP, **env)
    try:
        wait_for(lambda: _status(settings, letter_id) == Status.processing, timeout=120,
                 message="the worker to start the letter")
        horses = _descendants(worker.process.pid)
        assert horses, "the worker has no work horse to kill"
        for pid in horses:
            os.kill(pid, signal.SIGKILL)
        wait_for(finished, timeout=timeout, message="the letters of the dead horse to finish")
        assert worker.process.poll() is None, "the worker died with its horse"
    except AssertionError:
        raise AssertionError(worker.log()[-3000:]) from None
    finally:
        worker.stop()


@pytest.mark.slow
def test_a_horse_dying_mid_batch_takes_only_its_own_letter_down(settings, redis_url):
    tesseract_available()
    settings = settings.with_(redis_url=redis_url)
    ids = _scans(settings, 3, pages=2)
    enqueue_letters(settings, ids, BATCH)
    batch_job = _job_of(settings, ids[0])
    assert {_job_of(settings, i) for i in ids} == {batch_job}
    _kill_horse_reading(settings, ids[0], lambda: all(_status(settings, i) in (Status.review, Status.failed)
                                                      for i in ids), timeout=600)
    _assert_exactly_once(settings, ids)
    with session_scope(settings.database_url) as session:
        reasons = [e.detail.get("reason", "") for e in session.scalars(select(AuditEvent).where(
            AuditEvent.letter_id == ids[0], AuditEvent.action == "requeued"))]
        assert any("alone" in reason for reason in reasons), reasons
        killed = session.get(Letter, ids[0])
        assert killed.attempts == 2 and f"-letter-{ids[0]}-" in killed.job_id  # its second try ran alone
        for other in ids[1:]:  # never started in the dead horse: one try, in a batch of their own
            letter = session.get(Letter, other)
            assert letter.attempts == 1 and letter.job_id not in (batch_job, killed.job_id)


@pytest.mark.slow
def test_a_letter_that_kills_its_horse_with_no_retry_left_fails_with_its_reason(settings, redis_url):
    tesseract_available()
    settings = settings.with_(redis_url=redis_url)
    [letter_id] = _scans(settings, 1, pages=3)
    enqueue_letters(settings, [letter_id])
    _kill_horse_reading(settings, letter_id, lambda: _status(settings, letter_id) == Status.failed, timeout=60,
                        XINFANG_JOB_RETRIES="0")
    with session_scope(settings.database_url) as session:
        letter = session.get(Letter, letter_id)
        assert "意外退出" in letter.failure_reason and letter.failure_retryable is True
        assert letter.failure_stage == "worker"
        assert (settings.data_dir / letter.file.storage_path).exists()
