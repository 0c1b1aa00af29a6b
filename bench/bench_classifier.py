"""Classifier benchmark: Teddy 2020 task C (train on train.csv tokens, evaluate on dev.csv title+text) and
generated sample letters held out from training (category, purpose, department, abstain curve).

Run once, single core:  OMP_NUM_THREADS=1 taskset -c 0 .venv/bin/python bench/bench_classifier.py [--json OUT]
Data stays in /work/shared/data; nothing from it is written into the repository.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

TEDDY = Path("/work/shared/data/teddy2020c")


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def teddy() -> dict:
    from classifier.segment import tokens
    from classifier.training import evaluate_router, fit_router

    train = [{"text": r["tokens"], "category": r["label"]} for r in _rows(TEDDY / "train.csv")]
    dev = [{"text": r["text"], "title": r["title"], "category": r["label"]} for r in _rows(TEDDY / "dev.csv")]
    tokens("预热")  # jieba's dictionary loads once per process; not part of training or prediction time
    started = time.perf_counter()
    router = fit_router(train, segmented=True)
    train_seconds = time.perf_counter() - started
    # Baselines in the same process (the machine is shared, so ratios travel better than seconds):
    # one plain LinearSVC fit on the same features, and jieba alone over the dev letters.
    from sklearn.svm import LinearSVC

    docs = [router.featurizer.document(r["text"], segmented=True) for r in train]
    features = router.featurizer.transform(docs)
    started = time.perf_counter()
    LinearSVC().fit(features, [r["category"] for r in train])
    svc_seconds = time.perf_counter() - started
    from classifier.segment import plain_tokens

    started = time.perf_counter()
    for r in dev:
        plain_tokens(r["title"] + r["text"])
    jieba_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = evaluate_router(router, dev)["heads"]["category"]
    predict_seconds = time.perf_counter() - started
    return {"train_size": len(train), "dev_size": len(dev), "train_seconds": round(train_seconds, 1),
            "letters_per_second": round(len(dev) / predict_seconds, 1),
            "train_vs_one_svc_fit": round(train_seconds / svc_seconds, 2),
            "jieba_only_letters_per_second": round(len(dev) / jieba_seconds, 1), "accuracy": report["accuracy"],
            "macro_f1": report["macro_f1"], "ece": report["ece"], "reliability": report["reliability"],
            "abstain_curve": report["abstain_curve"],
            "per_class_f1": {k: v["f1"] for k, v in report["per_class"].items()}}


def samples(size: int = 3000, held: int = 1000) -> dict:
    from classifier.training import evaluate_router, fit_router
    from samples.generate import generate_letters

    train = generate_letters(size, 20261122)
    test = generate_letters(held, 4242)
    started = time.perf_counter()
    router = fit_router(train)
    train_seconds = time.perf_counter() - started
    report = evaluate_router(router, test)
    out = {"train_size": size, "heldout_size": held, "train_seconds": round(train_seconds, 1),
           "needs_routing_share": report["needs_routing_share"]}
    for head, result in report["heads"].items():
        out[head] = {k: result[k] for k in ("accuracy", "macro_f1", "ece", "reliability", "abstain_curve")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = {"teddy": teddy() if TEDDY.exists() else None, "samples": samples()}
    text = json.dumps(results, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
