"""Fit the two pair models of `score.py` on generated letters and print them (run by hand, then paste).

    .venv/bin/python -m bench.repeats_calibrate --count 3000 --seed 5

Pairs: same person (or the same anonymous accused) -> SAME_PERSON_MODEL; different people in the same
village or on the same matter, plus random pairs -> OTHER_PERSON_MODEL. Label: same matter_id.
"""

from __future__ import annotations

import argparse
import itertools
import random

import numpy as np

from bench.repeats_eval import truth_fields
from xinfang.matching.features import compute
from xinfang.matching.score import Candidate, pair_features

NAMES = ("terms", "jaccard", "entities", "conflict", "demand", "date_cited", "place_conflict")


def pairs(records: list[dict], seed: int) -> tuple[list, list]:
    feats = {r["id"]: compute(r["text"], truth_fields(r)) for r in records}

    def row(a: dict, b: dict) -> list[float]:
        fa, fb = feats[a["id"]], feats[b["id"]]
        cand = Candidate(0, fb.sig, fb.identity, fb.entities, "", None, None, None)
        values = pair_features(fa.sig, fa.entities, cand)
        return [values[n] for n in NAMES] + [float(a["matter_id"] == b["matter_id"])]

    same_person, other = [], []
    by_person: dict[str, list[dict]] = {}
    by_village: dict[str, list[dict]] = {}
    for r in records:
        key = r["person_id"] or (f"anon:{r['accused']}" if r.get("accused") else None)
        if key:
            by_person.setdefault(key, []).append(r)
        by_village.setdefault(r["village"], []).append(r)
    for group in by_person.values():
        same_person.extend(row(b, a) for a, b in itertools.combinations(group, 2))
    rng = random.Random(seed)
    for group in by_village.values():
        for a, b in itertools.combinations(group, 2):
            different = a["person_id"] != b["person_id"] or a["person_id"] is None
            if different and (a["matter_id"] == b["matter_id"] or rng.random() < 0.3):
                other.append(row(b, a))
    for _ in range(len(other)):
        a, b = rng.sample(records, 2)
        other.append(row(b, a))
    return same_person, other


def fit(rows: list[list[float]]) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    data = np.array(rows)
    model = LogisticRegression(C=10.0, max_iter=2000).fit(data[:, :-1], data[:, -1])
    out = {"bias": round(float(model.intercept_[0]), 2)}
    out.update({n: round(float(w), 2) for n, w in zip(NAMES, model.coef_[0], strict=True)})
    return out


def main() -> None:
    from xinfang.samples.generate import generate_letters

    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    same_person, other = pairs(generate_letters(args.count, args.seed), args.seed)
    print("pairs: same person", len(same_person), "other", len(other))
    print("SAME_PERSON_MODEL =", fit(same_person))
    print("OTHER_PERSON_MODEL =", fit(other))


if __name__ == "__main__":
    main()
