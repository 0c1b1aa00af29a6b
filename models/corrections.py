"""Corrections of a letter's recognised text, line by line, by the people who read the scan.

The OCR result stays as the engine gave it (Letter.ocr_pages / ocr_text); each correction keeps the line's
text before and after and who changed it, so the corrected lines are also an office's own OCR test set.
A hand transcription (手工录入) of an unreadable letter is stored the same way, with `field` naming what
was typed (name, matter, demand) instead of a line.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.models.base import Base, utcnow


class TextCorrection(Base):
    __tablename__ = "text_corrections"
    __table_args__ = (Index("ix_text_corrections_line", "letter_id", "page", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(default=0)   # index into Letter.ocr_pages; -1 for a hand transcription
    line: Mapped[int] = mapped_column(default=0)   # index into that page's lines; -1 for a hand transcription
    field: Mapped[str | None] = mapped_column(String(20), default=None)  # name | matter | demand (手工录入)
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)
