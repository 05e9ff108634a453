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
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from rnnkit import ROOT
from rnnkit.text import Vocabulary, tokenize

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
