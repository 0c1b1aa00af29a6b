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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np
from rapidfuzz import fuzz, process

from xinfang.matching import kinds, matter
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
            "keywords_top", "target", "keywords_head", "rare_target", "building", "keywords_rare", "same_kind",
            "other_kind", "rare_kind")
# every feature `pair_features` computes (`target`: measured, in no model)
# One person: a follow-up cue (再次反映) is no matter evidence by itself (the same writer says it about another
# matter too), only with the same named things (followup_anchor, followup_all); a place conflict is left to
# the words, since one matter is often named two ways in real letters (a school by two names).
SAME_FEATURES = ("terms", "jaccard", "anchors", "anchors_n", "amounts", "date_cited", "gap", "followup_anchor",
                 "keywords_low", "keywords_high", "terms_high", "followup_all", "keywords_top")
# Different people: what one writer says about their own history (再次反映, the time since their last letter)
# says nothing about a neighbour's letter, so the other-person model sees only the matter, how rare the
# named thing they share is in the office's own letters, and whether the few words each letter is most
# about agree (neighbours on one lift both say 电梯, 停运, 维保 in their own words).
OTHER_FEATURES = ("terms", "jaccard", "anchors", "anchors_n", "amounts", "date_cited", "place_conflict",
                  "rare_target", "building", "keywords_rare", "keywords_head", "same_kind", "other_kind")
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
                  home: frozenset[str] = frozenset(), counts: dict[str, int] | None = None,
                  places: frozenset[str] = frozenset()) -> dict:
    """What two letters share as a matter: wording (terms, MinHash), named things, amounts, a cited date,
    the new letter's own words about its history, and the time between them. `home`: the places the
    writers live (their township and village): named in every letter they write, they tie no matter.
    `counts`: how many of the office's earlier letters name each place or unit of the new letter
    (`names_df.name_counts`); without them no shared name counts as rare. `places`: the county's villages."""
    other = cand.entities
    overlap, shared = matter.anchor_overlap(ents.anchors, other.anchors)
    # distinct named places and units both letters give, and the people both name with their role (包工头耿二虎)
    named = set(matter.key_anchors(shared, limit=10)) | (set(ents.people) & set(other.people))
    amounts = set(ents.amounts) & set(other.amounts)
    known_conflict = bool(ents.places and other.places and not set(ents.places) & set(other.places))
    conflict = known_conflict or matter.place_conflict(ents.anchors, other.anchors) > 0
    # each letter's matter words once (not the writers' home places), then compared three ways
    mine, theirs = matter.matter_words(ents.keywords, home), matter.matter_words(other.keywords, home)
    kw_low, kw_high, kw_shared = matter.keyword_overlap(mine, theirs)
    kw_top = matter.keywords_top(mine, theirs)
    terms_high = max(_term_containment(ents.terms, other.terms), _term_containment(other.terms, ents.terms))
    target = matter.shared_target(ents.anchors + ents.units, other.anchors + other.units, home)
    top_low, top_high, _ = matter.keyword_overlap(mine, theirs, top=KEYWORD_HEAD)
    both = set(other.anchors)  # written alike in both (园星城垃圾站 only "contains" the other's 垃圾站)
    names_here, names_there = ents.anchors + ents.units, other.anchors + other.units
    rare_target = None if target and two_firms(target, names_here, names_there) else target
    rare, rare_n = rare_shared([a for a in shared if a in both], rare_target, counts or {}, places)
    same_kind, other_kind = kinds.agreement(ents.kinds, other.kinds)
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
            # the firm, site, 小区 or official both name (neighbours write one firm's name differently)
            "target": float(target is not None),
            # how many of either letter's rarest words the other has: a re-ask keeps a few (五一桥, 廊桥, 商铺)
            "keywords_top": kw_top,
            # the few words each letter is most about (电梯 in a lift letter): the same for neighbours on one matter
            "keywords_head": top_high,
            # a firm, 小区 or site both name that few of the office's letters name: a clerk's "这个厂又有人来信"
            "rare_target": float(rare is not None),
            "building": float(any(_BUILDING.fullmatch(a) for a in shared)),  # 3栋, 5号楼 in both (with a 小区)
            # the words the letters are most about agree, counted only when a rare name ties them already
            "keywords_rare": top_high if rare is not None else 0.0,
            # what the letters complain of (漏水, 欠薪, 噪音…): one firm in a wage claim and a noise complaint is
            # two matters; with a rare name both give, the same kind is one matter in other words
            "same_kind": same_kind, "other_kind": other_kind,
            "rare_kind": same_kind if rare is not None else 0.0,
            "shared": shared[:6] + sorted(amounts)[:2], "shared_keywords": kw_shared[:8], "shared_target": target,
            "rare_name": rare, "rare_count": rare_n, "shared_area": shared_area(shared, (rare, target), places),
            "kinds": [k for k in ents.kinds if k in other.kinds]}


