"""Tagging typed English: the one service behind the Named entities page and ``rnnkit tag``.

``Tagger.tag(text)`` checks the text, tags every word and returns the tags, every word's tag
probabilities and the entities; ``contribution(tagged, index)`` splits one word's tag scores into
what the forward and the backward LSTM added (the two halves of the output layer); ``tag_file``
tags an uploaded text file line by line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from rnnkit import PRETRAINED
from rnnkit.core import checkpoint
from rnnkit.core.inputs import InputError, decode_text
from rnnkit.core.registry import load_pretrained
from rnnkit.core.text import Vocabulary, detokenize
from rnnkit.ner import data
from rnnkit.ner.model import NERTagger

MODELS = {"bi": "ner", "forward": "ner_forward"}      # the page's / CLI's choice -> pretrained/<name>
TRAIN_COMMANDS = {"bi": "rnnkit train ner --threads=1",
                  "forward": "rnnkit train ner --bidirectional=false --threads=1 --out=pretrained/ner_forward"}
EVALUATION = PRETRAINED / "ner" / "evaluation.json"
LECTURE_SENTENCE = "Yesterday, Harry Potter met Hermione Granger."
PRESETS = (
    LECTURE_SENTENCE,
    "Angela Merkel flew from Berlin to Washington to meet officials of the World Bank.",
    "Jordan has never been to Jordan, but he has been to Paris.",
    "i met john smith in london last summer.",
    "Priya Natarajan and Kwame Mensah founded a start-up in Nairobi with money from Google.",
    "Apple sued Samsung in California over the design of the iPhone.",
)
MAX_LINES = 2_000                 # batch mode: lines beyond this are reported, not tagged
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class Entity:
    kind: str                     # PER, LOC, ORG or MISC
    text: str
    start: int                    # token positions, end exclusive
    end: int


@dataclass
class Tagged:
    tokens: list[str]
    tags: list[str]
    probabilities: np.ndarray     # (T, K) p(tag | sentence) of every word (CRF marginals), columns in data.TAGS order
    scores: torch.Tensor          # (T, K) the tag scores s_t
    states: torch.Tensor          # (T, dirs*H) the LSTM states (forward half first)
    unknown: list[int]            # positions of words without a word vector (read by their spelling only)
    notes: list[str]

    @property
    def entities(self) -> list[Entity]:
        return [Entity(kind, detokenize(self.tokens[start:end]), start, end)
                for kind, start, end in data.entities(self.tokens, self.tags)]

    def bracketed(self) -> str:
        """The sentence with each entity in brackets and its type: "[Harry Potter]PER met ..."."""
        words = list(self.tokens)
        for entity in reversed(self.entities):
            words[entity.start:entity.end] = [f"[{' '.join(words[entity.start:entity.end])}]{entity.kind}"]
        return detokenize(words)


@dataclass
class Contribution:
    """One word's tag scores, split: s_t = forward + backward + bias (each (K,), data.TAGS order)."""
    forward: np.ndarray
    backward: np.ndarray | None   # None for the forward-only tagger
    bias: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.forward + (self.backward if self.backward is not None else 0) + self.bias


