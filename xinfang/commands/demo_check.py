"""`xinfang demo --check`: the demo, run once from start to finish and stopped, for CI and for a newcomer.

It does what `xinfang demo` does (database, starter model, Redis if none answers, one worker, the web
server under gunicorn, sample letters) in a throwaway data directory, waits until the sample letters have
been read and routed, logs in over HTTP and fetches the review queue, then stops everything. Exit 0 means
the first README command works on this machine; any failure says which step failed and exits non-zero.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import click
from sqlalchemy import func, select

from xinfang.core.config import Settings, load_settings
from xinfang.models import Letter, Status
from xinfang.models.db import session_scope, upgrade

CHECK_LETTERS = 3
CHECK_STARTER_SIZE = 600
CHECK_USER = ("reviewer", "reviewer-demo-2026")


class CheckFailed(click.ClickException):
    """A step of the check failed; the message says which and why (exit code 1)."""

    def show(self, file=None) -> None:  # noqa: ANN001
        click.secho(f"demo check FAILED: {self.format_message()}", fg="red", err=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, deadline: float, what: str, interval: float = 0.5):  # noqa: ANN001, ANN202
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise CheckFailed(f"timed out waiting for {what}")


def _pipeline_done(settings: Settings, expected: int) -> bool:
    with session_scope(settings.database_url) as session:
        counts = dict(session.execute(select(Letter.status, func.count()).group_by(Letter.status)).all())
        failed = session.scalars(select(Letter).where(Letter.status == Status.failed)).all()
        if failed:
            reasons = "; ".join(f"letter {x.id}: {x.failure_stage}: {x.failure_reason}" for x in failed)
            raise CheckFailed(f"sample letters failed in the pipeline: {reasons}")
    return counts.get(Status.review, 0) + counts.get(Status.confirmed, 0) >= expected


def _fetch_queue_page(base: str) -> tuple[int, str]:
    """Log in as the demo reviewer and GET /review, as a browser would (cookie and CSRF token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if token is None:
        raise CheckFailed("the login page has no CSRF token")
    form = urllib.parse.urlencode({"username": CHECK_USER[0], "password": CHECK_USER[1],
                                   "csrf_token": token.group(1)}).encode()
    opener.open(f"{base}/login", data=form, timeout=30).read()
    response = opener.open(f"{base}/review", timeout=30)
    return response.status, response.read().decode()


def run_check(timeout: float, letter_count: int = CHECK_LETTERS) -> None:
    """The whole check; raises CheckFailed with the failing step."""
    from xinfang.commands import demo as demo_module  # start-up: loaded only when this command runs

    deadline = time.monotonic() + timeout
    started = time.monotonic()
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="xinfang-demo-check-") as tmp:
        data_dir = Path(tmp) / "var"
        base = load_settings()
        # A throwaway directory and database: the check never touches the office's (or the demo's) data.
        settings = base.with_(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'xinfang.db'}",
                              queue_name=f"demo-check-{uuid.uuid4().hex[:8]}")
        data_dir.mkdir(parents=True)
        try:
            click.echo("check: database")
            upgrade(settings.database_url)
            demo_module.ensure_demo_users(settings)
            click.echo("check: Redis")
            settings = demo_module.ensure_redis(settings, processes)
            click.echo("check: starter classifier")
            demo_module.ensure_starter_model(settings, size=CHECK_STARTER_SIZE)
            env = dict(os.environ, XINFANG_DATA_DIR=str(settings.data_dir), DATABASE_URL=settings.database_url,
                       REDIS_URL=settings.redis_url, XINFANG_QUEUE=settings.queue_name)
            click.echo("check: worker")
            worker_log = (data_dir / "worker.log").open("wb")
            processes.append(subprocess.Popen([sys.executable, "-m", "xinfang", "worker"], env=env,
                                              stdout=worker_log, stderr=subprocess.STDOUT))
            queued = demo_module.ingest_samples(settings, letter_count)
            if queued == 0:
                raise CheckFailed("no sample letter was queued")
            click.echo(f"check: processing {queued} sample letters")

            def done() -> bool:
                if processes[-1].poll() is not None:
                    raise CheckFailed(f"the worker stopped (exit {processes[-1].returncode}); its log: "
                                      + (data_dir / "worker.log").read_text(errors="replace")[-2000:])
                return _pipeline_done(settings, queued)

            _wait(done, deadline, f"{queued} sample letters to reach review", interval=1.0)
            click.echo("check: web server")
            port = _free_port()
            web_log = (data_dir / "web.log").open("wb")
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "xinfang", "web", "--port", str(port), "--workers", "1"], env=env,
                stdout=web_log, stderr=subprocess.STDOUT))
            url = f"http://127.0.0.1:{port}"

            def up() -> bool:
                try:
                    return urllib.request.urlopen(f"{url}/healthz", timeout=2).status == 200
                except OSError:
                    return False

            _wait(up, min(deadline, time.monotonic() + 60), "the web server to answer", interval=0.3)
            status, html = _fetch_queue_page(url)
            if status != 200 or "data-id=" not in html:
                raise CheckFailed(f"GET /review answered {status} without the sample letters")
        except CheckFailed:
            raise
        except Exception as exc:  # noqa: BLE001  (any failure of any step is the check's answer)
            raise CheckFailed(f"{type(exc).__name__}: {exc}") from exc
        finally:
            _stop(processes)
    click.secho(f"demo check passed in {time.monotonic() - started:.0f} s: {queued} sample letters read and "
                "routed, the review queue answered 200", fg="green")


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
