"""The two hand-written speed-ups of the classifier, measured against the libraries they replace.

`classifier.segment.cut` is a copy of jieba's accurate-mode loop (same tokens, fewer Python calls) and
`classifier.features.Featurizer` computes scikit-learn's TF-IDF (word 1-2 grams + char_wb 1-4 grams) with
numpy codes. Both claim to give identical results faster; this measures both claims on real messages
(泰迪杯 dev + replies, ../shared/data/teddy2020c) in one run, as ratios.

    python -m bench.bench_speedups [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bench.data import read_csv
from xinfang.classifier.features import Featurizer
from xinfang.classifier.segment import _plain, cut


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = read_csv("teddy2020c", "dev.csv") + read_csv("teddy2020c", "replies.csv")
    texts = [f"{r['title']}\n{r['text']}" for r in rows]
    chars = sum(map(len, texts))
    print(f"{len(texts)} real messages, {chars:,} characters")

    tokenizer = _plain()
    tokenizer.check_initialized()
    same = all(cut(tokenizer, t) == tokenizer.lcut(t) for t in texts)
    stock = best_of(args.repeat, lambda: [tokenizer.lcut(t) for t in texts])
    ours = best_of(args.repeat, lambda: [cut(tokenizer, t) for t in texts])
    print(f"segmentation  jieba {jieba.__version__} lcut {stock:.2f} s | ours {ours:.2f} s | "
          f"speed-up x{stock / ours:.2f} | identical tokens: {same}")

    docs = Featurizer(title_weight=1).documents(texts)
    train, test = docs[: len(docs) * 4 // 5], docs[len(docs) * 4 // 5:]

    def ours_tfidf() -> tuple:
        featurizer = Featurizer(title_weight=1)
        return featurizer.fit_transform(train), featurizer.transform(test)

    def sklearn_tfidf() -> tuple:
        words = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2),
                                sublinear_tf=True)
        chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=False, sublinear_tf=True,
                                 min_df=2)
        return (words.fit_transform(train), chars_.fit_transform(train), words.transform(test),
                chars_.transform(test))

    featurizer = Featurizer(title_weight=1)
    x_ours = featurizer.fit_transform(train)
    reference = sklearn_tfidf()
    same_shape = x_ours.shape[1] == reference[0].shape[1] + reference[1].shape[1]
    same_mass = bool(np.isclose(x_ours.multiply(x_ours).sum(),
                                reference[0].multiply(reference[0]).sum() + reference[1].multiply(reference[1]).sum()))
    stock = best_of(args.repeat, sklearn_tfidf)
    ours = best_of(args.repeat, ours_tfidf)
    print(f"TF-IDF        scikit-learn {stock:.2f} s | ours {ours:.2f} s | speed-up x{stock / ours:.2f} | "
          f"same features: {same_shape and same_mass} (column-by-column equality: tests/test_classifier.py)")


if __name__ == "__main__":
    main()
