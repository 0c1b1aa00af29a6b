"""What a clerk knows before reading a single training letter, as cue phrases from the office file.

A model trained on generated letters only knows the generator's words; a clerk knows that 不服…判决 is an
appeal, that 低保 belongs to 民政局 and that a 村干部 matter goes to the township. The office file holds
that knowledge as data the office edits (sections `duties`, `category_cues`, `purpose_cues`, `locality`,
`not_petition`): phrases per label. Each letter gets, per head and label, log(1 + the distinct phrases
of that label found in it); the router blends these scores with the model's (weights fitted on real
held-out letters, classifier/calibration.py) and shows the phrases as the reasons for a suggestion. A phrase
that several labels of one head list (工资 for 人社局 and 组织部) counts 1/k for each of its k labels.

Matching is plain substring search over the letter with whitespace removed, so pre-segmented exports and
raw letters match alike, and OCR'd line breaks inside a phrase do not hide it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from xinfang.classifier.routing_table import Office

HEADS = ("category", "purpose", "department")
_SPACE = re.compile(r"\s+")


@dataclass
class Knowledge:
    """Cue phrases per head and label; `signal` phrases tell a petition from notes, forms and adverts."""

    cues: dict[str, dict[str, list[str]]] = field(default_factory=dict)   # head -> label -> phrases
    signal: list[str] = field(default_factory=list)
    min_signal: int = 2
    _index: dict[str, list[tuple[str, str]]] = field(default_factory=dict, repr=False)
    _share: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[str, str]]] = {}
        for head, labels in self.cues.items():
            for label, phrases in labels.items():
                for phrase in dict.fromkeys(phrases):
                    if phrase:
                        index.setdefault(phrase, []).append((head, label))
        self._index = index
        self._share = {(phrase, head): 1.0 / sum(1 for h, _ in targets if h == head)
                       for phrase, targets in index.items() for head, _ in targets}

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
        return cls(cues=cues, signal=list(gate.get("petition_cues", [])), min_signal=int(gate.get("min_signal", 2)))

    @property
    def empty(self) -> bool:
        return not self._index

    def found(self, text: str) -> dict[str, dict[str, list[str]]]:
        """head -> label -> the cue phrases present in `text`."""
        flat = _SPACE.sub("", text or "")
        out: dict[str, dict[str, list[str]]] = {}
        for phrase, targets in self._index.items():
            if phrase in flat:
                for head, label in targets:
                    out.setdefault(head, {}).setdefault(label, []).append(phrase)
        return out

    def scores(self, head: str, found: Sequence[dict], classes: Sequence[str]) -> np.ndarray:
        """log(1 + distinct phrases, each 1/k when k labels share it) per letter and class of `classes`."""
        out = np.zeros((len(found), len(classes)))
        column = {c: k for k, c in enumerate(classes)}
        share = self._share
        for i, hits in enumerate(found):
            for label, phrases in hits.get(head, {}).items():
                if label in column:
                    out[i, column[label]] = np.log1p(sum(share[(p, head)] for p in phrases))
        return out

    def is_petition(self, text: str, found: dict) -> bool:
        """False for text with almost nothing a petition says (weather notes, a blank form, an advert)."""
        flat = _SPACE.sub("", text or "")
        hits = sum(1 for phrase in self.signal if phrase in flat)
        hits += sum(len(p) for labels in found.values() for p in labels.values())
        return hits >= self.min_signal
