"""Sentiment of movie-review sentences: labels, data, inference helpers and baselines.

The model itself (a many-to-one LSTM) and its training live in ``rnnkit/tasks/sentiment.py``;
this module is what the page, the evaluation script and the benchmark call:

- ``predict``: binary and 5-class probabilities for many sentences at once (batched);
- ``prefix_scores``: the prediction after every prefix of one sentence (the many-to-one unrolled);
- ``importance``: leave-one-out word importance;
- ``score_batch`` / ``read_upload``: batch mode for uploaded ``.txt`` / ``.csv`` files;
- ``TfidfBaseline``, ``vader_predict``, ``majority_predict``: the baselines.

Nothing here imports streamlit, and importing it loads nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from rnnkit import ROOT
from rnnkit.core.text import Vocabulary, tokenize

DATA = ROOT / "data" / "sentiment"
FINE_EDGES = (-2.0, -0.5, 0.5, 2.0)
FINE_NAMES = ("very negative", "negative", "neutral", "positive", "very positive")
BINARY_NAMES = ("negative", "positive")
MAX_CHARS = 5_000          # longer text is truncated (and the visitor told)
MAX_TOKENS = 200           # the model reads at most this many tokens
MAX_ROWS = 100_000         # batch mode: rows beyond this are reported, not scored
MAX_FILE_BYTES = 10 * 1024 * 1024


# ----------------------------------------------------------------------------- labels and data

def fine_label(mean: float) -> int:
    """The 5-class label of a mean rating on -4..+4.

    0: mean <= -2, 1: -2 < mean <= -0.5, 2: -0.5 < mean < 0.5, 3: 0.5 <= mean < 2, 4: mean >= 2.
    """
    low2, low1, high1, high2 = FINE_EDGES
    if mean <= low2:
        return 0
    if mean <= low1:
        return 1
    if mean < high1:
        return 2
    if mean < high2:
        return 3
    return 4


def read_split(name: str, directory: Path = DATA) -> pd.DataFrame:
    """``train``, ``dev``, ``test``, ``ood_amazon`` or ``ood_nyt``: columns id, mean, binary, fine, text."""
    path = Path(directory) / f"{name}.tsv"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python scripts/prepare_sentiment.py`")
    return pd.read_csv(path, sep="\t", dtype={"id": str, "text": str}, keep_default_na=False,
                       quoting=csv.QUOTE_MINIMAL)


def load_glove(directory: Path = DATA) -> dict[str, np.ndarray] | None:
    """The committed GloVe 50d subset as ``{word: vector}``, or None when it is absent."""
    words_path, vectors_path = Path(directory) / "glove50_words.txt", Path(directory) / "glove50_vectors.npy"
    if not (words_path.exists() and vectors_path.exists()):
        return None
    words = words_path.read_text(encoding="utf-8").split("\n")[:-1]
    vectors = np.load(vectors_path).astype(np.float32)      # (V, 50)
    return dict(zip(words, vectors))


# ----------------------------------------------------------------------------- metrics

def classification_scores(binary_true, binary_pred, fine_true, fine_pred) -> dict:
    """Accuracy, macro-F1 and confusion matrices; binary rows labelled -1 (mean exactly 0) are skipped."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    binary_true, binary_pred = np.asarray(binary_true), np.asarray(binary_pred)
    keep = binary_true >= 0
    bt, bp = binary_true[keep], binary_pred[keep]
    return {
        "binary_accuracy": float(accuracy_score(bt, bp)),
        "binary_macro_f1": float(f1_score(bt, bp, average="macro", labels=[0, 1], zero_division=0)),
        "fine_accuracy": float(accuracy_score(fine_true, fine_pred)),
        "fine_macro_f1": float(f1_score(fine_true, fine_pred, average="macro", labels=list(range(5)), zero_division=0)),
        "binary_confusion": confusion_matrix(bt, bp, labels=[0, 1]).tolist(),
        "fine_confusion": confusion_matrix(fine_true, fine_pred, labels=list(range(5))).tolist(),
    }


# ----------------------------------------------------------------------------- checking input

@dataclass(frozen=True)
class CheckedText:
    text: str                 # what the model reads (possibly truncated)
    tokens: list[str]         # at most MAX_TOKENS tokens
    notes: list[str]          # sentences for the visitor (truncation, unknown words...)
    problem: str = ""         # non-empty: nothing to score, say this instead


