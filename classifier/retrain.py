"""Learning from reviewers: retrain on confirmed letters, compare on held-out ones, promote if not worse.

Runs as an rq job (`intake.jobs.retrain_job`), on demand (`xinfang model retrain`) and on a schedule.
Letters whose id ends in 0 or 5 are held out, always the
same ones, so successive models are compared on the same letters.

The office's own letters win (`mix_training`): generated letters of the starter corpus whose labels are not
in the office's taxonomy (office.json) are dropped, and the rest fade as confirmed letters arrive: the
office keeps BASE_SIZE x FADE / (FADE + confirmed) of them (1,500 with none, 750 at 500 confirmed, 300 at
2,000) and none from FADE_OUT confirmed letters on, while each confirmed letter counts CONFIRMED_WEIGHT times.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import select

from xinfang.classifier.persist import META_FILE, ModelMismatchError, load_model, new_version_id
from xinfang.classifier.routing_table import Office, load_office
from xinfang.classifier.training import evaluate_router, train_from_records
from xinfang.classifier.versions import promote
from xinfang.core.config import Settings
from xinfang.models import Letter, Review, Status
from xinfang.models.db import session_scope

log = logging.getLogger(__name__)

COMPARED = ("category", "purpose", "department")
CONFIRMED_WEIGHT = 3       # a reviewer's letter counts as this many generated ones
BASE_SIZE = 1500           # generated letters that keep rare categories known while an office has few
FADE = 500                 # confirmed letters at which half the generated letters are left
FADE_OUT = 3000            # from this many confirmed letters on, no generated letter is mixed in
STARTER_CORPUS = "starter-corpus.jsonl"
LABELS = ("category", "purpose", "department")


def generated_share(confirmed: int) -> int:
    """How many generated letters stay in the mix beside `confirmed` letters of the office's own."""
    if confirmed >= FADE_OUT:
        return 0
    return round(BASE_SIZE * FADE / (FADE + max(confirmed, 0)))


def in_taxonomy(record: dict, office: Office) -> bool:
    """Whether every label of a generated letter is one the office uses (its own names win)."""
    allowed = {"category": set(office.categories), "purpose": set(office.purposes),
               "department": set(office.departments)}
    return all(not record.get(head) or record[head] in allowed[head] for head in LABELS)


def mix_training(base: list[dict], confirmed: list[dict], office: Office) -> list[dict]:
    """The training set of a retrain: the office's letters (weighted), then fading generated ones."""
    fitting = [r for r in base if in_taxonomy(r, office)]
    return fitting[:generated_share(len(confirmed))] + confirmed * CONFIRMED_WEIGHT


def confirmed_records(settings: Settings) -> list[dict]:
    """Every confirmed letter whose latest review may train the model, as training records."""

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


def starter_corpus_path(settings: Settings) -> Path:
    """Where `xinfang init` / `xinfang demo` leave the generated letters the starter model learned from."""
    return settings.models_root / STARTER_CORPUS


def write_starter_corpus(settings: Settings, records: list[dict]) -> None:
    """Keep the letters the starter learned from, so retraining can mix them in while an office has few."""
    path = starter_corpus_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in records[:BASE_SIZE]:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def base_records(settings: Settings) -> list[dict]:
    """The starter corpus, read from the data directory (the classifier never runs the sample generator)."""
    path = starter_corpus_path(settings)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()][:BASE_SIZE]


def retrain(settings: Settings, base: list[dict] | None = None, force: bool = False) -> dict:
    """Train a new version, evaluate it and the current model on held-out confirmed letters, maybe promote."""
    confirmed = confirmed_records(settings)
    held = [r for r in confirmed if r["id"] % 5 == 0]
    train = [r for r in confirmed if r["id"] % 5 != 0]
    records = mix_training(base_records(settings) if base is None else base, train, load_office())
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
            "generated": len(records) - len(train) * CONFIRMED_WEIGHT,
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

    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    summary = {h: {"accuracy": m["accuracy"], "macro_f1": m["macro_f1"]} for h, m in new.get("heads", {}).items()}
    meta["heldout_confirmed"] = {"new": summary, "current": {
        h: {"accuracy": m["accuracy"]} for h, m in (old or {}).get("heads", {}).items()},
        "promoted": promoted, "reason": why}
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
