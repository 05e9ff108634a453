"""Named-entity data: CoNLL files, the tag set, the word / character / casing vocabularies, batches.

Files are ``data/ner/*.conll(.gz)``: one ``token<TAB>tag`` line per token, ``# key = value``
comments, a blank line between sentences (see data/ner/README.md). Tags are BIO over PER, LOC,
ORG and MISC. Words are looked up lowercased (GloVe is lowercase); the case goes to the
character CNN and a small casing feature, so "Potter" and "potter" share a vector but not a shape.
"""

from __future__ import annotations

import gzip
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from rnnkit import DATA as DATA_ROOT
from rnnkit import PRETRAINED
from rnnkit.core.inputs import InputError
from rnnkit.core.text import Vocabulary, pad_batch, tokenize_cased

DATA = DATA_ROOT / "ner"
GLOVE = PRETRAINED / "glove50k"
TYPES = ("PER", "LOC", "ORG", "MISC")
TAGS = ("O",) + tuple(f"{prefix}-{kind}" for kind in TYPES for prefix in ("B", "I"))
TYPE_NAMES = {"PER": "person", "LOC": "location", "ORG": "organisation", "MISC": "miscellaneous"}
CASINGS = ("pad", "lower", "Title", "UPPER", "mIxed", "digits", "other")
MAX_CHARS = 5_000          # one sentence: longer text is refused with a sentence
MAX_TOKENS = 200           # the tagger reads at most this many tokens of a sentence
MAX_WORD_CHARS = 20        # the character CNN reads at most this many characters of a word
IGNORE = -100              # tag id of padding (cross-entropy ignores it)


# ----------------------------------------------------------------------------- files

@dataclass
class Sentence:
    tokens: list[str]
    tags: list[str]
    meta: dict = field(default_factory=dict)     # the file's "# key = value" lines (id, text, source)


def read_conll(path: str | Path, limit: int = 0) -> list[Sentence]:
    """The sentences of a CoNLL file (gzip or plain; the first ``limit``, 0 = all); a malformed line or
    unknown tag raises ValueError."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python scripts/prepare_ner.py`")
    opener = gzip.open if path.suffix == ".gz" else open
    sentences, tokens, tags, meta = [], [], [], {}
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if tokens:
                    sentences.append(Sentence(tokens, tags, meta))
                    if len(sentences) == limit:
                        return sentences
                tokens, tags, meta = [], [], {}
            elif line.startswith("# ") and not tokens:
                key, _, value = line[2:].partition(" = ")
                meta[key.strip()] = value
            else:
                token, tab, tag = line.partition("\t")
                if not tab or tag not in TAGS or not token:
                    raise ValueError(f"{path}:{number}: expected 'token<TAB>tag' with a tag in {TAGS}, got {line!r}")
                tokens.append(token)
                tags.append(tag)
    if tokens:
        sentences.append(Sentence(tokens, tags, meta))
    return sentences


def read_split(name: str, directory: str | Path = DATA, limit: int = 0) -> list[Sentence]:
    """``silver_train``, ``wnut_dev``, ``human_test``, ...: the ``.conll.gz`` or ``.conll`` file of that name."""
    directory = Path(directory)
    gz = directory / f"{name}.conll.gz"
    return read_conll(gz if gz.exists() else directory / f"{name}.conll", limit)


def entities(tokens: list[str], tags: list[str]) -> list[tuple[str, int, int]]:
    """BIO tags -> ``(type, start, end)`` spans (end exclusive); a stray ``I-`` starts one, as seqeval reads it."""
    spans, start, kind = [], None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, tag_type = tag.partition("-")
        if start is not None and (prefix != "I" or tag_type != kind):
            spans.append((kind, start, i))
            start, kind = None, None
        if prefix == "B" or (prefix == "I" and start is None):
            start, kind = i, tag_type
    return spans


# ----------------------------------------------------------------------------- features

def casing(token: str) -> int:
    """The index in ``CASINGS`` of a token's shape: lower, Title, UPPER, mIxed, digits or other."""
    letters = [ch for ch in token if ch.isalpha()]
    if not letters:
        return CASINGS.index("digits") if any(ch.isdigit() for ch in token) else CASINGS.index("other")
    if all(ch.islower() for ch in letters):
        return CASINGS.index("lower")
    if all(ch.isupper() for ch in letters):
        return CASINGS.index("UPPER") if len(letters) > 1 else CASINGS.index("Title")
    if letters[0].isupper() and all(ch.islower() for ch in letters[1:]):
        return CASINGS.index("Title")
    return CASINGS.index("mIxed")


def word_key(token: str) -> str:
    """How a word is looked up in the word vocabulary (GloVe's convention: lowercase, straight apostrophe)."""
    return token.lower().replace("’", "'")


