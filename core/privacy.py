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


_DIGIT = "[0-9０-９]"
_SEP = r"[ \t\-－‐]?"
# A run of 11 or more digits, allowing single spaces or hyphens between them and an X as an identity
# number's check digit: 身份证号 (18 or 15), mobile phones (11), landlines with area code, as written.
_NUMBER_RUN = re.compile(f"(?<![0-9０-９]){_DIGIT}(?:{_SEP}{_DIGIT}){{10,}}(?:{_SEP}[Xx×Ｘｘ])?(?![0-9０-９])")
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ×", "0123456789XXX")


def _mask_run(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9X]", "", match.group(0).translate(_FULLWIDTH).upper())
    if len(digits) in (15, 18):
        return mask_id_number(digits) or ""
    if len(digits) == 11 and digits.startswith("1"):
        return mask_phone(digits) or ""
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_identity_text(text: str | None) -> str | None:
    """Free text with every identity number, phone number (and any other long number) masked.

    Masking only the extracted fields is cosmetic: the same numbers stand in the letter's text, its OCR
    lines, the repeat comparison and the audit trail. Numbers are found as written (full-width digits,
    spaces or hyphens inside), so an OCR'd "138 0013 8000" is masked like "13800138000".
    """
    if not text:
        return text
    return _NUMBER_RUN.sub(_mask_run, text)


def mask_identity_deep(value: Any) -> Any:
    """`value` (JSON-like: dicts, lists, strings) with mask_identity_text applied to every string."""
    if isinstance(value, str):
        return mask_identity_text(value)
    if isinstance(value, dict):
        return {k: mask_identity_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_identity_deep(v) for v in value]
    return value


_IDENTITY_QUERY = re.compile(f"{_DIGIT}(?:{_SEP}{_DIGIT}){{4,}}")


def is_identity_query(query: str) -> bool:
    """A search that contains five or more digits in a row: part of an identity number or phone.

    For a role that sees these masked, such a search would answer "does a letter with this number
    exist" (an oracle for the masked digits), so it is not run against the letters' text and names.
    """
    return bool(_IDENTITY_QUERY.search(query or ""))


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
