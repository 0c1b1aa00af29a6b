"""Learning from reviewers: retrain on confirmed letters, compare on held-out ones, promote if not worse.

Runs as an rq job (`retrain_job`), on demand (`xinfang model retrain`) and on a schedule: each run
enqueues the next one `XINFANG_RETRAIN_HOURS` later (default 24, 0 turns it off) with rq's scheduler,
which the worker runs (`with_scheduler=True`). Letters whose id ends in 0 or 5 are held out, always the
same ones, so successive models are compared on the same letters.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from classifier.persist import ModelMismatchError, load_model, new_version_id
from classifier.training import evaluate_router, train_from_records
from classifier.versions import promote
from xinfang.config import Settings, load_settings

log = logging.getLogger(__name__)

COMPARED = ("category", "purpose", "department")
CONFIRMED_WEIGHT = 3       # a reviewer's letter counts as this many generated ones
BASE_SIZE = 1500           # generated letters that keep rare categories known while an office has few
BASE_SEED = 20261122
SCHEDULED_JOB_ID = "xinfang-retrain-scheduled"


def confirmed_records(settings: Settings) -> list[dict]:
    """Every confirmed letter whose latest review may train the model, as training records."""
    from models import Letter, Review, Status
    from models.db import session_scope

    records = []
    with session_scope(settings.database_url) as session:
        letters = session.scalars(select(Letter).where(Letter.status == Status.confirmed,
                                                       Letter.category.is_not(None)).order_by(Letter.id))
        for letter in letters:
            review = session.scalar(select(Review).where(Review.letter_id == letter.id)
                                    .order_by(Review.id.desc()).limit(1))
            if review is not None and not review.trainable:
                continue
            after = review.after if review is not None else {}
            suggestion = letter.suggestion
            sub = after.get("subcategory") or (
                suggestion.subcategory if suggestion is not None and suggestion.category == letter.category
                else None)
            township = (letter.fields or {}).get("township", {}).get("value")
            records.append({"id": letter.id, "text": letter.text or letter.ocr_text or "", "title": "",
                            "category": letter.category, "subcategory": sub, "purpose": letter.purpose,
                            "department": letter.department, "township": township})
    return records


def _score(metrics: dict) -> float | None:
    heads = metrics.get("heads", {})
    values = [heads[h]["accuracy"] for h in COMPARED if h in heads]
    return sum(values) / len(values) if values else None


def base_records() -> list[dict]:
    try:
        from samples.generate import generate_letters
    except ImportError:  # pragma: no cover - installs without the sample generator
        return []
    return list(generate_letters(BASE_SIZE, BASE_SEED))


def retrain(settings: Settings, base: list[dict] | None = None, force: bool = False) -> dict:
    """Train a new version, evaluate it and the current model on held-out confirmed letters, maybe promote."""
    confirmed = confirmed_records(settings)
    held = [r for r in confirmed if r["id"] % 5 == 0]
    train = [r for r in confirmed if r["id"] % 5 != 0]
    records = (base_records() if base is None else base) + train * CONFIRMED_WEIGHT
    version = new_version_id()
    out = settings.models_root / version
    # holdout=0: the comparison below uses the held-out confirmed letters, not a split of the base set
    train_from_records(records, out, holdout=0.0, version=version,
                       extra_meta={"confirmed_letters": len(train), "heldout_letters": len(held)})
    new_model = load_model(out)
    new_metrics = evaluate_router(new_model, held) if held else {"heads": {}}
    old_metrics, reason = _current_metrics(settings, held)
    new_score, old_score = _score(new_metrics), _score(old_metrics) if old_metrics else None
    if force:
        promoted, why = True, "forced"
    elif reason:
        promoted, why = True, reason
    elif new_score is None or old_score is None:
        promoted, why = False, "no held-out confirmed letters to compare on"
    else:
        promoted = new_score >= old_score
        why = f"held-out accuracy {new_score:.4f} vs current {old_score:.4f}"
    _record_comparison(out, new_metrics, old_metrics, promoted, why)
    if promoted:
        promote(settings.models_root, version, reason=why)
    log.info("retrained %s: %s (%s)", version, "promoted" if promoted else "kept current", why)
    return {"version": version, "promoted": promoted, "reason": why, "new_score": new_score,
            "current_score": old_score, "training_size": len(records), "confirmed": len(confirmed),
            "heldout": len(held)}


def _current_metrics(settings: Settings, held: list[dict]) -> tuple[dict | None, str | None]:
    """The current model's held-out metrics, or why there is nothing to compare with (then promote)."""
    if not (settings.model_dir / "meta.json").exists():
        return None, "no current model"
    try:
        current = load_model(settings.model_dir)
    except (ModelMismatchError, FileNotFoundError) as exc:
        return None, f"current model unusable: {exc}"
    return (evaluate_router(current, held) if held else {"heads": {}}), None


def _record_comparison(out: Path, new: dict, old: dict | None, promoted: bool, why: str) -> None:
    import json

    from classifier.persist import META_FILE

    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    summary = {h: {"accuracy": m["accuracy"], "macro_f1": m["macro_f1"]} for h, m in new.get("heads", {}).items()}
    meta["heldout_confirmed"] = {"new": summary, "current": {
        h: {"accuracy": m["accuracy"]} for h, m in (old or {}).get("heads", {}).items()},
        "promoted": promoted, "reason": why}
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


def retrain_job(schedule: bool = True) -> dict:
    """rq entry point; schedules its next run when a retrain interval is configured."""
    settings = load_settings()
    result = retrain(settings)
    hours = float(os.environ.get("XINFANG_RETRAIN_HOURS", "24"))
    if schedule and hours > 0:
        schedule_retrain(settings, timedelta(hours=hours))
    return result


def enqueue_retrain(settings: Settings) -> str:
    from intake.jobs import get_queue

    job = get_queue(settings).enqueue(retrain_job, False, job_timeout=3600, description="retrain classifier")
    return job.id


def schedule_retrain(settings: Settings, delay: timedelta) -> str:
    """Queue the next scheduled run (one at a time: a fixed job id replaces an earlier schedule)."""
    from intake.jobs import get_queue

    job = get_queue(settings).enqueue_in(delay, retrain_job, True, job_id=SCHEDULED_JOB_ID, job_timeout=3600,
                                         description="scheduled classifier retrain")
    return job.id