def check_text(text: object, vocab: Vocabulary | None = None, max_chars: int = MAX_CHARS) -> CheckedText:
    """Validate one input sentence and say, in plain words, what was done to it."""
    if not isinstance(text, str):
        return CheckedText("", [], [], "The input is not text.")
    notes = []
    if len(text) > max_chars:
        notes.append(f"The text had {len(text):,} characters; only the first {max_chars:,} were read.")
        text = text[:max_chars]
    if not text.strip():
        return CheckedText(text, [], notes, "There is no text to score: type a sentence.")
    tokens = tokenize(text)
    if not any(any(ch.isalnum() for ch in t) for t in tokens):
        return CheckedText(text, tokens, notes, "The text has no words, only punctuation or symbols: type a sentence.")
    if len(tokens) > MAX_TOKENS:
        notes.append(f"The sentence has {len(tokens):,} tokens; the model reads only the first {MAX_TOKENS}.")
        tokens = tokens[:MAX_TOKENS]
    if vocab is not None:
        words = [t for t in tokens if any(ch.isalnum() for ch in t)]
        unknown = sorted(set(t for t in words if t not in vocab))
        if unknown and len(unknown) * 2 >= len(set(words)):
            notes.append("Most words are unknown to the model (it learnt English from movie reviews), "
                         "so the scores mean little: " + ", ".join(unknown[:12]) + ("…" if len(unknown) > 12 else ""))
        elif unknown:
            notes.append("Words the model never saw in training (read as <unk>): " + ", ".join(unknown[:12])
                         + ("…" if len(unknown) > 12 else ""))
    return CheckedText(text, tokens, notes)


# ----------------------------------------------------------------------------- the LSTM at inference

