"""Fit the two pair models of `matching/score.py` and write `matching/pair_models.json` (reproducible).

    .venv/bin/python -m bench.repeats_fit            # fit, print the held-out figures, write the file
    .venv/bin/python -m bench.repeats_fit --check    # only print the figures of the committed file

Pairs (ids and labels in tests/fixtures, texts read from `../shared/data/teddy2020c`, never copied):
- SAME_PERSON: the hand-labelled same-user pairs of the 泰迪杯 messages (`teddy_same_user_pairs.csv`,
  `split == fit` only: users whose id ends in 0-4), plus same-person pairs of generated letters (seed 5).
- OTHER_PERSON: the hand-labelled cross-user pairs (`teddy_cross_user_pairs.csv`, `fit` split), plus
  different-person pairs of generated letters in one village (hard negatives) and random pairs.
The thresholds are the lowest scores that keep precision ≥ `TARGET_PRECISION` on the fitting pairs (for
other people, among the pairs that have a same-matter anchor: only those can be linked).
The `test` split and the blind letters are never used here except to print the held-out figures.
The output is eleven numbers per model: a calibration of hand-chosen features, not a text model.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import random
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from bench.repeats_eval import SAMPLE_PLACES, truth_fields
from xinfang.matching import matter
from xinfang.matching.features import Features, compute, gazetteer
from xinfang.matching.identity import compare
from xinfang.matching.names_df import COUNT_CAP, unit_names
from xinfang.matching.score import (
    FEATURES,
    MODEL_FEATURES,
    MODELS_FILE,
    Candidate,
    home_places,
    link_tier,
    models,
    pair_features,
    same_matter_anchor,
    tier_cut,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "teddy2020c"
FIXTURES = ROOT / "tests" / "fixtures"
TARGET_PRECISION = {"same_person": 0.97, "other_person": 0.97}
GENERATED_SAME_MATTER_PRECISION = 0.99
# The generator's letters of one person about two matters often mention the other matter in passing, so
# a few of its "other matter" pairs are the same matter in fact: its pairs bound the cut at a lower precision.
GENERATED_SAME_PERSON_PRECISION = 0.97
GENERATED_WEIGHT = 0.3  # generated pairs inform the fit, the real pairs lead it
STRONG = 0.8  # identity strength from which `repeat_min` applies (score._threshold)
WEAK_PRECISION = 0.97  # a repeat on a weaker identity, on generated letters (the only ones with such pairs)
REGULARISATION = 3.0  # chosen by grouped 5-fold CV on the fit split (recall at precision 0.95); 1.0 underfits


@dataclass
class Message:
    user: str
    time: datetime
    text: str


def _when(raw: str) -> datetime:
    """Both files' time formats (2019/4/25 9:32:09 and 2019-04-08 08:37:20)."""
    day, _, clock = raw.strip().replace("/", "-").partition(" ")
    y, m, d = (int(x) for x in day.split("-"))
    hh, mm, ss = ((int(x) for x in clock.split(":")) if clock else (0, 0, 0))
    return datetime(y, m, d, hh, mm, ss)


def load_messages() -> dict[tuple[str, str], Message]:
    out: dict[tuple[str, str], Message] = {}
    for source in ("replies", "dev"):
        path = DATA / f"{source}.csv"
        if not path.exists():
            raise SystemExit(f"泰迪杯 data not found at {path}: run from a worktree beside ../shared/data")
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                stamp = _when(row["time"])
                out[(source, row["id"].strip())] = Message(row["user"], stamp, f"{row['title']}。{row['text']}")
    return out


def _fields(user: str) -> dict:
    """The platform's user id stands for the identity (as a phone): the features see no names."""
    return {"phone": {"value": f"139{zlib.crc32(user.encode()) % 10**8:08d}"}}


class FeatureCache:
    def __init__(self, messages: dict[tuple[str, str], Message]) -> None:
        self.messages, self.cache = messages, {}
        self._counts: NameCounts | None = None

    def counts(self, key: tuple[str, str]) -> dict[str, int]:
        """Names of this message counted over every earlier message of both files (one office's mail)."""
        if self._counts is None:
            self._counts = NameCounts([((m.time, k), self(k)) for k, m in self.messages.items()])
        return self._counts((self.messages[key].time, key), self(key))

    def __call__(self, key: tuple[str, str]) -> Features:
        if key not in self.cache:
            msg = self.messages[key]
            self.cache[key] = compute(msg.text, _fields(msg.user))
        return self.cache[key]


