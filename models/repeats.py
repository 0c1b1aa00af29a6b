"""A link from a letter to an earlier one it repeats (同人 + 同事), with the score and the reasons."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinfang.models.base import Base, JSONDict, utcnow

if TYPE_CHECKING:  # relationship targets; importing them at run time would be circular
    from xinfang.models.letters import Letter


class RepeatLink(Base):
    __tablename__ = "repeat_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    earlier_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="repeat")  # repeat | same_matter
    score: Mapped[float]
    reason: Mapped[JSONDict] = mapped_column(default=dict)
    confirmed: Mapped[bool | None] = mapped_column(default=None)  # reviewer's verdict, null until reviewed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    letter: Mapped[Letter] = relationship(
        foreign_keys=[letter_id], back_populates="repeat_links")
    earlier: Mapped[Letter] = relationship(foreign_keys=[earlier_id])
