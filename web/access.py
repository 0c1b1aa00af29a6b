"""Fetching letters for the current user: a letter the user may not see does not exist for them."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort
from flask_login import current_user

from xinfang.core.privacy import can_view, mask_id_number, mask_phone, sees_full_identity
from xinfang.models import Letter, record
from xinfang.web.extensions import db

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


def visible(letters: Iterable[Letter]) -> list[Letter]:
    return [letter for letter in letters if can_view(current_user, letter)]


def shown_field(key: str, value: object) -> object:
    """A field value as this user may see it."""
    if sees_full_identity(current_user) or not isinstance(value, str):
        return value
    if key == "id_number":
        return mask_id_number(value)
    if key == "phone":
        return mask_phone(value)
    return value
