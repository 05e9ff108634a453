"""Your own data: a visitor's labelled file trains a small LSTM live, compared with the shipped model.

The page reads the upload with ``data.read_upload``, asks which column holds the text and which the label,
and which of the label's two values means positive; ``labelled(...)`` checks and splits the rows (a seeded
80 / 20 split: the held-out rows are never trained on), ``train_own(...)`` trains the same architecture as the
shipped model, smaller, from GloVe, for at most ``TIME_LIMIT`` seconds, and scores both models and the majority
class on the held-out rows. Every problem with the file is an ``InputError`` with a sentence.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from rnnkit.core.inputs import InputError
from rnnkit.core.text import tokenize
from rnnkit.core.training import fit
from rnnkit.sentiment import data, task
from rnnkit.sentiment.model import ModelConfig

MIN_ROWS = 20                 # labelled rows needed (at least 4 held out, each label at least twice)
MAX_ROWS = 20_000             # rows trained and tested on; the rest are left out (and the visitor told)
MAX_LABEL_VALUES = 2          # binary labels: the visitor says which value is positive
TIME_LIMIT = 20.0             # seconds of live training (the page's training slot is held meanwhile)
MAX_STEPS = 600
HELD_OUT = 0.2
POSITIVE_WORDS = ("positive", "pos", "1", "true", "yes", "good", "fresh", "+", "+1")
SMALL = ModelConfig(hidden_size=32)


@dataclass
class Labelled:
    """The file's usable rows, split: texts and 0/1 labels for training and for the held-out test."""
    train_texts: list[str]
    train_labels: np.ndarray
    test_texts: list[str]
    test_labels: np.ndarray
    notes: list[str]


@dataclass
class OwnResult:
    table: pd.DataFrame           # system, held-out accuracy, rows
    steps: int
    seconds: float
    losses: list[float]
    stopped_early: bool
    examples: pd.DataFrame        # held-out rows with both models' answers
    shipped_rows: int             # sentences the shipped model was trained on (from its card)

    @property
    def verdict(self) -> str:
        own, shipped = self.table["accuracy"].iloc[0], self.table["accuracy"].iloc[1]
        if own == shipped:
            return (f"Your LSTM and the shipped model are level on your held-out rows ({own:.1%}): try a harder "
                    "file, or one from another domain.")
        if own > shipped:
            return (f"Your LSTM ({own:.1%}) beats the shipped model ({shipped:.1%}) on your held-out rows: your data "
                    "says something the shipped model never learned (its domain, its labels).")
        return (f"The shipped model ({shipped:.1%}) beats your LSTM ({own:.1%}) on your held-out rows: its "
                f"{self.shipped_rows:,} sentences and longer training outweigh a few seconds on your file.")


def label_values(frame: pd.DataFrame, column: str) -> list[str]:
    """The label column's distinct values (stripped); ``InputError`` unless there are exactly two."""
    values = sorted({str(v).strip() for v in frame[column] if str(v).strip()})
    if len(values) < 2:
        raise InputError(f"The column {column!r} holds {len(values)} label value(s); a label column needs two "
                         "(for example positive / negative, or 1 / 0).")
    if len(values) > MAX_LABEL_VALUES:
        shown = ", ".join(repr(v[:20]) for v in values[:5])
        raise InputError(f"The column {column!r} holds {len(values):,} different values ({shown}, …); a label column "
                         "holds two (for example positive / negative, or 1 / 0). Choose another column.")
    return values


def guess_positive(values: list[str]) -> str:
    """The value that most likely means positive (the page offers it first)."""
    return next((v for v in values if v.lower() in POSITIVE_WORDS), values[-1])


