"""The sentiment LSTM: the lecture's many-to-one model, with one consistent answer.

Read the sentence word by word with a bidirectional LSTM and pool its states into one sentence
vector ``v``. Two heads are built (``ModelConfig.head``; the shipped one is chosen on dev):

``"ordinal"`` maps ``v`` to one score ``s`` on the rating line; ordered cut points on that line
give both answers:

.. math::
    x_t = E[w_t], \\quad h_t = [\\overrightarrow{h}_t; \\overleftarrow{h}_t] = \\mathrm{BiLSTM}(x_{1..T})_t, \\quad
    v = \\max_t h_t, \\quad s = w^\\top v + b

.. math::
    P(\\text{positive}) = \\sigma(s - \\theta_{\\pm}), \\qquad
    P(y > k) = \\sigma(s - \\theta_k), \\quad \\theta_0 \\le \\theta_1 \\le \\theta_{\\pm} \\le \\theta_2 \\le \\theta_3

``"softmax"`` maps ``v`` to K class scores, ``p = softmax(W v + b)``, and the binary probability is
the mass of the positive side, half of the neutral class included:
``P(positive) = p_{k > m} + p_m / 2`` (m the middle class).

Either way the binary verdict is ``P(positive) > 0.5`` and the 5-class answer is the most likely
class *on the verdict's side* (neutral belongs to both), so the two never disagree
(``consistent_answers``). Binary-only training data (fresh / rotten, positive / negative tweets)
trains ``P(positive)``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnkit.core.text import Vocabulary


@dataclass
class ModelConfig:
    """The architecture: everything ``SentimentLSTM`` needs besides the vocabulary size."""

    embedding_dim: int = 50         # word embedding size (50 = GloVe 6B 50d)
    hidden_size: int = 128          # LSTM state size h_t, per direction
    bidirectional: bool = True      # read the sentence both ways
    pooling: str = "max"            # "last" (final states: pure many-to-one) or "max" (max over time of h_t)
    dropout: float = 0.5            # dropout on the embeddings and on the sentence vector
    fine_classes: int = 5           # ordered classes of the fine-grained answer (odd: the middle one is neutral)
    head: str = "softmax"           # "softmax" (K class scores) or "ordinal" (one score, ordered cut points)
    lexicon: bool = False           # also give the LSTM each word's VADER valence (-4..+4, / 4; 0 if unrated)
    negation: int = 0               # with lexicon: also turn the valence after a negator for this many words (VADER: 3)
    contrast: bool = False          # with negation: also -1 before "but", +1 after it; the valence x0.5 / x1.5 (VADER)


NEGATION_SCALE = -0.74              # VADER multiplies a word's valence by this for each negator among the 3 before it


def is_negator(token: str) -> bool:
    """VADER's negators: "not", "never", "without", "nothing", ... and any word with "n't"."""
    return token in _negators() or "n't" in token


@functools.cache
def _negators() -> frozenset[str]:                  # VADER's list, imported once (training and evaluation only)
    from vaderSentiment.vaderSentiment import NEGATE
    return frozenset(NEGATE)