def load_glove(directory: str | Path = GLOVE) -> tuple[list[str], np.ndarray]:
    """The committed GloVe 50k words (frequency order) and vectors (V, 50) float32."""
    from safetensors.numpy import load_file
    directory = Path(directory)
    vectors = load_file(directory / "model.safetensors")["vectors"].astype(np.float32)     # (V, 50)
    words = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")[: len(vectors)]
    return words, vectors


def build_vocabularies(sentences: list[Sentence], min_freq: int = 2,
                       glove_words: list[str] | None = None) -> tuple[Vocabulary, Vocabulary]:
    """Words: GloVe's (if given) plus training words seen ``min_freq`` times; characters: those seen twice."""
    words = Vocabulary.build(([word_key(t) for t in s.tokens] for s in sentences), min_freq=min_freq)
    if glove_words:
        known = set(glove_words)
        words = Vocabulary(list(Vocabulary().itos) + [w for w in glove_words if w not in Vocabulary().stoi]
                           + [w for w in words.itos[4:] if w not in known])
    chars = Vocabulary.build((list(t) for s in sentences for t in s.tokens), min_freq=2)
    return words, chars


@dataclass
class Encoded:
    """One sentence as the model reads it (lists of ids), with its gold tag ids (IGNORE where unknown)."""
    words: list[int]
    chars: list[list[int]]
    casing: list[int]
    tags: list[int]


def encode(tokens: list[str], words: Vocabulary, chars: Vocabulary, tags: list[str] | None = None) -> Encoded:
    tokens = tokens[:MAX_TOKENS]
    tag_ids = [TAGS.index(t) for t in tags[:MAX_TOKENS]] if tags else [IGNORE] * len(tokens)
    return Encoded(words.encode(word_key(t) for t in tokens),
                   [chars.encode(t[:MAX_WORD_CHARS]) for t in tokens],
                   [casing(t) for t in tokens], tag_ids)


class TaggedDataset(Dataset):
    """Encoded sentences, with the sentences themselves kept for scoring."""

    def __init__(self, sentences: list[Sentence], words: Vocabulary, chars: Vocabulary):
        self.sentences = sentences
        self.encoded = [encode(s.tokens, words, chars, s.tags) for s in sentences]

    def __len__(self) -> int:
        return len(self.encoded)

    def __getitem__(self, index: int) -> Encoded:
        return self.encoded[index]


def collate(batch: list[Encoded]) -> tuple[torch.Tensor, ...]:
    """Pad a batch: words (B, T), chars (B, T, C), casing (B, T), lengths (B,), tags (B, T) (IGNORE on padding)."""
    words, lengths = pad_batch([e.words for e in batch], min_length=1)                     # (B, T), (B,)
    casings, _ = pad_batch([e.casing for e in batch], min_length=1)                        # (B, T)
    tags, _ = pad_batch([e.tags for e in batch], pad_id=IGNORE, min_length=1)              # (B, T)
    width = max([len(w) for e in batch for w in e.chars] + [1])
    chars = torch.full((len(batch), words.shape[1], width), Vocabulary.pad_id, dtype=torch.long)  # (B, T, C)
    for i, e in enumerate(batch):
        for j, word in enumerate(e.chars):
            chars[i, j, :len(word)] = torch.tensor(word, dtype=torch.long)
    return words, chars, casings, lengths, tags


# ----------------------------------------------------------------------------- augmentation

def case_copies(sentences: list[Sentence], fraction: float, seed: int = 0) -> list[Sentence]:
    """A lowercased copy of ``fraction`` of the sentences and an uppercased copy of another ``fraction / 2``.

    Visitors type "i met john in london"; the silver text is always cased. The copies keep the tags.
    """
    rng = random.Random(seed)
    lower = rng.sample(sentences, int(len(sentences) * fraction))
    upper = rng.sample(sentences, int(len(sentences) * fraction / 2))
    return ([Sentence([t.lower() for t in s.tokens], s.tags, {"case": "lower"}) for s in lower]
            + [Sentence([t.upper() for t in s.tokens], s.tags, {"case": "upper"}) for s in upper])


# ----------------------------------------------------------------------------- visitor text

def tokens_of(text: str) -> list[str]:
    """A visitor's sentence as tokens; ``InputError`` for text there is nothing to tag in, or too much of."""
    if not isinstance(text, str):
        raise InputError("Type a sentence to tag.")
    if len(text) > MAX_CHARS:
        raise InputError(f"The text is {len(text):,} characters; the tagger takes at most {MAX_CHARS:,}. "
                         "Tag it a sentence at a time, or upload it as a file (one sentence per line).")
    tokens = tokenize_cased(text)
    if not any(ch.isalpha() for t in tokens for ch in t):
        raise InputError("Type a sentence with words in it, e.g. 'Yesterday, Harry Potter met Hermione Granger.'")
    return tokens
