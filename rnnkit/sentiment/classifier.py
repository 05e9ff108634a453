"""Rating typed sentences: the one service behind the Sentiment page and ``rnnkit classify``.

``SentimentClassifier.rate(text)`` checks the text (``InputError`` for what a visitor gets wrong)
and returns the binary and 5-class answer; ``predict`` scores many sentences at once (batched),
``prefix_scores`` unrolls the many-to-one model over every prefix, ``importance`` is leave-one-out
word importance, and ``score_batch`` scores an uploaded file row by row.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from rnnkit.core.inputs import InputError
from rnnkit.core.text import Vocabulary, pad_batch, tokenize
from rnnkit.sentiment.data import BINARY_NAMES, FINE_NAMES, MAX_CHARS, MAX_ROWS, MAX_TOKENS, read_challenge
from rnnkit.sentiment.model import NEGATION_SCALE, consistent_answers

LECTURE_EXAMPLE = "There is nothing to like in this movie."

# ----------------------------------------------------------------------------- checking input


@dataclass(frozen=True)
class CheckedText:
    text: str                 # what the model reads (possibly truncated)
    tokens: list[str]         # at most MAX_TOKENS tokens
    notes: list[str]          # sentences for the visitor (truncation, unknown words...)


def check_text(text: object, vocab: Vocabulary | None = None, max_chars: int = MAX_CHARS) -> CheckedText:
    """One input sentence ready to score, with notes in plain words on what was done to it;
    ``InputError`` when there is nothing to score."""
    if not isinstance(text, str):
        raise InputError("The input is not text.")
    notes = []
    if len(text) > max_chars:
        notes.append(f"The text had {len(text):,} characters; only the first {max_chars:,} were read.")
        text = text[:max_chars]
    if not text.strip():
        raise InputError("There is no text to score: type a sentence.")
    tokens = tokenize(text)
    if not any(any(ch.isalnum() for ch in t) for t in tokens):
        raise InputError("The text has no words, only punctuation or symbols: type a sentence.")
    if len(tokens) > MAX_TOKENS:
        notes.append(f"The sentence has {len(tokens):,} tokens; the model reads only the first {MAX_TOKENS}.")
        tokens = tokens[:MAX_TOKENS]
    if vocab is not None:
        words = [t for t in tokens if any(ch.isalnum() for ch in t)]
        unknown = sorted(set(t for t in words if t not in vocab))
        if unknown and len(unknown) * 2 >= len(set(words)):
            notes.append("Most words are unknown to the model (it learnt English from reviews, editorials and tweets), "
                         "so the scores mean little: " + ", ".join(unknown[:12]) + ("…" if len(unknown) > 12 else ""))
        elif unknown:
            notes.append("Words the model never saw in training (read as <unk>): " + ", ".join(unknown[:12])
                         + ("…" if len(unknown) > 12 else ""))
    return CheckedText(text, tokens, notes)


# ----------------------------------------------------------------------------- the LSTM at inference


@dataclass(frozen=True)
class Rating:
    """The model's answer for one sentence."""
    text: str                 # what the model read
    tokens: list[str]
    notes: list[str]
    binary: np.ndarray        # (2,) P(negative), P(positive)
    fine: np.ndarray          # (5,) P(very negative) .. P(very positive)

    @property
    def label(self) -> str:
        return BINARY_NAMES[int(consistent_answers(self.binary[None], self.fine[None])[0][0])]

    @property
    def p_positive(self) -> float:
        return float(self.binary[1])

    @property
    def fine_label(self) -> str:
        return FINE_NAMES[int(consistent_answers(self.binary[None], self.fine[None])[1][0])]

    @property
    def verdict(self) -> str:
        """``"negative (87%), 5 classes: negative"``: the page's headline."""
        return f"{self.label} ({self.binary.max():.0%}), 5 classes: {self.fine_label}"


