"""One calibrated linear classifier per label (category, subcategory, purpose, department).

Each head is one linear model: the average of a LinearSVC and an NB-SVM (Wang & Manning 2012: per class,
a one-vs-rest LinearSVC on the features scaled by their naive-Bayes log-count ratio), both with classes
weighted by their inverse frequency so small classes count in the macro average. The two err on different
letters, and their average held better in cross-validation on real letters than either alone (see the
variants table in bench/RESULTS.md). The NB-SVM's weights times its ratios are ordinary per-feature
weights, so the average is again one weight matrix: prediction costs what one SVM costs, explanations read
the weights as before, and the model holds numpy arrays only (no scikit-learn object is kept).
Its scores become probabilities by temperature scaling (softmax of score x a), with `a` fitted on
cross-validated scores: one number for all classes, so it is fast with 60 subcategories, never changes
which label wins, and gives probabilities that match how often suggestions are right (see the reliability
table in bench/RESULTS.md). A head with one class (an office that uses one purpose for everything) is a
constant; classes seen once are handled by folds that may lack them.

With office knowledge (classifier/knowledge.py) a head also has `knowledge_weight`: its logits are
`scale x score + knowledge_weight x cue score`, both fitted on the same out-of-fold scores (for the starter,
refitted on real held-out letters: classifier/calibration.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.sparse import csr_matrix
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVC

# Two folds: the temperature from 2-fold scores is within a few percent of the 3-fold one (Teddy dev ECE
# 0.032 vs 0.029) at half the cost; the folds stop at tol 1e-2 (same temperature to 3 digits as 1e-4).
FOLDS = 2
# The model that predicts stops at the folds' tolerance too: on the Teddy letters 1e-2 gives the same
# predictions' macro-F1 as LinearSVC's default 1e-4 in cross-validation and on dev, in half the time.
TOL = 1e-2
FOLD_TOL = 1e-2
NB_SHARE = 0.5  # the NB-SVM's share of the averaged weights (0: the plain SVM)
NB_ALPHA = 1.0  # naive-Bayes smoothing of the log-count ratios
CLASS_WEIGHT = "balanced"


class LinearScores:
    """Fitted per-class weights: score = X @ coef_.T + intercept_, one column per class in `classes_`."""

    def __init__(self, classes: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.classes_ = classes
        self.coef_ = coef
        self.intercept_ = intercept

    def decision_function(self, X: csr_matrix) -> np.ndarray:  # noqa: N803
        return np.asarray(X @ self.coef_.T) + self.intercept_


def _svm_weights(X: csr_matrix, y: np.ndarray, classes: np.ndarray, C: float,  # noqa: N803
                 tol: float) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest LinearSVC weights, one row per class (the binary case as two opposite rows)."""
    svc = LinearSVC(C=C, tol=tol, class_weight=CLASS_WEIGHT).fit(X, y)
    coef, intercept = np.asarray(svc.coef_), np.asarray(svc.intercept_)
    if coef.shape[0] == 1:
        coef, intercept = np.vstack([-coef[0], coef[0]]), np.array([-intercept[0], intercept[0]])
    return coef, intercept