def labelled(frame: pd.DataFrame, text_column: str, label_column: str, positive: str, seed: int = 0) -> Labelled:
    """The rows with text and a label, shuffled with ``seed`` and split 80 / 20; ``InputError`` when too few."""
    if text_column == label_column:
        raise InputError("The text and the label must be two different columns.")
    values = label_values(frame, label_column)
    if positive not in values:
        raise InputError(f"{positive!r} is not a value of the column {label_column!r}.")
    texts = frame[text_column].astype(str).str.strip()
    labels = frame[label_column].astype(str).str.strip()
    usable = (labels != "") & texts.map(lambda t: bool(tokenize(t)))
    notes = []
    if (~usable).sum():
        notes.append(f"{int((~usable).sum()):,} row(s) without text or label were left out.")
    rows = pd.DataFrame({"text": texts[usable], "label": (labels[usable] == positive).astype(int)})
    if len(rows) > MAX_ROWS:
        notes.append(f"The file has {len(rows):,} labelled rows; {MAX_ROWS:,} of them (chosen at random) are used.")
    rows = rows.sample(frac=1.0, random_state=seed).head(MAX_ROWS)
    counts = rows["label"].value_counts()
    if len(rows) < MIN_ROWS or counts.min() < 2 or len(counts) < 2:
        raise InputError(f"The file has {len(rows)} usable labelled row(s) ({int(counts.get(1, 0))} positive, "
                         f"{int(counts.get(0, 0))} negative); at least {MIN_ROWS}, with both labels at least twice, "
                         "are needed to train on some and test on the others.")
    n_test = max(4, int(round(HELD_OUT * len(rows))))
    test, train = rows.iloc[:n_test], rows.iloc[n_test:]
    return Labelled(train["text"].tolist(), train["label"].to_numpy(), test["text"].tolist(), test["label"].to_numpy(),
                    notes)


def train_own(rows: Labelled, classifier, on_step: Callable[[int, int, float], None] | None = None,
              time_limit: float = TIME_LIMIT, seed: int = 0) -> OwnResult:
    """A small LSTM (the shipped architecture, ``SMALL``) trained on ``rows``' training part from GloVe; both it
    and the shipped ``classifier`` answer the held-out rows (binary), beside the training majority."""
    glove = data.load_glove()
    vocab = data.build_vocabulary(rows.train_texts, min_freq=1, glove=glove)
    frame = pd.DataFrame({"text": rows.train_texts, "binary": rows.train_labels, "fine": -1})
    model = task.build_model(SMALL, {"itos": vocab.itos, "_glove": glove})
    epochs, batch_size = 20, 32
    steps = min(MAX_STEPS, epochs * -(-len(frame) // batch_size))
    cfg = dataclasses.replace(task.Config(), seed=seed, epochs=epochs, max_steps=steps, time_limit=time_limit,
                              batch_size=batch_size, model=SMALL)
    history = fit(model, lambda m, batch: task.loss(m, batch, cfg), data.make_dataset(frame, vocab), cfg,
                  collate=data.collate, on_step=on_step, progress=False)
    test = pd.DataFrame({"text": rows.test_texts, "binary": rows.test_labels, "fine": -1})
    own_p = task.predict_dataset(model, data.make_dataset(test, vocab))[0][:, 1]
    shipped_p = classifier.predict_tokens([tokenize(t)[:data.MAX_TOKENS] for t in rows.test_texts])[0][:, 1]
    majority = int(rows.train_labels.mean() >= 0.5)
    shipped_rows = trained_rows(classifier.card)
    truth = rows.test_labels
    table = pd.DataFrame([
        {"system": "your LSTM (trained here)", "accuracy": float(((own_p > 0.5) == truth).mean()),
         "trained on": f"{len(frame):,} of your rows, {len(history.steps)} steps"},
        {"system": "the shipped LSTM", "accuracy": float(((shipped_p > 0.5) == truth).mean()),
         "trained on": f"{shipped_rows:,} rated sentences (never your file)"},
        {"system": "majority class", "accuracy": float((truth == majority).mean()),
         "trained on": f"always '{'positive' if majority else 'negative'}'"}])
    examples = pd.DataFrame({"text": rows.test_texts, "label": np.where(truth == 1, "positive", "negative"),
                             "your LSTM": np.round(own_p, 3), "shipped LSTM": np.round(shipped_p, 3)})
    return OwnResult(table, len(history.steps), history.seconds, list(history.losses),
                     len(history.steps) < steps, examples, shipped_rows)


def trained_rows(card: dict) -> int:
    """How many sentences a shipped sentiment model was trained on, from its card ("train N rows (...)")."""
    match = re.search(r"train (\d+) rows", card.get("data", {}).get("split", ""))
    return int(match.group(1)) if match else 0