class NameCounts:
    """The office's index replayed over a corpus: how many earlier letters name each place or unit of a
    letter, as `names_df.name_counts` reads it from `repeat_keys` (same names, same cap)."""

    def __init__(self, letters: list[tuple[tuple, Features]]) -> None:
        self.by_name: dict[str, list[tuple]] = {}
        for when, feats in letters:
            for name in set(unit_names(feats).values()):
                self.by_name.setdefault(name, []).append(when)
        for stamps in self.by_name.values():
            stamps.sort()

    def __call__(self, when: tuple, feats: Features) -> dict[str, int]:
        return {name: min(COUNT_CAP, bisect.bisect_left(self.by_name.get(name, []), when))
                for name in unit_names(feats).values()}


TIERS = {"other": 1.0, "area": 2.0, "named": 3.0, "named_kind": 4.0, "named_kind_area": 5.0}  # the last column of a pair row (0: no anchor)


def pair_row(new: Features, old: Features, gap: float | None,
             known_villages: frozenset[str] = frozenset(), counts: dict[str, int] | None = None) -> list[float]:
    """The model features, then one more column: 0 when the pair has no same-matter anchor, else its
    `TIERS` value (`score.link_tier`: 1 a name or copy, 2 a shared village only, 3 a proper name, 4 with the
    same kind of complaint, 5 and one village both name; not a feature: the same-matter thresholds are chosen
    per tier among anchored pairs, since only those can be linked). `known_villages`: the county's villages,
    as the pipeline passes them (generated letters; the 泰迪杯 messages have no gazetteer)."""
    cand = Candidate(0, old.sig, old.identity, old.entities, "", None, None, None)
    values = pair_features(new.sig, new.entities, cand, gap, home_places(new.identity, old.identity), counts,
                           known_villages)
    anchor = same_matter_anchor(new.identity, new.entities, cand, values, known_villages)
    anchored = 0.0 if anchor is None else TIERS[link_tier(anchor, values, known_villages)]
    return [values[name] for name in FEATURES] + [anchored]


# The hand-labelled pairs each model is fitted on (tests/fixtures, each with its .md): one person's messages;
# strangers' messages alike in wording.
PAIR_FILES = {"same_person": ("teddy_same_user_pairs.csv",), "other_person": ("teddy_cross_user_pairs.csv",)}
# Strangers' messages that name one place or unit, as the index brings them together: measured only, all of them
# (nearly all are different matters, so they say how often a shared name links strangers wrongly).
ANCHOR_PAIRS = "teddy_anchor_pairs.csv"


def teddy_pairs(kind: str, split: str | None, feats: FeatureCache, files: tuple[str, ...] | None = None
                ) -> tuple[list[list[float]], list[int], list[dict]]:
    """Rows, labels and the fixture rows of a model's labelled files (`PAIR_FILES`) and split (None: every
    split; the later message is `new`)."""
    positive = "repeat" if kind == "same_person" else "same_matter"
    rows, labels, kept = [], [], []
    for name in files or PAIR_FILES[kind]:
        _read_pairs(FIXTURES / name, positive, split, feats, kind, rows, labels, kept)
    return rows, labels, kept


def _read_pairs(path: Path, positive: str, split: str | None, feats: FeatureCache, kind: str,
                rows: list[list[float]], labels: list[int], kept: list[dict]) -> None:
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if split is not None and row["split"] != split:
                continue
            a, b = (row["source"], row["a_id"]), (row["source"], row["b_id"])
            ma, mb = feats.messages[a], feats.messages[b]
            if (mb.time, b[1]) < (ma.time, a[1]):
                a, b, ma, mb = b, a, mb, ma
            gap = (mb.time - ma.time).total_seconds() / 86400
            rows.append(pair_row(feats(b), feats(a), gap, counts=feats.counts(b) if kind == "other_person" else None))
            labels.append(int(row["label"] == positive))
            kept.append(row)


