"""Slowing down password guessing: a user name or an address with too many failed logins is locked.

Counts live in the database (models/logins.py), so they hold across gunicorn workers and restarts.
While a key is locked, no password is checked at all, so the right password guessed during the lock
does not let anyone in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinfang.models import LoginThrottle

WINDOW = timedelta(minutes=15)      # failures older than this are forgotten
LOCK = timedelta(minutes=5)
USER_LIMIT = 5                      # failures per user name within WINDOW
ADDRESS_LIMIT = 20                  # per address: an office behind one NAT shares it


def keys(username: str, address: str | None) -> dict[str, int]:
    found = {f"user:{username.strip().lower()[:80]}": USER_LIMIT}
    if address:
        found[f"addr:{address[:100]}"] = ADDRESS_LIMIT
    return found


def locked_until(session: Session, limits: dict[str, int], now: datetime | None = None) -> datetime | None:
    """The end of the lock on any of these keys, or None when none is locked."""
    now = now or datetime.now(UTC)
    ends = [end for end in session.scalars(select(LoginThrottle.locked_until).where(
        LoginThrottle.key.in_(list(limits)), LoginThrottle.locked_until > now)) if end is not None]
    return max(ends) if ends else None


def record_failure(session: Session, limits: dict[str, int], now: datetime | None = None) -> None:
    """Count a failed login against each key; the caller commits."""
    now = now or datetime.now(UTC)
    for key, limit in limits.items():
        row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
        if row is None:
            # Two workers counting a key's first failure at once: one insert loses on the unique key and
            # the caller drops that one count (commit_counts), which only makes the lock one try later.
            row = LoginThrottle(key=key, failures=0, first_failure_at=now)
            session.add(row)
        if now - row.first_failure_at > WINDOW:
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + LOCK
            row.failures, row.first_failure_at = 0, now


def commit_counts(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


def record_success(session: Session, username: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == f"user:{username.strip().lower()[:80]}"))
