"""The finer comparison of two letters and the decision: repeat of X, same matter as group G, or new.

MinHash only finds candidates; the decision weighs what a matter is made of (the named 小区, village,
road, firm or person, amounts, a cited date), what the new letter says about its history (再次反映 / 这回
不是…的事) and the time between the letters, because a reworded or angrier second letter keeps those while
changing most sentences, and another matter of the same person or village does not.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from xinfang.matching import matter
from xinfang.matching.identity import Identity, compare
from xinfang.matching.stage import implication
from xinfang.matching.text import Entities, cites, cosine, jaccard, sentences

MODELS_FILE = Path(__file__).with_name("pair_models.json")


@lru_cache(maxsize=1)
def models() -> dict:
    """The two pair models and their thresholds, written by `python -m bench.repeats_fit` (see that file
    for the pairs they are fitted on). SAME_PERSON: two letters of one person, same matter or not.
    OTHER_PERSON: two letters of different people (hard negatives: template letters about another 小区)."""
    return json.loads(MODELS_FILE.read_text(encoding="utf-8"))


_NUMBERS = re.compile(r"[0-9０-９][0-9０-９\s\-]{6,}")
FEATURES = ("terms", "jaccard", "anchors", "anchors_n", "amounts", "date_cited", "followup", "new_matter",
            "place_conflict", "gap", "followup_anchor", "keywords_low", "keywords_high", "terms_high", "followup_all",
            "keywords_top")
# One person: a follow-up cue (再次反映) is no matter evidence by itself (the same writer says it about another
# matter too), only with the same named things (followup_anchor, followup_all); a place conflict is left to
# the words, since one matter is often named two ways in real letters (a school by two names).
SAME_FEATURES = ("terms", "jaccard", "anchors", "anchors_n", "amounts", "date_cited", "gap", "followup_anchor",
                 "keywords_low", "keywords_high", "terms_high", "followup_all", "keywords_top")
# Different people: what one writer says about their own history (再次反映, the time since their last letter)
# says nothing about a neighbour's letter, so the other-person model sees only the matter.
OTHER_FEATURES = ("terms", "jaccard", "anchors", "anchors_n", "amounts", "date_cited", "place_conflict")
MODEL_FEATURES = {"same_person": SAME_FEATURES, "other_person": OTHER_FEATURES}


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
    received: date | None = None


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


def gap_days(new: date | None, old: date | None) -> float | None:
    return abs((new - old).days) if new and old else None


def pair_features(sig: np.ndarray, ents: Entities, cand: Candidate, gap: float | None = None,
                  home: frozenset[str] = frozenset()) -> dict:
    """What two letters share as a matter: wording (terms, MinHash), named things, amounts, a cited date,
    the new letter's own words about its history, and the time between them. `home`: the places the
    writers live (their township and village): named in every letter they write, they tie no matter."""
    other = cand.entities
    overlap, shared = matter.anchor_overlap(ents.anchors, other.anchors)
    named = set(matter.key_anchors(shared, limit=10))  # distinct named places and units both letters give
    amounts = set(ents.amounts) & set(other.amounts)
    known_conflict = bool(ents.places and other.places and not set(ents.places) & set(other.places))
    conflict = known_conflict or matter.place_conflict(ents.anchors, other.anchors) > 0
    kw_low, kw_high, kw_shared = matter.keyword_overlap(ents.keywords, other.keywords, home)
    kw_top = matter.keywords_top(ents.keywords, other.keywords, home)
    terms_high = max(_term_containment(ents.terms, other.terms), _term_containment(other.terms, ents.terms))
    return {"terms": cosine(ents.terms, other.terms), "jaccard": jaccard(sig, cand.sig),
            "anchors": overlap, "anchors_n": min(3, len(named)) / 3, "amounts": float(bool(amounts)),
            "date_cited": float(cites(ents, other)),
            "followup": float(ents.followup), "new_matter": float(ents.new_matter),
            "place_conflict": float(conflict),
            "gap": 0.5 if gap is None else min(1.0, math.log1p(gap) / math.log1p(1000)),
            # "I wrote before" and the same place named: the follow-up is about this earlier letter
            "followup_anchor": float(ents.followup) * min(3, len(named)) / 3,
            # the rarer words both letters use, whatever the order: a rewording keeps them
            "keywords_low": kw_low, "keywords_high": kw_high, "terms_high": terms_high,
            # a short, angry follow-up keeps little wording but says it follows up and names nothing new
            "followup_all": float(ents.followup and overlap >= 0.99 and not conflict
                                  and any(not any(h in a for h in home) for a in named)),
            # how many of either letter's rarest words the other has: a re-ask keeps a few (五一桥, 廊桥, 商铺)
            "keywords_top": kw_top,
            "shared": shared[:6] + sorted(amounts)[:2], "shared_keywords": kw_shared[:8]}


def _term_containment(a: dict[str, float], b: dict[str, float], top: int = 20) -> float:
    """Weighted share of `a`'s heaviest bigrams that `b` also has among its own."""
    head = sorted(a.items(), key=lambda item: -item[1])[:top]
    total = sum(w for _, w in head)
    return sum(w for g, w in head if g in b) / total if total else 0.0


