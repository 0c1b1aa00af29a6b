"""The rq side of the pipeline: which queue, how a letter's job is named, what the worker runs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache
from typing import Any

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue, Retry, Worker, get_current_job
from sqlalchemy import select, update

from xinfang.core.config import Settings, load_settings
from xinfang.core.errors import ServiceUnavailableError
from xinfang.intake import locks
from xinfang.models import Letter, Status, record
from xinfang.models.db import session_scope

SCHEDULED_RETRAIN_JOB_ID = "xinfang-retrain-scheduled"


@lru_cache(maxsize=4)
def redis_connection(url: str) -> Redis:
    return Redis.from_url(url)


def get_queue(settings: Settings) -> Queue:
    return Queue(settings.queue_name, connection=redis_connection(settings.redis_url),
                 default_timeout=settings.job_timeout)


def check_redis(settings: Settings) -> None:
    try:
        redis_connection(settings.redis_url).ping()
    except RedisConnectionError as exc:
        raise ServiceUnavailableError(
            f"Cannot reach Redis at {settings.redis_url}: {exc}. Start redis-server or set REDIS_URL.") from exc


def live_workers(settings: Settings) -> int:
    """Workers registered on this deployment's queue; a killed one drops out when its rq heartbeat expires."""
    return len(Worker.all(queue=get_queue(settings)))


def enqueue_letter(settings: Settings, letter_id: int) -> str:
    """Queue one letter, then mark it queued; if Redis is down the letter stays as it was, retryable."""
    return enqueue_letters(settings, [letter_id])[0]


ENQUEUE_CHUNK = 500
# Letters per job, on a letter's first try. A forked work horse costs about as much as a few online
# petitions (text, no OCR), so they go in batches of 20. A scanned letter's OCR dwarfs the fork, yet each
# horse pays its first touch of OCR's buffers and the copy-on-write of the parent's pages (costly where
# page faults are, as in a sandboxed VM), so up to 16 scans share one horse, fewer as a run ends
# (`scan_batch_size`). A letter tried before goes alone: when a horse dies mid-batch (a hostile file
# crashing a C library, the memory ceiling), the letter it was reading goes again by itself and the rest
# go on without it (`recovery.requeue_after_crash`), so a bad file takes only its own letter down.
TEXT_BATCH = 20
SCAN_BATCH = 16


