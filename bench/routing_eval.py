"""Scoring routers on real letters: the figures a reviewer can check (shared by the routing benches).

Per head: accuracy, macro-F1, accuracy on the 80% most confident, ECE, the reliability table and the
coverage/accuracy curve; per set: how many letters 需人工分流 flags and how many of the errors it catches, and
扬言 recall/precision where the set is labelled with it.
"""

from __future__ import annotations

import numpy as np

from xinfang.classifier.metrics import (
    abstain_curve,
    classification_report,
    ece_noise_floor,
    expected_calibration_error,
    reliability_table,
)
from xinfang.classifier.model import Router

HEADS = ("category", "purpose", "department")


def top_share_accuracy(confidence: list[float], correct: list[bool], share: float = 0.8) -> float | None:
    if not confidence:
        return None
    order = np.argsort(-np.asarray(confidence), kind="stable")[: max(1, int(round(len(confidence) * share)))]
    return round(float(np.asarray(correct)[order].mean()), 4)


def score_head(truth: list[str], predicted: list[str], confidence: list[float], label_accuracy: float = 1.0) -> dict:
    """`label_accuracy` < 1: the labels are right that often (a hand check); a suggestion right with probability
    p then matches its label with probability about label_accuracy x p, which is what `ece_vs_label` and
    `gap_vs_label` compare with the matches counted."""
    correct = [t == p for t, p in zip(truth, predicted, strict=True)]
    report = classification_report(truth, predicted)
    wrong = [c for c, ok in zip(confidence, correct, strict=True) if not ok]
    out = {"n": len(truth), "accuracy": report["accuracy"], "macro_f1": report["macro_f1"],
           "accuracy_top80": top_share_accuracy(confidence, correct),
           "ece": expected_calibration_error(confidence, correct),
           "ece_floor": ece_noise_floor(confidence),
           "confidence_gap": round(float(np.mean(confidence) - np.mean(correct)), 4) if confidence else None,
           "mean_p_wrong": round(float(np.mean(wrong)), 4) if wrong else None,
           "reliability": reliability_table(confidence, correct),
           "coverage_curve": abstain_curve(confidence, correct)}
    if label_accuracy < 1.0 and confidence:
        expected = [c * label_accuracy for c in confidence]
        out.update(label_accuracy=label_accuracy, ece_vs_label=expected_calibration_error(expected, correct),
                   gap_vs_label=round(float(np.mean(expected) - np.mean(correct)), 4))
    return out


def suggest(router: Router, records: list[dict], segmented: bool = False) -> list[dict]:
    return router.suggest_many([r.get("text") or "" for r in records], [r.get("title") or "" for r in records],
                               [r.get("township") for r in records], segmented)


def score(router: Router, records: list[dict], suggestions: list[dict] | None = None,
          segmented: bool = False, restrict: dict[str, set[str]] | None = None,
          label_accuracy: dict[str, float] | None = None) -> dict:
    """Every head the records are labelled with; `restrict`: head -> the labels the set can have (Teddy's 7
    categories), the suggestion then being the most probable of those; `label_accuracy`: head -> how often
    the set's labels are right, where a hand check measured it (`score_head`)."""
    suggestions = suggestions if suggestions is not None else suggest(router, records, segmented)
    out: dict = {"n": len(records)}
    errors = caught = 0
    for head in HEADS:
        pairs = [(r[head], s[head]) for r, s in zip(records, suggestions, strict=True) if r.get(head) and head in s]
        if not pairs:
            continue
        truth = [t for t, _ in pairs]
        predicted, confidence = [], []
        for _, s in pairs:
            label, p = s["label"], s["probability"]
            allowed = (restrict or {}).get(head)
            if allowed and label not in allowed:
                options = [(q, lab) for lab, q in s.get("top", []) if lab in allowed]
                p, label = max(options) if options else (p, label)
            predicted.append(label)
            confidence.append(p)
        out[head] = score_head(truth, predicted, confidence, (label_accuracy or {}).get(head, 1.0))
    flagged = [s["flags"]["needs_routing"] for s in suggestions]
    for r, s in zip(records, suggestions, strict=True):
        wrong = any(r.get(h) and h in s and r[h] != s[h]["label"] for h in ("category", "department"))
        errors += wrong
        caught += wrong and s["flags"]["needs_routing"]
    out["needs_routing_share"] = round(sum(flagged) / max(len(flagged), 1), 4)
    out["routing_errors"] = errors
    out["routing_errors_flagged"] = caught
    if any("urgent" in r for r in records):
        truth_u = [bool(r.get("urgent")) for r in records]
        found_u = [bool(s["flags"]["urgent"]) for s in suggestions]
        hits = sum(t and f for t, f in zip(truth_u, found_u, strict=True))
        out["urgent"] = {"n": sum(truth_u), "flagged": sum(found_u), "recall": round(hits / max(sum(truth_u), 1), 4),
                         "precision": round(hits / sum(found_u), 4) if sum(found_u) else None}
    return out


def brief(report: dict) -> dict:
    """The headline numbers of a `score` report (for tables)."""
    out = {}
    for head in HEADS:
        if head in report:
            h = report[head]
            out[head] = {k: h[k] for k in ("n", "accuracy", "macro_f1", "accuracy_top80", "ece", "ece_floor", "confidence_gap",
                                           "mean_p_wrong", "label_accuracy", "ece_vs_label", "gap_vs_label") if k in h}
    for key in ("needs_routing_share", "routing_errors", "routing_errors_flagged", "urgent"):
        if key in report:
            out[key] = report[key]
    return out
