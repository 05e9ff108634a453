"""Train your own word2vec (gensim) on a small corpus, bounded in size and time.

The lecture says embeddings are learnt from huge corpora; training on 60 thousand or half a
million words and running the same questions-words benchmark as GloVe (6 billion words) shows why.

- ``corpus_text(source, upload)``: a bundled corpus, or an uploaded ``.txt`` checked and decoded
  (``read_upload``); what cannot be trained on raises ``rnnkit.core.inputs.InputError``;
- ``builtin_text(name)`` / ``sentences(text)`` give token lists with the one rnnkit tokenizer;
- ``train(sentences, cfg, on_epoch)`` runs gensim ``Word2Vec`` and returns its ``KeyedVectors``;
- ``compare(own, glove)`` evaluates both on questions-words, and GloVe again on exactly the
  questions the small model could answer, so the comparison is fair (``OwnRun`` keeps the result).
"""

from __future__ import annotations

import gzip
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from rnnkit import DATA
from rnnkit.core.inputs import InputError, decode_text
from rnnkit.core.text import words as word_tokens
from rnnkit.embeddings.vectors import analogy_benchmark, clean_word, keyed_vectors, neighbours, questions_words_path

MAX_UPLOAD_BYTES = 5_000_000          # ~900k words of English
MIN_TOKENS = 2_000                    # below this no word appears often enough to learn anything
WIKI_TOKENS = DATA / "embeddings" / "enwiki_shortened_tokens.txt.gz"
BUILTIN = {
    "lee": "Lee news corpus (gensim test data, ~60k words of 2001 Australian news)",
    "wiki": "Shortened English Wikipedia dump (gensim test data, 106 articles, ~450k words)",
}


@dataclass
class Word2VecConfig:
    """gensim ``Word2Vec`` settings; the bounds keep a page visitor's run short."""
    vector_size: int = 50             # as GloVe 50d, for a fair comparison
    window: int = 5
    min_count: int = 3
    epochs: int = 5
    sg: int = 1                       # 1 = skip-gram, 0 = CBOW
    negative: int = 5
    max_tokens: int = 500_000         # longer corpora are cut here
    max_vocab: int = 30_000
    workers: int = 1                  # share the server's two cores
    seed: int = 0


