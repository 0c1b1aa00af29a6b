"""Fit the starter's calibration numbers on real letters and write classifier/office/starter_calibration.json.

    python -m bench.calibrate_routing [--size 3000] [--sources teddy,rmw,replies]

Per head, the temperature and the knowledge weight of a starter trained as `xinfang init` trains it, fitted
on real letters that are never used to measure: a fixed sample of Teddy train (category, its 7 labels), the
calibration half of the 人民网 messages (purpose) and the calibration half of the Teddy replies (department
read from the government's reply; without the replies a city's 街道/社区 handled, as below). Then the confidence weights (classifier/confidence.py), per head, on the
letters each source can judge: Teddy letters whose suggestion is one of Teddy's own 7 labels (a 7-label set
cannot say whether 国土资源 or 政法 was right), and replies not handled by a city's 街道/社区 (属地 routing of a
city, which no text names and a county routes to departments), knowing that each source's labels are
themselves the clerk's choice only LABEL_ACCURACY of the time (hand-checked). Then the abstain threshold: the lowest
probability whose 需人工分流 flags catch at least CATCH of the department errors on those replies. Never the
blind letters. The file holds numbers only.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from bench.realdata import sources
from xinfang.classifier.calibration import CALIBRATION, apply_calibration
from xinfang.classifier.confidence import FEATURES, fit_confidence
from xinfang.classifier.heads import fit_blend
from xinfang.classifier.model import Router
from xinfang.classifier.training import fit_router
from xinfang.commands.starter import STARTER_SIZE, starter_corpus

TEDDY_SAMPLE = 2000
CATCH = 0.7
SOURCES = {"category": "teddy", "purpose": "rmw", "department": "replies"}
# How often a source's label is the one a careful clerk would choose, measured by hand on samples of the very
# letters each head's confidence is fitted on (bench/realdata/README.md: `label_check.py`, `dept_check.py`;
# right, plus half of the letters where another label is as defensible, weighted by the labels' shares): Teddy
# category 0.919, 人民网 purpose 0.893 (posters file complaints as 建言 or 咨询), the department read out of a
# county unit's reply 0.852 (the unit that answered is not always the one a county desk would route to). The
# confidence fit counts a right suggestion as matching its label this often (classifier/confidence.py).
LABEL_ACCURACY = {"category": 0.919, "purpose": 0.893, "department": 0.852}


def starter_router(size: int = STARTER_SIZE) -> Router:
    """The starter as `xinfang init` trains it, before calibration."""
    return fit_router(starter_corpus(size))


def calibration_sets(router: Router) -> dict[str, tuple[list[dict], bool]]:
    """head -> (real letters to fit on, pre-segmented?); the calibration halves only."""
    teddy = sources.teddy_train()
    random.Random(0).shuffle(teddy)
    return {"category": (teddy[:TEDDY_SAMPLE], True),
            "purpose": ([r for r in sources.rmw() if sources.half(r["id"]) == 0], False),
            "department": ([r for r in sources.replies(set(router.office.departments)) if sources.half(r["id"]) == 0],
                           False)}


def head_inputs(router: Router, head: str, records: list[dict], segmented: bool
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Model scores, knowledge scores and truth indices of `records` for one head (known labels only)."""
    X = router.transform([r["text"] for r in records], [r.get("title") or "" for r in records], segmented)  # noqa: N806
    found = router.read_cues([f"{r.get('title') or ''}\n{r['text']}" for r in records])[0]
    model = router.heads[head]
    if head == "department":
        categories = router.heads["category"].classes_[router._proba(router.heads["category"], X, found).argmax(1)]
        X = router._with_category(X, list(categories))  # noqa: N806
    scores = model.decision_function(X)
    cues = router.knowledge.scores(head, found, list(model.classes_))
    index = {c: k for k, c in enumerate(model.classes_)}
    keep = [i for i, r in enumerate(records) if r.get(head) in index]
    return scores[keep], cues[keep], np.array([index[records[i][head]] for i in keep])


