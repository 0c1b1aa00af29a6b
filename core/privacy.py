"""Who may see what: masking of identity numbers, and hiding a report from the unit it accuses.

揭发控告 letters must never reach the person or unit they accuse (domain.md, 'Privacy'). A user's `unit`
is compared with the letter's accused party (被反映对象) and, once confirmed, its routing; a match hides
the letter from that user everywhere: lists, the letter page, its scans, the API and exports.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from rapidfuzz import fuzz


class User(Protocol):
    """What the rules need of a user; the ORM's `User` has it (the core does not import the ORM)."""

    role: str
    unit: str | None

    def can(self, *roles: str) -> bool: ...


class Letter(Protocol):
    """What the rules need of a letter; the ORM's `Letter` has it."""

    purpose: str | None
    fields: dict[str, Any] | None
    suggestion: Any

REPORT_PURPOSE = "揭发控告"
FULL_IDENTITY_ROLES = ("clerk", "reviewer")  # admins always; supervisors work with statistics, not people
_UNIT_NOISE = re.compile(r"[\s（）()]|人民|中华人民共和国")


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    return value[:6] + "*" * max(len(value) - 10, 0) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    digits = re.sub(r"\D", "", value)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 11 else digits[:-4] + "****"


# A 身份证号 (17 digits and a check digit) or a mobile number standing in running text.
_ID_IN_TEXT = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
_PHONE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_identity_in_text(text: str | None) -> str | None:
    """A letter's text with every identity number and mobile number in it masked, for roles that may not see
    them: the fields are masked one by one, but the text (OCR'd or corrected) carries the same numbers."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)) or "", text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)) or "", text)


def sees_full_identity(user: User) -> bool:
    return user.can(*FULL_IDENTITY_ROLES)


def _unit_key(name: str) -> str:
    return _UNIT_NOISE.sub("", name)


def unit_matches(unit: str, party: str) -> bool:
    """Does `party` (as written in a letter) name this unit? Tolerates 县/镇 prefixes and short forms."""
    a, b = _unit_key(unit), _unit_key(party)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return min(len(a), len(b)) >= 3 and fuzz.partial_ratio(a, b) >= 85


def is_report(letter: Letter) -> bool:
    suggestion = letter.suggestion
    return letter.purpose == REPORT_PURPOSE or (
        letter.purpose is None and suggestion is not None and suggestion.purpose == REPORT_PURPOSE)


def accused_parties(letter: Letter) -> list[str]:
    accused = (letter.fields or {}).get("accused") or {}
    values = accused.get("value")
    parties = [values] if isinstance(values, str) else list(values or [])
    parties += [item.get("value") for item in accused.get("items", []) if isinstance(item.get("value"), str)]
    return [p for p in parties if p]


def can_view(user: User, letter: Letter) -> bool:
    """False when the letter reports wrongdoing by the user's own unit."""
    if not user.unit or user.role == "admin":
        return True
    if not is_report(letter):
        return True
    return not any(unit_matches(user.unit, party) for party in accused_parties(letter))