def read_upload(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The text of an uploaded file, or ``InputError`` (empty, too big, binary, not text)."""
    if data and not data.strip():
        raise InputError("The file is empty: upload a plain-text (.txt) file with at least a few pages of English.")
    text, _ = decode_text(data, max_bytes)
    control = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > 0.01 * min(len(text), 65536):
        raise InputError("This file is full of control characters, so it is not plain text. Upload a .txt file.")
    return text


def corpus_text(source: str, upload: bytes | None = None) -> str:
    """The text to train on: ``source`` is a name in ``BUILTIN``, or ``"upload"`` for the uploaded bytes."""
    if source != "upload":
        return builtin_text(source)
    if upload is None:
        raise InputError("Choose a .txt file to upload first.")
    return read_upload(upload)


def builtin_text(name: str) -> str:
    """The text of a corpus that ships offline (see ``BUILTIN``), one sentence or article a line."""
    if name == "lee":
        from gensim.test.utils import datapath
        return Path(datapath("lee_background.cor")).read_text(encoding="utf-8")
    if name == "wiki":
        if not WIKI_TOKENS.exists():
            raise InputError("The Wikipedia extract is missing: run `python scripts/prepare_embeddings.py`.")
        return gzip.decompress(WIKI_TOKENS.read_bytes()).decode("utf-8")
    raise InputError(f"Unknown corpus {name!r}; choose one of {', '.join(BUILTIN)}.")


# A line (cut where ``str.splitlines`` cuts) with a letter or digit in it. The look-behind starts a match only at a
# line's beginning, so a long line of punctuation is scanned once, not again from each of its characters.
_LINE_BREAKS = r"\n\r\v\f\x1c-\x1e\x85\u2028\u2029"
_WORDY_LINE = re.compile(rf"(?<![^{_LINE_BREAKS}])[^{_LINE_BREAKS}]*[^\W_][^{_LINE_BREAKS}]*")


def sentences(text: str, max_tokens: int = Word2VecConfig.max_tokens) -> tuple[list[list[str]], int]:
    """Lines -> lists of word tokens (punctuation dropped), at most ``max_tokens`` in all.

    Returns the sentences and the number of tokens kept; ``InputError`` if too few to train.
    """
    out, count = [], 0
    for line in _WORDY_LINE.findall(text):       # only lines with a letter or digit: a file of newlines costs one scan
        words = word_tokens(line)
        if not words:
            continue
        words = words[: max_tokens - count]
        out.append(words)
        count += len(words)
        if count >= max_tokens:
            break
    if count < MIN_TOKENS:
        raise InputError(f"The corpus has only {count:,} words; word2vec needs at least {MIN_TOKENS:,} "
                         "(and millions to be any good). Upload a longer text.")
    return out, count


def train(sentences: list[list[str]], cfg: Word2VecConfig, on_epoch: Callable[[int, int], None] | None = None):
    """gensim ``Word2Vec`` on ``sentences``; returns its ``KeyedVectors`` (most frequent first).

    ``on_epoch(done, total)`` is called after each epoch (a progress bar).
    """
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    class Progress(CallbackAny2Vec):
        def __init__(self):
            self.done = 0

        def on_epoch_end(self, model):
            self.done += 1
            if on_epoch:
                on_epoch(self.done, cfg.epochs)

    model = Word2Vec(vector_size=cfg.vector_size, window=cfg.window, min_count=cfg.min_count, sg=cfg.sg,
                     negative=cfg.negative, workers=cfg.workers, seed=cfg.seed, max_final_vocab=cfg.max_vocab)
    model.build_vocab(sentences)
    if len(model.wv) < 10:
        raise InputError(f"Only {len(model.wv)} words appear {cfg.min_count} times or more: "
                         "upload a longer text or lower the minimum count.")
    model.train(sentences, total_examples=model.corpus_count, epochs=cfg.epochs, callbacks=[Progress()])
    model.wv.fill_norms()
    return model.wv


def compare(own, glove) -> dict:
    """questions-words for the small model and for GloVe, both on all questions and on the ones the
    small model covers (written to a temporary file with their sections)."""
    mine = analogy_benchmark(own, restrict_vocab=len(own))
    covered = _covered_questions(own)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as file:
        file.write(covered)
        path = file.name
    try:
        glove_same = analogy_benchmark(glove, restrict_vocab=len(glove), path=path) if mine["covered"] else None
    finally:
        Path(path).unlink(missing_ok=True)
    return {"own": mine, "glove_same_questions": glove_same}


@dataclass
class OwnRun:
    """A visitor's word2vec as plain arrays (small enough to keep in their session) and how it compares."""
    words: list[str]
    vectors: np.ndarray           # (V, D)
    tokens: int                   # corpus tokens it was trained on
    result: dict                  # ``compare(own, glove)``

    @classmethod
    def of(cls, own, tokens: int, glove) -> "OwnRun":
        return cls(list(own.index_to_key), np.asarray(own.vectors), tokens, compare(own, glove))

    def keyed_vectors(self):
        return keyed_vectors(self.words, self.vectors)


def neighbour_tables(own, glove, raw: str, topn: int = 8) -> list:
    """The nearest words to a visitor's word in their vectors, and in GloVe when it knows the word too;
    ``InputError`` when their vectors do not have it."""
    import pandas as pd
    word = clean_word(raw)
    if word not in own.key_to_index:
        raise InputError(f"“{word}” is not in your vectors; try a frequent word of your corpus.")
    tables = [pd.DataFrame(neighbours(own, word, topn), columns=["your word2vec", "cosine"]).round(3)]
    if word in glove.key_to_index:
        tables.append(pd.DataFrame(neighbours(glove, word, topn), columns=["GloVe", "cosine"]).round(3))
    return tables


def _covered_questions(kv) -> str:
    """questions-words lines whose four words ``kv`` knows (case-insensitive), with section headers."""
    known = {w.upper() for w in kv.index_to_key}
    lines = []
    with open(questions_words_path(), encoding="utf-8") as source:
        for line in source:
            if line.startswith(":") or (len(line.split()) == 4 and all(w.upper() in known for w in line.split())):
                lines.append(line.rstrip("\n"))
    return "\n".join(lines) + "\n"


def reference_note(bench: dict, source: str) -> str | None:
    """What the default settings scored on a bundled corpus when the data was prepared (None if not measured)."""
    reference = (bench or {}).get("word2vec", {}).get(source)
    if not reference:
        return None
    own, same = reference["own"], reference["glove_same_questions"]
    return (f"Measured when the data was prepared, default settings: {own['accuracy']:.1%} on the "
            f"{own['covered']:,} questions this corpus covers ({reference['tokens']:,} tokens, "
            f"{reference['train_seconds']:.0f} s); GloVe on the same questions: "
            f"{same['accuracy'] if same else 0:.1%}.")


def config_dict(cfg: Word2VecConfig) -> dict:
    return asdict(cfg)
