"""Workers that `xinfang ingest --workers N` starts for its own run and stops when the run is done.

For a one-machine office that has no `xinfang worker` service running: the letters are processed on the
spot, by the same worker processes (warm, forking, with the memory ceiling) a deployment runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from xinfang.core.config import Settings
from xinfang.core.errors import NoWorkerError
from xinfang.intake.jobs import live_workers

START_SECONDS = 300  # loading the model and the OCR sessions on a busy machine


@contextmanager
def local_workers(settings: Settings, count: int) -> Iterator[list[subprocess.Popen]]:
    """Start `count` workers, yield once they listen on the queue, stop them (after their job) on exit."""
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "ingest-workers.log"
    before = live_workers(settings)
    with log_path.open("ab") as log:
        processes = [subprocess.Popen([sys.executable, "-m", "xinfang", "worker"], stdout=log,
                                      stderr=subprocess.STDOUT, env=os.environ.copy()) for _ in range(count)]
    try:
        _wait_until_listening(settings, processes, before + count, log_path)
        yield processes
    finally:
        for process in processes:
            with suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)  # warm stop: a job in hand is finished first
        for process in processes:
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_listening(settings: Settings, processes: list[subprocess.Popen], wanted: int, log_path) -> None:  # noqa: ANN001
    deadline = time.monotonic() + START_SECONDS
    while live_workers(settings) < wanted:
        if all(process.poll() is not None for process in processes):
            raise NoWorkerError(f"the workers started for this run stopped at once; see {log_path}")
        if time.monotonic() > deadline:
            raise NoWorkerError(f"the workers started for this run did not come up in {START_SECONDS} s; "
                                f"see {log_path}")
        time.sleep(0.5)

