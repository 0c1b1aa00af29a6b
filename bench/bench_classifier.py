"""Classifier benchmark: Teddy 2020 task C (train on train.csv tokens, evaluate on dev.csv title+text) and
generated sample letters held out from training (category, purpose, department, abstain curve).

Run once, single core:  OMP_NUM_THREADS=1 nice taskset -c 0 .venv/bin/python bench/bench_classifier.py [--json OUT]
Seconds are wall and CPU (time.process_time); ratios compare with a plain LinearSVC fit and stock jieba in
the same process, because the machine is usually shared.
Data is read from <checkout>/../shared/data (a SystemExit says so when it is missing); nothing from it is
written into the repository.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.data import SHARED, emit, shared  # noqa: E402

TEDDY = SHARED / "teddy2020c"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class _Clock:
    """Wall and CPU seconds of a block (the machine is shared: CPU time is what one core spent)."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    @staticmethod
    def median(clocks: list[_Clock]) -> _Clock:
        out = _Clock()
        out.wall = statistics.median(c.wall for c in clocks)
        out.cpu = statistics.median(c.cpu for c in clocks)
        return out


def teddy() -> dict:
    import jieba

    from xinfang.classifier.segment import tokens
    from xinfang.classifier.training import evaluate_router, fit_router

    train = [{"text": r["tokens"], "category": r["label"]} for r in _rows(TEDDY / "train.csv")]
    dev = [{"text": r["text"], "title": r["title"], "category": r["label"]} for r in _rows(TEDDY / "dev.csv")]
    tokens("预热")  # jieba's dictionary loads once per process; not part of training or prediction time
    stock = jieba.Tokenizer()  # stock jieba, default dictionary, for the baseline
    stock.initialize()
    with _Clock() as training:
        router = fit_router(train, segmented=True)
    # Baselines in the same process (the machine is shared, so ratios travel better than seconds):
    # one plain LinearSVC fit on the same features, and stock jieba (lcut, HMM on) alone over the dev letters.
    from sklearn.svm import LinearSVC

    docs = [router.featurizer.document(r["text"], segmented=True) for r in train]
    features = router.featurizer.transform(docs)
    with _Clock() as svc:
        LinearSVC().fit(features, [r["category"] for r in train])
    # Three rounds, each baseline right before the prediction it is compared with; medians are reported.
    jieba_rounds, predict_rounds = [], []
    for _ in range(3):
        with _Clock() as jieba_only:
            for r in dev:
                stock.lcut(r["title"] + r["text"])
        with _Clock() as predicting:
            report = evaluate_router(router, dev)["heads"]["category"]
        jieba_rounds.append(jieba_only)
        predict_rounds.append(predicting)
    jieba_only = _Clock.median(jieba_rounds)
    predicting = _Clock.median(predict_rounds)
    ratio = statistics.median(j.cpu / p.cpu for j, p in zip(jieba_rounds, predict_rounds, strict=True))
    n = len(dev)
    return {"train_size": len(train), "dev_size": n,
            "train_seconds": round(training.wall, 1), "train_cpu_seconds": round(training.cpu, 1),
            "one_svc_fit_cpu_seconds": round(svc.cpu, 1), "train_vs_one_svc_fit": round(training.cpu / svc.cpu, 2),
            "letters_per_second": round(n / predicting.wall, 1),
            "letters_per_cpu_second": round(n / predicting.cpu, 1),
            "jieba_only_letters_per_second": round(n / jieba_only.wall, 1),
            "jieba_only_letters_per_cpu_second": round(n / jieba_only.cpu, 1),
            "predict_vs_jieba_only": round(ratio, 2),
            "predict_cpu_seconds_per_round": [round(p.cpu, 2) for p in predict_rounds],
            "accuracy": report["accuracy"], "macro_f1": report["macro_f1"], "ece": report["ece"],
            "reliability": report["reliability"], "abstain_curve": report["abstain_curve"],
            "per_class_f1": {k: v["f1"] for k, v in report["per_class"].items()}}


def samples(size: int = 3000, held: int = 1000) -> dict:
    from xinfang.classifier.training import evaluate_router, fit_router
    from xinfang.samples.generate import generate_letters

    train = generate_letters(size, 20261122)
    test = generate_letters(held, 4242)
    with _Clock() as training:
        router = fit_router(train)
    with _Clock() as predicting:
        report = evaluate_router(router, test)
    out = {"train_size": size, "heldout_size": held, "train_seconds": round(training.wall, 1),
           "train_cpu_seconds": round(training.cpu, 1), "letters_per_cpu_second": round(held / predicting.cpu, 1),
           "needs_routing_share": report["needs_routing_share"]}
    for head, result in report["heads"].items():
        out[head] = {k: result[k] for k in ("accuracy", "macro_f1", "ece", "reliability", "abstain_curve")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    load = [round(x, 2) for x in os.getloadavg()]
    shared("teddy2020c", "train.csv"), shared("teddy2020c", "dev.csv")  # stop loudly when the data is not there
    results = {"teddy": teddy(), "samples": samples()}
    results["load_average"] = {"start": load, "end": [round(x, 2) for x in os.getloadavg()]}
    emit(results, args.json)


if __name__ == "__main__":
    main()