def generated_pairs(count: int, seed: int) -> tuple[list, list, list, list, list]:
    """Same-person and other-person pairs of generated letters (label: same matter_id), and the pairs a
    weaker identity calls one person (label: same person and same matter_id), with that identity's strength."""
    from xinfang.samples.generate import generate_letters

    records = generate_letters(count, seed)
    feats = {r["id"]: compute(r["text"], truth_fields(r)) for r in records}
    villages = gazetteer(str(SAMPLE_PLACES)).villages
    day = {r["id"]: datetime.fromisoformat(r["received"]) for r in records}
    office = NameCounts([((day[r["id"]], r["id"]), feats[r["id"]]) for r in records])

    def row(a: dict, b: dict) -> tuple[list[float], int]:
        if (day[b["id"]], b["id"]) < (day[a["id"]], a["id"]):
            a, b = b, a
        gap = (day[b["id"]] - day[a["id"]]).days
        counts = office((day[b["id"]], b["id"]), feats[b["id"]])
        return pair_row(feats[b["id"]], feats[a["id"]], gap, villages, counts), int(a["matter_id"] == b["matter_id"])

    same_rows, same_labels, other_rows, other_labels = [], [], [], []
    by_person: dict[str, list[dict]] = {}
    by_village: dict[str, list[dict]] = {}
    for r in records:
        if r["person_id"]:
            by_person.setdefault(r["person_id"], []).append(r)
        by_village.setdefault(r["village"], []).append(r)
    for group in by_person.values():
        for a, b in itertools.combinations(group, 2):
            x, y = row(a, b)
            same_rows.append(x)
            same_labels.append(y)
    rng = random.Random(seed)
    for group in by_village.values():
        for a, b in itertools.combinations(group, 2):
            if (a["person_id"] != b["person_id"] or a["person_id"] is None) and (
                    a["matter_id"] == b["matter_id"] or rng.random() < 0.3):
                x, y = row(a, b)
                other_rows.append(x)
                other_labels.append(y)
    # Hard negatives as the index finds them: letters of different people that name one place or unit
    # (unit keys reach across villages, and template phrases such as 工地/厂 names recur in other matters).
    by_unit: dict[str, list[dict]] = {}
    for r in records:
        for unit in matter.key_anchors(feats[r["id"]].entities.anchors):
            by_unit.setdefault(unit, []).append(r)
    seen: set[tuple[str, str]] = set()
    for group in by_unit.values():
        for a, b in itertools.combinations(group[:40], 2):
            if (a["person_id"] != b["person_id"] or a["person_id"] is None) and (a["id"], b["id"]) not in seen:
                seen.add((a["id"], b["id"]))
                x, y = row(a, b)
                other_rows.append(x)
                other_labels.append(y)
    for _ in range(len(other_rows)):
        x, y = row(*rng.sample(records, 2))
        other_rows.append(x)
        other_labels.append(y)
    # A name one character off, a name in the same village, an anonymous report on the same party: two people
    # at times (namesakes in one village), so these identities need more agreement of the matter.
    weak = []
    for a, b in itertools.combinations(records, 2):
        who = compare(feats[b["id"]].identity, feats[a["id"]].identity)
        if who is not None and who[1] < STRONG and not who[0].startswith("代亲属"):
            x, _ = row(a, b)
            same = (a["person_id"] or "anon") == (b["person_id"] or "anon") and a["matter_id"] == b["matter_id"]
            weak.append((x, int(same), who[1]))
    return same_rows, same_labels, other_rows, other_labels, weak


def _columns(kind: str) -> list[int]:
    return [FEATURES.index(name) for name in MODEL_FEATURES[kind]]


def fit(rows: list[list[float]], labels: list[int], weights: list[float], kind: str) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    data = np.array(rows)[:, _columns(kind)]
    model = LogisticRegression(C=REGULARISATION, max_iter=5000)
    model.fit(data, np.array(labels), sample_weight=np.array(weights))
    out = {"bias": round(float(model.intercept_[0]), 3)}
    out.update({n: round(float(w), 3) for n, w in zip(MODEL_FEATURES[kind], model.coef_[0], strict=True)})
    return out


