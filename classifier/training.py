"""Training from records (generated letters, confirmed letters, an office's CSV) and held-out evaluation."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from pathlib import Path

from xinfang.classifier.calibration import apply_calibration
from xinfang.classifier.features import Featurizer, letter_tokens
from xinfang.classifier.metrics import (
    abstain_curve,
    classification_report,
    expected_calibration_error,
    reliability_table,
)
from xinfang.classifier.model import HEADS, Router
from xinfang.classifier.persist import save_model

HOLDOUT_SHARE = 0.2


def _tokens(record: dict, segmented: bool) -> tuple[list[str], list[str]]:
    """A training letter's tokens: jieba once per letter, however often it is fitted on."""
    return letter_tokens(record.get("text") or "", record.get("title") or "", segmented)


def fit_router(records: list[dict], segmented: bool = False, C: float = 1.0,  # noqa: N803
               tokenized: list[tuple[list[str], list[str]]] | None = None) -> Router:
    """`tokenized`: the records' `_tokens`, when the caller has them already."""
    # Title repetition helps only when the training letters had separate titles to learn from.
    has_titles = sum(1 for r in records if r.get("title")) > len(records) // 2
    router = Router(Featurizer(title_weight=2 if has_titles else 1), C=C)
    tokenized = tokenized or [_tokens(r, segmented) for r in records]
    docs = [router.featurizer.join(body, head) for body, head in tokenized]
    labels = {head: [r.get(head) or None for r in records] for head in HEADS}
    texts = [f"{r.get('title') or ''}\n{r.get('text') or ''}" for r in records]
    return router.fit(docs, labels, segmented, texts=texts)


def evaluate_router(router: Router, records: list[dict], segmented: bool = False) -> dict:
    """Per head: accuracy, macro-F1, per-class scores, reliability table and the abstain curve."""
    if not records:
        return {"heads": {}, "n": 0}
    suggestions = router.suggest_many([r.get("text") or "" for r in records], [r.get("title") or "" for r in records],
                                      [r.get("township") or r.get("place") for r in records], segmented)
    heads: dict[str, dict] = {}
    for head in HEADS:
        pairs = [(str(r[head]), s[head]) for r, s in zip(records, suggestions, strict=True)
                 if r.get(head) and head in s]
        if not pairs:
            continue
        truth = [t for t, _ in pairs]
        predicted = [s["label"] for _, s in pairs]
        confidence = [s["probability"] for _, s in pairs]
        correct = [t == p for t, p in zip(truth, predicted, strict=True)]
        report = classification_report(truth, predicted)
        report.update({"reliability": reliability_table(confidence, correct),
                       "ece": expected_calibration_error(confidence, correct),
                       "abstain_curve": abstain_curve(confidence, correct)})
        heads[head] = report
    flagged = sum(1 for s in suggestions if s["flags"]["needs_routing"])
    return {"heads": heads, "n": len(records), "needs_routing_share": round(flagged / len(records), 4)}


def split_holdout(records: list[dict], share: float = HOLDOUT_SHARE, seed: int = 13) -> tuple[list, list]:
    """A deterministic split; tiny sets keep everything for training and evaluate on nothing."""
    if len(records) < 10 or share <= 0:
        return records, []
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    cut = max(1, int(len(records) * share))
    held = set(order[:cut])
    return [r for i, r in enumerate(records) if i not in held], [r for i, r in enumerate(records) if i in held]


def train_from_records(records: Iterable[dict], out_dir: Path, segmented: bool = False,
                       holdout: float = HOLDOUT_SHARE, extra_meta: dict | None = None,
                       version: str | None = None, calibration: dict | None = None) -> dict:
    """Measure on a held-out split, then fit on all records and write a complete model dir to `out_dir`.

    The shipped model uses every record (an office's letters are too precious to leave out); the
    metrics in meta.json come from a model of the same recipe fitted without the held-out letters.
    `calibration`: numbers fitted on real letters (classifier/calibration.py), for the starter.
    """
    records = [r for r in records if (r.get("text") or r.get("title"))]
    if not records:
        raise ValueError("没有可用于训练的信件（正文为空）。")
    started = time.perf_counter()
    tokenized = [_tokens(r, segmented) for r in records]
    train, held = split_holdout(list(range(len(records))), holdout)
    metrics: dict = {"heads": {}, "n_heldout": len(held)}
    if held:
        model = fit_router([records[i] for i in train], segmented, tokenized=[tokenized[i] for i in train])
        if calibration:
            apply_calibration(model, calibration)
        metrics = evaluate_router(model, [records[i] for i in held], segmented)
        metrics["n_heldout"] = len(held)
    router = fit_router(records, segmented, tokenized=tokenized)
    if calibration:
        apply_calibration(router, calibration)
    if version:
        router.version = version
    metrics["train_seconds"] = round(time.perf_counter() - started, 2)
    meta = save_model(router, Path(out_dir), metrics, len(records), extra_meta)
    metrics["version"] = meta["version"]
    return metrics