def shared_area(shared: list[str], names: Sequence[str | None] = (), places: frozenset[str] = frozenset()
                ) -> str | None:
    """A village or community both letters name (白岩村, 南关社区), the rarest first as `shared` comes; not the
    firm or site itself when its own name ends so (恒泰度假村 in `names`, the name that ties the letters), and,
    when the county's villages are known (`places`, without suffix), one of them."""
    for area in shared:
        if not area.endswith(_VILLAGE) or len(area) < 3 or any(n and (n in area or area in n) for n in names):
            continue
        if not places or area.removesuffix("社区").removesuffix("村") in places:
            return area
    return None


KEYWORD_HEAD = 5
RARE_COUNT = 3  # a name in at most this many of the office's earlier letters (the candidate among them) is rare
_BUILDING = re.compile(r"[0-9]{1,3}(?:栋|号楼|幢|单元)")
_NOT_FEATURES = ("shared", "shared_keywords", "shared_target", "rare_name", "rare_count", "kinds", "shared_area")


def name_count(name: str, counts: dict[str, int]) -> int | None:
    """Earlier letters naming `name`: the count of the new letter's own keyed name that starts with it (恒泰
    begins 恒泰建材厂: a firm's own name comes first), the least when several do; None when the new letter keys
    no such name. A name inside another (股份有限公司 in 隆昌文旅股份有限公司) is the common part, not the name."""
    found = [n for keyed, n in counts.items() if keyed.startswith(name)]
    return min(found) if found else None


def _proper(name: str, places: frozenset[str]) -> bool:
    """A proper name (恒泰…, 鑫泰化工, 天誉华府): characters no dictionary word holds, side by side (jieba cuts an
    unknown name into single characters), none of them a function character such as 上 or 过; not a phrase of
    dictionary words, however rare, that a template or the extractor turns into a name (两所学校, 公交线路,
    随迁子女, 查处…), and not one of the county's villages (小王庄: an area). Firms named with dictionary words
    (宏达, 远航) are missed: a shared name must be safe before it may tie two strangers' letters."""
    if name in places or any(name.startswith(p) and len(name) - len(p) <= 1 for p in places):
        return False
    tokens = jieba.lcut(name, HMM=False)
    if len(tokens[0]) > 1 and matter.idf(tokens[0]) < matter.COMMON_IDF:
        return False
    idfs = [matter.idf(t) for t in tokens]
    if any(len(t) == 1 and v < FUNCTION_CHAR_IDF for t, v in zip(tokens, idfs, strict=True)):
        return False
    worded = _corpus_words(tokens)
    for i, (a, b) in enumerate(zip(tokens, tokens[1:], strict=False)):
        if len(a) == 1 and len(b) == 1 and max(matter.idf(a), matter.idf(b)) >= PROPER_CHAR_IDF and not (
                worded[i] or worded[i + 1]) and not (BROKEN_WORDS and _broken(a, b, first=i == 0)):
            return True
    return FIRM_NAMES and _firm_name(tokens)


def _corpus_words(tokens: list[str]) -> list[bool]:
    """Which single characters jieba left alone form, with a neighbour, a word of the general corpus (普|惠 in
    普惠性幼儿园: a policy term all over the mail, not a firm's name nobody else uses)."""
    worded = [False] * len(tokens)
    for i, (a, b) in enumerate(zip(tokens, tokens[1:], strict=False)):
        if len(a) == 1 and len(b) == 1 and matter.idf(a + b) < matter.NAME_IDF:
            worded[i] = worded[i + 1] = True
    return worded


