"""The finer comparison of two letters and the decision: repeat of X, same matter as group G, or new.

MinHash only finds candidates; the decision weighs the text overlap with the entities a matter is
made of (places, units, amounts, years) and the demand, because a reworded or angrier second letter
keeps those while changing most sentences, and an unrelated letter from the same village shares the
village but not the factory, the amount or the demand.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from xinfang.matching.features import known_villages
from xinfang.matching.identity import Identity, compare
from xinfang.matching.stage import implication
from xinfang.matching.text import Entities, cited_dates, cosine, jaccard, sentences

# Logistic models fitted by classifier/repeats/calibrate.py on generated letters (seed 5, not the seeds
# the evaluation uses); the fit gave "conflict" a positive weight for one person's letters, which makes no
# sense (two letters naming different factories are not more alike), so it is set to 0 there. SAME_PERSON: two letters of one person, same matter or not. OTHER_PERSON: two
# letters of different people, same matter or not (hard negatives: same village, same kind of matter).
SAME_PERSON_MODEL = {"bias": -5.16, "terms": 5.99, "jaccard": 8.76, "entities": 0.84, "conflict": 0.0, "demand": 2.49,
                     "date_cited": 6.53, "place_conflict": -1.49}
OTHER_PERSON_MODEL = {"bias": -9.53, "terms": 19.27, "jaccard": 11.25, "entities": -0.53, "conflict": -1.29, "demand": 1.98,
                      "date_cited": 5.42, "place_conflict": -2.29}
REPEAT_MIN = 0.4          # P(same matter) for a repeat with a strong identity (身份证号, phone, same name)
REPEAT_MIN_WEAK = 0.8     # ... with a weak identity (name one character off; anonymous: same accused)
REPEAT_MIN_NAME = 0.9     # ... with the same name only (one letter gives no address)
SAME_MATTER_MIN = 0.95     # P(same matter) for letters of different people sharing only their village (seed 5)
SAME_MATTER_MIN_NAMED = 0.9  # ... that also name the same unit or amount, or are a copy of one text
_NUMBERS = re.compile(r"[0-9０-９][0-9０-９\s\-]{6,}")
WEIGHTS = {"units": 3.0, "places": 1.5, "amounts": 2.0, "years": 0.5}


@dataclass
class Candidate:
    """An earlier letter as the index stores it."""

    letter_id: int
    sig: np.ndarray
    identity: Identity
    entities: Entities
    text: str
    case_stage: str | None
    matter_group: int | None
    petitioner_id: int | None


@dataclass
class Decision:
    """One finding for a new letter; `to_link` gives the RepeatLink columns."""

    earlier_id: int
    kind: str  # repeat | same_matter
    score: float
    reason: dict = field(default_factory=dict)

    def to_link(self) -> dict:
        return {"earlier_id": self.earlier_id, "kind": self.kind, "score": round(float(self.score), 4),
                "reason": self.reason}


def entity_score(a: Entities, b: Entities) -> tuple[float, list[str]]:
    """Weighted share of the smaller letter's entities found in the other (a later letter adds details)."""
    shared_total = a_total = b_total = 0.0
    shared: list[str] = []
    for kind, weight in WEIGHTS.items():
        left, right = set(getattr(a, kind)), set(getattr(b, kind))
        common = left & right
        shared.extend(sorted(common))
        shared_total += weight * len(common)
        a_total += weight * len(left)
        b_total += weight * len(right)
    smaller = min(a_total, b_total)
    if smaller == 0:
        return 0.0, shared
    return min(1.0, shared_total / smaller), shared


def demand_score(a: Entities, b: Entities) -> float:
    if not a.demand or not b.demand:
        return 0.0
    return fuzz.ratio(a.demand, b.demand) / 100.0


def conflict(a: Entities, b: Entities) -> float:
    """Both letters name units (or amounts) and none agree: a sign of two different matters."""
    found = 0.0
    for kind in ("units", "amounts"):
        left, right = set(getattr(a, kind)), set(getattr(b, kind))
        if left and right and not left & right:
            found += 0.5
    return found


def pair_features(sig: np.ndarray, ents: Entities, cand: Candidate) -> dict[str, float]:
    ent, shared = entity_score(ents, cand.entities)
    return {"terms": cosine(ents.terms, cand.entities.terms), "jaccard": jaccard(sig, cand.sig),
            "entities": ent, "conflict": conflict(ents, cand.entities), "demand": demand_score(ents, cand.entities),
            "date_cited": float(bool(cited_dates(ents.dates) & set(cand.entities.dates))),
            "place_conflict": float(bool(ents.places and cand.entities.places
                                         and not set(ents.places) & set(cand.entities.places))),
            "shared": shared}


def _logistic(features: dict[str, float], model: dict[str, float]) -> float:
    z = model["bias"] + sum(weight * features[name] for name, weight in model.items() if name != "bias")
    return 1.0 / (1.0 + math.exp(-z))


def matter_score(sig: np.ndarray, ents: Entities, cand: Candidate, model: dict[str, float] | None = None,
                 ) -> tuple[float, dict]:
    """Probability that two letters are about the same matter (logistic model over pair features)."""
    feats = pair_features(sig, ents, cand)
    score = _logistic(feats, model or SAME_PERSON_MODEL)
    if set(ents.units) & set(cand.entities.units) and not feats["place_conflict"]:
        # A named factory, school or site in common, in the same words: the generated letters that fit
        # the models rarely name one, so the models cannot weigh it; neighbours about one factory do.
        score = max(score, min(1.0, 0.6 + feats["terms"]))
    detail = {k: round(v, 3) for k, v in feats.items() if k != "shared"}
    detail["shared_entities"] = feats["shared"][:8]
    return score, detail


