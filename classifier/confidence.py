"""How sure a suggestion is, read from evidence that means the same on any office's mail.

A temperature fitted on one real source says how hard *that* source is: fitted on a city's replies (where a
third of the messages went to a 街道 that no text names) it makes every county letter look doubtful; fitted
on generated letters it says "100%" to everything. What transfers between sources is the evidence behind a
suggestion: how far the learned model prefers the label, whether the office's cue phrases point to the same
label, how many of them there are, whether a 依法分类处理 rule decided it. So the probability shown is a
logistic function of those features, with one set of weights fitted on real held-out letters of every
source and head together (`python -m bench.calibrate_routing`; never the blind letters), so no source's
difficulty becomes a constant the others inherit. Where a source's labels are themselves the clerk's
choice only a measured share of the time (checked by hand: a poster files a complaint as 建言, the unit that
answered a reply is not always the one a county desk routes to), the fit knows that a right suggestion
matches its label only that often: a label error must not teach the model to doubt itself. The
weights are numbers in `starter_calibration.json`; the label a suggestion names never changes, only how sure
it says it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

FEATURES = ("blend_logit", "model_logit", "margin", "cue_label", "cue_other", "model_agrees", "cues_agree",
            "no_cues", "rule", "table_ok")
_CLIP = 1e-4


def _logit(p: float) -> float:
    p = min(max(p, _CLIP), 1 - _CLIP)
    return float(np.log(p / (1 - p)))


def evidence(blended: np.ndarray, model: np.ndarray, cues: np.ndarray | None, k: int, rule: bool,
             table_ok: bool = True) -> list[float]:
    """The features of label k for one letter (rows of one head: blended and model-only probabilities, cue
    scores; `table_ok`: the suggested department is one the routing table lists for the suggested
    category), in FEATURES order."""
    others = np.delete(blended, k)
    second = float(others.max()) if others.size else 0.0
    cue = cues if cues is not None else np.zeros_like(blended)
    cue_other = float(np.delete(cue, k).max()) if cue.size > 1 else 0.0
    return [_logit(float(blended[k])), _logit(float(model[k])), float(blended[k]) - second, float(cue[k]), cue_other,
            float(int(model.argmax()) == k), float(cue[k] > 0 and cue[k] >= cue_other), float(not cue.any()),
            float(rule), float(table_ok)]


@dataclass
class Confidence:
    """Per head: weights of FEATURES and an intercept (a head without weights keeps its own probability)."""

    weights: dict[str, tuple[list[float], float]]

    @classmethod
    def from_numbers(cls, numbers: dict) -> Confidence | None:
        """None when the numbers were fitted on other features; numbers fitted before later features were
        added (a prefix of FEATURES) give those features no weight."""
        heads = (numbers or {}).get("heads") or {}
        named = list(numbers.get("features", FEATURES)) if heads else []
        if not heads or named != list(FEATURES[:len(named)]):
            return None
        pad = [0.0] * (len(FEATURES) - len(named))
        return cls({h: (list(v["coef"]) + pad, float(v["intercept"])) for h, v in heads.items()})

    def probability(self, head: str, features: Sequence[float], fallback: float) -> float:
        if head not in self.weights:
            return fallback
        coef, intercept = self.weights[head]
        z = float(np.dot(coef, features)) + intercept
        return float(1.0 / (1.0 + np.exp(-z)))


def fit_confidence(features: np.ndarray, correct: np.ndarray, C: float = 0.1,  # noqa: N803
                   label_accuracy: float = 1.0) -> tuple[list[float], float]:
    """Logistic weights for P(suggestion right | features), features standardised only inside the fit.

    C = 0.1: the department set is a few hundred letters and the two logits are nearly collinear; stronger
    regularisation gave the lowest ECE on the real measurement halves (bench/RESULTS.md).
    `label_accuracy` < 1: the labels are a reading that is right with that probability, so a right suggestion
    matches its label with probability label_accuracy x P(right) (a wrong reading almost never names the
    suggested unit); the weights maximise that likelihood and P(right) is what the desk shows.
    """
    mean, std = features.mean(axis=0), features.std(axis=0)
    std[std == 0] = 1.0
    scaled = (features - mean) / std
    if label_accuracy >= 1.0:
        model = LogisticRegression(C=C, max_iter=2000).fit(scaled, correct)
        w, b = model.coef_[0], float(model.intercept_[0])
    else:
        w, b = _fit_noisy(scaled, np.asarray(correct, dtype=float), C, label_accuracy)
    coef = w / std
    intercept = float(b - np.dot(w, mean / std))
    return [round(float(c), 5) for c in coef], round(intercept, 5)


def _fit_noisy(X: np.ndarray, y: np.ndarray, C: float, keep: float) -> tuple[np.ndarray, float]:  # noqa: N803
    """L2-penalised weights (as LogisticRegression's C) of P(label matches) = keep x sigmoid(X w + b)."""

    def loss(v: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = v[:-1], v[-1]
        s = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        p = np.clip(keep * s, 1e-9, 1 - 1e-9)
        value = -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum() * C + 0.5 * float(w @ w)
        # d/dz of the per-letter loss: (p - y) / (p (1 - p)) x keep x s (1 - s)
        dz = (p - y) / (p * (1 - p)) * keep * s * (1 - s) * C
        return value, np.append(X.T @ dz + w, dz.sum())

    found = minimize(loss, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B")
    return found.x[:-1], float(found.x[-1])


def rescaled_top(top: list[list], label: str, old: float, new: float) -> list[list]:
    """The top-k list with the suggestion at its new probability and the others sharing the rest as before."""
    rest = (1.0 - new) / (1.0 - old) if old < 1.0 else 0.0
    return [[name, round(new if name == label else float(p) * rest, 4)] for name, p in top]