def _logistic(features: dict[str, float], model: dict[str, float]) -> float:
    z = model["bias"] + sum(weight * features[name] for name, weight in model.items() if name != "bias")
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def matter_score(sig: np.ndarray, ents: Entities, cand: Candidate, kind: str = "same_person",
                 gap: float | None = None, home: frozenset[str] = frozenset()) -> tuple[float, dict]:
    """Probability that two letters are about the same matter (logistic model over pair features)."""
    feats = pair_features(sig, ents, cand, gap, home)
    score = _logistic(feats, models()[kind])
    detail = {k: round(v, 3) for k, v in feats.items() if k not in ("shared", "shared_keywords")}
    detail["shared_entities"] = feats["shared"]
    detail["shared_keywords"] = feats["shared_keywords"]
    return score, detail


def home_places(*identities: Identity) -> frozenset[str]:
    """Where the signers of these letters live (their township and village, as the fields give them)."""
    return frozenset(p for identity in identities for person in identity.people for p in person.places if p)


def villages(identity: Identity, ents: Entities, known: frozenset[str]) -> set[str]:
    """Villages (not townships) a letter is about or written from: named in the text or the signers' address."""
    found = {p for p in ents.places if p in known}
    for person in identity.people:
        found.update(p for p in person.places if p in known)
    return found


COPY_JACCARD = 0.5  # one text sent by two people (or accounts): a copy is its own anchor
def same_matter_anchor(identity: Identity, ents: Entities, cand: Candidate, detail: dict,
                       known_villages: frozenset[str] = frozenset()) -> str | None:
    """The named thing that ties two different people's letters to one matter, or None.

    Text alone cannot tell one 小区's garbage station from another's: template letters reuse the same
    sentences. Neighbours about one matter name the same village, 小区, road, firm or site; a near-copy of
    one text is its own anchor. Two letters naming different places are two matters, however alike.
    """
    if detail["place_conflict"]:
        return None  # a template letter about another 小区 or village is not the same matter, however alike
    named_here = {p for p in ents.places if p in known_villages}
    named_there = {p for p in cand.entities.places if p in known_villages}
    if named_here and named_there and not named_here & named_there:
        return None  # the letters are about two villages (where the writers live may differ on one matter)
    mine, theirs = villages(identity, ents, known_villages), villages(cand.identity, cand.entities, known_villages)
    if mine & theirs:
        return "同村：" + sorted(mine & theirs)[0]
    named = [a for a in matter.anchor_overlap(ents.anchors, cand.entities.anchors)[1] if _specific(a)]
    if named:  # a site, firm or 小区 rather than only the village, when the letters name one
        return "同一地点/单位：" + sorted(named, key=lambda a: (a.endswith(_AREA), -matter.idf(a)))[0]
    units, amounts = _named(ents, cand.entities)
    if units and amounts:
        return "同一单位：" + sorted(units)[0]
    if detail["jaccard"] >= COPY_JACCARD and not (mine and theirs):
        return "文本几乎相同"  # one text sent twice; from two villages it may be a template about each
    return None


_AREA = ("村", "组", "社区", "街道", "镇", "乡")


def _area_only(anchor: str) -> bool:
    """A shared village or community alone: one village holds many matters of one kind (two graveyard
    disputes, two wage claims), so it needs more agreement than a shared site, firm or 小区."""
    return anchor.startswith("同村") or (anchor.startswith("同一地点") and anchor.endswith(_AREA))


def _specific(anchor: str) -> bool:
    """A name that points at one place or unit (锦绣家园, 鑫泰化工厂, 28路), not a kind of place (小区)."""
    return len(anchor) >= 3 and matter.idf(anchor) >= SPECIFIC_IDF


SPECIFIC_IDF = 9.0
SPECIFIC_UNIT = 4  # a unit name this long names one factory or site (宏达化工); shorter ones are template words


def _named(a: Entities, b: Entities) -> tuple[set[str], set[str]]:
    """Unit names long enough to name one factory or site, and amounts, that both letters give."""
    return {u for u in set(a.units) & set(b.units) if len(u) >= SPECIFIC_UNIT}, set(a.amounts) & set(b.amounts)