def _broken(a: str, b: str, first: bool) -> bool:
    """Two single characters only just rare enough that are pieces of words, not a name: both verbs (排|进
    from 直接排进, 充|装, 考|进), or a name opening with the second half of an adverb or conjunction whose
    first half is a character the name scan stops on (实|清 from 其实清河: the scan stopped on 其). Rarer
    characters (恒泰, 天誉, 鑫泰) are names whatever their part of speech."""
    if max(matter.idf(a), matter.idf(b)) >= BROKEN_IDF:
        return False
    tags = _pos_tags()
    return (tags.get(a) == "v" and tags.get(b) == "v") or (first and _closes_adverb(a))


@lru_cache(maxsize=4096)
def _closes_adverb(char: str) -> bool:
    """`char` ends a common adverb or conjunction that starts with a stop character of the name scan (其实)."""
    tags = _pos_tags()
    return any(tags.get(s + char, "")[:1] in ("d", "c") and matter.idf(s + char) < matter.COMMON_IDF
               for s in matter._STOP)


_pos_tags = matter.pos_tags  # one table, shared with the name scan


def preload() -> None:
    """Load the tables pair scoring reads lazily, in the worker's parent before rq forks: left to the first
    borderline pair, every work horse paid the load of jieba's part-of-speech dictionary (about a second) and
    kept its own copy instead of sharing the parent's."""
    _pos_tags()


BROKEN_WORDS = True
BROKEN_IDF = 8.5  # the rarer of the two characters below this: a borderline "name" that may be pieces of words


def _firm_name(tokens: list[str]) -> bool:
    """A firm's name made of a dictionary word and its trade (宏达|化工, 远航|建材|有限公司): firms name
    themselves with auspicious words (宏达, 昌盛, 远航) that jieba knows, so only the trade word after one
    that is not a common word (光明, 东方, 发展 are) makes it a name rather than a phrase."""
    return (len(tokens) >= 2 and len(tokens[0]) >= 2 and matter.idf(tokens[0]) >= FIRM_WORD_IDF
            and tokens[1] in _TRADES)


FIRM_NAMES = True
_GENERIC_TRADES = frozenset({"公司", "有限公司", "集团"})  # any firm's form, not its line of business


def _trades_after(core: str, names: list[str]) -> set[str]:
    """The line of business written right after `core` in these names (瑞丰|化肥|公司 -> 化肥)."""
    found = set()
    for name in names:
        at = name.find(core)
        rest = name[at + len(core):] if at >= 0 else ""
        head = jieba.lcut(rest, HMM=False)[:1] if rest else []
        if head and head[0] in _TRADES and head[0] not in _GENERIC_TRADES:
            found.add(head[0])
    return found


def two_firms(core: str, a_names: list[str], b_names: list[str]) -> bool:
    """One firm's name in two trades (瑞丰化肥公司 / 瑞丰机械有限公司) is two firms: a common first word is no
    shared name when each letter gives its firm another line of business."""
    here, there = _trades_after(core, a_names), _trades_after(core, b_names)
    return bool(here and there and not here & there)
FIRM_WORD_IDF = 9.0
_TRADES = frozenset({"化工", "建材", "水泥", "砖厂", "矿业", "机械", "食品", "纺织", "物流", "置业", "地产", "房地产",
                     "建筑", "劳务", "养殖", "实业", "石料", "冶炼", "造纸", "纸业", "塑料", "木业", "混凝土",
                     "搅拌站", "商贸", "物业", "公司", "有限公司", "集团", "化肥", "制药", "药业", "钢铁", "陶瓷",
                     "农业", "科技", "电子", "化纤", "印染", "皮革", "家具", "酒业", "运输", "客运", "驾校"})


PROPER_CHAR_IDF = 7.5    # two single characters side by side, one this rare: a name jieba does not know (恒泰, 天誉)
FUNCTION_CHAR_IDF = 4.5  # a character this common inside (上, 过, 的) makes the "name" a phrase


