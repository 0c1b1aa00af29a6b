"""Fetching letters for the current user: a letter the user may not see does not exist for them."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, and_, exists, or_
from sqlalchemy.orm import Session, load_only, selectinload

from xinfang.core.privacy import (
    REPORT_PURPOSE,
    can_view,
    mask_id_number,
    mask_identity_deep,
    mask_identity_text,
    mask_phone,
    sees_full_identity,
)
from xinfang.models import Letter, Suggestion, record
from xinfang.web.extensions import db
from xinfang.web.queue import QueueFilters

MAX_ID = 2**31 - 1  # letters.id is a 32-bit integer on PostgreSQL: a larger number names no letter


def parse_ids(text: str, limit: int = 500) -> list[int]:
    """Letter ids from a comma-separated parameter; anything that is not a plausible id is left out."""
    ids = []
    for part in text.split(","):
        part = part.strip()
        if part.isascii() and part.isdigit() and 0 < int(part) <= MAX_ID:
            ids.append(int(part))
    return ids[:limit]


def letter_or_404(letter_id: int) -> Letter:
    letter = db().get(Letter, letter_id) if 0 < letter_id <= MAX_ID else None
    if letter is None:
        abort(404)
    if not can_view(current_user, letter):
        record(db(), "view_denied", letter_id=letter.id, user_id=current_user.id)
        db().commit()
        abort(404)
    return letter


def can_view_letter(letter: Letter) -> bool:
    return can_view(current_user, letter)


def visible(letters: Iterable[Letter]) -> list[Letter]:
    return [letter for letter in letters if can_view(current_user, letter)]


def shown_field(key: str, value: object) -> object:
    """A field value as this user may see it: identity numbers and phones masked wherever they stand."""
    if sees_full_identity(current_user):
        return value
    if key == "id_number" and isinstance(value, str):
        return mask_id_number(value)
    if key == "phone" and isinstance(value, str):
        return mask_phone(value)
    return mask_identity_deep(value)


def masks_identity() -> bool:
    """Does the current user see 身份证号 and phones masked (in fields, text, OCR lines, audit details)?"""
    return not sees_full_identity(current_user)


def shown_text(text: str | None) -> str | None:
    """Free text as this user may see it: identity numbers and phones masked for masked roles."""
    return mask_identity_text(text) if masks_identity() else text


def earlier_visible(letter: Letter) -> bool:
    """May the user see the letter this one repeats? If not, the link itself is not shown anywhere:
    its number, passages and person would tell an accused unit who reported them before."""
    link = letter.repeat_link
    return link is None or can_view(current_user, link.earlier)


def hidden_count(session: Session, query: Select, cap: int = 5000) -> int:
    """How many letters of `query` the current user may not see, so counts never include them.

    Only reports (揭发控告, confirmed or suggested) that name an accused party can be hidden; the
    database narrows to those, and they are checked one by one with the same rule as the pages.
    """
    if not current_user.unit or current_user.role == "admin":
        return 0
    suggested_report = exists().where(Suggestion.letter_id == Letter.id, Suggestion.purpose == REPORT_PURPOSE)
    reports = query.where(or_(Letter.purpose == REPORT_PURPOSE, and_(Letter.purpose.is_(None), suggested_report)),
                          Letter.fields["accused"].as_string().is_not(None))
    rows = session.scalars(reports.options(selectinload(Letter.suggestions),
                                           load_only(Letter.id, Letter.purpose, Letter.fields)).limit(cap))
    return sum(1 for letter in rows if not can_view(current_user, letter))


def user_filters(args: object) -> QueueFilters:
    """The queue filters of this request, for this user (a masked role cannot search by identity number)."""
    filters = QueueFilters.from_args(args)
    filters.identity_search = not masks_identity()
    return filters