def _nb_svm_weights(X: csr_matrix, y: np.ndarray, classes: np.ndarray, C: float,  # noqa: N803
                    tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Per class: log-count ratios r of the binarised features (class vs. rest), a binary LinearSVC on
    X * r; its weights times r are the class's weights on X."""
    present = (X != 0).astype(np.float64).tocsr()
    totals = np.asarray(present.sum(axis=0)).ravel()
    coef = np.zeros((len(classes), X.shape[1]))
    intercept = np.zeros(len(classes))
    for k, label in enumerate(classes):
        inside = y == label
        in_class = np.asarray(present[inside].sum(axis=0)).ravel()
        p, q = NB_ALPHA + in_class, NB_ALPHA + totals - in_class
        ratio = np.log(p / p.sum()) - np.log(q / q.sum())
        svc = LinearSVC(C=C, tol=tol, class_weight=CLASS_WEIGHT).fit(X.multiply(ratio).tocsr(), inside)
        coef[k] = svc.coef_[0] * ratio
        intercept[k] = svc.intercept_[0]
    return coef, intercept


def fit_linear(X: csr_matrix, y: np.ndarray, C: float = 1.0, tol: float = TOL) -> LinearScores:  # noqa: N803
    """The averaged SVM + NB-SVM weights for labels `y` (at least two distinct)."""
    classes = np.unique(y)
    coef, intercept = _svm_weights(X, y, classes, C, tol)
    if NB_SHARE:
        nb_coef, nb_intercept = _nb_svm_weights(X, y, classes, C, tol)
        coef = (1 - NB_SHARE) * coef + NB_SHARE * nb_coef
        intercept = (1 - NB_SHARE) * intercept + NB_SHARE * nb_intercept
    return LinearScores(classes, np.ascontiguousarray(coef), intercept)


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _scores(svc: LinearScores, X: csr_matrix, classes: np.ndarray) -> np.ndarray:  # noqa: N803
    """Decision scores in the column order of `classes`; classes the model never saw score lowest."""
    raw = svc.decision_function(X)
    if raw.ndim == 1:
        raw = np.column_stack([-raw, raw])
    out = np.full((X.shape[0], len(classes)), raw.min() - 1.0 if raw.size else -1.0)
    index = {c: k for k, c in enumerate(classes)}
    for j, c in enumerate(svc.classes_):
        out[:, index[c]] = raw[:, j]
    return out


def blend(scores: np.ndarray, scale: float, cues: np.ndarray | None, weight: float) -> np.ndarray:
    """softmax(scale x model scores + weight x knowledge scores)."""
    logits = scores * scale
    if cues is not None and weight:
        logits = logits + weight * cues
    return _softmax(logits)


def nll(scores: np.ndarray, truth: np.ndarray, scale: float, cues: np.ndarray | None, weight: float) -> float:
    p = blend(scores, scale, cues, weight)
    return float(-np.log(p[np.arange(len(truth)), truth] + 1e-12).mean())


def fit_blend(scores: np.ndarray, truth: np.ndarray, cues: np.ndarray | None = None) -> tuple[float, float]:
    """(scale, knowledge weight) minimising the log-loss of `truth` (class indices); weight >= 0."""

    def temperature_only(log_a: float) -> float:
        return nll(scores, truth, float(np.exp(log_a)), None, 0.0)

    scale = float(np.exp(minimize_scalar(temperature_only, bounds=(-4, 5), method="bounded").x))
    if cues is None or not cues.any():
        return scale, 0.0
    found = minimize(lambda v: nll(scores, truth, float(np.exp(v[0])), cues, float(np.exp(v[1]))),
                     x0=[np.log(scale), 0.0], method="Nelder-Mead", options={"xatol": 1e-3, "fatol": 1e-5})
    log_a, log_b = found.x
    if found.fun >= temperature_only(np.log(scale)):
        return scale, 0.0
    return float(np.exp(log_a)), float(np.exp(log_b))


class Head:
    """A fitted classifier for one label with its classes, probabilities and per-word explanations."""

    def __init__(self, name: str, C: float = 1.0) -> None:  # noqa: N803 - sklearn's name for it
        self.name = name
        self.C = C
        self.classes_: np.ndarray = np.array([])
        self.svc: LinearScores | None = None  # the fitted weights (named before they were our own)
        self.scale = 1.0
        self.knowledge_weight = 0.0
        self._coef: np.ndarray | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_coef"] = None  # derived from the weights; rebuilt on first use
        return state

    def fit(self, X: csr_matrix, y: list[str],  # noqa: N803
            knowledge: Callable[[np.ndarray], np.ndarray] | None = None) -> Head:
        """`knowledge`: a function of the classes -> cue scores (rows of X, columns of `classes_`)."""
        counts = Counter(y)
        self.classes_ = np.array(sorted(counts))
        if len(counts) == 1:
            self.svc = None
            return self
        cues = knowledge(self.classes_) if knowledge is not None else None
        self.scale, self.knowledge_weight = self._fit_scale(X, np.asarray(y), cues)
        self.svc = fit_linear(X, np.asarray(y), self.C)
        return self

    def _fit_scale(self, X: csr_matrix, y: np.ndarray,  # noqa: N803
                   cues: np.ndarray | None = None) -> tuple[float, float]:
        """Temperature (and knowledge weight) from out-of-fold scores; minimises the softmax log-loss."""
        smallest = min(Counter(y).values())
        splitter = (StratifiedKFold(FOLDS, shuffle=True, random_state=0) if smallest >= FOLDS
                    else KFold(min(FOLDS, len(y)), shuffle=True, random_state=0))
        scores = np.zeros((len(y), len(self.classes_)))
        usable = np.zeros(len(y), dtype=bool)
        for train, test in splitter.split(X, y):
            if len(set(y[train])) < 2:
                continue
            svc = fit_linear(X[train], y[train], self.C, FOLD_TOL)
            scores[test] = _scores(svc, X[test], self.classes_)
            usable[test] = True
        if not usable.any():
            return 1.0, 0.0
        truth = np.searchsorted(self.classes_, y[usable])
        return fit_blend(scores[usable], truth, cues[usable] if cues is not None else None)

    def decision_function(self, X: csr_matrix) -> np.ndarray:  # noqa: N803
        if self.svc is None:
            return np.zeros((X.shape[0], 1))
        return _scores(self.svc, X, self.classes_)

    def predict_proba(self, X: csr_matrix, cues: np.ndarray | None = None) -> np.ndarray:  # noqa: N803
        """Probabilities; `cues` (rows x classes_) are the knowledge scores blended in."""
        if self.svc is None:
            return np.ones((X.shape[0], 1))
        return blend(self.decision_function(X), self.scale, cues, getattr(self, "knowledge_weight", 0.0))

    def predict(self, X: csr_matrix) -> np.ndarray:  # noqa: N803
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def coef(self) -> np.ndarray | None:
        """Per-class weights of the linear model (classes x features), for explanations."""
        if self.svc is None:
            return None
        if self._coef is not None:
            return self._coef
        coef = np.asarray(self.svc.coef_)
        if coef.shape[0] == 1:  # binary: one row for the positive class
            coef = np.vstack([-coef[0], coef[0]])
        order = [list(self.svc.classes_).index(c) for c in self.classes_]
        self._coef = np.ascontiguousarray(coef[order])
        return self._coef

    def contributions(self, x: csr_matrix, class_index: int, limit: int,
                      below: int | None = None) -> list[tuple[int, float]]:
        """Feature indices (< `below`) of one row that pushed it most towards the class, with weights."""
        return self.row_contributions(x.indices, x.data, class_index, limit, below)

    def row_contributions(self, indices: np.ndarray, data: np.ndarray, class_index: int, limit: int,
                          below: int | None = None) -> list[tuple[int, float]]:
        """`contributions` of a row given as its CSR indices and values."""
        coef = self.coef()
        if coef is None or len(indices) == 0:
            return []
        if below is not None:
            keep = indices < below
            indices, data = indices[keep], data[keep]
        weights = data * coef[class_index, indices]
        order = np.argsort(-weights)
        return [(int(indices[i]), float(weights[i])) for i in order[:limit] if weights[i] > 0]