def rare_shared(shared: list[str], target: str | None, counts: dict[str, int],
                places: frozenset[str] = frozenset()) -> tuple[str | None, int | None]:
    """The rarest firm, 小区, site or road both letters name (not a village or other area: one village holds
    many matters), with its count in the office's letters, when it is at most `RARE_COUNT`; else (None, None)."""
    names = [a for a in shared if _specific(a) and not a.endswith(_AREA) and not _BUILDING.fullmatch(a)]
    names += [target] if target else []
    best: tuple[int, str] | None = None
    for name in (n for n in names if _proper(n, places)):
        n = name_count(name, counts)
        if n is not None and n <= RARE_COUNT and (best is None or (n, -len(name)) < (best[0], -len(best[1]))):
            best = (n, name)
    return (best[1], best[0]) if best else (None, None)


def _term_containment(a: dict[str, float], b: dict[str, float], top: int = 20) -> float:
    """Weighted share of `a`'s heaviest bigrams that `b` also has among its own."""
    head = sorted(a.items(), key=lambda item: -item[1])[:top]
    total = sum(w for _, w in head)
    return sum(w for g, w in head if g in b) / total if total else 0.0


def _logistic(features: dict[str, float], model: dict[str, float]) -> float:
    z = model["bias"] + sum(weight * features[name] for name, weight in model.items() if name != "bias")
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def matter_score(sig: np.ndarray, ents: Entities, cand: Candidate, kind: str = "same_person",
                 gap: float | None = None, home: frozenset[str] = frozenset(),
                 counts: dict[str, int] | None = None, places: frozenset[str] = frozenset()) -> tuple[float, dict]:
    """Probability that two letters are about the same matter (logistic model over pair features)."""
    feats = pair_features(sig, ents, cand, gap, home, counts, places)
    score = _logistic(feats, models()[kind])
    detail = {k: round(v, 3) for k, v in feats.items() if k not in _NOT_FEATURES}
    detail["shared_entities"] = feats["shared"]
    detail["shared_keywords"] = feats["shared_keywords"]
    detail["shared_target"] = feats["shared_target"]
    if feats["rare_name"]:
        detail.update(rare_name=feats["rare_name"], rare_count=feats["rare_count"])
    if feats["kinds"]:
        detail["kinds"] = feats["kinds"]
    if feats["shared_area"]:
        detail["shared_area"] = feats["shared_area"]
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
    if detail.get("rare_name"):  # neighbours from two villages about one firm: the firm, rare in the office's mail
        return "同一对象：" + str(detail["rare_name"])
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


_VILLAGE = ("村", "社区")  # one village or community; a 组 (三组) recurs in every village, a 街道 or 镇 holds many
_AREA = (*_VILLAGE, "组", "街道", "镇", "乡")


def area_only(anchor: str) -> bool:
    """A shared village or community alone: one village holds many matters of one kind (two graveyard
    disputes, two wage claims), so it needs more agreement than a shared site, firm or 小区."""
    return anchor.startswith("同村") or (anchor.startswith("同一地点") and anchor.endswith(_AREA))


def anchor_tier(anchor: str, places: frozenset[str] = frozenset()) -> str:
    """How much an anchor says on its own, for the cut it needs: `named` (a proper name of a firm, 小区 or
    site: 恒泰, 宏达化工, 潇楚佳苑), `area` (a village or community alone) or `other` (a phrase the name scan
    took for a place, a copied text). A clerk groups two strangers' letters on a proper name with little more
    agreement; on a village or a mere phrase they must read much the same."""
    if area_only(anchor):
        return "area"
    kind, _, name = anchor.partition("：")
    if kind == "同一对象" or (kind in ("同一地点/单位", "同一单位") and name and _proper(name, places)):
        return "named"
    return "other"


def link_tier(anchor: str, detail: dict, places: frozenset[str] = frozenset()) -> str:
    """`anchor_tier`, with `named_kind` for a proper name both letters give when they also complain of the same
    kind of thing (`kinds`: both about 欠薪, both about 漏水): the firm and what it did agree, however worded;
    and `named_kind_area` when both letters also name one village or community (`shared_area`): neighbours
    about one factory. On real messages a proper name and a complaint kind in common are one matter only now
    and then (a city-wide developer draws many complaints of one kind); in one village they usually are."""
    tier = anchor_tier(anchor, places)
    if tier != "named" or not detail.get("same_kind"):
        return tier
    return "named_kind_area" if detail.get("shared_area") else "named_kind"