def judged(router: Router, head: str, records: list[dict], segmented: bool) -> tuple[np.ndarray, np.ndarray]:
    """Confidence features and right/wrong of the suggestions a source can judge (see the module docstring)."""
    found = router.suggest_many([r["text"] for r in records], [r.get("title") or "" for r in records],
                                None, segmented, with_evidence=True)
    labels = {r[head] for r in records if r.get(head)}
    rows = [(s[head]["evidence"], s[head]["label"] == r[head]) for r, s in zip(records, found, strict=True)
            if r.get(head) and "evidence" in s[head]
            and (head != "category" or s[head]["label"] in labels)
            and (head != "department" or r[head] != router.office.township_unit)]
    return np.array([f for f, _ in rows]), np.array([ok for _, ok in rows])


def fit_confidence_numbers(router: Router, sets: dict[str, tuple[list[dict], bool]]) -> dict:
    """Per head, logistic weights of the confidence features on the letters its source can judge."""
    saved, router.confidence = router.confidence, None
    out: dict = {"features": list(FEATURES), "heads": {}, "fitted_on": {}}
    for head, (records, segmented) in sets.items():
        features, correct = judged(router, head, records, segmented)
        coef, intercept = fit_confidence(features, correct, label_accuracy=LABEL_ACCURACY.get(head, 1.0))
        out["heads"][head] = {"coef": coef, "intercept": intercept}
        out["fitted_on"][head] = {"letters": int(len(correct)), "accuracy": round(float(correct.mean()), 4),
                                  "label_accuracy": LABEL_ACCURACY.get(head, 1.0)}
    router.confidence = saved
    return out


def county_units(router: Router, records: list[dict]) -> list[dict]:
    """Replies a county department handled: without those a city's 街道/社区 handled by 属地, which no word of
    the letter names. Fitted on those too, the blend learnt that duty words often miss (a 小区 matter that the
    街道 handled) and trusted the office's duty knowledge less than a county's mail deserves."""
    return [r for r in records if r["department"] != router.office.township_unit]


def fit_numbers(router: Router, use: set[str] | None = None, knowledge: bool = True,
                confidence: bool = True) -> dict:
    """Calibration numbers for `router` from the real sources in `use` (all by default)."""
    use = set(SOURCES.values()) if use is None else use
    sets = calibration_sets(router)
    numbers: dict = {"heads": {}, "fitted_on": {}}
    for head in ("category", "purpose", "department"):  # category first: department sees its prediction
        if SOURCES[head] not in use:
            continue
        records, segmented = sets[head]
        if head == "department":  # the blend too learns from county-like routing only (see county_units)
            records = county_units(router, records)
        scores, cues, truth = head_inputs(router, head, records, segmented)
        scale, weight = fit_blend(scores, truth, cues if knowledge else None)
        numbers["heads"][head] = {"scale": round(scale, 4), "knowledge_weight": round(weight, 4)}
        numbers["fitted_on"][head] = {"source": SOURCES[head], "letters": int(len(truth))}
        apply_calibration(router, {"heads": {head: numbers["heads"][head]}})
    if confidence:
        numbers["confidence"] = fit_confidence_numbers(
            router, {head: sets[head] for head in ("category", "purpose", "department") if SOURCES[head] in use})
        apply_calibration(router, {"confidence": numbers["confidence"]})
    if "replies" in use:
        numbers["abstain_threshold"] = abstain_threshold(router, county_units(router, sets["department"][0]))
    return numbers


def abstain_threshold(router: Router, records: list[dict]) -> float:
    """The lowest threshold whose flags catch CATCH of the department errors on calibration letters."""
    found = router.suggest_many([r["text"] for r in records], [r.get("title") or "" for r in records])
    pairs = [(s["department"]["probability"], s["department"]["label"] == r["department"])
             for r, s in zip(records, found, strict=True)]
    wrong = sorted(p for p, ok in pairs if not ok)
    if not wrong:
        return 0.5
    return round(float(wrong[min(len(wrong) - 1, int(np.ceil(CATCH * len(wrong))) - 1)]) + 1e-4, 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=STARTER_SIZE)
    parser.add_argument("--out", type=Path, default=CALIBRATION)
    args = parser.parse_args()
    started = time.perf_counter()
    router = starter_router(args.size)
    numbers = fit_numbers(router)
    numbers["starter_size"] = args.size
    numbers["note"] = ("Fitted by `python -m bench.calibrate_routing` on real letters never used to measure "
                       "(see classifier/calibration.py); numbers only.")
    args.out.write_text(json.dumps(numbers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(numbers, ensure_ascii=False, indent=1))
    print(f"written to {args.out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
