"""Finding letters that wait for a job that no longer exists (Redis restarted empty, a worker died)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select, update

from xinfang.core.config import Settings
from xinfang.intake import locks
from xinfang.intake.jobs import enqueue_letters, redis_connection
from xinfang.models import Letter, Status, record
from xinfang.models.db import session_scope

LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}
# A letter changed more recently than this may still be on its way into the queue; leave it alone.
GRACE = timedelta(seconds=30)
# For the workers' automatic sweep: a letter still `received` is normally being queued by the command or
# request that made it (a backlog of thousands takes a while); one left so long lost its enqueue (Redis was
# down at the upload). `xinfang requeue`, run by a person who knows, uses GRACE.
RECEIVED_GRACE = timedelta(minutes=10)


def _job_is_live(job_id: str | None, connection) -> bool:  # noqa: ANN001
    if not job_id:
        return False
    try:
        return Job.fetch(job_id, connection=connection).get_status(refresh=True) in LIVE
    except NoSuchJobError:
        return False


def stranded_letters(settings: Settings, include_failed: bool = False,
                     received_grace: timedelta = GRACE) -> list[int]:
    statuses = [Status.received, Status.queued, Status.processing] + ([Status.failed] if include_failed else [])
    cutoff = datetime.now(UTC) - GRACE
    received_cutoff = datetime.now(UTC) - received_grace
    with session_scope(settings.database_url) as session:
        rows = session.execute(select(Letter.id, Letter.status, Letter.job_id, Letter.updated_at)
                               .where(Letter.status.in_(statuses))).all()
    connection = redis_connection(settings.redis_url)
    stranded = []
    for row in rows:
        if row.status == Status.failed:
            stranded.append(row.id)
        elif row.updated_at > cutoff or locks.is_locked(connection, settings.queue_name, row.id) or (
                row.status == Status.received and row.updated_at > received_cutoff):
            continue  # just changed, or a live process holds the letter
        elif row.status == Status.processing or not _job_is_live(row.job_id, connection):
            # A letter in `processing` without its heartbeat lock lost its process (kill -9): rq may still
            # list that job as started until its own heartbeat times out, so the lock decides here.
            stranded.append(row.id)
    return stranded


def requeue_stranded(settings: Settings, include_failed: bool = False,
                     received_grace: timedelta = GRACE) -> list[int]:
    """Queue stranded letters again; a letter left in `processing` by a dead job goes back to `queued`."""
    ids = stranded_letters(settings, include_failed, received_grace)
    if not ids:
        return []
    with session_scope(settings.database_url) as session:
        _back_to_queued(session, ids, "job lost")
    enqueue_letters(settings, ids)
    return ids


def _back_to_queued(session, ids: list[int], reason: str) -> None:  # noqa: ANN001
    """A letter its dead job left in `processing` goes back to `queued`; each one's requeue is audited."""
    session.execute(update(Letter).where(Letter.id.in_(ids), Letter.status == Status.processing)
                    .values(status=Status.queued))
    for letter_id in ids:
        record(session, "requeued", letter_id=letter_id, reason=reason)


CRASHED = ("处理本件时处理进程意外退出（文件可能损坏，或超出内存上限）。原件已保存，可点击“重试”；"
           "如反复出错请联系系统管理员。")


def requeue_after_crash(settings: Settings, job_id: str, letter_ids: list[int], retries_left: bool) -> list[int]:
    """After a work horse died (a C library crashed, the memory ceiling, kill -9): the job's letters not yet
    done go on. Returns the letters queued again.

    The letter the horse was reading (`processing` under this job) is the likely cause. Out of a batch it
    goes again alone, and the others go on in a batch of their own, so one hostile file cannot hold back
    the rest. A letter that was alone and has no retry left is marked failed, with the reason and a retry
    button, rather than swept back into the queue forever.
    """
    with session_scope(settings.database_url) as session:
        rows = session.execute(select(Letter.id, Letter.status).where(
            Letter.id.in_(letter_ids), Letter.job_id == job_id,
            Letter.status.in_([Status.queued, Status.processing]))).all()
        reading = [row.id for row in rows if row.status == Status.processing]
        if len(letter_ids) == 1:
            if reading and not retries_left:
                session.execute(update(Letter).where(Letter.id.in_(reading)).values(
                    status=Status.failed, failure_stage="worker", failure_retryable=True, failure_reason=CRASHED))
                for letter_id in reading:
                    record(session, "failed", letter_id=letter_id, stage="worker", reason="work horse died")
            return []  # otherwise rq retries the job itself
        _back_to_queued(session, reading, "work horse died reading it: alone now")
    ids = [row.id for row in rows]
    if ids:
        enqueue_letters(settings, ids)
    return ids
