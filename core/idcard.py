"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

The 18th character is an ISO 7064 MOD 11-2 check digit. It lets us tell a real number from an OCR
misreading, and repair a single misread digit when exactly one substitution makes the number valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＯｏ", "0123456789XxOo")
_OCR_DIGIT_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "Z": "2",
                                       "S": "5", "B": "8", "x": "X", "×": "X"})


def check_char(first17: str) -> str:
    """Check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_date(number: str) -> date | None:
    """Birth date encoded in digits 7-14, or None when it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid(number: str) -> bool:
    """True for an 18-character number with a real birth date and a correct check character."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    born = birth_date(number)
    if born is None or not (1900 <= born.year <= 2100):
        return False
    return check_char(number[:17]) == number[17]


def normalize(raw: str) -> str:
    """Strip spaces and dashes, fold full-width digits and common OCR look-alikes into digits."""
    return _normalize_tracking(raw)[0]


def _normalize_tracking(raw: str) -> tuple[str, set[int]]:
    """Normalise, and remember which positions were a look-alike rather than a digit (suspects)."""
    text = re.sub(r"[\s\-－_.·]", "", raw.translate(_FULLWIDTH))
    out: list[str] = []
    suspects: set[int] = set()
    for i, ch in enumerate(text):
        if ch.isdigit() and ch.isascii():
            out.append(ch)
            continue
        if ch in "Xx" and i == len(text) - 1:
            out.append("X")
            continue
        mapped = ch.translate(_OCR_DIGIT_CONFUSIONS)
        suspects.add(i)
        out.append(mapped if mapped.isdigit() else "?")
    return "".join(out), suspects


@dataclass(frozen=True)
class IdResult:
    """A normalised number and how we got it: `repaired_position` names the position changed, if any."""

    value: str
    valid: bool
    repaired_position: int | None = None
    original: str = ""

    @property
    def note(self) -> str:
        if self.repaired_position is None:
            return ""
        return (f"第{self.repaired_position + 1}位由“{self.original[self.repaired_position]}”"
                f"校正为“{self.value[self.repaired_position]}”(校验码唯一确定)")


def _candidates(number: str, positions: list[int]) -> list[tuple[str, int]]:
    found = []
    for pos in positions:
        alphabet = "0123456789X" if pos == 17 else "0123456789"
        for ch in alphabet:
            if ch != number[pos]:
                cand = number[:pos] + ch + number[pos + 1:]
                if is_valid(cand):
                    found.append((cand, pos))
    return found


def repair(raw: str, suspect_positions: set[int] | None = None) -> IdResult:
    """Validate, and repair one misread character when exactly one candidate satisfies the check digit.

    A wrong digit anywhere usually has a dozen valid one-digit substitutes, so we only repair where we
    know *which* character is doubtful: a look-alike letter in the OCR text (O for 0, B for 8), an
    unreadable character, or a position the OCR engine marked low-confidence. Two or more candidates
    mean the number is ambiguous; we keep it as read and invalid rather than guess, because a wrong
    身份证号 merges two people's histories.
    """
    number, suspects = _normalize_tracking(raw)
    suspects |= suspect_positions or set()
    if is_valid(number):
        return IdResult(number, True, None, number)
    if len(number) != 18:
        return IdResult(number, False, None, number)
    positions = sorted(p for p in suspects if p < 18)
    if len(positions) != 1:
        return IdResult(number, False, None, number)
    found = _candidates(number, positions)
    if len(found) == 1:
        value, pos = found[0]
        return IdResult(value, True, pos, number)
    return IdResult(number, False, None, number)


def make(region: str, born: date, sequence: int) -> str:
    """Build a valid number (region code, birth date, 3-digit sequence): used by the sample generator."""
    first17 = f"{region[:6]}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)


def repair_in_region(raw: str, region: str, suspect_positions: set[int] | None = None) -> IdResult:
    """`repair`, then: a number from this county whose region code has one wrong digit is repaired too.

    An office's letters mostly come from its own county, so a number whose first six digits are one digit
    off the office's region code (371223 for 371523) is very likely that code misread; we repair it only
    when that single change also satisfies the check digit.
    """
    first = repair(raw, suspect_positions)
    if first.valid or len(first.value) != 18 or len(region) != 6 or not region.isdigit():
        return first
    number = first.value
    wrong = [i for i in range(6) if number[i] != region[i]]
    if len(wrong) != 1 or "?" in number:
        return first
    cand = region + number[6:]
    if is_valid(cand):
        return IdResult(cand, True, wrong[0], number)
    return first