_NAMED_TIERS = ("named", "named_kind", "named_kind_area")  # each narrower than the one before it


def tier_cut(tier: str, cut: dict) -> float:
    """The same-matter cut for an anchor's tier (`link_tier`); a file without a named tier's own cut gives it
    the next broader tier's."""
    if tier == "area":
        return float(cut["same_matter_min_area"])
    value = cut["same_matter_min"]
    for name in _NAMED_TIERS[:_NAMED_TIERS.index(tier) + 1] if tier in _NAMED_TIERS else ():
        value = cut.get(f"same_matter_min_{name}", value)
    return float(value)


def _passes(score: float, tier: str, cut: dict) -> bool:
    return score >= tier_cut(tier, cut)


def _specific(anchor: str) -> bool:
    """A name that points at one place or unit (锦绣家园, 鑫泰化工厂, 28路), not a kind of place (小区)."""
    return len(anchor) >= 3 and matter.idf(anchor) >= SPECIFIC_IDF


SPECIFIC_IDF = 9.0
SPECIFIC_UNIT = 4  # a unit name this long names one factory or site (宏达化工); shorter ones are template words


def _named(a: Entities, b: Entities) -> tuple[set[str], set[str]]:
    """Unit names long enough to name one factory or site, and amounts, that both letters give."""
    return {u for u in set(a.units) & set(b.units) if len(u) >= SPECIFIC_UNIT}, set(a.amounts) & set(b.amounts)


def explain(reason: dict, words: int = 5) -> str:
    """Why two people's letters are shown as one matter, in the words a reviewer reads: the person a
    relative writes for, the named thing both give, and the matter's words both use."""
    parts: list[str] = []
    anchor = str(reason.get("anchor") or "")
    if anchor.startswith("代亲属"):
        parts.append(f"代亲属反映（{reason.get('identity') or '同一家庭'}）")
    elif anchor == "文本几乎相同":
        parts.append("两封信文字几乎相同")
    elif anchor.startswith("同一对象") and reason.get("rare_count") is not None:
        name = anchor.partition("：")[2]
        count = int(reason["rare_count"])  # 0: the candidate wrote the name another way (恒泰新型建材 / 恒泰建材厂)
        parts.append(f"两信均反映 {name}（本办此前仅 {count} 封信提到）" if count else f"两信均反映 {name}（本办以往来信中罕见）")
    elif anchor:
        kind, _, name = anchor.partition("：")
        parts.append(f"{'同一村/社区' if kind == '同村' else '都点名'}：{name}")
    area = reason.get("shared_area") if anchor.startswith(("同一对象", "同一地点", "同一单位")) else None
    if area and area not in anchor:
        parts.append(f"同一村/社区：{area}")
    if reason.get("same_kind") and reason.get("kinds"):
        parts.append("同类诉求：" + "、".join(reason["kinds"]))
    target = reason.get("shared_target")
    if target and target not in anchor:
        parts.append(f"同一对象：{target}")
    shown = [w for w in reason.get("shared_keywords") or [] if w not in anchor and w != target][:words]
    if shown:
        parts.append("共同要点：" + "、".join(shown))
    return "；".join(parts)


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
           received: date | None = None, known_villages: frozenset[str] = frozenset(),
           name_counts: dict[str, int] | None = None) -> list[Decision]:
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
        score, detail = matter_score(sig, ents, cand, "other_person", gap, home_places(identity, cand.identity),
                                     name_counts, known_villages)
        if score < min(tier_cut(tier, cut) for tier in ("other", *_NAMED_TIERS)):
            continue
        anchor = same_matter_anchor(identity, ents, cand, detail, known_villages)
        if anchor and _passes(score, link_tier(anchor, detail, known_villages), cut):
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
        reason["explanation"] = explain(reason)
        if not decisions or decisions[0].reason.get("matter_group") != cand.matter_group:
            decisions.append(Decision(cand.letter_id, "same_matter", score, reason))
    return decisions
