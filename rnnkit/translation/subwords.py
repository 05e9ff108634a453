"""Words <-> the tokens a translation model reads and writes: whole words, or sentencepiece pieces.

Text is first split into words by rnnkit's one tokenizer (``rnnkit.core.text.tokenize``). A
``Segmenter`` then either keeps each word as a token (``Segmenter(None)``), or cuts it into
sentencepiece pieces (Kudo & Richardson 2018), so that a rare word is read as known parts
(``"unbelievable" -> "▁un" "believ" "able"``) instead of ``<unk>``. The sentencepiece model is
trained on the training sentences only and travels in the model card (base64), so nothing is
ever downloaded. ``split`` and ``join`` also say which word every token belongs to: the page
draws attention over whole words.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np

from rnnkit.core.text import Vocabulary

WORD_START = "▁"     # sentencepiece's mark of a piece that begins a word


class Segmenter:
    """Whole words (``model=None``) or the pieces of a sentencepiece model (serialised, base64)."""

    def __init__(self, model: str | None = None):
        self.model = model
        self._processor = None
        if model:
            import sentencepiece

            self._processor = sentencepiece.SentencePieceProcessor(model_proto=base64.b64decode(model))

    @property
    def subwords(self) -> bool:
        return self._processor is not None

    @classmethod
    def train(cls, sentences: list[list[str]], vocab_size: int, seed: int = 0) -> "Segmenter":
        """A unigram sentencepiece model of about ``vocab_size`` pieces over tokenized ``sentences``."""
        import sentencepiece

        stream = io.BytesIO()
        lines = [" ".join(words) for words in sentences if words]
        sentencepiece.SentencePieceTrainer.train(
            sentence_iterator=iter(lines), model_writer=stream, vocab_size=vocab_size, model_type="unigram",
            character_coverage=1.0, normalization_rule_name="identity", split_digits=True,
            unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, hard_vocab_limit=False,
            input_sentence_size=200000, shuffle_input_sentence=True, minloglevel=2, num_threads=1)
        return cls(base64.b64encode(stream.getvalue()).decode("ascii"))

    def pieces(self) -> list[str]:
        """Every piece of the model but its ``<unk>`` (the model's vocabulary, most useful first)."""
        return [self._processor.id_to_piece(i) for i in range(self._processor.get_piece_size())
                if not self._processor.is_unknown(i)]

    def split(self, words: list[str]) -> tuple[list[str], list[int]]:
        """The model's tokens for ``words`` and, for each token, the index of the word it belongs to."""
        if not self.subwords:
            return list(words), list(range(len(words)))
        tokens, owners = [], []
        for index, word in enumerate(words):
            for piece in self._processor.encode(word, out_type=str):
                tokens.append(piece)
                owners.append(index)
        return tokens, owners

    def join(self, tokens: list[str]) -> tuple[list[str], list[int]]:
        """Tokens written by the model -> words, and for each token the index of its word."""
        if not self.subwords:
            return list(tokens), list(range(len(tokens)))
        words: list[str] = []
        owners = []
        for token in tokens:
            special = token.startswith("<") and token.endswith(">")
            if token.startswith(WORD_START) or special or not words or words[-1].startswith("<"):
                words.append(token[len(WORD_START):] if token.startswith(WORD_START) else token)
            else:
                words[-1] += token
            owners.append(len(words) - 1)
        return words, owners


def group_columns(alpha, owners: list[int], count: int):
    """Attention (T, S) over tokens -> (T, count) over words: the weights of a word's pieces summed."""
    alpha = np.asarray(alpha)
    grouped = np.zeros((alpha.shape[0], count), dtype=alpha.dtype)
    for s, owner in enumerate(owners[: alpha.shape[1]]):
        grouped[:, owner] += alpha[:, s]
    return grouped


def group_rows(alpha, owners: list[int], count: int):
    """Attention (T, S) over written tokens -> (count, S) over written words: a word's rows averaged."""
    alpha = np.asarray(alpha)
    grouped = np.zeros((count, alpha.shape[1]), dtype=alpha.dtype)
    sizes = np.zeros(count)
    for t, owner in enumerate(owners[: alpha.shape[0]]):
        grouped[owner] += alpha[t]
        sizes[owner] += 1
    return grouped / np.maximum(sizes, 1)[:, None]


@dataclass
class Language:
    """One language as a model sees it: how words become tokens, and the tokens' ids."""

    segmenter: Segmenter
    vocab: Vocabulary

    @classmethod
    def from_extras(cls, extras: dict, side: str) -> "Language":
        """``side`` is ``"src"`` or ``"tgt"``; a card without ``<side>_spm`` reads whole words."""
        return cls(Segmenter(extras.get(f"{side}_spm")), Vocabulary(extras[f"{side}_itos"]))

    def encode(self, words: list[str], add_bos: bool = False, add_eos: bool = False) -> tuple[list[int], list[int]]:
        """Word tokens -> ids, and for each id (without bos/eos) the index of its word."""
        tokens, owners = self.segmenter.split(words)
        return self.vocab.encode(tokens, add_bos, add_eos), owners

    def unknown_words(self, words: list[str]) -> list[int]:
        """Positions of the words with at least one token outside the vocabulary."""
        tokens, owners = self.segmenter.split(words)
        return sorted({owner for token, owner in zip(tokens, owners) if token not in self.vocab})

    def decode(self, ids: list[int]) -> tuple[list[str], list[int]]:
        """Written ids -> words (``<unk>`` kept) and, for each id, the index of its word."""
        return self.segmenter.join(self.vocab.decode(ids, strip_specials=False))