class SentimentClassifier:
    """A trained ``SentimentLSTM`` plus its vocabulary; read-only, safe to share between sessions.

    Built from the shared ``(model, card)`` of ``load_pretrained("sentiment")`` (the page keeps one per process):
    it holds no per-user state and never changes the model.
    """

    def __init__(self, model, card: dict):
        self.model, self.card = model, card
        self.vocab = Vocabulary(card["extras"]["itos"])

    @classmethod
    def load(cls, name: str = "sentiment") -> "SentimentClassifier":
        from rnnkit.core.registry import load_pretrained
        return cls(*load_pretrained(name))

    def _forward(self, token_lists: Sequence[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        import torch
        ids, lengths = pad_batch([self.vocab.encode(tokens[:MAX_TOKENS]) or [Vocabulary.unk_id]
                                  for tokens in token_lists])                  # (B, T), (B,)
        with torch.inference_mode():
            binary, fine = self.model.probabilities(self.model(ids, lengths))   # (B, 2), (B, 5)
        return binary.numpy(), fine.numpy()

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

    def rate(self, text: object) -> Rating:
        """One typed sentence checked and scored; ``InputError`` when there is nothing to score."""
        checked = check_text(text, self.vocab)
        binary, fine = self.predict_tokens([checked.tokens])
        return Rating(checked.text, checked.tokens, checked.notes, binary[0], fine[0])

    def prefix_scores(self, tokens: list[str]) -> pd.DataFrame:
        """The prediction the model makes if the sentence stopped after each token."""
        binary, fine = self._forward([tokens[:i] for i in range(1, len(tokens) + 1)])
        _, classes = consistent_answers(binary, fine)
        return pd.DataFrame({"position": range(1, len(tokens) + 1), "token": tokens,
                             "p_positive": binary[:, 1], "fine_score": fine @ np.arange(5) - 2.0,
                             "fine": [FINE_NAMES[k] for k in classes]})

    def importance(self, tokens: list[str]) -> pd.DataFrame:
        """Leave-one-out importance: how much P(positive) drops when each token is removed.

        ``importance > 0``: the token pushed towards positive; ``< 0``: towards negative.
        """
        variants = [tokens] + [tokens[:i] + tokens[i + 1:] for i in range(len(tokens))]
        binary, _ = self._forward([v if v else ["<unk>"] for v in variants])
        return pd.DataFrame({"token": tokens, "importance": binary[0, 1] - binary[1:, 1],
                             "known": [t in self.vocab for t in tokens]})


# ----------------------------------------------------------------------------- batch mode

def score_batch(classifier: SentimentClassifier, texts: Sequence[str],
                progress: Callable[[int, int], None] | None = None, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """One output row per input row: scores, or an empty score and the reason in ``note``.

    ``fine_score`` is the 5-class probabilities averaged on a -2 (very negative) .. +2 (very positive) scale.
    """
    rows = [_check_row(text, classifier.vocab, i, max_rows) for i, text in enumerate(texts)]
    checked = [c for c, _ in rows]
    scorable = [i for i, c in enumerate(checked) if c is not None]
    binary, fine = classifier.predict_tokens([checked[i].tokens for i in scorable], batch_size=512, progress=progress)
    out = pd.DataFrame({"row": np.arange(1, len(texts) + 1), "text": list(texts), "label": "",
                        "p_positive": np.nan, "fine": "", "fine_score": np.nan, "note": [note for _, note in rows]})
    verdicts, classes = consistent_answers(binary, fine)
    out.loc[scorable, "label"] = [BINARY_NAMES[k] for k in verdicts]
    out.loc[scorable, "p_positive"] = binary[:, 1].round(4)
    out.loc[scorable, "fine"] = [FINE_NAMES[k] for k in classes]
    out.loc[scorable, "fine_score"] = (fine @ np.arange(5) - 2.0).round(3)
    return out


def _check_row(text: object, vocab: Vocabulary, index: int, max_rows: int) -> tuple[CheckedText | None, str]:
    """A row ready to score and its note (words the model never saw), or None and why it is not scored."""
    if index >= max_rows:
        return None, f"not scored: beyond the first {max_rows:,} rows"
    try:
        checked = check_text(text, vocab)
    except InputError as error:
        return None, str(error).split(":")[0]
    return checked, " ".join(checked.notes)


# ----------------------------------------------------------------------------- what the page says

SPLIT_NAMES = {"test": "movie reviews (test)", "amazon_test": "Amazon reviews (test)",
               "nyt_test": "NYT editorials (test)", "tweets_test": "tweets (test)",
               "challenge": "negation & contrast challenge"}


def presets() -> dict[str, str]:
    """The page's examples, in order: the lecture's sentence, then one sentence of each phenomenon of the
    hand-written challenge set (never trained on)."""
    return dict(_presets())


@functools.lru_cache(maxsize=1)
def _presets() -> tuple[tuple[str, str], ...]:    # reads the challenge file: once per process, not every rerun
    found = {"The lecture's example": LECTURE_EXAMPLE}
    for phenomenon, rows in read_challenge().groupby("phenomenon", sort=False):
        found[f"Challenge: {phenomenon.replace('_', ' ')}"] = rows["text"].iloc[0]
    return tuple(found.items())


def data_sentence(card: dict) -> str:
    """What the model was trained on, from its card, in one sentence."""
    rows = re.search(r"train (\d+) rows", card.get("data", {}).get("split", ""))
    count = f"{int(rows.group(1)):,} sentences" if rows else "sentences"
    model = card.get("model_config", {})
    but = ", halved before a “but” and ×1.5 after it" if model.get("contrast") else ""
    scale = str(NEGATION_SCALE).replace("-", "−")
    turned = (f", and as that rating turned after a negator (×{scale} for each “not”, “never”, “n't”… among the "
              f"{model['negation']} words before it{but}: VADER's rules)" if model.get("negation") else "")
    words = (" Each word goes in as its vector and as people's rating of the word alone (VADER's lexicon, −4 to "
             f"+4){turned}, which the LSTM learned to keep, flip or ignore in context." if model.get("lexicon") else "")
    return (f"Trained on {count} in English: reviews (movies, Amazon), NYT editorials and tweets rated by "
            "people from −4 to +4, and Rotten Tomatoes critics' snippets and tweets labelled only positive / "
            f"negative.{words} Read the model card for how well it does on each, and where it fails.")


def choice_rows(card: dict) -> list[dict]:
    """The runs compared on the dev splits (``scripts/sentiment_choices.py --update-card``), best first, ready
    for a table; empty when the card has none."""
    return [{"run": r["run"], "settings (vs the CLI defaults)": r["settings"], "epochs": r["epochs"],
             "movie dev: binary / 5-class": f"{r['movie']:.1%} / {r['movie_fine']:.1%}",
             "dev binary: amazon / nyt / tweets": f"{r['amazon']:.1%} / {r['nyt']:.1%} / {r['tweets']:.1%}",
             "mean dev binary (the choice)": f"{r['mean']:.1%}", "minutes": r["minutes"]}
            for r in card.get("choices", [])]


def challenge_rows(card: dict) -> list[dict]:
    """The challenge set's binary accuracy per phenomenon and system (stored by ``scripts/eval_sentiment.py
    --update-card``), one row per phenomenon; empty when the card has none."""
    table: dict[str, dict] = {}
    for row in card.get("challenge_by_phenomenon", []):
        entry = table.setdefault(row["phenomenon"], {"phenomenon": row["phenomenon"].replace("_", " "),
                                                      "sentences": row["rows"]})
        entry[row["system"]] = f"{row['binary_accuracy']:.0%}"
    return list(table.values())


def evaluation_rows(card: dict) -> list[dict]:
    """The held-out table ``scripts/eval_sentiment.py --update-card`` stores in the card (each domain's test
    split, then the challenge set), ready for a table; empty when the card has none."""
    order = {name: i for i, name in enumerate(SPLIT_NAMES)}
    rows = sorted(card.get("evaluation", []), key=lambda row: order.get(row["split"], len(order)))
    cell = lambda value: "–" if value is None else f"{value:.1%}"          # noqa: E731
    return [{"data": SPLIT_NAMES.get(row["split"], row["split"]), "system": row["system"],
             "binary accuracy": cell(row["binary_accuracy"]), "binary macro-F1": cell(row["binary_macro_f1"]),
             "5-class accuracy": cell(row["fine_accuracy"]), "5-class macro-F1": cell(row["fine_macro_f1"])}
            for row in rows]
