"""The rq worker that runs letters: one forked work horse per job, with a memory ceiling.

The fork is what keeps a worker alive through a hostile file: if decoding a page blows the memory limit
or crashes a C library, only the horse dies; rq records the job as failed and the worker takes the next.
The parent loads the classifier, jieba and the OCR sessions once (`intake.warm`) before it forks, so each
horse starts with them in memory shared copy-on-write, and between jobs it loads a newly promoted model.
Every maintenance round also looks for letters whose job was lost (Redis restarted empty, a worker killed
with its horse) and queues them again.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import time
from contextlib import suppress

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Worker
from sqlalchemy.exc import OperationalError, ProgrammingError

from xinfang.core.config import Settings, load_settings
from xinfang.intake import locks
from xinfang.intake.jobs import get_queue, redis_connection
from xinfang.intake.warm import refresh, warm_up

log = logging.getLogger(__name__)

SWEEP_LOCK = "xinfang:{queue}:sweep:lock"  # one sweeper per deployment (queue name), not per Redis
SWEEP_MAX_SECONDS = 600


class LetterWorker(Worker):
    stop_requested = False  # a warm or cold stop was asked for (SIGTERM / SIGINT): do not start again

    def __init__(self, *args, settings: Settings, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.settings = settings  # before rq's own set-up, which already asks for dequeue_timeout
        super().__init__(*args, **kwargs)


    @property
    def dequeue_timeout(self) -> int:
        # rq blocks ~400 s waiting for a job; an idle worker must still wake for its maintenance round
        # (which finds letters whose worker was killed), so it waits no longer than that interval.
        return max(1, min(self.worker_ttl - 15, self.settings.maintenance_seconds))

    def bootstrap(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        # Registered first, then warmed: `ingest --wait` sees a starting worker, and the letters it queues
        # meanwhile wait for the warm-up (about as long as one cold job took before) instead of failing.
        super().bootstrap(*args, **kwargs)
        warm_up(load_settings())

    def handle_warm_shutdown_request(self) -> None:
        self.stop_requested = True
        super().handle_warm_shutdown_request()

    def execute_job(self, job, queue) -> None:  # noqa: ANN001
        # In the parent, before the fork: the next horse inherits a newly promoted model.
        if refresh(load_settings()):
            log.info("loaded the newly promoted model")
        super().execute_job(job, queue)

    def main_work_horse(self, job, queue) -> None:  # noqa: ANN001
        # One job uses one core: tesseract's OpenMP threads would fight the other worker for the second.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        memory_mb = self.settings.job_memory_mb
        if memory_mb > 0:
            # The ceiling is what one letter may add: the horse starts with the parent's address space
            # (model, dictionaries, OCR sessions), shared and already paid for.
            limit = _address_space() + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        super().main_work_horse(job, queue)

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage) -> None:  # noqa: ANN001
        """The horse died (OOM, a C library's crash, kill -9): free the letters' locks, then let the letters
        it had not finished go on (`requeue_after_crash`). A batch is not retried as a whole: its letters
        were queued again, the one being read alone."""
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        if job is None or not job.args:
            return
        # import cycle: intake.recovery imports intake.jobs, which the worker imports first
        from xinfang.intake.recovery import requeue_after_crash

        ids = [int(i) for i in (job.args[0] if isinstance(job.args[0], list) else [job.args[0]])]
        for letter_id in ids:
            locks.force_release(self.connection, job.origin, letter_id)
        try:
            requeue_after_crash(self.settings, job.id, ids, retries_left=job.should_retry)
        except Exception:  # the sweep finds them later; the worker must go on
            log.exception("requeueing the letters of dead job %s failed", job.id)
            return
        if len(ids) > 1:
            job.retries_left = 0

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        sweep_stranded(load_settings(), self.connection)


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux /proc), 0 where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def sweep_stranded(settings: Settings, connection) -> list[int]:  # noqa: ANN001
    """Requeue lost letters; one worker at a time does it (a short Redis lock)."""
    # import cycle: intake.recovery imports intake.jobs, which the worker imports first
    from xinfang.intake.recovery import RECEIVED_GRACE, requeue_stranded

    lock = SWEEP_LOCK.format(queue=settings.queue_name)
    if not connection.set(lock, "1", nx=True, ex=max(settings.maintenance_seconds - 5, 5)):
        return []
    # The first lock spaces the rounds; this one keeps a second round out while a long one (thousands of
    # letters after a Redis restart) still runs, so no letter is queued twice by two sweepers.
    running = f"{lock}:running"
    if not connection.set(running, "1", nx=True, ex=SWEEP_MAX_SECONDS):
        return []
    try:
        ids = requeue_stranded(settings, received_grace=RECEIVED_GRACE)
    except (OperationalError, ProgrammingError) as exc:  # e.g. a worker started before `xinfang init`
        log.warning("sweep skipped, the database is not ready or busy (a new one needs `xinfang init`): %s",
                    exc.orig)
        return []
    except Exception:  # a sweep must never take the worker down
        log.exception("sweeping stranded letters failed")
        return []
    finally:
        with suppress(RedisError):
            connection.delete(running)
    if ids:
        log.warning("requeued %d stranded letters: %s", len(ids), ids[:20])
    return ids


def run_worker(settings: Settings, burst: bool = False, with_scheduler: bool = True) -> bool:
    """Work until stopped; when Redis goes away, wait for it and start a fresh rq worker.

    rq's own loop gives up on most Redis errors ("quitting"), which would leave an office with no worker
    after a Redis restart until someone notices. The first sweep after reconnecting queues again every
    letter whose job Redis lost.
    """
    worked = False
    while True:
        worker = LetterWorker([get_queue(settings)], connection=redis_connection(settings.redis_url),
                              maintenance_interval=settings.maintenance_seconds, settings=settings)
        try:
            if not burst:
                sweep_stranded(settings, worker.connection)
            worked = worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO") or worked
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("lost Redis (%s)", exc)
        if burst or worker.stop_requested:
            return worked
        _wait_for_redis(settings)


def _wait_for_redis(settings: Settings) -> None:
    """Back off until Redis answers; a stop signal while waiting ends the process (nothing is in flight)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    delay = 1.0
    while True:
        try:
            redis_connection(settings.redis_url).ping()
            log.warning("Redis is back at %s: starting a fresh worker", settings.redis_url)
            return
        except (RedisConnectionError, RedisTimeoutError):
            time.sleep(delay)
            delay = min(delay * 2, 30.0)