def score_rows(rows: list[list[float]], model: dict[str, float]) -> np.ndarray:
    names = [n for n in FEATURES if n in model]
    coef = np.array([model[n] for n in names])
    return 1.0 / (1.0 + np.exp(-(np.array(rows)[:, [FEATURES.index(n) for n in names]] @ coef + model["bias"])))


def linkable(rows: list[list[float]], kind: str) -> np.ndarray:
    """Which pairs a decision could link: all same-person pairs, anchored other-person pairs only."""
    return np.ones(len(rows), bool) if kind == "same_person" else np.array([r[-1] > 0 for r in rows], bool)


def threshold_for(scores: np.ndarray, labels: list[int], precision: float, floor: float = 0.3) -> float:
    """The lowest cut (≥ floor) that keeps precision ≥ `precision` on these pairs."""
    y = np.array(labels)
    for cut in sorted(set(np.round(scores, 3)) | {floor}):
        if cut < floor:
            continue
        chosen = scores >= cut
        if not chosen.any():
            return float(cut)
        if y[chosen].mean() >= precision:
            return float(cut)
    return 0.99


def pr(scores: np.ndarray, labels: list[int], cut: float) -> dict:
    y = np.array(labels, dtype=bool)
    chosen = scores >= cut
    tp = int((chosen & y).sum())
    return {"precision": tp / max(1, int(chosen.sum())), "recall": tp / max(1, int(y.sum())),
            "predicted": int(chosen.sum()), "positives": int(y.sum()), "pairs": len(labels)}


def tier_cuts(rows: list[list[float]], thresholds: dict) -> np.ndarray:
    """Each other-person pair's cut, by its anchor's tier (the last column; unanchored pairs never link)."""
    tiers = {value: name for name, value in TIERS.items()}
    return np.array([tier_cut(tiers[r[-1]], thresholds) if r[-1] else 2.0 for r in rows])


def _tier_cut(label: str, tier: float, rows: list[list[float]], real: np.ndarray, labels: list[int],
              g_rows: list[list[float]], generated: np.ndarray, g_y: list[int], ceiling: float) -> float:
    """The other-person cut for pairs whose anchor's tier is at least `tier` (`TIERS`): the lowest that keeps
    the target precision on such real and generated pairs, never above `ceiling` (the broader tier's cut)."""
    mask_r = np.array([r[-1] >= tier for r in rows])
    mask_g = np.array([r[-1] >= tier for r in g_rows])
    on_real, on_generated = np.where(mask_r, real, 0.0), np.where(mask_g, generated, 0.0)
    cut = min(ceiling, max(threshold_for(on_real, labels, TARGET_PRECISION["other_person"]),
                           threshold_for(on_generated, g_y, GENERATED_SAME_MATTER_PRECISION)))
    print(f"other_person {label} cut", round(cut, 3), "real", pr(on_real, labels, cut), "generated",
          pr(on_generated, g_y, cut))
    return round(cut, 3)


