"""What the sentiment LSTM is measured against: TF-IDF + logistic regression, the VADER lexicon, the majority class.

``Baselines.load()`` loads the fitted TF-IDF model and VADER once (the page shares them between
visitors); ``Baselines.table(rating)`` is the page's comparison of one sentence.
"""

from __future__ import annotations

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

    ``C`` is chosen on the dev split (``scripts/eval_sentiment.py --tune``). The fitted numbers are
    stored as plain arrays (``save`` / ``load``, no pickle) next to the LSTM in
    ``pretrained/sentiment/baseline_tfidf.npz`` so the page need not refit it.
    """

    def __init__(self, c_binary: float = 10.0, c_fine: float = 10.0, min_df: int = 1):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        self.vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None,
                                          ngram_range=(1, 2), sublinear_tf=True, min_df=min_df)
        self.binary = LogisticRegression(C=c_binary, max_iter=3000)
        self.fine = LogisticRegression(C=c_fine, max_iter=3000)

    def fit(self, frame: pd.DataFrame) -> "TfidfBaseline":
        """Fit both heads: the binary one on rows with a binary label, the 5-class one on rows with a rating."""
        x = self.vectorizer.fit_transform(frame["text"])
        has_binary, has_fine = (frame["binary"] >= 0).to_numpy(), (frame["fine"] >= 0).to_numpy()
        self.binary.fit(x[has_binary], frame["binary"].to_numpy()[has_binary])
        self.fine.fit(x[has_fine], frame["fine"].to_numpy()[has_fine])
        return self

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (N, 2) and (N, 5)."""
        x = self.vectorizer.transform(list(texts))
        return self.binary.predict_proba(x), self.fine.predict_proba(x)

    def save(self, path: Path) -> None:
        terms = sorted(self.vectorizer.vocabulary_, key=self.vectorizer.vocabulary_.get)
        np.savez_compressed(path, terms=np.array(terms), idf=self.vectorizer.idf_.astype(np.float32),
                            binary_coef=self.binary.coef_.astype(np.float32),
                            binary_intercept=self.binary.intercept_.astype(np.float32),
                            fine_coef=self.fine.coef_.astype(np.float32),
                            fine_intercept=self.fine.intercept_.astype(np.float32))

    @classmethod
    def load(cls, path: Path) -> "TfidfBaseline":
        arrays = np.load(path, allow_pickle=False)
        baseline = cls()
        baseline.vectorizer.vocabulary_ = {term: i for i, term in enumerate(arrays["terms"].tolist())}
        baseline.vectorizer.idf_ = arrays["idf"].astype(np.float64)
        for head, name, classes in ((baseline.binary, "binary", 2), (baseline.fine, "fine", 5)):
            head.classes_ = np.arange(classes)
            head.coef_ = arrays[f"{name}_coef"].astype(np.float64)
            head.intercept_ = arrays[f"{name}_intercept"].astype(np.float64)
        return baseline


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
