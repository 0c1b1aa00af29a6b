"""The starter's calibration: a handful of numbers fitted on real held-out letters, applied at training.

A starter model learns from generated letters only, where it is nearly always right, so its own
out-of-fold temperature makes it say "100%" on real mail it gets wrong a quarter of the time. Per head, the
temperature and the weight of the office's knowledge were refitted on real letters that are never used to
measure (one fixed half of the Teddy replies and of the 人民网 messages, a sample of Teddy train; never the
blind letters) by `python -m bench.calibrate_routing`, which writes `starter_calibration.json`. The file
holds numbers only, no text; an office model trained on its own letters keeps its own fitted numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

from xinfang.classifier.confidence import Confidence
from xinfang.classifier.model import Router

CALIBRATION = Path(__file__).resolve().parent / "office" / "starter_calibration.json"


def load_calibration(path: Path = CALIBRATION) -> dict:
    """{} when there is no calibration file (the model's own numbers then stand)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def apply_calibration(router: Router, numbers: dict) -> Router:
    """Set each head's temperature and knowledge weight, the confidence weights and the abstain threshold."""
    for name, values in numbers.get("heads", {}).items():
        head = router.heads.get(name)
        if head is None or head.svc is None:
            continue
        head.scale = float(values["scale"])
        head.knowledge_weight = float(values.get("knowledge_weight", 0.0))
    if numbers.get("abstain_threshold") is not None:
        router.threshold = float(numbers["abstain_threshold"])
    if "confidence" in numbers:
        router.confidence = Confidence.from_numbers(numbers["confidence"])
    return router
