"""What the sentiment LSTM is measured against: TF-IDF + logistic regression, the VADER lexicon, the majority class.

``Baselines.load()`` loads the fitted TF-IDF model and VADER once (the page shares them between
visitors); ``Baselines.table(rating)`` is the page's comparison of one sentence.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from rnnkit import PRETRAINED
from rnnkit.core.text import tokenize
from rnnkit.sentiment.classifier import Rating
from rnnkit.sentiment.data import BINARY_NAMES, FINE_NAMES, fine_label, read_split

BASELINE_PATH = PRETRAINED / "sentiment" / "baseline_tfidf.npz"


class TfidfBaseline:
    """TF-IDF (word 1-2 grams) + logistic regression, fitted on the same training rows as the LSTM.

    ``C`` is chosen on the dev split (``scripts/eval_sentiment.py --tune``). scikit-learn fits it; the
    fitted numbers are stored as plain arrays (``save`` / ``load``, no pickle) next to the LSTM in
    ``pretrained/sentiment/baseline_tfidf.npz`` so the page need not refit it. ``predict`` computes what
    scikit-learn's ``TfidfVectorizer`` + ``LogisticRegression.predict_proba`` compute, from compact arrays:
    the 377,000 terms are looked up by a 64-bit hash in a sorted array (3 MB) instead of a Python dict of
    strings (~60 MB of the server's memory).
    """

    def __init__(self, c_binary: float = 10.0, c_fine: float = 10.0, min_df: int = 1):
        self.c_binary, self.c_fine, self.min_df = c_binary, c_fine, min_df
        self.terms: list[str] = []

    def fit(self, frame: pd.DataFrame) -> "TfidfBaseline":
        """Fit both heads: the binary one on rows with a binary label, the 5-class one on rows with a rating."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None,
                                     ngram_range=(1, 2), sublinear_tf=True, min_df=self.min_df)
        binary = LogisticRegression(C=self.c_binary, max_iter=3000)
        fine = LogisticRegression(C=self.c_fine, max_iter=3000)
        x = vectorizer.fit_transform(frame["text"])
        has_binary, has_fine = (frame["binary"] >= 0).to_numpy(), (frame["fine"] >= 0).to_numpy()
        binary.fit(x[has_binary], frame["binary"].to_numpy()[has_binary])
        fine.fit(x[has_fine], frame["fine"].to_numpy()[has_fine])
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        self._set(terms, vectorizer.idf_, binary.coef_, binary.intercept_, fine.coef_, fine.intercept_)
        self.terms = terms                           # kept for save(); a loaded baseline holds only arrays
        return self

    def _set(self, terms, idf, binary_coef, binary_intercept, fine_coef, fine_intercept) -> None:
        hashes = np.fromiter((term_hash(t) for t in terms), dtype=np.uint64, count=len(terms))
        order = np.argsort(hashes)
        if len(hashes) > 1 and (np.diff(hashes[order]) == 0).any():
            raise ValueError("two TF-IDF terms share a 64-bit hash")   # never seen; would mix two terms up
        self.hashes, self.columns = hashes[order], order.astype(np.int32)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.binary_coef = np.asarray(binary_coef, dtype=np.float32)           # (1, V)
        self.binary_intercept = np.asarray(binary_intercept, dtype=np.float64)
        self.fine_coef = np.asarray(fine_coef, dtype=np.float32)               # (5, V)
        self.fine_intercept = np.asarray(fine_intercept, dtype=np.float64)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's TF-IDF vector as (columns, values): sublinear tf x idf of its known 1-2 grams, L2-normed."""
        tokens = tokenize(text)
        grams = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
        if not grams:
            return np.zeros(0, np.int64), np.zeros(0)
        hashes = np.fromiter((term_hash(g) for g in grams), dtype=np.uint64, count=len(grams))
        where = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        known = self.hashes[where] == hashes
        columns, counts = np.unique(self.columns[where[known]], return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[columns]
        norm = np.sqrt((values ** 2).sum())
        return columns, values / norm if norm > 0 else values

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (N, 2) and (N, 5)."""
        binary, fine = [], []
        for text in texts:
            columns, values = self.features(text)
            z = float(self.binary_coef[0, columns] @ values) + self.binary_intercept[0]
            p = 1.0 / (1.0 + np.exp(-z))
            binary.append([1.0 - p, p])
            logits = self.fine_coef[:, columns] @ values + self.fine_intercept
            e = np.exp(logits - logits.max())
            fine.append(e / e.sum())
        return np.array(binary).reshape(-1, 2), np.array(fine).reshape(-1, 5)

    def save(self, path: Path) -> None:
        if not self.terms:
            raise ValueError("only a fitted baseline can be saved (a loaded one keeps hashes, not its terms)")
        np.savez_compressed(path, terms=np.array(self.terms), idf=self.idf, binary_coef=self.binary_coef,
                            binary_intercept=self.binary_intercept.astype(np.float32), fine_coef=self.fine_coef,
                            fine_intercept=self.fine_intercept.astype(np.float32))

    @classmethod
    def load(cls, path: Path) -> "TfidfBaseline":
        arrays = np.load(path, allow_pickle=False)
        baseline = cls()
        baseline._set(arrays["terms"], arrays["idf"], arrays["binary_coef"], arrays["binary_intercept"],
                      arrays["fine_coef"], arrays["fine_intercept"])
        return baseline


def term_hash(term) -> int:
    """A stable 64-bit hash of a term (Python's own hash() differs between processes)."""
    return int.from_bytes(hashlib.blake2b(str(term).encode("utf-8"), digest_size=8).digest(), "little")


def load_tfidf(path: Path = BASELINE_PATH) -> TfidfBaseline:
    """The fitted baseline: loaded from ``path``, else fitted on train.tsv."""
    if Path(path).exists():
        return TfidfBaseline.load(path)
    return TfidfBaseline().fit(read_split("train"))


def vader_analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def vader_compound(texts: Sequence[str], analyzer=None) -> np.ndarray:
    """VADER's compound score in [-1, 1] for each text (a rule-based lexicon, no training)."""
    analyzer = analyzer or vader_analyzer()
    return np.array([analyzer.polarity_scores(t)["compound"] for t in texts])


def vader_labels(compound: np.ndarray, majority_binary: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Binary: compound >= 0.05 positive, <= -0.05 negative (VADER's own thresholds), else the
    training majority; 5 classes: the compound stretched to the -4..+4 rating scale, then binned."""
    binary = np.where(compound >= 0.05, 1, np.where(compound <= -0.05, 0, majority_binary))
    fine = np.array([fine_label(4.0 * c) for c in compound])
    return binary, fine


def majority_labels(train: pd.DataFrame) -> tuple[int, int]:
    """The most frequent binary label (ignoring zeros) and 5-class label of the training split."""
    binary = train.loc[train["binary"] >= 0, "binary"].value_counts().idxmax()
    return int(binary), int(train.loc[train["fine"] >= 0, "fine"].value_counts().idxmax())


class Baselines:
    """The fitted TF-IDF baseline and the VADER analyzer, loaded once; read-only, safe to share."""

    def __init__(self, tfidf: TfidfBaseline, analyzer):
        self.tfidf, self.analyzer = tfidf, analyzer

    @classmethod
    def load(cls, path: Path = BASELINE_PATH) -> "Baselines":
        return cls(load_tfidf(path), vader_analyzer())

    def table(self, rating: Rating) -> tuple[list[dict], float]:
        """The LSTM's answer beside the baselines' (one row each), and VADER's compound score."""
        tfidf_binary, tfidf_fine = self.tfidf.predict([rating.text])
        compound = vader_compound([rating.text], self.analyzer)
        vader_binary, vader_fine = vader_labels(compound)
        return [
            {"system": "LSTM (this page)", "answer": rating.label, "P(positive)": round(rating.p_positive, 3),
             "5 classes": rating.fine_label},
            {"system": "TF-IDF + logistic regression", "answer": BINARY_NAMES[int(tfidf_binary[0].argmax())],
             "P(positive)": round(float(tfidf_binary[0, 1]), 3), "5 classes": FINE_NAMES[int(tfidf_fine[0].argmax())]},
            {"system": "VADER lexicon (rules)", "answer": BINARY_NAMES[int(vader_binary[0])],
             "P(positive)": None, "5 classes": FINE_NAMES[int(vader_fine[0])]},
        ], float(compound[0])