class SentimentClassifier:
    """A trained ``SentimentLSTM`` plus its vocabulary; read-only, safe to share between sessions.

    Build one per request from the shared ``(model, card)`` of ``load_pretrained("sentiment")``:
    it holds no per-user state and never changes the model.
    """

    def __init__(self, model, card: dict):
        self.model, self.card = model, card
        self.vocab = Vocabulary(card["extras"]["itos"])

    def _forward(self, token_lists: Sequence[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        import torch
        ids = [self.vocab.encode(tokens[:MAX_TOKENS]) or [self.vocab.unk_id] for tokens in token_lists]
        lengths = torch.tensor([len(s) for s in ids])                          # (B,)
        padded = torch.zeros(len(ids), int(lengths.max()), dtype=torch.long)   # (B, T)
        for row, sentence in enumerate(ids):
            padded[row, :len(sentence)] = torch.tensor(sentence)
        with torch.inference_mode():
            binary, fine = self.model(padded, lengths)                          # (B, 2), (B, 5)
        return binary.softmax(-1).numpy(), fine.softmax(-1).numpy()

    def predict_tokens(self, token_lists: Sequence[list[str]], batch_size: int = 256,
                       progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (N, 2) and (N, 5) for tokenised sentences, batched by similar length."""
        n = len(token_lists)
        binary, fine = np.zeros((n, 2), np.float32), np.zeros((n, 5), np.float32)
        order = sorted(range(n), key=lambda i: len(token_lists[i]))
        for start in range(0, n, batch_size):
            chunk = order[start:start + batch_size]
            binary[chunk], fine[chunk] = self._forward([token_lists[i] for i in chunk])
            if progress:
                progress(min(start + batch_size, n), n)
        return binary, fine

    def predict(self, texts: Sequence[str], **kwargs) -> tuple[np.ndarray, np.ndarray]:
        return self.predict_tokens([tokenize(t)[:MAX_TOKENS] for t in texts], **kwargs)

    def prefix_scores(self, tokens: list[str]) -> pd.DataFrame:
        """The prediction the model makes if the sentence stopped after each token."""
        binary, fine = self._forward([tokens[:i] for i in range(1, len(tokens) + 1)])
        return pd.DataFrame({"position": range(1, len(tokens) + 1), "token": tokens,
                             "p_positive": binary[:, 1], "fine_score": fine @ np.arange(5) - 2.0,
                             "fine": [FINE_NAMES[k] for k in fine.argmax(-1)]})

    def importance(self, tokens: list[str]) -> pd.DataFrame:
        """Leave-one-out importance: how much P(positive) drops when each token is removed.

        ``importance > 0``: the token pushed towards positive; ``< 0``: towards negative.
        """
        variants = [tokens] + [tokens[:i] + tokens[i + 1:] for i in range(len(tokens))]
        binary, _ = self._forward([v if v else ["<unk>"] for v in variants])
        return pd.DataFrame({"token": tokens, "importance": binary[0, 1] - binary[1:, 1],
                             "known": [t in self.vocab for t in tokens]})


# ----------------------------------------------------------------------------- baselines

class TfidfBaseline:
    """TF-IDF (word 1-2 grams) + logistic regression, fitted on the same training split.

    ``C`` was chosen on the dev split from {1, 3, 10, 30} (``scripts/eval_sentiment.py --tune``).
    The fitted numbers are stored as plain arrays (``save`` / ``load``, no pickle) next to the LSTM
    in ``pretrained/sentiment/baseline_tfidf.npz`` so the page need not refit it.
    """

    def __init__(self, c_binary: float = 10.0, c_fine: float = 10.0, min_df: int = 1):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        self.vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None,
                                          ngram_range=(1, 2), sublinear_tf=True, min_df=min_df)
        self.binary = LogisticRegression(C=c_binary, max_iter=3000)
        self.fine = LogisticRegression(C=c_fine, max_iter=3000)

    def fit(self, frame: pd.DataFrame) -> "TfidfBaseline":
        x = self.vectorizer.fit_transform(frame["text"])
        keep = (frame["binary"] >= 0).to_numpy()
        self.binary.fit(x[keep], frame["binary"].to_numpy()[keep])
        self.fine.fit(x, frame["fine"].to_numpy())
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


BASELINE_PATH = ROOT / "pretrained" / "sentiment" / "baseline_tfidf.npz"


@lru_cache(maxsize=1)
def tfidf_baseline(path: Path = BASELINE_PATH) -> TfidfBaseline:
    """The fitted baseline (read-only, shared): loaded from ``path``, else fitted on train.tsv."""
    if Path(path).exists():
        return TfidfBaseline.load(path)
    return TfidfBaseline().fit(read_split("train"))


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def vader_compound(texts: Sequence[str]) -> np.ndarray:
    """VADER's compound score in [-1, 1] for each text (a rule-based lexicon, no training)."""
    analyzer = _vader()
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
    return int(binary), int(train["fine"].value_counts().idxmax())


# ----------------------------------------------------------------------------- batch mode

@dataclass
class Upload:
    """An uploaded file read into a table: ``frame`` has every input row, ``columns`` the text-like ones."""
    frame: pd.DataFrame
    columns: list[str]
    notes: list[str]
    problem: str = ""


def decode_bytes(raw: bytes) -> tuple[str, list[str], str]:
    """(text, notes, problem): UTF-8 (with or without BOM); otherwise Latin-1 with a note; binary files refused."""
    if b"\x00" in raw[:65536]:
        return "", [], "This looks like a binary file, not text: upload a .txt or .csv saved as text."
    try:
        return raw.decode("utf-8-sig"), [], ""
    except UnicodeDecodeError as error:
        return (raw.decode("latin-1"),
                [f"The file is not valid UTF-8 (first bad byte at position {error.start}); it was read as "
                 "Latin-1, so accented letters may look wrong. Save it as UTF-8 for exact text."], "")


def read_upload(name: str, raw: bytes) -> Upload:
    """Read a ``.txt`` (one sentence per line) or ``.csv`` upload; every line/row is kept."""
    empty = pd.DataFrame({"text": []})
    if len(raw) > MAX_FILE_BYTES:
        return Upload(empty, [], [], f"The file is {len(raw) / 2**20:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB.")
    text, notes, problem = decode_bytes(raw)
    if problem:
        return Upload(empty, [], notes, problem)
    if not text.strip():
        return Upload(empty, [], notes, "The file is empty: upload one sentence per line (.txt) or a .csv with a text column.")
    if name.lower().endswith(".csv"):
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False,
                                on_bad_lines="error")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
            return Upload(empty, [], notes, f"The CSV could not be read ({first[:160]}). Check its commas and quotes.")
        columns = [c for c in frame.columns if frame[c].map(_has_letters).mean() >= 0.5]
        if not columns:
            return Upload(frame, [], notes, "No column of this CSV holds text (words with letters): "
                                             "it needs a column of sentences. Columns found: "
                                             + ", ".join(map(str, frame.columns[:20])))
        columns.sort(key=lambda c: -frame[c].str.len().mean())
        return Upload(frame, columns, notes)
    lines = text.splitlines()
    return Upload(pd.DataFrame({"text": lines}), ["text"], notes)


def _has_letters(value: str) -> bool:
    return any(ch.isalpha() for ch in value)


def score_batch(classifier: SentimentClassifier, texts: Sequence[str],
                progress: Callable[[int, int], None] | None = None, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """One output row per input row: scores, or an empty score and the reason in ``note``.

    ``fine_score`` is the 5-class probabilities averaged on a -2 (very negative) .. +2 (very positive) scale.
    """
    checked = [check_text(t, classifier.vocab) if i < max_rows else None for i, t in enumerate(texts)]
    scorable = [i for i, c in enumerate(checked) if c is not None and not c.problem]
    binary, fine = classifier.predict_tokens([checked[i].tokens for i in scorable], batch_size=512, progress=progress)
    out = pd.DataFrame({"row": np.arange(1, len(texts) + 1), "text": list(texts),
                        "label": "", "p_positive": np.nan, "fine": "", "fine_score": np.nan, "note": ""})
    out.loc[scorable, "label"] = [BINARY_NAMES[k] for k in binary.argmax(-1)]
    out.loc[scorable, "p_positive"] = binary[:, 1].round(4)
    out.loc[scorable, "fine"] = [FINE_NAMES[k] for k in fine.argmax(-1)]
    out.loc[scorable, "fine_score"] = (fine @ np.arange(5) - 2.0).round(3)
    out["note"] = [("not scored: beyond the first {:,} rows".format(max_rows) if c is None
                    else c.problem.split(":")[0] if c.problem else " ".join(c.notes)) for c in checked]
    return out
