"""Real services for tests: find them, or skip with a reason (fail instead when CI requires them)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ADMIN_URL = os.environ.get("XINFANG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("XINFANG_TEST_REDIS", "redis://127.0.0.1:6379/15")


def required() -> bool:
    """In CI every service must be there: a skipped database test would hide a broken deployment."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or bool(os.environ.get("XINFANG_REQUIRE_SERVICES"))


def unavailable(reason: str) -> None:
    if required():
        pytest.fail(f"{reason} (CI requires it)", pytrace=False)
    pytest.skip(reason)


def redis_url() -> str:
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    try:
        Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except RedisConnectionError as exc:
        unavailable(f"Redis is not reachable at {REDIS_TEST_URL}: {exc}")
    return REDIS_TEST_URL


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"xinfang_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.orig}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from xinfang.models.db import get_engine

        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def chromium_path() -> str:
    path = os.environ.get("XINFANG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        unavailable("Chromium is not installed (apt install chromium)")
    return path


def tesseract_available() -> None:
    if shutil.which("tesseract") is None:
        unavailable("tesseract is not installed (apt install tesseract-ocr tesseract-ocr-chi-sim)")
