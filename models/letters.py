"""A letter: one petition, from one stored file (or part of a batch scan), through every stage."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinfang.models.base import Base, JSONDict, JSONList, utcnow
from xinfang.models.files import StoredFile

if TYPE_CHECKING:  # relationship targets; importing them at run time would be circular
    from xinfang.models.repeats import RepeatLink
    from xinfang.models.suggestions import Suggestion


class Status(StrEnum):
    received = "received"      # stored, not yet queued
    queued = "queued"          # a job is waiting in Redis
    processing = "processing"  # a worker has it
    review = "review"          # waits for a reviewer
    confirmed = "confirmed"    # a reviewer confirmed the routing
    failed = "failed"          # a stage failed; failure_stage/failure_reason say why


class Letter(Base):
    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_status_received", "status", "received_date"),
        # The review queue's order (urgent first, then oldest) read straight from the index at 100k letters.
        Index("ix_letters_queue", "status", text("urgent DESC"), "received_date", "id"),
        Index("ix_letters_id_number", "id_number"),
        Index("ix_letters_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(200), index=True, default=None)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), default=None)
    # For a letter cut out of a batch scan: which pages of the file (0-based), else all pages.
    page_numbers: Mapped[JSONList | None] = mapped_column(default=None)
    page_count: Mapped[int] = mapped_column(default=0)
    form: Mapped[str] = mapped_column(String(20), default="来信")
    status: Mapped[str] = mapped_column(String(20), default=Status.received, index=True)
    failure_stage: Mapped[str | None] = mapped_column(String(40), default=None)
    failure_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # False when the failure comes from the file itself (damaged, locked, not a letter): retrying the same
    # file cannot help, so no "retry" is offered. Null means unknown (older rows): retry is offered.
    failure_retryable: Mapped[bool | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[str | None] = mapped_column(String(100), default=None)
    received_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    ocr_text: Mapped[str | None] = mapped_column(Text, default=None)   # as the engine read it
    text: Mapped[str | None] = mapped_column(Text, default=None)       # normalised
    ocr_pages: Mapped[JSONList | None] = mapped_column(default=None)       # per page: lines, boxes, confidence
    ocr_engine: Mapped[str | None] = mapped_column(String(40), default=None)
    # The text as people corrected it (line corrections applied, or typed by hand); fields, routing and the
    # repeat check read this when set. The OCR above is never overwritten (models/corrections.py).
    corrected_text: Mapped[str | None] = mapped_column(Text, default=None)
    transcribed_by_hand: Mapped[bool] = mapped_column(default=False)  # 手工录入: the scan could not be read
    fields: Mapped[JSONDict | None] = mapped_column(default=None)
    # Searchable copies of the identity fields, for repeat look-ups.
    id_number: Mapped[str | None] = mapped_column(String(18), default=None)
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    petitioner_name: Mapped[str | None] = mapped_column(String(50), default=None)
    urgent: Mapped[bool] = mapped_column(default=False)
    # The routing as confirmed by a reviewer (null until then).
    category: Mapped[str | None] = mapped_column(String(50), default=None)
    purpose: Mapped[str | None] = mapped_column(String(20), default=None)
    department: Mapped[str | None] = mapped_column(String(100), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    # The office's handling stage of the case (受理, 办理, 复查, 复核, 归档 ...), for repeat decisions.
    case_stage: Mapped[str | None] = mapped_column(String(20), default=None)

    file: Mapped[StoredFile | None] = relationship()
    suggestions: Mapped[list[Suggestion]] = relationship(
        back_populates="letter", order_by="Suggestion.id", cascade="all, delete-orphan")
    repeat_links: Mapped[list[RepeatLink]] = relationship(
        back_populates="letter", foreign_keys="RepeatLink.letter_id", order_by="RepeatLink.score.desc()",
        cascade="all, delete-orphan")

    @property
    def suggestion(self) -> Suggestion | None:
        return self.suggestions[-1] if self.suggestions else None

    @property
    def repeat_link(self) -> RepeatLink | None:
        return self.repeat_links[0] if self.repeat_links else None
