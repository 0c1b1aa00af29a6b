"""A reviewer's decision on a letter: what was suggested, what was confirmed or changed, by whom and when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinfang.models.base import Base, JSONDict, utcnow

if TYPE_CHECKING:  # relationship targets; importing them at run time would be circular
    from xinfang.models.users import User


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # confirm | correct
    before: Mapped[JSONDict] = mapped_column(default=dict)
    after: Mapped[JSONDict] = mapped_column(default=dict)
    # Whether this review's labels may train the classifier (a reviewer may mark a letter unusable).
    trainable: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship()