def passages(text: str, earlier: str, limit: int = 2) -> list[list[str]]:
    """The sentence pairs that agree most, so a reviewer sees why two letters were matched."""
    # Sentences carrying a 身份证号 or phone number are never shown as evidence (masking, privacy).
    # Bounded: at most 40 x 60 sentences of at most 120 characters (a letter without punctuation is one
    # "sentence" of 200,000 characters, and comparing those is quadratic).
    mine = [x[:120] for x in sentences(text[:matter.MAX_CHARS]) if not _NUMBERS.search(x[:120])][:40]
    theirs = [x[:120] for x in sentences(earlier[:matter.MAX_CHARS]) if not _NUMBERS.search(x[:120])][:60]
    if not mine or not theirs:
        return []
    pairs = []
    for sentence in mine:
        best = process.extractOne(sentence, theirs, scorer=fuzz.ratio)
        if best and best[1] >= 45:
            pairs.append((best[1], sentence[:80], best[0][:80]))
    pairs.sort(key=lambda p: -p[0])
    return [[a, b] for _, a, b in pairs[:limit]]


def _threshold(strength: float, cut: dict) -> float:
    if strength >= 0.8:
        return cut["repeat_min"]
    if strength >= 0.6:
        return cut["repeat_min_weak"]
    return cut["repeat_min_name"]


def decide(letter_id: int, text: str, identity: Identity, sig: np.ndarray, ents: Entities,
           candidates: list[Candidate], texts: Callable[[list[int]], dict[int, str]] | None = None,
           received: date | None = None, known_villages: frozenset[str] = frozenset()) -> list[Decision]:
    """Repeats first (the best-matching letter of this person's history), then one same-matter link.

    Same person (身份证号, phone, name with place): a repeat when the matter model agrees; a letter that
    says it is about another matter is not one unless it is a near-copy. A relative writing for the
    petitioner (代亲属反映) and different people on one matter are same-matter links, which need an anchor.
    """
    cut = models()["thresholds"]
    repeats: list[tuple[float, Candidate, dict, tuple]] = []
    same: list[tuple[float, Candidate, dict]] = []
    for cand in candidates:
        if cand.letter_id == letter_id:
            continue
        who = compare(identity, cand.identity)
        gap = gap_days(received, cand.received)
        relative = who is not None and who[0].startswith("代亲属")
        if who is not None:  # one person, or one household (a son writing for his father): its history
            score, detail = matter_score(sig, ents, cand, "same_person", gap, home_places(identity, cand.identity))
            if ents.new_matter and detail["jaccard"] < COPY_JACCARD:
                continue
            if not relative and score >= _threshold(who[1], cut):
                repeats.append((score, cand, detail, who))
            elif relative and score >= cut["relative_min"]:
                detail.update(anchor="代亲属反映", identity=who[0])
                same.append((score, cand, detail))
            continue
        score, detail = matter_score(sig, ents, cand, "other_person", gap, home_places(identity, cand.identity))
        if score < cut["same_matter_min"]:
            continue
        anchor = same_matter_anchor(identity, ents, cand, detail, known_villages)
        if anchor and (score >= cut["same_matter_min_area"] or not _area_only(anchor)):
            detail["anchor"] = anchor
            same.append((score, cand, detail))
    if repeats:  # the case is the earliest letter of the best-matching history: its stage governs
        best = max(repeats, key=lambda r: r[0])
        history = [r for r in repeats if r[1].matter_group is not None and r[1].matter_group == best[1].matter_group]
        repeats = [min(history, key=lambda r: r[1].letter_id) if history else best] + [
            r for r in repeats if r is not best and r not in history]
    chosen = [repeats[0][1].letter_id] if repeats else []
    chosen += [max(same, key=lambda s: s[0])[1].letter_id] if same else []
    earlier_texts = texts(chosen) if texts and chosen else {}
    for cand in candidates:
        cand.text = earlier_texts.get(cand.letter_id, cand.text)
    decisions: list[Decision] = []
    if repeats:
        score, cand, detail, who = repeats[0]
        reason = {"identity": who[0], "identity_strength": who[1], "person": who[2],
                  "passages": passages(text, cand.text), "matter_group": cand.matter_group,
                  "stage": cand.case_stage,
                  "stage_implication": implication(cand.case_stage, cand.letter_id, "repeat"),
                  "also_repeats": sorted(r[1].letter_id for r in repeats if r[1] is not cand)[:10], **detail}
        decisions.append(Decision(cand.letter_id, "repeat", max(r[0] for r in repeats), reason))
    if same:
        score, cand, detail = max(same, key=lambda s: s[0])
        in_group = [s for s in same if s[1].matter_group == cand.matter_group]
        reason = {"identity": detail.pop("identity", None), "passages": passages(text, cand.text),
                  "matter_group": cand.matter_group, "stage": cand.case_stage, "stage_implication": None,
                  "group_letters": sorted(s[1].letter_id for s in in_group)[:20], **detail}
        if not decisions or decisions[0].reason.get("matter_group") != cand.matter_group:
            decisions.append(Decision(cand.letter_id, "same_matter", score, reason))
    return decisions
