"""The repeat-filing index, shared by every worker: petitioners, identity keys, LSH bands, matter groups.

Keys and bands carry no foreign key and no index on letter_id on purpose: they are the bulk of the index
(about 45 rows per letter), and each index costs memory per letter. A letter's own rows are found again
from its stored signature and identity; a stale row (its letter deleted) finds no `repeat_signatures`
row and is ignored; `xinfang reindex` rebuilds everything from the letters.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.models.base import Base, JSONDict, utcnow


class RepeatPetitioner(Base):
    """One person in the petitioner registry: all their letters are one history."""

    __tablename__ = "repeat_petitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(50), default=None)
    id_number: Mapped[str | None] = mapped_column(String(18), default=None, index=True)
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    first_letter_id: Mapped[int | None] = mapped_column(default=None)
    letter_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RepeatMatterGroup(Base):
    """Letters about one matter, from one or several people (many people: a 集体 / 热点 signal)."""

    __tablename__ = "repeat_matter_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_letter_id: Mapped[int | None] = mapped_column(default=None)
    letter_count: Mapped[int] = mapped_column(default=0)
    people_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RepeatSignature(Base):
    """What the index knows of one letter: MinHash, identity, entities, its person and matter group."""

    __tablename__ = "repeat_signatures"

    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    identity: Mapped[JSONDict] = mapped_column(default=dict)
    entities: Mapped[JSONDict] = mapped_column(default=dict)
    petitioner_id: Mapped[int | None] = mapped_column(default=None, index=True)
    matter_group_id: Mapped[int | None] = mapped_column(default=None, index=True)
    received_date: Mapped[date | None] = mapped_column(Date, default=None)
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RepeatKey(Base):
    """An identity key (hashed) of one letter: 身份证号, phone, name@place variants, accused party."""

    __tablename__ = "repeat_keys"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    letter_id: Mapped[int] = mapped_column(primary_key=True)
    person: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # index in the letter's people; -1 accused


class RepeatBand(Base):
    """One LSH band of one letter's MinHash: letters sharing a band are text candidates."""

    __tablename__ = "repeat_bands"

    band: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    letter_id: Mapped[int] = mapped_column(primary_key=True)
