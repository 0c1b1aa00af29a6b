"""The starter model every new office gets (`xinfang init`, `xinfang demo`, `xinfang model starter`).

Trained at set-up from the sample generator's letters (nothing from shared data ships), with the office's
knowledge blended in and the calibration numbers fitted on real letters (classifier/calibration.py); the
letters it learned from are kept as the starter corpus, which retraining fades out as confirmed letters
arrive (classifier/retrain.py).
"""

from __future__ import annotations

import time

import click

from xinfang.core.config import Settings

STARTER_SEED = 20261122
STARTER_SIZE = 3000


def starter_corpus(size: int = STARTER_SIZE, seed: int = STARTER_SEED) -> list[dict]:
    """Generated letters in every voice (samples/styles.py), about every unit of the office, at county shares."""
    # the generator: CLI only; imported on use for start-up time
    from xinfang.samples.generate import generate_letters  # start-up: loaded only when this command runs

    return list(generate_letters(size, seed, styles=True, every_unit=True))


def train_starter(settings: Settings, size: int = STARTER_SIZE) -> dict:
    """Train, store as a version, promote it and keep its corpus; returns the held-out metrics."""
    # imported here: the classifier (numpy, scipy, sklearn) loads only for commands that train, for start-up time
    # start-up: loaded only when this command runs
    from xinfang.classifier.calibration import load_calibration
    from xinfang.classifier.persist import new_version_id  # start-up: loaded only when this command runs

    # start-up: loaded only when this command runs
    from xinfang.classifier.retrain import write_starter_corpus
    from xinfang.classifier.training import train_from_records  # start-up: loaded only when this command runs
    from xinfang.classifier.versions import promote  # start-up: loaded only when this command runs

    corpus = starter_corpus(size)
    version = new_version_id()
    metrics = train_from_records(corpus, settings.models_root / version, version=version,
                                 calibration=load_calibration(), extra_meta={"source": "starter (generated letters)"})
    promote(settings.models_root, version, reason="starter model")
    write_starter_corpus(settings, corpus)
    return metrics


def ensure_starter_model(settings: Settings, size: int = STARTER_SIZE) -> bool:
    """Train the starter unless a model is already promoted; True when one was trained."""
    if (settings.model_dir / "meta.json").exists():
        return False
    click.echo(f"training the starter classifier on {size} generated letters (about a minute) ...")
    started = time.perf_counter()
    metrics = train_starter(settings, size)
    click.echo(f"  starter model promoted in {time.perf_counter() - started:.0f} s (held-out accuracy on generated "
               "letters: " + ", ".join(f"{k} {v['accuracy']:.2f}" for k, v in metrics.get("heads", {}).items()
                                        if "accuracy" in v) + ")")
    return True