def held_out(params: dict | None = None) -> dict:
    """Precision/recall of the pair decisions on the `test` splits of the fitted files, and on every pair of
    `ANCHOR_PAIRS` (never fitted on)."""
    params = params or models()
    feats = FeatureCache(load_messages())
    out = {}
    rows, labels, _ = teddy_pairs("same_person", "test", feats)
    out["same_person"] = pr(score_rows(rows, params["same_person"]), labels, params["thresholds"]["repeat_min"])
    rows, labels, _ = teddy_pairs("other_person", "test", feats)
    # a pair links when its score reaches its tier's cut: scores shifted so that one cut (0) applies
    margin = score_rows(rows, params["other_person"]) - tier_cuts(rows, params["thresholds"])
    out["other_person"] = pr(margin, labels, 0.0)
    rows, labels, _ = teddy_pairs("other_person", None, feats, (ANCHOR_PAIRS,))
    margin = score_rows(rows, params["other_person"]) - tier_cuts(rows, params["thresholds"])
    out["other_person_shared_name"] = pr(margin, labels, 0.0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="print the held-out figures of the committed file")
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.check:
        print(json.dumps(held_out(), indent=1))
        return
    feats = FeatureCache(load_messages())
    g_same, g_same_y, g_other, g_other_y, g_weak = generated_pairs(args.count, args.seed)
    params: dict = {"thresholds": {}}
    for kind, g_rows, g_y in (("same_person", g_same, g_same_y), ("other_person", g_other, g_other_y)):
        rows, labels, _ = teddy_pairs(kind, "fit", feats)
        weights = [1.0] * len(rows) + [GENERATED_WEIGHT] * len(g_rows)
        params[kind] = fit(rows + g_rows, labels + g_y, weights, kind)
        real = np.where(linkable(rows, kind), score_rows(rows, params[kind]), 0.0)
        generated = np.where(linkable(g_rows, kind), score_rows(g_rows, params[kind]), 0.0)
        target = TARGET_PRECISION[kind]
        # A link between different people is chosen among many candidates, so its pair-level precision on
        # the (many) generated pairs must be higher than the link precision wanted.
        g_target = GENERATED_SAME_MATTER_PRECISION if kind == "other_person" else GENERATED_SAME_PERSON_PRECISION
        cut = max(threshold_for(real, labels, target), threshold_for(generated, g_y, g_target))
        print(kind, "fit pairs: real", len(rows), "generated", len(g_rows), "cut", round(cut, 3),
              "real", pr(real, labels, cut), "generated", pr(generated, g_y, cut))
        params["thresholds"]["repeat_min" if kind == "same_person" else "same_matter_min"] = round(cut, 3)
        if kind == "other_person":
            # A shared village alone (no site, firm or 小区) links different people only when the model is
            # sure: its own cut, chosen on the village-only pairs (many in one village, few the same matter).
            area = np.array([r[-1] == TIERS["area"] for r in g_rows])
            area_cut = threshold_for(np.where(area, generated, 0.0), g_y, g_target, floor=max(0.8, cut))
            params["thresholds"]["same_matter_min_area"] = round(area_cut, 3)
            print("other_person village-only cut", round(area_cut, 3), pr(np.where(area, generated, 0.0), g_y, area_cut))
            # A proper name both letters give (恒泰, 宏达化工, 潇楚佳苑): its own cut, chosen the same way on the
            # pairs so anchored, never above the general one; a proper name and the same kind of complaint (both
            # 欠薪, both 漏水) likewise, never above the proper-name cut.
            named_cut = _tier_cut("proper-name", TIERS["named"], rows, real, labels, g_rows, generated, g_y, cut)
            params["thresholds"]["same_matter_min_named"] = named_cut
            kind_cut = _tier_cut("proper-name and same-kind", TIERS["named_kind"], rows, real, labels, g_rows, generated,
                                 g_y, named_cut)
            params["thresholds"]["same_matter_min_named_kind"] = kind_cut
            # ... and one village or community both name (neighbours about one factory), never above that.
            params["thresholds"]["same_matter_min_named_kind_area"] = _tier_cut(
                "proper-name, same-kind and village", TIERS["named_kind_area"], rows, real, labels, g_rows, generated,
                g_y, kind_cut)
    cut = params["thresholds"]["repeat_min"]
    # Weaker identities: at least 0.2 / 0.3 above the cut, higher when the generated pairs of such identities
    # need it for precision ≥ WEAK_PRECISION.
    weak_cuts = {}
    for name, low, high, margin in (("repeat_min_weak", 0.6, STRONG, 0.2), ("repeat_min_name", 0.0, 0.6, 0.3)):
        rows = [(x, y) for x, y, strength in g_weak if low <= strength < high]
        need = threshold_for(score_rows([x for x, _ in rows], params["same_person"]), [y for _, y in rows],
                             WEAK_PRECISION) if rows else 0.0
        weak_cuts[name] = round(min(0.97, max(cut + margin, need, *weak_cuts.values())), 3)
        print(name, "generated pairs", len(rows), "repeats", sum(y for _, y in rows), "cut", weak_cuts[name])
    params["thresholds"].update(relative_min=round(cut, 3), **weak_cuts)
    MODELS_FILE.write_text(json.dumps(params, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    models.cache_clear()
    print("wrote", MODELS_FILE.relative_to(ROOT))
    print("held out (test split):", json.dumps(held_out(params)))


if __name__ == "__main__":
    main()