def villages(identity: Identity, ents: Entities) -> set[str]:
    """Villages (not townships) a letter is about or written from: named in the text or the signers' address."""
    known = known_villages()
    found = {p for p in ents.places if p in known}
    for person in identity.people:
        found.update(p for p in person.places if p in known)
    return found


COPY_JACCARD = 0.5  # one text sent by two people (or accounts): a copy is its own anchor
SPECIFIC_UNIT = 4  # a unit name this long names one factory or site (宏达化工); shorter ones are template words


def same_matter_anchor(identity: Identity, ents: Entities, cand: Candidate) -> str | None:
    """The key entity that ties two different people's letters to one matter, or None.

    Text alone cannot tell one village's graveyard dispute from another's: letters of one kind reuse the
    same sentences. Neighbours about one matter live in (or name) the same village; people from several
    villages about one matter name the same company and amount. A shared short "unit" (物业, 整改) is a
    template word, not an anchor; two letters from different villages, or a letter without any village,
    need a named unit *and* an amount.
    """
    mine, theirs = villages(identity, ents), villages(cand.identity, cand.entities)
    shared = mine & theirs
    if shared:
        return "同村：" + sorted(shared)[0]
    units, amounts = _named(ents, cand.entities)
    if units and amounts:
        return "同一单位：" + sorted(units)[0]
    return None


def _named(a: Entities, b: Entities) -> tuple[set[str], set[str]]:
    """Unit names long enough to name one factory or site, and amounts, that both letters give."""
    return {u for u in set(a.units) & set(b.units) if len(u) >= SPECIFIC_UNIT}, set(a.amounts) & set(b.amounts)


def passages(text: str, earlier: str, limit: int = 2) -> list[list[str]]:
    """The sentence pairs that agree most, so a reviewer sees why two letters were matched."""
    # Sentences carrying a 身份证号 or phone number are never shown as evidence (masking, privacy).
    mine = [x for x in sentences(text) if not _NUMBERS.search(x)][:40]
    theirs = [x for x in sentences(earlier) if not _NUMBERS.search(x)][:60]
    if not mine or not theirs:
        return []
    pairs = []
    for sentence in mine:
        best = process.extractOne(sentence, theirs, scorer=fuzz.ratio)
        if best and best[1] >= 45:
            pairs.append((best[1], sentence[:80], best[0][:80]))
    pairs.sort(key=lambda p: -p[0])
    return [[a, b] for _, a, b in pairs[:limit]]


def decide(letter_id: int, text: str, identity: Identity, sig: np.ndarray, ents: Entities,
           candidates: list[Candidate], texts: Callable[[list[int]], dict[int, str]] | None = None,
           ) -> list[Decision]:
    """Repeats first (the earliest letter of this person's history on the matter), then one same-matter link."""
    repeats: list[tuple[float, Candidate, dict, tuple]] = []
    same: list[tuple[float, Candidate, dict]] = []
    for cand in candidates:
        if cand.letter_id == letter_id:
            continue
        who = compare(identity, cand.identity)
        score, detail = matter_score(sig, ents, cand, SAME_PERSON_MODEL if who else OTHER_PERSON_MODEL)
        if who is not None:
            needed = REPEAT_MIN if who[1] >= 0.8 else REPEAT_MIN_WEAK if who[1] >= 0.6 else REPEAT_MIN_NAME
            if score >= needed:
                repeats.append((score, cand, detail, who))
                continue
        if who is None and score >= SAME_MATTER_MIN_NAMED:
            anchor = "文本几乎相同" if detail["jaccard"] >= COPY_JACCARD else same_matter_anchor(identity, ents, cand)
            named = bool(anchor) and (not anchor.startswith("同村") or any(_named(ents, cand.entities)))
            if anchor and score >= (SAME_MATTER_MIN_NAMED if named else SAME_MATTER_MIN):
                detail["anchor"] = anchor
                same.append((score, cand, detail))
    chosen = [min(repeats, key=lambda r: r[1].letter_id)[1].letter_id] if repeats else []
    chosen += [max(same, key=lambda s: s[0])[1].letter_id] if same else []
    earlier_texts = texts(chosen) if texts and chosen else {}
    for cand in candidates:
        cand.text = earlier_texts.get(cand.letter_id, cand.text)
    decisions: list[Decision] = []
    if repeats:
        # The case is the earliest letter: its stage governs, and the chain stays one history.
        best_score = max(r[0] for r in repeats)
        _, cand, detail, who = min(repeats, key=lambda r: r[1].letter_id)
        reason = {"identity": who[0], "identity_strength": who[1], "person": who[2],
                  "passages": passages(text, cand.text), "matter_group": cand.matter_group,
                  "stage": cand.case_stage,
                  "stage_implication": implication(cand.case_stage, cand.letter_id, "repeat"),
                  "also_repeats": sorted(r[1].letter_id for r in repeats if r[1] is not cand)[:10], **detail}
        decisions.append(Decision(cand.letter_id, "repeat", best_score, reason))
    if same:
        score, cand, detail = max(same, key=lambda s: s[0])
        in_group = [s for s in same if s[1].matter_group == cand.matter_group]
        reason = {"identity": None, "passages": passages(text, cand.text), "matter_group": cand.matter_group,
                  "stage": cand.case_stage, "stage_implication": None,
                  "group_letters": sorted(s[1].letter_id for s in in_group)[:20], **detail}
        if not decisions or decisions[0].reason.get("matter_group") != cand.matter_group:
            decisions.append(Decision(cand.letter_id, "same_matter", score, reason))
    return decisions
