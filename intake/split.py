"""Cut a batch scan (one PDF holding several letters) into letters, from each page's text.

A page starts a new letter when it opens with a salutation (尊敬的…, …领导：, …信访局：) or carries
"第1页"; it stays with the letter before when it says 第n页 with n > 1 or follows a page that had no
signature/date block yet. A blank page (no text) is a separator and belongs to no letter.
"""

from __future__ import annotations

import re

# How many characters at the top of a page are searched for a salutation.
HEAD_CHARS = 80
# A page with fewer non-space characters than this is blank (a separator sheet, scanner noise).
BLANK_CHARS = 5

_SALUTATION = re.compile(r"(尊敬的|敬爱的|亲爱的)|([^\n]{0,20}(领导|信访局|书记|县长|局长|主任|同志)[^\n]{0,6}[:：])")
_PAGE_NO = re.compile(r"第\s*([0-9一二三四五六七八九十]+)\s*页(?:\s*[/，,]?\s*共\s*([0-9一二三四五六七八九十]+)\s*页)?")
_DATE = re.compile(r"(\d{2,4}|[〇零○O一二三四五六七八九十]{2,4})\s*年\s*[0-9一二三四五六七八九十]{1,3}\s*月"
                   r"|\d{4}\s*[.\-/]\s*\d{1,2}\s*[.\-/]\s*\d{1,2}")
_SIGN_OFF = re.compile(r"此致|敬礼|(信访|反映|来信|申诉|举报|控告)人\s*[:：]|具名|署名|落款|联名")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def is_blank(text: str) -> bool:
    return sum(not ch.isspace() for ch in text) < BLANK_CHARS


def page_number(text: str) -> tuple[int, int | None] | None:
    """(n, total) from 第n页 / 第n页 共m页, searched in the whole page (headers and footers)."""
    matches = list(_PAGE_NO.finditer(text))
    if not matches:
        return None
    match = matches[-1]  # the last one: footers win over body text
    return _number(match.group(1)), _number(match.group(2)) if match.group(2) else None


def opens_letter(text: str) -> bool:
    head = "".join(text.split())[:HEAD_CHARS] if text else ""
    # keep line starts: a salutation is at the beginning of one of the first lines
    first_lines = [line.strip() for line in text.strip().splitlines()[:6] if line.strip()]
    return bool(_SALUTATION.search(head[:HEAD_CHARS])) and any(
        _SALUTATION.match(line) or "尊敬的" in line for line in first_lines)


def closes_letter(text: str) -> bool:
    """A signature block with a date in the last lines of the page."""
    tail = "\n".join(line for line in text.strip().splitlines()[-8:])
    return bool(_DATE.search(tail)) and bool(_SIGN_OFF.search(text[-400:]) or len(tail) < 400)


def split_batch(page_texts: list[str], blank: list[bool] | None = None) -> list[list[int]]:
    """Groups of page positions, in order, one group per letter; blank pages belong to no group.

    `blank` (optional, one flag per page) lets the caller mark separator sheets it detected from the
    image; otherwise a page is blank when it has (almost) no text.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    previous_closed = False
    for position, text in enumerate(page_texts):
        if (blank is not None and blank[position]) or is_blank(text):
            if current:
                groups.append(current)
            current, previous_closed = [], False
            continue
        number = page_number(text)
        if not current or (number is not None and number[0] == 1):
            new = True
        elif number is not None and number[0] > 1:
            new = False
        else:
            new = opens_letter(text) or previous_closed
        if new and current:
            groups.append(current)
            current = []
        current.append(position)
        previous_closed = closes_letter(text) and (number is None or number[1] is None or number[0] >= number[1])
    if current:
        groups.append(current)
    return groups
