"""Fixtures: settings on a temporary data directory, real databases, a real Redis and real workers."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import services
from xinfang.core.config import Settings

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def make_settings(data_dir: Path, database_url: str | None = None, redis_url: str = "redis://127.0.0.1:6379/15",
                  queue: str | None = None) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url or f"sqlite:///{data_dir / 'xinfang.db'}",
                    redis_url=redis_url, queue_name=queue or f"test-{uuid.uuid4().hex[:8]}", job_retries=0,
                    job_timeout=300)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults (SQLite file) on a temporary data directory; Redis is not touched."""
    from xinfang.models.db import upgrade

    result = make_settings(tmp_path / "var")
    upgrade(result.database_url)
    return result


@pytest.fixture(scope="session")
def redis_url() -> str:
    return services.redis_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for each test, so no test sees another's letters or users."""
    with services.postgres_database() as url:
        yield url


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process (worker, CLI) use these settings."""
    return dict(os.environ, XINFANG_DATA_DIR=str(settings.data_dir), DATABASE_URL=settings.database_url,
                REDIS_URL=settings.redis_url, XINFANG_QUEUE=settings.queue_name, XINFANG_JOB_TIMEOUT="300",
                PYTHONPATH=str(ROOT))


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found += [int(child), *_descendants(int(child))]
    return found


class WorkerProcess:
    """A real `xinfang worker` in its own process, as in production."""

    def __init__(self, settings: Settings, **extra_env: str) -> None:
        self.settings = settings
        log_dir = settings.data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self._log = self.log_path.open("wb")
        # Its own session: a Ctrl-C on the test run reaches pytest, which stops the worker itself.
        self.process = subprocess.Popen([sys.executable, "-m", "xinfang", "worker"],
                                        env={**settings_env(settings), **extra_env}, stdout=self._log,
                                        stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)

    def kill_hard(self) -> None:
        """SIGKILL the worker and its work horse at once, as a crash or the OOM killer would.

        rq puts each work horse in a session of its own (setsid), so killing the worker's process group
        would leave the horse running; the horse is found as the worker's child instead.
        """
        import signal

        for pid in [*_descendants(self.process.pid), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


def wait_for(predicate, timeout: float = 180, interval: float = 0.5, message: str = "condition"):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


@pytest.fixture(scope="session")
def starter_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small classifier trained once per test session from generated letters."""
    from xinfang.classifier.training import train_from_records
    from xinfang.samples.generate import generate_letters

    out = tmp_path_factory.mktemp("model") / "current"
    train_from_records(generate_letters(800, 7), out)
    return out


def install_model(settings: Settings, model_dir: Path) -> None:
    shutil.copytree(model_dir, settings.model_dir)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(params=["sqlite", "postgres"])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The same test on the embedded SQLite file and on a throwaway PostgreSQL database."""
    from xinfang.models.db import upgrade

    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        result = make_settings(tmp_path / "var", url)
    else:
        result = make_settings(tmp_path / "var")
    upgrade(result.database_url)
    return result


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebServer:
    """`xinfang web` in its own process, for browser tests."""

    def __init__(self, settings: Settings) -> None:
        import urllib.request

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log_dir = settings.data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self._log = (log_dir / "web.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xinfang", "web", "--port", str(self.port), "--workers", "1"],
            env=settings_env(settings), stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)

        def up() -> bool:
            try:
                return urllib.request.urlopen(f"{self.url}/healthz", timeout=2).status == 200
            except OSError:
                return False

        wait_for(up, timeout=30, interval=0.2, message="the web server to start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


@pytest.fixture
def browser():  # noqa: ANN201
    """Debian's Chromium driven by Playwright (no browser download)."""
    chromium = services.chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield instance
        instance.close()
