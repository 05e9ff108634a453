"""The named-entity tagger: the lecture's synced many-to-many model, one tag per word at the same step.

Each word t is read as its (GloVe-initialised) word vector, a character CNN of its spelling and a
small casing feature; a bidirectional LSTM reads the sentence both ways, and the tag scores of
word t come from both directions' states through one linear layer:

.. math::
    x_t = [E[w_t];\\ \\max_k \\mathrm{relu}(\\mathrm{Conv}(C[c_{t,1..K}]))_k;\\ S[\\mathrm{case}_t]]

    \\overrightarrow{h}_t = \\mathrm{LSTM}_\\rightarrow(x_t, \\overrightarrow{h}_{t-1}), \\quad
    \\overleftarrow{h}_t = \\mathrm{LSTM}_\\leftarrow(x_t, \\overleftarrow{h}_{t+1})

    s_t = W_\\rightarrow \\overrightarrow{h}_t + W_\\leftarrow \\overleftarrow{h}_t + b, \\quad
    p(y_t \\mid w_{1..T}) = \\mathrm{softmax}(s_t)

so ``W_→ h→_t`` and ``W_← h←_t`` are exactly what each direction contributed to word t's tag
scores. ``bidirectional=False`` gives the forward-only tagger (``s_t = W_→ h→_t + b``), which sees
only the words before t. ``crf=True`` (the shipped taggers) adds a linear-chain CRF over the scores
instead of independent softmaxes: tag-transition scores ``A``, Viterbi decoding of the best path
and forward-backward marginals ``p(y_t | w_{1..T})`` for the probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnkit.core.text import Vocabulary


@dataclass
class ModelConfig:
    """The architecture: everything ``NERTagger`` needs besides the vocabulary and tag-set sizes."""

    word_dim: int = 50              # word embedding size (50 = GloVe 6B 50d)
    char_dim: int = 24              # character embedding size
    char_filters: int = 64          # character CNN filters (the spelling vector's size)
    char_width: int = 3             # characters each filter sees
    casing_dim: int = 4             # casing feature size (lower, Title, UPPER, mIxed, digits, other)
    hidden_size: int = 128          # LSTM state size h_t, per direction
    bidirectional: bool = True      # read the sentence both ways (False: the forward-only tagger)
    dropout: float = 0.5            # dropout on the word features and on the LSTM states
    crf: bool = True                # a linear-chain CRF over the tag scores (dev F1 +7 points over softmax)


class CharCNN(nn.Module):
    """A word's characters (N, K) -> its spelling vector (N, F): convolution then max over positions."""

    def __init__(self, vocab_size: int, char_dim: int, filters: int, width: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, char_dim, padding_idx=Vocabulary.pad_id)
        self.conv = nn.Conv1d(char_dim, filters, width, padding=width // 2)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        x = self.embedding(chars).transpose(1, 2)                                  # (N, D, K)
        feature_maps = torch.relu(self.conv(x))                                    # (N, F, K)
        feature_maps = feature_maps.masked_fill((chars == Vocabulary.pad_id).unsqueeze(1), 0.0)
        return feature_maps.max(dim=2).values                                      # (N, F)


class CRF(nn.Module):
    """Linear-chain CRF: score(y) = sum_t s_t[y_t] + A[y_{t-1}, y_t] (+ start and end scores).

    ``nll`` is -log p(y | x) by the forward algorithm; ``decode`` is the Viterbi path.
    """

    def __init__(self, num_tags: int):
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(num_tags, num_tags))          # A[from, to]
        self.start = nn.Parameter(torch.zeros(num_tags))
        self.end = nn.Parameter(torch.zeros(num_tags))

    def nll(self, scores: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean -log p(tags) over the batch; scores (B, T, K), tags (B, T), mask (B, T) bool, mask[:, 0] all True."""
        B, T, _ = scores.shape
        tags = tags.clamp(min=0)
        rows = torch.arange(B)
        gold = self.start[tags[:, 0]] + scores[rows, 0, tags[:, 0]]                # (B,)
        alpha = self.start + scores[:, 0]                                          # (B, K)
        for t in range(1, T):
            step = mask[:, t]
            gold = gold + step * (self.transitions[tags[:, t - 1], tags[:, t]] + scores[rows, t, tags[:, t]])
            moved = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, dim=1) + scores[:, t]  # (B, K)
            alpha = torch.where(step.unsqueeze(1), moved, alpha)
        last = tags[rows, mask.sum(1) - 1]
        gold = gold + self.end[last]
        return (torch.logsumexp(alpha + self.end, dim=1) - gold).mean()

    def marginals(self, scores: torch.Tensor) -> torch.Tensor:
        """p(y_t = k | sentence) (T, K) of one sentence's scores (T, K), by the forward-backward algorithm."""
        T = scores.shape[0]
        alpha, beta = [self.start + scores[0]], [self.end]                         # each (K,)
        for t in range(1, T):
            alpha.append(torch.logsumexp(alpha[-1].unsqueeze(1) + self.transitions, dim=0) + scores[t])
            beta.append(torch.logsumexp(self.transitions + (scores[T - t] + beta[-1]).unsqueeze(0), dim=1))
        log_z = torch.logsumexp(alpha[-1] + self.end, dim=0)
        return (torch.stack(alpha) + torch.stack(beta[::-1]) - log_z).exp()       # (T, K)

    def decode(self, scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The best tag path (B, T) (padding positions repeat the last tag)."""
        B, T, _ = scores.shape
        best = self.start + scores[:, 0]                                           # (B, K)
        back = []
        for t in range(1, T):
            candidates = best.unsqueeze(2) + self.transitions                      # (B, K_from, K_to)
            value, index = candidates.max(dim=1)                                   # (B, K)
            step = mask[:, t].unsqueeze(1)
            best = torch.where(step, value + scores[:, t], best)
            back.append(torch.where(step, index, torch.arange(scores.shape[2]).expand(B, -1)))
        path = [(best + self.end).argmax(dim=1)]                                   # (B,)
        for index in reversed(back):
            path.append(index.gather(1, path[-1].unsqueeze(1)).squeeze(1))
        return torch.stack(path[::-1], dim=1)                                      # (B, T)


class NERTagger(nn.Module):
    """Word + character + casing features -> (bi)LSTM -> tag scores for every word."""

    def __init__(self, config: ModelConfig, word_vocab_size: int, char_vocab_size: int, num_tags: int,
                 num_casings: int):
        super().__init__()
        self.config = config
        self.word_embedding = nn.Embedding(word_vocab_size, config.word_dim, padding_idx=Vocabulary.pad_id)
        self.char_cnn = CharCNN(char_vocab_size, config.char_dim, config.char_filters, config.char_width)
        self.casing_embedding = nn.Embedding(num_casings, config.casing_dim, padding_idx=0)
        features = config.word_dim + config.char_filters + config.casing_dim
        self.lstm = nn.LSTM(features, config.hidden_size, batch_first=True, bidirectional=config.bidirectional)
        self.dropout = nn.Dropout(config.dropout)
        self.output = nn.Linear(config.hidden_size * (2 if config.bidirectional else 1), num_tags)
        self.crf = CRF(num_tags) if config.crf else None

    def states(self, words, chars, casing, lengths) -> torch.Tensor:
        """The LSTM states (B, T, dirs*H): forward half first, then the backward half."""
        B, T, K = chars.shape
        spelling = self.char_cnn(chars.reshape(B * T, K)).reshape(B, T, -1)        # (B, T, F)
        x = torch.cat([self.word_embedding(words), spelling, self.casing_embedding(casing)], dim=-1)  # (B, T, E+F+S)
        packed = pack_padded_sequence(self.dropout(x), lengths.cpu(), batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = pad_packed_sequence(h, batch_first=True, total_length=T)            # (B, T, dirs*H)
        return h

    def forward(self, words, chars, casing, lengths) -> torch.Tensor:
        """Tag scores s_t (B, T, num_tags) of every word."""
        return self.output(self.dropout(self.states(words, chars, casing, lengths)))   # (B, T, K)

    def contributions(self, states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """What each direction added to the tag scores: ``W_→ h→_t`` and ``W_← h←_t`` (B, T, K) each.

        Their sum plus the bias is exactly ``forward``'s scores (in eval mode); the backward part is
        None for the forward-only tagger.
        """
        H = self.config.hidden_size
        forward_part = states[..., :H] @ self.output.weight[:, :H].T              # (B, T, K)
        if not self.config.bidirectional:
            return forward_part, None
        return forward_part, states[..., H:] @ self.output.weight[:, H:].T        # (B, T, K)

    def probabilities(self, scores: torch.Tensor) -> torch.Tensor:
        """p(tag | sentence) (T, K) of every word of one sentence: the CRF's marginals, or the softmax."""
        return scores.softmax(-1) if self.crf is None else self.crf.marginals(scores)

    def decode(self, scores: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The tag ids (B, T): Viterbi through the CRF, or each word's most likely tag."""
        if self.crf is None:
            return scores.argmax(dim=-1)
        mask = torch.arange(scores.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)  # (B, T)
        return self.crf.decode(scores, mask)
