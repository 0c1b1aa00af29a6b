"""Features that suit Chinese letters: jieba words (uni- and bigrams) plus character n-grams.

Words carry the meaning a reviewer recognises (and that the explanation shows); character n-grams catch
OCR-damaged words, unseen place names and segmentation mistakes (n-grams seen only once are pruned, to
keep model files small). Only word features are named in explanations.
The title is repeated (`title_weight`) because a letter's title usually names its matter.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.segment import plain_tokens, tokens


class Featurizer:
    """Text -> token string -> sparse TF-IDF features (word 1-2 grams | char_wb 1-4 grams)."""

    def __init__(self, title_weight: int = 2, char_min_df: int = 2, min_df: int = 1) -> None:
        self.title_weight = title_weight
        self.segmented_training = False
        self.vocabulary: frozenset[str] | None = None
        self.words = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2),
                                     sublinear_tf=True, min_df=min_df, dtype=np.float32)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=False, sublinear_tf=True,
                                     min_df=char_min_df, dtype=np.float32)
        self._names: np.ndarray | None = None

    def document(self, text: str, title: str = "", segmented: bool = False) -> str:
        """One letter as a string of tokens, title first and repeated."""
        if self.vocabulary is not None and not segmented:
            # Trained on tokens segmented and stop-word-filtered elsewhere (stock jieba): cut the same way,
            # then keep only words the model knows, as that filter did.
            body = [w for w in plain_tokens(text) if w in self.vocabulary]
            head = [w for w in plain_tokens(title) if w in self.vocabulary]
        else:
            body = tokens(text, segmented)
            head = tokens(title, segmented) if title else []
        return " ".join(head * self.title_weight + body)

    def documents(self, texts: Sequence[str], titles: Sequence[str] | None = None,
                  segmented: bool = False) -> list[str]:
        titles = titles or [""] * len(texts)
        return [self.document(text, title, segmented) for text, title in zip(texts, titles, strict=True)]

    def fit_transform(self, docs: list[str], segmented: bool = False) -> csr_matrix:
        self.segmented_training = segmented
        words = self.words.fit_transform(docs)
        if segmented:
            self.vocabulary = frozenset(w for doc in docs for w in doc.split())
        chars = self.chars.fit_transform(docs)
        for vectorizer in (self.words, self.chars):  # the pruned terms are not needed and bloat the file
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
        return hstack([words, chars], format="csr", dtype=np.float32)

    def transform(self, docs: list[str]) -> csr_matrix:
        chars = self.chars.transform(docs)
        return hstack([self.words.transform(docs), chars], format="csr", dtype=np.float32)

    @property
    def n_word_features(self) -> int:
        return len(self.words.vocabulary_)

    def word_names(self) -> np.ndarray:
        if self._names is None:
            self._names = self.words.get_feature_names_out()
        return self._names

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_names"] = None
        return state
