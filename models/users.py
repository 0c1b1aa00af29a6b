"""Users of the desk and their roles. Passwords are stored only as salted hashes (werkzeug scrypt)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from xinfang.models.base import Base, utcnow


class Role(StrEnum):
    clerk = "clerk"            # registers and uploads letters
    reviewer = "reviewer"      # confirms or corrects routing
    supervisor = "supervisor"  # statistics, deadlines
    admin = "admin"            # users, models, everything


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default=Role.clerk)
    # The unit the user works for, if any: letters accusing this unit are hidden from the user.
    unit: Mapped[str | None] = mapped_column(String(100), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session cookie; raised at logout and password change, so older cookies stop working.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def set_password(self, password: str) -> None:
        if len(password) < 8:
            raise ValueError("password must have at least 8 characters")
        self.password_hash = generate_password_hash(password)
        # A new password (changed by the user, reset by an admin or the CLI) ends every existing session.
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def can(self, *roles: str) -> bool:
        return self.role == Role.admin or self.role in roles

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The session's user key: id and session version, so a bumped version logs the old cookie out."""
        return f"{self.id}:{self.session_version or 0}"
