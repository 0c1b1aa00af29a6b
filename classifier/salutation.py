"""The line a letter opens with to greet its reader, where a writer names the unit the letter is for.

"尊敬的县教育局领导：" says, before a word of the matter, which unit the writer means to reach; a clerk reads it
as strong evidence of the department, however the letter goes on to introduce its writer ("我是一名参战退伍
老兵，想咨询我孙子上学的事情"). Only the greeting counts: a unit named later in the letter, or in a clause that
merely ends in 负责人 or 同志 ("我去县公安局找了负责人"), is often the one complained about or one the writer
already went to. The greeting is read line by line; a greeting that OCR broke after its opening word
("尊敬的" / "县教育局领导：") is joined again.
"""

from __future__ import annotations

import re

_OPENING = re.compile(r"^(?:尊敬的|敬爱的|致(?![使富力命残以])[：:]?)")
_GREETING_WORD = re.compile(r"领导们?|同志们?|负责同志|负责人")
_GREETING = re.compile(r"(?:领导|领导们|领导好|您好|你好|同志|同志们|负责同志|负责人)$")
# A clause of the letter's body that happens to end in a greeting word: the writer doing or asking something.
_BODY = re.compile(r"[我他她找去到向]|希望|请问")
_END = re.compile(r"[：:，,！!。；;]")
LINES = 3       # a title and a blank line may come first
MAX_CHARS = 40  # a greeting is short; more is a sentence of the letter that never reached a greeting word


def salutation(letter: str) -> str:
    """The greeting the letter opens with ("尊敬的县教育局领导", "致县纪委"), or "" when it has none."""
    lines = [line.strip() for line in (letter or "")[:400].splitlines() if line.strip()][:LINES + 1]
    for i, line in enumerate(lines[:LINES]):
        if (line.startswith(("尊敬的", "敬爱的")) and not _END.search(line) and not _GREETING_WORD.search(line)
                and i + 1 < len(lines)):
            line += lines[i + 1]  # 尊敬的 / 县教育局领导：, broken by OCR
        head = _END.split(_OPENING.sub(lambda m: m.group(0).rstrip("：:"), line, count=1), 1)[0].strip()
        if not 2 <= len(head) <= MAX_CHARS:
            continue
        if _OPENING.match(head):  # up to the greeting word, else to the letter's first words: not what follows
            word = _GREETING_WORD.search(head)
            body = _BODY.search(head)
            return head[:word.end()] if word else head[:body.start()] if body else head
        if _GREETING.search(head) and not _BODY.search(head):
            return head
    return ""
