"""Measures a reviewer can trust: accuracy, macro-F1, per-class scores, confusion, reliability, abstention."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support


def classification_report(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels,
                                                                     zero_division=0)
    present = [label for label in labels if label in set(truth)]
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)), 4),
        "per_class": {label: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                              "f1": round(float(f), 4), "support": int(s)}
                      for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)},
        "confusion": {"labels": labels,
                      "matrix": confusion_matrix(truth, predicted, labels=labels).tolist()},
    }


def reliability_table(confidence: Sequence[float], correct: Sequence[bool],
                      edges: Sequence[float] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)) -> list[dict]:
    """Per confidence bin: how many suggestions, their mean confidence and how many were right."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    rows = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf >= low) & (conf < high)
        if inside.any():
            rows.append({"bin": f"{low:.2f}-{min(high, 1.0):.2f}", "n": int(inside.sum()),
                         "mean_confidence": round(float(conf[inside].mean()), 4),
                         "accuracy": round(float(ok[inside].mean()), 4)})
    return rows


def _binned_gaps(conf: np.ndarray, right: np.ndarray, bins: int) -> np.ndarray:
    """ECE of each row of `right` (outcomes of the suggestions whose confidences are `conf`), in equal bins."""
    index = np.minimum((conf * bins).astype(int), bins - 1)
    total = np.zeros(len(right))
    for b in range(bins):
        inside = index == b
        if inside.any():
            total += inside.sum() * np.abs(conf[inside].mean() - right[:, inside].mean(axis=1))
    return total / max(len(conf), 1)


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float).reshape(1, -1)
    return round(float(_binned_gaps(conf, ok, bins)[0]), 4)


def ece_noise_floor(confidence: Sequence[float], bins: int = 10, draws: int = 1000, seed: int = 0) -> float:
    """The ECE that probabilities exactly right would still show on these letters (the mean over draws in
    which each suggestion is right with the probability shown).

    The binned estimate is biased upwards on small sets: on a hundred letters a perfectly calibrated head
    reads several points of ECE from sampling alone, so an ECE is only evidence of miscalibration by how far
    it stands above this floor.
    """
    conf = np.asarray(confidence, dtype=float)
    if not len(conf):
        return 0.0
    right = np.random.default_rng(seed).random((draws, len(conf))) < conf
    return round(float(_binned_gaps(conf, right, bins).mean()), 4)


def abstain_curve(confidence: Sequence[float], correct: Sequence[bool],
                  thresholds: Sequence[float] = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)) -> list[dict]:
    """For each threshold: the share of letters that still get a suggestion and how accurate those are."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    rows = []
    for t in thresholds:
        kept = conf >= t
        rows.append({"threshold": t, "coverage": round(float(kept.mean()), 4) if len(conf) else 0.0,
                     "accuracy": round(float(ok[kept].mean()), 4) if kept.any() else None})
    return rows
