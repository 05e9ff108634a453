"""Sentiment data: the labels, the committed splits and GloVe subset, datasets, metrics, uploaded files.

The labels come from the mean human rating (-4..+4) of each sentence: binary is its sign, and
5 classes are bins of it (edges ``FINE_EDGES``). Data: ``data/sentiment/`` (see its PROVENANCE.md).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch.utils.data import Dataset

from rnnkit import DATA as DATA_ROOT
from rnnkit.core.inputs import InputError, decode_text
from rnnkit.core.text import Vocabulary, pad_batch, tokenize

DATA = DATA_ROOT / "sentiment"
FINE_EDGES = (-2.0, -0.5, 0.5, 2.0)
FINE_NAMES = ("very negative", "negative", "neutral", "positive", "very positive")
BINARY_NAMES = ("negative", "positive")
MAX_CHARS = 5_000          # longer text is truncated (and the visitor told)
MAX_TOKENS = 200           # the model reads at most this many tokens
MAX_ROWS = 100_000         # batch mode: rows beyond this are reported, not scored
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 50           # batch mode: wider CSVs are refused before parsing (the page says so)
DOMAINS = ("movie", "amazon", "nyt", "tweets")   # the human-rated domains; each has train, dev and test splits
EXTRA = ("extra_rt", "extra_tweets")             # extra training data with a binary label only (fine = -1)


# ----------------------------------------------------------------------------- labels and files

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


def split_name(domain: str, part: str) -> str:
    """The file of one domain's split: the movie split keeps its old names (``train``, ``dev``, ``test``),
    the others are ``<domain>_<part>`` (``amazon_test``)."""
    return part if domain == "movie" else f"{domain}_{part}"


def read_split(name: str, directory: Path = DATA) -> pd.DataFrame:
    """A split (``train``, ``dev``, ``test``, ``amazon_test``, ``extra_rt``, ...): columns id, mean, binary, fine,
    text; ``fine`` is -1 where only the binary label is known, ``binary`` -1 where the mean is exactly 0."""
    path = Path(directory) / f"{name}.tsv"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python scripts/prepare_sentiment.py`")
    return pd.read_csv(path, sep="\t", dtype={"id": str, "text": str}, keep_default_na=False,
                       quoting=csv.QUOTE_MINIMAL)


def read_challenge(directory: Path = DATA) -> pd.DataFrame:
    """The hand-written negation and contrast set (``CHALLENGE.md``): id, label, phenomenon, text, binary.
    An evaluation set only: never trained or tuned on."""
    frame = pd.read_csv(Path(directory) / "challenge.tsv", sep="\t", dtype=str, keep_default_na=False,
                        quoting=csv.QUOTE_NONE)
    frame["binary"] = (frame["label"] == "positive").astype(int)
    return frame


def load_glove(directory: Path = DATA) -> dict[str, np.ndarray] | None:
    """The committed GloVe 50d subset as ``{word: vector}``, or None when it is absent."""
    words_path, vectors_path = Path(directory) / "glove50_words.txt", Path(directory) / "glove50_vectors.npy"
    if not (words_path.exists() and vectors_path.exists()):
        return None
    words = words_path.read_text(encoding="utf-8").split("\n")[:-1]
    vectors = np.load(vectors_path).astype(np.float32)      # (V, 50)
    return dict(zip(words, vectors))


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


# ----------------------------------------------------------------------------- datasets

class SentenceDataset(Dataset):
    """Token ids with a binary label (-1 = neutral, ignored) and a 5-class label."""

    def __init__(self, ids: list[list[int]], binary: list[int], fine: list[int]):
        self.ids, self.binary, self.fine = ids, binary, fine

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int):
        return self.ids[index], self.binary[index], self.fine[index]


def collate(batch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad to the longest sentence: ids (B, T), lengths (B,), binary (B,), fine (B,); an empty one reads <unk>."""
    ids, binary, fine = zip(*batch)
    padded, lengths = pad_batch([sentence or [Vocabulary.unk_id] for sentence in ids])   # (B, T), (B,)
    return padded, lengths, torch.tensor(binary), torch.tensor(fine)


def encode(vocab: Vocabulary, text: str) -> list[int]:
    return vocab.encode(tokenize(text)[:MAX_TOKENS])


def build_vocabulary(texts, min_freq: int, glove: dict | None) -> Vocabulary:
    """Training words seen ``min_freq`` times or more, or known to GloVe; most frequent first."""
    counts = Counter(t for text in texts for t in tokenize(text))
    keep = sorted((t for t, c in counts.items() if c >= min_freq or (glove and t in glove)),
                  key=lambda t: (-counts[t], t))
    return Vocabulary(list(Vocabulary().itos) + keep)


def make_dataset(frame: pd.DataFrame, vocab: Vocabulary) -> SentenceDataset:
    return SentenceDataset([encode(vocab, t) for t in frame["text"]],
                           frame["binary"].tolist(), frame["fine"].tolist())


# ----------------------------------------------------------------------------- uploaded files

@dataclass
class Upload:
    """An uploaded file read into a table: ``frame`` has every input row, ``columns`` the text-like ones."""
    frame: pd.DataFrame
    columns: list[str]
    notes: list[str]


def read_upload(name: str, raw: bytes) -> Upload:
    """Read a ``.txt`` (one sentence per line) or ``.csv`` upload, every line/row kept; ``InputError``
    for a file that holds no sentences to score."""
    text, notes = decode_text(raw, MAX_FILE_BYTES)
    if not text.strip():
        raise InputError("The file is empty: upload one sentence per line (.txt) or a .csv with a text column.")
    if not name.lower().endswith(".csv"):
        return Upload(pd.DataFrame({"text": text.splitlines()}), ["text"], notes)
    try:
        header = next(csv.reader([text.lstrip("\r\n").split("\n", 1)[0]]), [])  # cheap: before parsing the rows
    except csv.Error:
        raise InputError("The CSV's header row holds a cell longer than 131,072 characters: put one sentence "
                         "per row below a short header and upload it again.") from None
    if len(header) > MAX_COLUMNS:
        raise InputError(f"The CSV has {len(header):,} columns; the limit is {MAX_COLUMNS}. Keep the column of "
                         "sentences (and a few others) and upload it again.")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False,
                            on_bad_lines="error")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
        raise InputError(f"The CSV could not be read ({first[:160]}). Check its commas and quotes.") from None
    if frame.empty:
        raise InputError(f"The CSV has a header ({', '.join(map(str, frame.columns[:5]))}) but no rows under it: "
                         "put one sentence per row below the header and upload it again.")
    sample = frame.head(10_000)
    columns = [c for c in frame.columns if _has_letters(sample[c]).mean() >= 0.5]       # vectorised per column
    if not columns:
        raise InputError("No column of this CSV holds text (words with letters): it needs a column of "
                         "sentences. Columns found: " + ", ".join(map(str, frame.columns[:20])))
    columns.sort(key=lambda c: -frame[c].str.len().mean())
    return Upload(frame, columns, notes)


def _has_letters(cells: pd.Series) -> pd.Series:
    """Per cell: does it hold a letter (of any script)?"""
    return cells.astype(str).str.contains(r"[^\W\d_]", regex=True)
