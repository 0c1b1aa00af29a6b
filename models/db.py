"""Engines, sessions and schema migrations. SQLite is the embedded default; PostgreSQL is another URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from xinfang.core.errors import ServiceUnavailableError

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    """WAL lets the web app read while a worker writes; busy_timeout makes writers wait, not fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    _engine_urls.add(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    return engine


def _forget_inherited_connections() -> None:
    """In a forked child (rq's work horse), never reuse the parent's pooled connections.

    Two processes on one PostgreSQL socket interleave their protocol messages (psycopg reports
    "prepared statement already exists"); `close=False` leaves the parent's connections to the parent.
    """
    for url in _engine_urls:
        get_engine(url).dispose(close=False)


_engine_urls: set[str] = set()
os.register_at_fork(after_in_child=_forget_inherited_connections)


@lru_cache(maxsize=8)
def get_sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = get_sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def check_connection(url: str) -> None:
    try:
        with get_engine(url).connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise ServiceUnavailableError(
            f"Cannot reach the database at {safe_url(url)}: {exc.orig}. Check DATABASE_URL and that the "
            "server runs.") from exc


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""

    return make_url(url).render_as_string(hide_password=True)


def upgrade(url: str) -> None:
    """Bring the schema to the newest migration (creates the database on first run)."""
    check_connection(url)
    command.upgrade(alembic_config(url), "head")