class Tagger:
    """A trained tagger with its vocabularies; read-only, safe to share between sessions."""

    def __init__(self, model: NERTagger, card: dict):
        self.model, self.card = model, card
        extras = card["extras"]
        self.words, self.chars = Vocabulary(extras["words"]), Vocabulary(extras["chars"])
        if tuple(extras["tags"]) != data.TAGS:
            raise ValueError(f"the card's tags {extras['tags']} are not this code's {data.TAGS}: retrain")

    @classmethod
    def load(cls, which: str = "bi") -> "Tagger":
        """``"bi"`` or ``"forward"`` (or a checkpoint folder); FileNotFoundError if it is not trained yet."""
        return cls(*load_pretrained(MODELS.get(which, which)))

    @property
    def bidirectional(self) -> bool:
        return self.model.config.bidirectional

    @torch.no_grad()
    def tag(self, text: str) -> Tagged:
        """Tag one sentence; ``InputError`` (a sentence to show) for text with nothing to tag."""
        tokens, notes = data.tokens_of(text), []
        if len(tokens) > data.MAX_TOKENS:
            notes.append(f"The text has {len(tokens):,} tokens; the tagger read the first {data.MAX_TOKENS}.")
            tokens = tokens[:data.MAX_TOKENS]
        words, chars, casing, lengths, _ = data.collate([data.encode(tokens, self.words, self.chars)])
        states = self.model.states(words, chars, casing, lengths)                 # (1, T, dirs*H)
        scores = self.model.output(states)                                         # (1, T, K)
        ids = self.model.decode(scores, lengths)[0].tolist()                       # (T,)
        unknown = [i for i, w in enumerate(words[0].tolist()) if w == Vocabulary.unk_id]
        return Tagged(tokens, [data.TAGS[i] for i in ids], self.model.probabilities(scores[0]).numpy(), scores[0],
                      states[0], unknown, notes)

    @torch.no_grad()
    def contribution(self, tagged: Tagged, index: int) -> Contribution:
        """What the forward and the backward LSTM each added to word ``index``'s tag scores."""
        forward, backward = self.model.contributions(tagged.states[index])        # (K,), (K,) or None
        return Contribution(forward.numpy(), None if backward is None else backward.numpy(),
                            self.model.output.bias.numpy())

    def tag_file(self, raw: bytes, progress=None) -> tuple[pd.DataFrame, list[str]]:
        """An uploaded text file, one sentence per line: a row per line (blank lines skipped) and notes."""
        text, notes = decode_text(raw, MAX_FILE_BYTES)
        lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        if not lines:
            raise InputError("The file has no text: upload one sentence per line (.txt).")
        if len(lines) > MAX_LINES:
            notes.append(f"The file has {len(lines):,} non-empty lines; the first {MAX_LINES:,} were tagged.")
            lines = lines[:MAX_LINES]
        rows = []
        for done, (number, line) in enumerate(lines, 1):
            try:
                tagged = self.tag(line)
                rows.append({"line": number, "tagged": tagged.bracketed(),
                             "entities": json.dumps([[e.text, e.kind] for e in tagged.entities], ensure_ascii=False),
                             "note": " ".join(tagged.notes)})
            except InputError as error:
                rows.append({"line": number, "tagged": "", "entities": "[]", "note": str(error)})
            if progress:
                progress(done, len(lines))
        return pd.DataFrame(rows), notes


def load_evaluation() -> dict | None:
    """What ``scripts/eval_ner.py`` measured (pretrained/ner/evaluation.json), or None before it ran."""
    return json.loads(EVALUATION.read_text(encoding="utf-8")) if EVALUATION.exists() else None


def evaluation_rows(evaluation: dict | None) -> list[dict]:
    """The page's and README's table: one row per system, entity F1 on each test set (from evaluation.json)."""
    if not evaluation:
        return []
    rows = []
    for system, results in evaluation["systems"].items():
        row = {"system": system}
        for split, scores in results.items():
            row[f"{split} F1"] = None if scores is None else round(100 * scores["f1"], 1)
        rows.append(row)
    return rows


def evaluation_markdown(evaluation: dict) -> str:
    """The evaluation table and the lecture's sentence as Markdown (the cards' README and the script's output)."""
    rows = evaluation_rows(evaluation)
    columns = list(rows[0])
    lines = ["## Held-out evaluation (scripts/eval_ner.py): entity F1 %", "",
             "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("—" if row[c] is None else str(row[c]) for c in columns) + " |" for row in rows]
    lecture = evaluation["lecture_sentence"]
    lines += ["", f"The lecture's sentence, bidirectional: {lecture['bi']['bracketed']}; "
                  f"forward-only: {lecture['forward']['bracketed']}", ""]
    for split, gap in evaluation.get("bi_minus_forward_f1", {}).items():
        low, high = gap["ci95"]
        lines.append(f"- BiLSTM minus forward-only, {split}: {100 * gap['difference']:+.1f} F1 points "
                     f"(95 % paired bootstrap interval over sentences {100 * low:+.1f} to {100 * high:+.1f})")
    lines.append("")
    return "\n".join(lines)


def save_card(directory, card: dict) -> None:
    """Write a tagger's card.json and README.md (the model card plus, once measured, the evaluation table)."""
    directory = checkpoint.resolve(directory)
    (directory / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = checkpoint.render_card(card)
    if card.get("evaluation"):
        readme += "\n" + evaluation_markdown(card["evaluation"])
    (directory / checkpoint.README).write_text(readme, encoding="utf-8")
