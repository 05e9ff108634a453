"""The one tokenizer and vocabulary that every text model in rnnkit uses."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar, Iterable, Sequence

import torch

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS = (PAD, UNK, BOS, EOS)

# Words (letters, digits, apostrophes inside words and hyphenated parts) or single punctuation marks.
_WORD_PATTERN = r"[^\W_]+(?:['’\-][^\W_]+)*"
_TOKEN = re.compile(_WORD_PATTERN + r"|[^\w\s]", re.UNICODE)
_WORD = re.compile(_WORD_PATTERN, re.UNICODE)


def normalize(text: str) -> str:
    """NFC-normalise, lowercase and collapse whitespace."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def tokenize(text: str) -> list[str]:
    """Split ``text`` into lowercase word and punctuation tokens.

    >>> tokenize("There is nothing to like in this movie.")
    ['there', 'is', 'nothing', 'to', 'like', 'in', 'this', 'movie', '.']
    """
    return _TOKEN.findall(normalize(text).replace("’", "'"))


def words(text: str) -> list[str]:
    """The word tokens of ``tokenize`` (its punctuation marks left out), found without making the marks: a text
    of punctuation costs one regex scan.

    >>> words("There is nothing -- nothing! -- to like.")
    ['there', 'is', 'nothing', 'nothing', 'to', 'like']
    """
    return _WORD.findall(normalize(text).replace("’", "'"))


def tokenize_cased(text: str) -> list[str]:
    """The same word and punctuation tokens with their case kept (named entities need it).

    >>> tokenize_cased("Yesterday, Harry Potter met Hermione Granger.")
    ['Yesterday', ',', 'Harry', 'Potter', 'met', 'Hermione', 'Granger', '.']
    """
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


@dataclass
class Vocabulary:
    """Maps tokens to ids and back. Ids 0-3 are always ``<pad> <unk> <bos> <eos>``.

    The special ids are class constants, so a model can name its padding id (``Vocabulary.pad_id``)
    before any vocabulary exists.
    """

    itos: list[str] = field(default_factory=lambda: list(SPECIALS))
    pad_id: ClassVar[int] = 0
    unk_id: ClassVar[int] = 1
    bos_id: ClassVar[int] = 2
    eos_id: ClassVar[int] = 3

    def __post_init__(self):
        if tuple(self.itos[: len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"a vocabulary must start with {SPECIALS}")
        self.stoi = {token: index for index, token in enumerate(self.itos)}

    @classmethod
    def build(cls, sentences: Iterable[list[str]], min_freq: int = 1, max_size: int | None = None) -> "Vocabulary":
        counts = Counter(token for sentence in sentences for token in sentence)
        ranked = sorted((t for t, c in counts.items() if c >= min_freq and t not in SPECIALS),
                        key=lambda t: (-counts[t], t))
        if max_size is not None:
            ranked = ranked[: max(0, max_size - len(SPECIALS))]
        return cls(list(SPECIALS) + ranked)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def encode(self, tokens: Iterable[str], add_bos: bool = False, add_eos: bool = False) -> list[int]:
        ids = [self.stoi.get(token, self.unk_id) for token in tokens]
        return ([self.bos_id] if add_bos else []) + ids + ([self.eos_id] if add_eos else [])

    def decode(self, ids: Iterable[int], strip_specials: bool = True) -> list[str]:
        tokens = [self.itos[i] for i in ids]
        if strip_specials:
            tokens = [t for t in tokens if t not in SPECIALS]
        return tokens

    def unknown(self, tokens: Iterable[str]) -> list[str]:
        """The tokens this vocabulary does not know (for highlighting in the UI)."""
        return [t for t in tokens if t not in self.stoi]


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int = Vocabulary.pad_id,
              min_length: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Id sequences (lists or 1-D tensors) -> ids (B, T) padded with ``pad_id`` to the longest, and lengths (B,).

    ``min_length=1`` gives an empty sequence length 1 (one padding token), for encoders that must read something.
    """
    lengths = torch.tensor([max(len(s), min_length) for s in sequences], dtype=torch.long)      # (B,)
    ids = torch.full((len(sequences), int(lengths.max()) if len(sequences) else 0), pad_id, dtype=torch.long)
    for i, sequence in enumerate(sequences):
        ids[i, :len(sequence)] = torch.as_tensor(sequence, dtype=torch.long)                   # (B, T)
    return ids, lengths


_ATTACHED = re.compile(r" ([.,!?;:])")


def detokenize(tokens: list[str], capitalize: bool = False, english_articles: bool = False) -> str:
    """Tokens -> a readable sentence: punctuation attached, ``tabby_cat`` shown as "tabby cat".

    ``capitalize`` upper-cases the first letter; ``english_articles`` makes each "a"/"an" agree
    with the next word ("a Egyptian cat" -> "an Egyptian cat"), which only makes sense in English.
    """
    words = [t.replace("_", " ") for t in tokens]
    if english_articles:
        for i in range(len(words) - 1):
            if words[i] in ("a", "an"):
                words[i] = "an" if words[i + 1][:1].lower() in "aeiou" else "a"
    text = _ATTACHED.sub(r"\1", " ".join(words))
    return text[:1].upper() + text[1:] if capitalize else text
