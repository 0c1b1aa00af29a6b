"""Category models for an office's own records, tried against the shipped SVM + NB-SVM on the 泰迪杯 letters.

    nice -n 19 python -m bench.teddy_variants fit svm,nb,knn30,ft32,svm_dw,nb_dw,svm_s,nb_s
    python -m bench.teddy_variants score svm,nb,ft32 [--audit]

`fit` caches, per base model, its class scores on the 5 grouped folds of train.csv (the folds of
`bench_teddy --cv`: near-duplicate messages stay in one fold) and on dev (fitted on all of train), in a
directory outside the checkout ($TMPDIR/teddy_variants). `score` turns each model's scores into log-
probabilities (one temperature fitted on the out-of-fold scores), sums the chosen models' (every pair and
triple), and prints macro-F1 on CV and dev; also per-class bias tuned for macro-F1 and stacking by logistic
regression, both nested (fitted on four folds' out-of-fold scores, scored on the fifth). `--audit` prints
the dev letters the sum gets wrong, for reading by hand. Nothing is trained on dev.

Base models (features as shipped: jieba words 1-2 grams | char_wb 1-4 grams, sublinear TF-IDF):
svm / nb: the two halves of the shipped head (LinearSVC, NB-SVM; classes balanced); *_dw: the same with
letters weighted 1/sqrt(size of their near-duplicate group); *_s: jieba search-mode sub-words of every
token added to the words; knnK: cosine k nearest neighbours; ftD: fastText-style supervised embeddings
(D dimensions) trained from scratch, the TF-IDF-weighted average of n-gram vectors into a softmax.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import itertools  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from functools import cache  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.optimize import minimize_scalar  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from bench.bench_teddy import near_duplicate_groups  # noqa: E402
from bench.realdata import sources  # noqa: E402
from xinfang.classifier.features import Featurizer  # noqa: E402
from xinfang.classifier.metrics import classification_report  # noqa: E402
from xinfang.classifier.segment import plain_tokens  # noqa: E402

CACHE = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "teddy_variants"


class Data:
    def __init__(self) -> None:
        train, dev = sources.teddy_train(), sources.teddy_dev()
        self.train_docs = [" ".join(r["text"].split()) for r in train]
        self.y = np.array([r["category"] for r in train])
        self.groups = near_duplicate_groups(self.train_docs)
        self.dev_tokens = [(plain_tokens(r["title"]), plain_tokens(r["text"])) for r in dev]
        self.y_dev = np.array([r["category"] for r in dev])
        self.dev = dev
        self.classes = np.unique(self.y)
        self.folds = list(GroupKFold(5).split(self.train_docs, groups=self.groups))


def featurize(train_docs: list[str], test: list, dev: bool) -> tuple[csr_matrix, csr_matrix]:
    """As `fit_router` on segmented records; dev letters are cut with stock jieba and kept to known words."""
    featurizer = Featurizer(title_weight=1)
    X = featurizer.fit_transform(train_docs, segmented=True)  # noqa: N806
    if dev:
        known = featurizer.token_ids
        test = [" ".join(w for w in title + text if w in known) for title, text in test]
    return X, featurizer.transform(test)


def svm(X, y, Xt, classes, weight=None):  # noqa: N803
    return LinearSVC(class_weight="balanced").fit(X, y, sample_weight=weight).decision_function(Xt)


def nb_svm(X, y, Xt, classes, weight=None):  # noqa: N803
    present = (X != 0).astype(np.float64).tocsr()
    totals = np.asarray(present.sum(0)).ravel()
    out = np.zeros((Xt.shape[0], len(classes)))
    for k, label in enumerate(classes):
        inside = y == label
        in_class = np.asarray(present[inside].sum(0)).ravel()
        p, q = 1 + in_class, 1 + totals - in_class
        ratio = np.log(p / p.sum()) - np.log(q / q.sum())
        fitted = LinearSVC(class_weight="balanced").fit(X.multiply(ratio).tocsr(), inside, sample_weight=weight)
        out[:, k] = Xt.multiply(ratio).tocsr() @ fitted.coef_[0] + fitted.intercept_[0]
    return out


def knn(X, y, Xt, classes, k=30):  # noqa: N803
    sims = (Xt @ X.T).toarray()
    top = np.argpartition(-sims, k, axis=1)[:, :k]
    rows = np.arange(len(top))
    out = np.zeros((Xt.shape[0], len(classes)))
    label = np.searchsorted(classes, y)
    for j in range(k):
        np.add.at(out, (rows, label[top[:, j]]), sims[rows, top[:, j]])
    return out


def fasttext(X, y, Xt, classes, dim=32, epochs=10, rate=0.2, batch=32, seed=0):  # noqa: N803
    """Hidden = X @ E (X: TF-IDF rows, so a weighted average of n-gram vectors), softmax(hidden @ W + b),
    class-weighted cross-entropy, SGD with a linearly decaying rate; only the touched rows of E move."""
    rng = np.random.default_rng(seed)
    n, k = X.shape[0], len(classes)
    label = np.searchsorted(classes, y)
    class_weight = n / (k * np.bincount(label, minlength=k))
    E = rng.uniform(-1 / dim, 1 / dim, (X.shape[1], dim)).astype(np.float32)  # noqa: N806
    W = np.zeros((dim, k), np.float32)  # noqa: N806
    b = np.zeros(k, np.float32)
    X = X.astype(np.float32).tocsr()  # noqa: N806
    steps, step = epochs * -(-n // batch), 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            block = X[rows]
            cols, inverse = np.unique(block.indices, return_inverse=True)
            compact = csr_matrix((block.data, inverse, block.indptr), shape=(len(rows), len(cols)))
            hidden = compact @ E[cols]
            z = hidden @ W + b
            z -= z.max(1, keepdims=True)
            grad = np.exp(z)
            grad /= grad.sum(1, keepdims=True)
            grad[np.arange(len(rows)), label[rows]] -= 1
            grad *= class_weight[label[rows]][:, None]
            lr = rate * (1 - step / steps)
            step += 1
            back = grad @ W.T
            W -= lr * (hidden.T @ grad)
            b -= lr * grad.sum(0)
            E[cols] -= lr * (compact.T @ back)
    return (Xt.astype(np.float32) @ E) @ W + b


@cache
def _search_words(token: str) -> tuple[str, ...]:
    import jieba  # only the search-mode variant needs stock jieba here

    if len(token) < 3:
        return ()
    return tuple(w for w in jieba.cut_for_search(token, HMM=False) if w != token and len(w) > 1)


def _expand(tokens: list[str]) -> list[str]:
    return [w for t in tokens for w in (t, *_search_words(t))]


def fit(data: Data, models: list[str]) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    expanded = None
    if any(m.endswith("_s") for m in models):
        expanded = ([" ".join(_expand(d.split())) for d in data.train_docs],
                    [(_expand(t), _expand(b)) for t, b in data.dev_tokens])
    splits = [(f"f{i}", tr, te) for i, (tr, te) in enumerate(data.folds)]
    splits.append(("dev", np.arange(len(data.y)), None))
    for name, tr, te in splits:
        built = {}
        for variant in sorted({m.endswith("_s") for m in models}):
            docs, dev_docs = expanded if variant else (data.train_docs, data.dev_tokens)
            test = dev_docs if te is None else [docs[i] for i in te]
            built[variant] = featurize([docs[i] for i in tr], test, te is None)
        sizes = Counter(data.groups[tr])
        weight = np.array([1 / np.sqrt(sizes[g]) for g in data.groups[tr]])
        for m in models:
            X, Xt = built[m.endswith("_s")]  # noqa: N806
            base = m.removesuffix("_s").removesuffix("_dw")
            w = weight if m.endswith("_dw") else None
            started = time.process_time()
            if base == "svm":
                scores = svm(X, data.y[tr], Xt, data.classes, w)
            elif base == "nb":
                scores = nb_svm(X, data.y[tr], Xt, data.classes, w)
            elif base.startswith("knn"):
                scores = knn(X, data.y[tr], Xt, data.classes, int(base[3:]))
            elif base.startswith("ft"):
                scores = fasttext(X, data.y[tr], Xt, data.classes, dim=int(base[2:]))
            else:
                raise SystemExit(f"unknown model {m}")
            np.save(CACHE / f"{m}_{name}.npy", scores)
            print(name, m, f"{time.process_time() - started:.1f} CPU s", flush=True)


class Scores:
    def __init__(self, data: Data) -> None:
        self.data = data
        self.order = np.concatenate([te for _, te in data.folds])
        self.truth = np.searchsorted(data.classes, data.y[self.order])
        self.dev_truth = np.searchsorted(data.classes, data.y_dev)
        self.fold = np.concatenate([np.full(len(te), i) for i, (_, te) in enumerate(data.folds)])

    def f1(self, truth: np.ndarray, pred: np.ndarray) -> float:
        c = self.data.classes
        return classification_report(list(c[truth]), list(c[pred]))["macro_f1"]

    def logprob(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        cv = np.vstack([np.load(CACHE / f"{model}_f{i}.npy") for i in range(5)])
        dev = np.load(CACHE / f"{model}_dev.npy")

        def log_softmax(s: np.ndarray, a: float) -> np.ndarray:
            z = s * a
            z = z - z.max(1, keepdims=True)
            return z - np.log(np.exp(z).sum(1, keepdims=True))

        def loss(log_a: float) -> float:
            return float(-log_softmax(cv, np.exp(log_a))[np.arange(len(cv)), self.truth].mean())

        a = float(np.exp(minimize_scalar(loss, bounds=(-6, 8), method="bounded").x))
        return log_softmax(cv, a), log_softmax(dev, a)

    def bias(self, cv: np.ndarray, truth: np.ndarray) -> np.ndarray:
        b = np.zeros(cv.shape[1])
        for _ in range(2):
            for k in range(cv.shape[1]):
                best, at = self.f1(truth, (cv + b).argmax(1)), b[k]
                for g in np.linspace(-1.5, 1.5, 31):
                    trial = b.copy()
                    trial[k] = g
                    f = self.f1(truth, (cv + trial).argmax(1))
                    if f > best + 1e-9:
                        best, at = f, g
                b[k] = at
        return b

    def nested(self, cv: np.ndarray, dev: np.ndarray, how: str) -> tuple[float, float]:
        pred = np.zeros(len(cv), int)
        for i in range(5):
            inside, out = self.fold != i, self.fold == i
            pred[out] = self._apply(how, cv[inside], self.truth[inside], cv[out])
        return self.f1(self.truth, pred), self.f1(self.dev_truth, self._apply(how, cv, self.truth, dev))

    def _apply(self, how: str, fit_x: np.ndarray, fit_y: np.ndarray, x: np.ndarray) -> np.ndarray:
        if how == "bias":
            return (x + self.bias(fit_x, fit_y)).argmax(1)
        stack = LogisticRegression(max_iter=2000, class_weight="balanced").fit(fit_x, fit_y)
        return stack.predict(x)


def score(data: Data, models: list[str], audit: bool) -> None:
    s = Scores(data)
    logp = {m: s.logprob(m) for m in models}
    for r in range(1, min(3, len(models)) + 1):
        for combo in itertools.combinations(models, r):
            cv, dev = sum(logp[m][0] for m in combo), sum(logp[m][1] for m in combo)
            print(f"{'+'.join(combo):28s} CV {s.f1(s.truth, cv.argmax(1)):.4f}  dev {s.f1(s.dev_truth, dev.argmax(1)):.4f}")
    cv, dev = sum(logp[m][0] for m in models), sum(logp[m][1] for m in models)
    for how in ("bias", "stack"):
        stacked_x = (cv, dev) if how == "bias" else (np.hstack([logp[m][0] for m in models]),
                                                      np.hstack([logp[m][1] for m in models]))
        print(f"{'+'.join(models)} {how} (nested): CV %.4f  dev %.4f" % s.nested(*stacked_x, how))
    if audit:
        pred = dev.argmax(1)
        for i in np.flatnonzero(pred != s.dev_truth):
            r = data.dev[i]
            print(f"--- #{i} id={r['id']} gold={data.classes[s.dev_truth[i]]} model={data.classes[pred[i]]}\n"
                  f"  {r['title']}\n  {r['text'][:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("fit", "score"))
    parser.add_argument("models")
    parser.add_argument("--audit", action="store_true")
    args = parser.parse_args()
    data = Data()
    models = args.models.split(",")
    fit(data, models) if args.step == "fit" else score(data, models, args.audit)


if __name__ == "__main__":
    main()
