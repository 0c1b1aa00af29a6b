"""What a clerk knows before reading a single training letter, as cue phrases from the office file.

A model trained on generated letters only knows the generator's words; a clerk knows that 不服…判决 is an
appeal, that 低保 belongs to 民政局 and that a 村干部 matter goes to the township. The office file holds
that knowledge as data the office edits (sections `duties`, `category_cues`, `purpose_cues`, `locality`,
`not_petition`): phrases per label. Each letter gets, per head and label, log(1 + the distinct phrases
of that label found in it); the router blends these scores with the model's (weights fitted on real
held-out letters, classifier/calibration.py) and shows the phrases as the reasons for a suggestion. A phrase
that several labels of one head list (工资 for 人社局 and 组织部) counts 1/k for each of its k labels.

Two more sections say how cues interact, as a clerk reads them. `cue_precedence` (head -> label -> {label: how many
distinct phrases}): a label's cues count only while no listed label has that many of its cues in the letter,
so the question words of an angry complaint (是不是, 有没有, 吗？) are no 咨询 once it demands, appeals or reports.
`rule_cues` (rule -> head -> label): a 依法分类处理 rule that fired (classifier/rules.py) counts as cue
evidence, with the words that fired it as the reasons: misconduct of a named official is 揭发控告 about a
纪检监察 matter, whatever else the letter mentions.

A precedence may name the phrases that count ({"申诉": {"n": 1, "phrases": ["不服", "复核"]}}): a strong appeal
word outranks the demand words every appeal also carries, while a weak 申诉 cue (错误, 认定) does not.

A department named in the letter's greeting (尊敬的县教育局领导) is a cue of its own, "抬头：教育局", worth
ADDRESSEE_WEIGHT phrases: the writer says which unit the letter is for before saying who they are.

Matching is plain substring search over the letter with whitespace removed, so pre-segmented exports and
raw letters match alike, and OCR'd line breaks inside a phrase do not hide it. A phrase written "A+B" is
found when every part is (承包+地界: a boundary dispute over contract land), as a clerk reads two words
together that mean little apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from xinfang.classifier.routing_table import Office
from xinfang.classifier.rules import RuleResult
from xinfang.classifier.salutation import salutation

HEADS = ("category", "purpose", "department")
_SPACE = re.compile(r"\s+")
ADDRESSEE = "抬头："    # a unit named in the letter's greeting, shown to the reviewer as this reason
ADDRESSEE_WEIGHT = 2.0  # counts as two cue phrases: more than any one duty word, less than a letter full of another unit's
# A department's names among its cue phrases: what a writer puts in a greeting (县教育局, 国土局, 纪委, 派出所);
# not people (离任村干部) nor places (定点医院, 娱乐场所), which a greeting does not address.
_UNIT_NAME = re.compile(r"(?:局|委|部|办公室|政府|法院|检察院|派出所)$")


def _over(value: object) -> int | tuple[int, frozenset[str]]:
    """A precedence entry as written in the office file: n, or {"n": n, "phrases": [...]}."""
    if isinstance(value, dict):
        return int(value.get("n", 1)), frozenset(value.get("phrases", []))
    return int(value)  # type: ignore[call-overload]


def _outranks(found: Sequence[str], need: int | tuple[int, frozenset[str]]) -> bool:
    if isinstance(need, tuple):
        n, only = need
        return sum(1 for phrase in found if phrase in only) >= n
    return len(found) >= need


@dataclass
class Knowledge:
    """Cue phrases per head and label; `signal` phrases tell a petition from notes, forms and adverts."""

    cues: dict[str, dict[str, list[str]]] = field(default_factory=dict)   # head -> label -> phrases
    signal: list[str] = field(default_factory=list)
    min_signal: int = 2
    # head -> label -> {over: n}, or {over: (n, the only phrases of `over` that count)}
    precedence: dict[str, dict[str, dict[str, int | tuple[int, frozenset[str]]]]] = field(default_factory=dict)
    rule_labels: dict[str, dict[str, str]] = field(default_factory=dict)       # rule kind -> head -> label
    _units: list[tuple[str, list[str]]] = field(default_factory=list, repr=False)  # a unit's name, its departments
    _index: dict[str, list[tuple[str, str]]] = field(default_factory=dict, repr=False)
    _share: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    _compound: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)  # "A+B" -> its parts
    _by_bigram: dict[str, list[str]] = field(default_factory=dict, repr=False)  # first two characters -> phrases
    _single: list[str] = field(default_factory=list, repr=False)  # one-character phrases
    _order: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[str, str]]] = {}
        for head, labels in self.cues.items():
            for label, phrases in labels.items():
                for phrase in dict.fromkeys(phrases):
                    if phrase:
                        index.setdefault(phrase, []).append((head, label))
        self._index = index
        self._compound = {phrase: tuple(p for p in phrase.split("+") if p) for phrase in index if "+" in phrase}
        self._share = {(phrase, head): 1.0 / sum(1 for h, _ in targets if h == head)
                       for phrase, targets in index.items() for head, _ in targets}
        self._order = {phrase: k for k, phrase in enumerate(index)}
        self._addressee_cues()
        self._by_bigram, self._single = {}, []
        for phrase in index:
            if phrase in self._compound:
                continue
            if len(phrase) == 1:
                self._single.append(phrase)
            else:
                self._by_bigram.setdefault(phrase[:2], []).append(phrase)

    def _addressee_cues(self) -> None:
        """The departments' names a greeting may carry, longest first, each with every department that lists
        it. Department only: the category an addressed unit handles is the routing table's guess, and writers
        file across it (医保 fraud at a hospital as 卫生健康)."""
        units: dict[str, list[str]] = {}
        for label, phrases in self.cues.get("department", {}).items():
            for phrase in dict.fromkeys([label, *phrases]):
                if len(phrase) >= 2 and "+" not in phrase and "干部" not in phrase and _UNIT_NAME.search(phrase):
                    units.setdefault(phrase, []).append(label)
        self._units = sorted(units.items(), key=lambda item: -len(item[0]))
        # each department listing the name counts its greeting cue ADDRESSEE_WEIGHT (`scores`)
        self._share.update({(ADDRESSEE + phrase, "department"): ADDRESSEE_WEIGHT for phrase in units})

    def _greeted(self, text: str, out: dict[str, dict[str, list[str]]]) -> None:
        """The units the letter's greeting names, as department cues (`classifier/salutation.py`): first in
        the label's reasons (the page shows the first few), one per department however many of its names the
        greeting gives (县纪委、县监委), after the precedence rules, which weigh what the letter says, not
        whom it is written to."""
        greeting = _SPACE.sub("", salutation(text)) if self._units and not self.empty else ""
        for phrase, labels in self._units if greeting else ():
            if phrase not in greeting:
                continue
            greeting = greeting.replace(phrase, "|")  # 自然资源和规划局 is not also 规划局
            for label in labels:
                have = out.setdefault("department", {}).setdefault(label, [])
                if not any(p.startswith(ADDRESSEE) for p in have):
                    have.insert(0, ADDRESSEE + phrase)

    @classmethod
    def from_office(cls, office: Office) -> Knowledge:
        raw = office.knowledge
        cues: dict[str, dict[str, list[str]]] = {h: {} for h in HEADS}
        for label, phrases in raw.get("category_cues", {}).items():
            cues["category"][label] = list(phrases)
        for label, phrases in raw.get("purpose_cues", {}).items():
            cues["purpose"][label] = list(phrases)
        for label, spec in raw.get("duties", {}).items():
            cues["department"][label] = list(spec.get("cues", []))
        locality = raw.get("locality") or {}
        if locality.get("cues"):
            unit = locality.get("unit") or office.township_unit
            cues["department"].setdefault(unit, [])
            cues["department"][unit] = cues["department"][unit] + list(locality["cues"])
        gate = raw.get("not_petition") or {}
        precedence: dict[str, dict[str, dict[str, int | tuple[int, frozenset[str]]]]] = {
            head: {label: (dict.fromkeys(over, 1) if isinstance(over, list) else
                           {o: _over(n) for o, n in over.items()})
                   for label, over in labels.items()}
            for head, labels in (raw.get("cue_precedence") or {}).items()}
        rule_labels = {kind: dict(heads) for kind, heads in (raw.get("rule_cues") or {}).items()}
        return cls(cues=cues, signal=list(gate.get("petition_cues", [])), min_signal=int(gate.get("min_signal", 2)),
                   precedence=precedence, rule_labels=rule_labels)

    @property
    def empty(self) -> bool:
        return not self._index

    def found(self, text: str, rules: RuleResult | None = None) -> dict[str, dict[str, list[str]]]:
        """head -> label -> the cue phrases present in `text` (with `rules`: the rules' words as cues too)."""
        flat = _SPACE.sub("", text or "")
        out: dict[str, dict[str, list[str]]] = {}
        for phrase in self._present(flat):
            for head, label in self._index[phrase]:
                out.setdefault(head, {}).setdefault(label, []).append(phrase)
        if rules is not None:
            for kind, heads in self.rule_labels.items():
                words = rules.matched.get(kind, []) if getattr(rules, kind, False) else []
                for head, label in heads.items() if words else ():
                    have = out.setdefault(head, {}).setdefault(label, [])
                    have += [w for w in words if w not in have]
        for head, labels in self.precedence.items():
            hits = out.get(head)
            if not hits:
                continue
            for label in [lab for lab, over in labels.items()
                          if lab in hits and any(_outranks(hits.get(o, ()), n) for o, n in over.items())]:
                del hits[label]
        self._greeted(text, out)
        return out

    def _present(self, flat: str) -> list[str]:
        """The cue phrases in `flat`, in the office file's order. Prediction runs this on every letter, so
        only the phrases that open with a pair of characters the letter has are searched for (a two-character
        phrase is then present outright), not the whole list."""
        by_bigram = self._by_bigram
        found = [phrase for gram in {flat[i:i + 2] for i in range(len(flat) - 1)}
                 for phrase in by_bigram.get(gram, ()) if len(phrase) == 2 or phrase in flat]
        found += [phrase for phrase in self._single if phrase in flat]
        found += [phrase for phrase, parts in self._compound.items() if all(part in flat for part in parts)]
        return sorted(found, key=self._order.__getitem__)

    def scores(self, head: str, found: Sequence[dict], classes: Sequence[str]) -> np.ndarray:
        """log(1 + distinct phrases, each 1/k when k labels share it) per letter and class of `classes`; the
        unit a greeting names counts ADDRESSEE_WEIGHT for each department that lists the name."""
        out = np.zeros((len(found), len(classes)))
        column = {c: k for k, c in enumerate(classes)}
        share = self._share
        for i, hits in enumerate(found):
            for label, phrases in hits.get(head, {}).items():
                if label in column:
                    out[i, column[label]] = np.log1p(sum(share.get((p, head), 1.0) for p in phrases))
        return out

    def is_petition(self, text: str, found: dict) -> bool:
        """False for text with almost nothing a petition says (weather notes, a blank form, an advert)."""
        flat = _SPACE.sub("", text or "")
        hits = sum(1 for phrase in self.signal if phrase in flat)
        hits += sum(len(p) for labels in found.values() for p in labels.values())
        return hits >= self.min_signal