def scan_batch_size(remaining: int, workers: int) -> int:
    """Scans per job while `remaining` scans are left to queue, shrinking towards the end of a run.

    Guided self-scheduling: a job takes at most an even share of half the work left, so the first jobs
    are long (few horses) and the last are single letters: no worker sits idle while another reads a
    final long batch alone.
    """
    share = -(-remaining // (2 * max(1, workers)))  # ceiling division
    return max(1, min(SCAN_BATCH, share))


def enqueue_letters(settings: Settings, letter_ids: list[int], scan_batch: int | None = None) -> list[str]:
    """Queue letters, then mark them queued; if Redis is down they stay as they were, retryable.

    Scans share a job on their first try: `scan_batch` at a time when the caller schedules a longer run
    itself (the ingest command, which queues as it stores), else by `scan_batch_size` over the scans of
    this call and the live workers (an upload of ten scans is spread over both workers, not one job).

    In chunks: one database read, one Redis pipeline and one database write per 500 letters, so queueing a
    backlog of 10,000 online petitions costs seconds, not minutes. The rows are updated after the enqueue,
    and only from a waiting state, so a fast worker that has already claimed a letter is never overwritten
    back to `queued`. Returns each letter's job id.
    """
    job_ids: list[str] = []
    for start in range(0, len(letter_ids), ENQUEUE_CHUNK):
        job_ids += _enqueue_chunk(settings, letter_ids[start:start + ENQUEUE_CHUNK], scan_batch)
    return job_ids


def scan_chunks(scan_ids: list[int], scan_batch: int | None, workers: int) -> list[list[int]]:
    """The scans' jobs: fixed `scan_batch` (at most SCAN_BATCH), or shrinking ones (`scan_batch_size`)."""
    chunks, start = [], 0
    while start < len(scan_ids):
        size = max(1, min(SCAN_BATCH, scan_batch)) if scan_batch else scan_batch_size(len(scan_ids) - start, workers)
        chunks.append(scan_ids[start:start + size])
        start += size
    return chunks


def _jobs(settings: Settings, rows: Sequence[Any], scan_batch: int | None, workers: int) -> dict[str, list[int]]:
    """Job id -> its letters: first tries in batches (text of TEXT_BATCH, scans by `scan_chunks`), retries alone."""
    jobs: dict[str, list[int]] = {}
    fresh = [row for row in rows if not row.attempts]
    text = [row.id for row in fresh if row.ocr_engine == "text"]
    chunks = [text[start:start + TEXT_BATCH] for start in range(0, len(text), TEXT_BATCH)]
    chunks += scan_chunks([row.id for row in fresh if row.ocr_engine != "text"], scan_batch, workers)
    for chunk in chunks:
        # The queue name prefixes every id: deployments (or test runs) sharing one Redis keep apart jobs.
        jobs[f"{settings.queue_name}-letters-{chunk[0]}-{len(chunk)}-{uuid.uuid4().hex[:8]}"] = chunk
    for row in rows:
        if row.attempts:
            jobs[f"{settings.queue_name}-letter-{row.id}-{row.attempts + 1}"] = [row.id]
    return jobs


def _enqueue_chunk(settings: Settings, letter_ids: list[int], scan_batch: int | None) -> list[str]:


    with session_scope(settings.database_url) as session:
        rows = session.execute(select(Letter.id, Letter.attempts, Letter.ocr_engine)
                               .where(Letter.id.in_(letter_ids)).order_by(Letter.id)).all()
    text = {row.id for row in rows if row.ocr_engine == "text"}  # a text batch takes seconds; scans, each its own
    retry = Retry(max=settings.job_retries, interval=[10, 60]) if settings.job_retries else None
    try:
        shared = scan_batch is None and sum(1 for row in rows if row.id not in text and not row.attempts) > 1
        jobs = _jobs(settings, rows, scan_batch, live_workers(settings) if shared else 1)
        get_queue(settings).enqueue_many([Queue.prepare_data(
            process_letter_job if len(ids) == 1 else process_letters_job, (ids[0] if len(ids) == 1 else ids,),
            job_id=job_id, timeout=settings.job_timeout * (1 if text.issuperset(ids) else len(ids)), retry=retry,
            result_ttl=86400, failure_ttl=30 * 86400,
            description=f"letter {ids[0]}" if len(ids) == 1 else f"letters {ids[0]}..{ids[-1]}")
            for job_id, ids in jobs.items()])
    except RedisConnectionError as exc:
        raise ServiceUnavailableError(
            f"Cannot reach Redis at {settings.redis_url}: {exc}. The letter is stored; retry it once Redis "
            "runs (xinfang requeue).") from exc
    job_of = {lid: job_id for job_id, ids in jobs.items() for lid in ids}
    with session_scope(settings.database_url) as session:
        for job_id, ids in jobs.items():  # one UPDATE per job
            session.execute(update(Letter).where(
                Letter.id.in_(ids), Letter.status.in_([Status.received, Status.failed, Status.queued]))
                .values(status=Status.queued, job_id=job_id, failure_stage=None, failure_reason=None,
                        failure_retryable=None),
                execution_options={"synchronize_session": False})
        for lid in letter_ids:
            record(session, "status", letter_id=lid, status=Status.queued, job_id=job_of[lid])
    return [job_of[lid] for lid in letter_ids]


def process_letter_job(letter_id: int) -> str:
    """Entry point rq imports by name in the worker process; holds the letter's lock while it runs."""
    settings = load_settings()
    job = get_current_job()
    return _process_one(settings, letter_id, job.id if job else None)


class BatchIncompleteError(Exception):
    """Some letters of a batch failed unexpectedly: rq retries the job, which redoes only those letters."""


def process_letters_job(letter_ids: list[int]) -> dict[str, int]:
    """A batch of letters in one work horse; each letter is claimed, locked and recorded on its own.

    A letter that fails with a known reason is marked failed like any other; an unexpected error is
    recorded on its letter, the batch goes on, and the job then fails so rq's retry takes the letters
    left claimable (those already in review are skipped by their claim).
    """
    settings = load_settings()
    job = get_current_job()
    outcome: dict[str, int] = {}
    unexpected = []
    for letter_id in letter_ids:
        try:
            status = _process_one(settings, letter_id, job.id if job else None)
        except Exception as exc:  # already recorded on the letter by the pipeline
            unexpected.append(f"{letter_id}: {type(exc).__name__}: {exc}")
            status = "error"
        outcome[str(status)] = outcome.get(str(status), 0) + 1
    if unexpected:
        raise BatchIncompleteError("; ".join(unexpected[:5]))
    return outcome


def _process_one(settings: Settings, letter_id: int, job_id: str | None) -> str:

    # import cycle: the pipeline imports this module (through its stages)
    from xinfang.intake.pipeline import process_letter

    owner = job_id or f"direct-{letter_id}"
    connection = redis_connection(settings.redis_url)
    with locks.held(connection, settings.queue_name, letter_id, owner) as mine:
        if not mine:
            return "skipped: another job is processing this letter"
        return process_letter(settings, letter_id, job_id)


def retrain_job(schedule: bool = True) -> dict:
    """rq entry point; schedules its next run when a retrain interval is configured."""
    from xinfang.classifier.retrain import retrain  # start-up: the CLI's ingest needs no scikit-learn

    settings = load_settings()
    result = retrain(settings)
    hours = settings.retrain_hours
    if schedule and hours > 0:
        schedule_retrain(settings, timedelta(hours=hours))
    return result


def enqueue_retrain(settings: Settings) -> str:
    job = get_queue(settings).enqueue(retrain_job, False, job_timeout=3600, description="retrain classifier")
    return job.id


def schedule_retrain(settings: Settings, delay: timedelta) -> str:
    """Queue the next scheduled run (one at a time: a fixed job id replaces an earlier schedule)."""
    job = get_queue(settings).enqueue_in(delay, retrain_job, True, job_id=SCHEDULED_RETRAIN_JOB_ID,
                                         job_timeout=3600, description="scheduled classifier retrain")
    return job.id


def rerun_text_job(letter_id: int) -> dict:
    """rq entry point: fields, routing and repeat check again on a letter's corrected text (under the
    letter's lock, so it never overlaps the letter's own pipeline job)."""
    # start-up: the pipeline's stages load in the worker (warm-up), not in every command that queues
    from xinfang.intake.corrections import rerun_text

    settings = load_settings()
    job = get_current_job()
    owner = job.id if job else f"direct-rerun-{letter_id}"
    with locks.held(redis_connection(settings.redis_url), settings.queue_name, letter_id, owner) as mine:
        if not mine:
            raise RuntimeError(f"letter {letter_id} is being processed; the re-run is retried")
        return rerun_text(settings, letter_id)


def enqueue_rerun(settings: Settings, letter_id: int) -> str:
    """Queue the re-run after a text correction; Redis down is the user's ServiceUnavailableError."""
    try:
        job = get_queue(settings).enqueue(
            rerun_text_job, letter_id, job_timeout=settings.job_timeout, retry=Retry(max=3, interval=[5, 30, 60]),
            result_ttl=86400, failure_ttl=30 * 86400, description=f"re-run letter {letter_id} on corrected text")
    except RedisConnectionError as exc:
        raise ServiceUnavailableError(
            f"Cannot reach Redis at {settings.redis_url}: {exc}. The correction is saved; save it again once "
            "Redis runs to recompute the suggestions.") from exc
    return job.id
