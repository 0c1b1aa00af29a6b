"""Failed logins, counted per user name and per address, so guessing passwords is slowed down.

Kept in the database (not in a process's memory) so the count holds across gunicorn workers and
restarts; a key is a user name ("user:lihua") or a client address ("addr:10.0.0.7").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.models.base import Base, utcnow


class LoginThrottle(Base):
    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
