"""What kind of complaint a letter makes (漏水, 欠薪, 噪音, 拆迁补偿, 违建…), from the office's lexicon of kinds.

Two strangers' letters that name one rare firm or 小区 are one matter when they complain of the same thing
(both about the firm's dust, both about its unpaid wages), whatever words they use; the same firm in a
wage claim and a noise complaint is two matters. A letter gets the kinds it mentions most.

The lexicon is knowledge a clerk uses, so it is office data: the `complaint_kinds` section of the office
file (kind -> the words writers use for it, in the order ties are broken), validated when the file is
loaded (`routing_table.complaint_kinds_problems`). An office file without the section uses the starter's
(`classifier/office/starter.json`: general petition-office vocabulary, the kinds a clerk files under, no
words taken from any letter set). The pipeline passes the office's lexicon into `features.compute` beside
its gazetteer (`intake.stages.office_lexicon`), so an edit is used from the next letter on. A letter's
kinds are computed when it is indexed and stored with its entities: letters indexed before an edit keep
the kinds they were given until the index is rebuilt (`xinfang reindex`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from xinfang.classifier.routing_table import STARTER, Office, load_office
from xinfang.classifier.wordlists import phrases

TOP = 3  # a letter's kinds: the ones it mentions most (a wage letter may mention 安置 once in passing)


@dataclass(frozen=True)
class Lexicon:
    """The kinds in the office's order, each with one compiled pattern of its words (longest first, so
    坑坑洼洼 counts once, not also as 坑洼)."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()

    @property
    def names(self) -> list[str]:
        return [kind for kind, _ in self.patterns]


def compile_lexicon(section: Mapping[str, Sequence[str]]) -> Lexicon:
    """The lexicon of a `complaint_kinds` section; one compiled version per content, however often the
    caller asks (the pipeline asks once a letter)."""
    return _compiled(tuple((kind, tuple(words)) for kind, words in section.items()))


@lru_cache(maxsize=16)
def _compiled(section: tuple[tuple[str, tuple[str, ...]], ...]) -> Lexicon:
    patterns = []
    for kind, words in section:
        # a blank word would be found everywhere: validation refuses it in the file, this keeps direct callers safe
        found = sorted(dict.fromkeys(phrases(words)), key=len, reverse=True)
        if found:
            patterns.append((kind, re.compile("|".join(map(re.escape, found)))))
    return Lexicon(tuple(patterns))


@lru_cache(maxsize=1)
def starter() -> Lexicon:
    """The starter office's lexicon: what matching uses when no office lexicon is given."""
    return compile_lexicon(load_office(STARTER).complaint_kinds or {})


def of_office(office: Office) -> Lexicon:
    """The office's lexicon; the starter's when its file has no `complaint_kinds` section (an office file
    copied from the starter before the section existed)."""
    return starter() if office.complaint_kinds is None else compile_lexicon(office.complaint_kinds)


def kinds(text: str, lexicon: Lexicon | None = None, top: int = TOP) -> list[str]:
    """The letter's complaint kinds, most mentioned first (ties in lexicon order), at most `top`.
    `lexicon`: the office's (`of_office`); the starter's when None."""
    patterns = (starter() if lexicon is None else lexicon).patterns
    counts = [(len(pattern.findall(text)), i, kind) for i, (kind, pattern) in enumerate(patterns)]
    return [kind for n, _, kind in sorted(counts, key=lambda c: (-c[0], c[1])) if n][:top]


def agreement(a: list[str], b: list[str]) -> tuple[float, float]:
    """(same kind, other kind): both letters name a kind and share one; both name kinds and share none.
    Letters that name no kind say nothing either way."""
    if not a or not b:
        return 0.0, 0.0
    shared = bool(set(a) & set(b))
    return float(shared), float(not shared)
