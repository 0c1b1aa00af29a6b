"""The office-records model on the 泰迪杯 letters: what `xinfang train` makes of Teddy train.csv, scored on dev.

    nice -n 19 python -m bench.bench_teddy [--cv 5] [--json OUT]

Prints dev macro-F1 and accuracy, training CPU seconds and prediction letters per CPU second on one core
(the full `suggest_many`: jieba, features, knowledge cues, rules, explanations). With `--cv K` it also gives
the macro-F1 of K-fold cross-validation on train.csv, with folds that keep near-duplicate messages (sharing a
run of six tokens) together, so a design is not chosen on the 921 dev letters' noise alone. Data is read from
../shared/data and never written into the repository.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from bench.data import emit  # noqa: E402
from bench.realdata import sources  # noqa: E402
from bench.routing_eval import score, suggest  # noqa: E402
from xinfang.classifier.metrics import classification_report  # noqa: E402
from xinfang.classifier.training import fit_router  # noqa: E402

SHINGLE = 6


def near_duplicate_groups(texts: list[str]) -> np.ndarray:
    """A group id per text; texts sharing a run of SHINGLE tokens (not a stock phrase) are one group."""
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, ...], list[int]] = {}
    for i, text in enumerate(texts):
        words = text.split()
        for k in range(max(1, len(words) - SHINGLE + 1)):
            seen.setdefault(tuple(words[k:k + SHINGLE]), []).append(i)
    for members in seen.values():
        if 1 < len(members) < 50:  # a run shared by 50+ messages is a formula, not a duplicate
            for j in members[1:]:
                a, b = root(members[0]), root(j)
                if a != b:
                    parent[a] = b
    return np.array([root(i) for i in range(len(texts))])


def cross_validate(train: list[dict], folds: int) -> dict:
    groups = near_duplicate_groups([r["text"] for r in train])
    truth, predicted = [], []
    for fit_rows, test_rows in GroupKFold(folds).split(train, groups=groups):
        router = fit_router([train[i] for i in fit_rows], segmented=True)
        test = [train[i] for i in test_rows]
        predicted += list(router.predict("category", [r["text"] for r in test], segmented=True))
        truth += [r["category"] for r in test]
    report = classification_report(truth, predicted)
    return {"folds": folds, "macro_f1": report["macro_f1"], "accuracy": report["accuracy"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=0, help="also K-fold cross-validation on train.csv")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    load = [round(x, 2) for x in os.getloadavg()]
    train, dev = sources.teddy_train(), sources.teddy_dev()
    started = time.process_time()
    router = fit_router(train, segmented=True)
    train_cpu = time.process_time() - started
    suggest(router, dev[:2])  # jieba's dictionaries load once per process: not part of prediction time
    rounds = []
    for _ in range(3):
        started = time.process_time()
        found = suggest(router, dev)
        rounds.append(time.process_time() - started)
    report = score(router, dev, found)["category"]
    out = {"dev_macro_f1": report["macro_f1"], "dev_accuracy": report["accuracy"], "dev_ece": report["ece"],
           "dev_top80": report["accuracy_top80"], "train_cpu_seconds": round(train_cpu, 1),
           "letters_per_cpu_second": round(len(dev) / sorted(rounds)[1], 1), "train_size": len(train),
           "dev_size": len(dev)}
    if args.cv:
        out["cv"] = cross_validate(train, args.cv)
    out["load_average"] = {"start": load, "end": [round(x, 2) for x in os.getloadavg()]}
    emit(out, args.json)


if __name__ == "__main__":
    main()