def ordinal_probabilities(score: torch.Tensor, fine_cuts: torch.Tensor,
                          binary_cut: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """P(negative), P(positive) (B, 2) and the K-class distribution (B, K) of scores (B,).

    ``above[:, k] = P(y > k) = σ(s - θ_k)``; ``P(y = k) = above[:, k-1] - above[:, k]``.
    """
    above = torch.sigmoid(score.unsqueeze(-1) - fine_cuts)                         # (B, K-1)
    ones, zeros = torch.ones_like(score).unsqueeze(-1), torch.zeros_like(score).unsqueeze(-1)
    fine = torch.cat([ones, above], -1) - torch.cat([above, zeros], -1)            # (B, K)
    positive = torch.sigmoid(score - binary_cut)                                   # (B,)
    return torch.stack([1 - positive, positive], -1), fine.clamp_min(0)


def side_probabilities(fine: torch.Tensor) -> torch.Tensor:
    """P(negative), P(positive) (B, 2) of K-class probabilities (B, K): each side's mass, half of the middle."""
    middle = fine.shape[-1] // 2
    positive = fine[..., middle + 1:].sum(-1) + 0.5 * fine[..., middle]            # (B,)
    return torch.stack([1 - positive, positive], -1)


def consistent_answers(binary, fine):
    """The verdict (B,) = ``P(positive) > 0.5`` and the most likely of the K classes on its side (B,);
    numpy arrays or tensors of probabilities (B, 2), (B, K)."""
    middle = fine.shape[-1] // 2
    classes = (fine[..., :middle + 1].argmax(-1), fine[..., middle:].argmax(-1) + middle)
    verdict = binary[..., 1] > 0.5
    if isinstance(verdict, torch.Tensor):
        return verdict.long(), torch.where(verdict, classes[1], classes[0])
    return verdict.astype(int), np.where(verdict, classes[1], classes[0])


class SentimentLSTM(nn.Module):
    """Embeddings -> BiLSTM -> pooled states -> one score -> ordered cut points.

    ``pooling="last"`` reads the final state of each direction (many-to-one); ``"max"`` takes the
    maximum over time of every state (each unit reports its strongest evidence anywhere).
    """

    def __init__(self, config: ModelConfig, vocab_size: int):
        super().__init__()
        if config.pooling not in ("last", "max"):
            raise ValueError("pooling must be 'last' or 'max'")
        if config.fine_classes < 3 or config.fine_classes % 2 == 0:
            raise ValueError("fine_classes must be odd and >= 3 (the middle class is neutral)")
        if config.head not in ("ordinal", "softmax"):
            raise ValueError("head must be 'ordinal' or 'softmax'")
        self.pooling, self.middle, self.head = config.pooling, config.fine_classes // 2, config.head
        self.embedding = nn.Embedding(vocab_size, config.embedding_dim, padding_idx=Vocabulary.pad_id)
        self.lexicon = config.lexicon
        if self.lexicon:
            # x_t = [E[w_t]; valence(w_t)]: people's rating of the word alone, which the LSTM may keep, flip
            # ("not boring") or ignore in context; fixed, filled from VADER's lexicon by the task
            self.register_buffer("valence", torch.zeros(vocab_size))
        if config.negation < 0 or config.negation and not config.lexicon:
            raise ValueError("negation is a number of words >= 0 and needs lexicon (it turns the word's valence)")
        self.negation = config.negation
        if config.contrast and not config.negation:
            raise ValueError("contrast needs negation")
        self.contrast = config.contrast
        if self.contrast:
            self.register_buffer("but", torch.zeros(vocab_size))
        if self.negation:
            # 1 for "not", "never", "n't", ... (``is_negator``); filled by the task like the valence
            self.register_buffer("negator", torch.zeros(vocab_size))
        inputs = config.embedding_dim + int(self.lexicon) + 2 * bool(self.negation) + int(self.contrast)
        self.lstm = nn.LSTM(inputs, config.hidden_size, batch_first=True, bidirectional=config.bidirectional)
        self.dropout = nn.Dropout(config.dropout)
        features = config.hidden_size * (2 if config.bidirectional else 1)
        self.score = nn.Linear(features, 1 if config.head == "ordinal" else config.fine_classes)
        # θ_0 and the gaps to the next cut points (softplus keeps them ordered); θ± sits in the middle gap
        start = torch.linspace(-2.0, 2.0, config.fine_classes)
        self.cut_start = nn.Parameter(start[:1].clone())
        self.cut_gaps = nn.Parameter(torch.full((config.fine_classes - 1,), 0.5413))   # softplus -> 1.0

    def cutpoints(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The K-1 fine cut points θ_k (ordered) and the binary cut θ± between the two middle ones."""
        cuts = torch.cat([self.cut_start, self.cut_start + torch.cumsum(F.softplus(self.cut_gaps), 0)])  # (K,)
        return torch.cat([cuts[:self.middle], cuts[self.middle + 1:]]), cuts[self.middle]

    def inputs(self, ids: torch.Tensor) -> torch.Tensor:
        """x_t of padded ids (B, T): the (dropped-out) embedding, the word's valence v_t with ``lexicon``, and
        with ``negation = N`` whether a negator n is among the N words before and the valence in context c_t;
        with ``contrast`` also the side s_t of the sentence's "but" (-1 before it, +1 after, 0 without one):

        .. math::
            c_t = v_t \\, (1 + s_t / 2) \\prod_{k=1}^{N} (1 + n_{t-k}(-0.74 - 1)), \\qquad
            x_t = [E[w_t]; v_t; [s_t;] \\max_k n_{t-k}; c_t]

        (VADER's rules with N = 3: "not bad": bad's -0.62 becomes +0.46; "isn't never bad" flips twice; the words
        before "but" count half, those after it one and a half times).
        """
        x = self.dropout(self.embedding(ids))                                      # (B, T, E)
        if not self.lexicon:
            return x
        valence = self.valence[ids]                                                # (B, T)
        features = [x, valence.unsqueeze(-1)]
        if self.negation:
            negator = self.negator[ids]                                            # (B, T)
            negators = torch.stack([F.pad(negator, (k, 0))[:, :negator.shape[1]]   # n_{t-k}: (B, T) each
                                    for k in range(1, self.negation + 1)], -1)     # (B, T, N)
            factor = (1 + negators * (NEGATION_SCALE - 1)).prod(-1)                # (B, T)
            if self.contrast:
                but = self.but[ids]                                                # (B, T)
                after = (but.cumsum(1) - but).clamp(max=1)                         # a "but" before t
                before = (but.flip(1).cumsum(1).flip(1) - but).clamp(max=1) * (1 - after)   # only one after t
                side = after - before                                              # s_t: (B, T)
                factor = factor * (1 + side / 2)
                features.append(side.unsqueeze(-1))
            features += [negators.amax(-1).unsqueeze(-1), (valence * factor).unsqueeze(-1)]
        return torch.cat(features, -1)                                             # (B, T, E + 1 [+ 2 [+ 1]])

    def encode(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The sentence vector (B, D) of padded ids (B, T) with true lengths (B,)."""
        x = self.inputs(ids)                                                       # (B, T, E [+ 1])
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        states, (h_n, _) = self.lstm(packed)                                       # h_n: (dirs, B, H)
        if self.pooling == "last":
            return torch.cat(list(h_n), dim=-1)                                    # (B, dirs*H)
        states, _ = pad_packed_sequence(states, batch_first=True, padding_value=float("-inf"))  # (B, T, dirs*H)
        return states.max(dim=1).values                                            # (B, dirs*H)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The score s (B,) on the rating line (ordinal head), or the K class scores (B, K) (softmax head)."""
        sentence = self.dropout(self.encode(ids, lengths))                         # (B, D)
        scores = self.score(sentence)                                              # (B, 1) or (B, K)
        return scores.squeeze(-1) if self.head == "ordinal" else scores

    def probabilities(self, scores: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """P(negative), P(positive) (B, 2) and the K-class distribution (B, K) of ``forward``'s output."""
        if self.head == "ordinal":
            return ordinal_probabilities(scores, *self.cutpoints())
        fine = scores.softmax(-1)                                                  # (B, K)
        return side_probabilities(fine), fine

    def answers(self, scores: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The binary verdict (B,) and the 5-class answer (B,), never on opposite sides."""
        return consistent_answers(*self.probabilities(scores))


class BiLanguageModel(nn.Module):
    """ULMFiT's first stage for the bidirectional reader (``Config.lm_epochs``): the forward LSTM predicts each
    next word and the backward LSTM each previous one, each through an adaptive softmax over the vocabulary.
    It holds the classifier's own embedding and LSTM, so training it on unlabelled text pretrains them:

    .. math::
        \\mathcal{L} = -\\tfrac{1}{N} \\sum_t \\left[\\log p(w_{t+1} \\mid \\overrightarrow{h}_t)
                       + \\log p(w_{t-1} \\mid \\overleftarrow{h}_t)\\right]

    ``<unk>`` and padding are never targets. Only the reader's weights are kept afterwards.
    """

    def __init__(self, reader: SentimentLSTM, vocab_size: int, cutoffs: tuple[int, ...] = (2000, 10000)):
        super().__init__()
        if not reader.lstm.bidirectional:
            raise ValueError("the language model pretrains a bidirectional reader")
        self.reader, hidden = reader, reader.lstm.hidden_size
        cutoffs = [c for c in cutoffs if c < vocab_size - 1] or [vocab_size // 2]     # a small (dry-run) vocabulary
        self.next_word = nn.AdaptiveLogSoftmaxWithLoss(hidden, vocab_size, cutoffs, div_value=4.0)
        self.previous_word = nn.AdaptiveLogSoftmaxWithLoss(hidden, vocab_size, cutoffs, div_value=4.0)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The mean negative log-likelihood of every predicted word (both directions) of padded ids (B, T)."""
        reader, steps = self.reader, ids.shape[1]
        x = reader.inputs(ids)                                                      # (B, T, E [+ 1])
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        states, _ = pad_packed_sequence(reader.lstm(packed)[0], batch_first=True, total_length=steps)
        forward, backward = reader.dropout(states).chunk(2, dim=-1)                 # (B, T, H) each
        known = ids > Vocabulary.unk_id                                             # a target: a real word
        ahead, behind = known[:, 1:], known[:, :-1]                                 # (B, T-1)
        nll = forward.new_zeros(())
        if ahead.any():
            nll = nll - self.next_word(forward[:, :-1][ahead], ids[:, 1:][ahead]).output.sum()
        if behind.any():
            nll = nll - self.previous_word(backward[:, 1:][behind], ids[:, :-1][behind]).output.sum()
        return nll / (ahead.sum() + behind.sum()).clamp_min(1)
