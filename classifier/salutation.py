"""The line a letter opens with to greet its reader, where a writer names the unit the letter is for.

"尊敬的县教育局领导：" says, before a word of the matter, which unit the writer means to reach; a clerk reads it
as strong evidence of the department (and of the category that unit handles), however the letter goes on to
introduce its writer ("我是一名参战退伍老兵，想咨询我孙子上学的事情"). Only the opening counts: a unit named
later in the letter is often the one complained about, or one the writer already went to.
"""

from __future__ import annotations

import re

_OPENING = re.compile(r"^(?:尊敬的|敬爱的|致)")
_GREETING = re.compile(r"(?:领导|领导们|领导好|您好|你好|同志|同志们|负责同志|负责人)$")
_END = re.compile(r"[：:，,！!。；;]")
LINES = 3       # a title and a blank line may come first
MAX_CHARS = 40  # a greeting is short; a longer opening is the body ("希望市教育局的领导们能管一下…")


def salutation(letter: str) -> str:
    """The greeting the letter opens with ("尊敬的县教育局领导", "致县纪委"), or "" when it has none."""
    lines = [line.strip() for line in (letter or "")[:400].splitlines() if line.strip()][:LINES]
    for line in lines:
        head = _END.split(line, 1)[0].strip()
        if 2 <= len(head) <= MAX_CHARS and (_OPENING.match(head) or _GREETING.search(head)):
            return head
    return ""
