"""The audit trail: one row for every change of a letter's status or routing, and every full view."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinfang.models.base import Base, JSONDict, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[JSONDict] = mapped_column(default=dict)


def record(session: Session, action: str, *, letter_id: int | None = None, user_id: int | None = None,
           **detail: object) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(letter_id=letter_id, user_id=user_id, action=action, detail=detail)
    session.add(event)
    return event
