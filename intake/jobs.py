"""The rq side of the pipeline: which queue, how a letter's job is named, what the worker runs."""

from __future__ import annotations

import os
from datetime import timedelta
from functools import lru_cache

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue, Retry, get_current_job

from xinfang.classifier.retrain import retrain
from xinfang.core.config import Settings, load_settings
from xinfang.core.errors import ServiceUnavailableError
from xinfang.intake import locks
from xinfang.intake.corrections import rerun_text

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


def enqueue_letter(settings: Settings, letter_id: int) -> str:
    """Queue one letter, then mark it queued; if Redis is down the letter stays as it was, retryable.

    The row is updated after the enqueue, and only from a waiting state, so a fast worker that has
    already claimed the letter is never overwritten back to `queued`.
    """
    from sqlalchemy import select, update

    from xinfang.models import Letter, Status, record
    from xinfang.models.db import session_scope

    with session_scope(settings.database_url) as session:
        attempts = session.scalar(select(Letter.attempts).where(Letter.id == letter_id)) or 0
    # The queue name prefixes the id: deployments (or test runs) sharing one Redis keep apart jobs.
    job_id = f"{settings.queue_name}-letter-{letter_id}-{attempts + 1}"
    try:
        get_queue(settings).enqueue(
            process_letter_job, letter_id, job_id=job_id, job_timeout=settings.job_timeout,
            retry=Retry(max=settings.job_retries, interval=[10, 60]) if settings.job_retries else None,
            result_ttl=86400, failure_ttl=30 * 86400, description=f"letter {letter_id}")
    except RedisConnectionError as exc:
        raise ServiceUnavailableError(
            f"Cannot reach Redis at {settings.redis_url}: {exc}. The letter is stored; retry it once Redis "
            "runs (xinfang requeue).") from exc
    with session_scope(settings.database_url) as session:
        session.execute(update(Letter).where(
            Letter.id == letter_id, Letter.status.in_([Status.received, Status.failed, Status.queued]))
            .values(status=Status.queued, job_id=job_id, failure_stage=None, failure_reason=None,
                    failure_retryable=None))
        record(session, "status", letter_id=letter_id, status=Status.queued, job_id=job_id)
    return job_id


def process_letter_job(letter_id: int) -> str:
    """Entry point rq imports by name in the worker process; holds the letter's lock while it runs."""
    from xinfang.intake import locks
    from xinfang.intake.pipeline import process_letter

    settings = load_settings()
    job = get_current_job()
    owner = job.id if job else f"direct-{letter_id}"
    connection = redis_connection(settings.redis_url)
    with locks.held(connection, settings.queue_name, letter_id, owner) as mine:
        if not mine:
            return "skipped: another job is processing this letter"
        return process_letter(settings, letter_id, job.id if job else None)


def retrain_job(schedule: bool = True) -> dict:
    """rq entry point; schedules its next run when a retrain interval is configured."""
    settings = load_settings()
    result = retrain(settings)
    hours = float(os.environ.get("XINFANG_RETRAIN_HOURS", "24"))
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
