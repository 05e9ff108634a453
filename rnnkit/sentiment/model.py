"""The sentiment LSTM: the lecture's many-to-one model.

Read the sentence word by word with an LSTM and classify at the end:

.. math::
    x_t = E[w_t], \\quad (h_t, c_t) = \\mathrm{LSTM}(x_t, h_{t-1}, c_{t-1}), \\quad
    p(y \\mid w_{1..T}) = \\mathrm{softmax}(W\\,[\\overrightarrow{h}_T; \\overleftarrow{h}_1] + b)

One shared encoder (word embeddings, a bidirectional ``nn.LSTM``) feeds two heads: binary
(negative / positive) and 5 classes (very negative .. very positive).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnkit.core.text import Vocabulary


@dataclass
class ModelConfig:
    """The architecture: everything ``SentimentLSTM`` needs besides the vocabulary size."""

    embedding_dim: int = 50         # word embedding size (50 = GloVe 6B 50d)
    hidden_size: int = 128          # LSTM state size h_t, per direction
    bidirectional: bool = True      # read the sentence both ways
    pooling: str = "last"           # "last" (final states: pure many-to-one) or "max" (max over time)
    dropout: float = 0.5            # dropout on the embeddings and on the sentence vector
    fine_classes: int = 5           # classes of the fine-grained head


class SentimentLSTM(nn.Module):
    """Embeddings -> (bi)LSTM -> final states -> a binary head and a fine-grained head.

    ``pooling="last"`` reads the final state of each direction (many-to-one); ``"max"`` takes the
    maximum over time of every state.
    """

    def __init__(self, config: ModelConfig, vocab_size: int):
        super().__init__()
        if config.pooling not in ("last", "max"):
            raise ValueError("pooling must be 'last' or 'max'")
        self.pooling = config.pooling
        self.embedding = nn.Embedding(vocab_size, config.embedding_dim, padding_idx=Vocabulary.pad_id)
        self.lstm = nn.LSTM(config.embedding_dim, config.hidden_size, batch_first=True,
                            bidirectional=config.bidirectional)
        self.dropout = nn.Dropout(config.dropout)
        features = config.hidden_size * (2 if config.bidirectional else 1)
        self.binary_head = nn.Linear(features, 2)
        self.fine_head = nn.Linear(features, config.fine_classes)

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
