"""Word alignments that teach attention where to look: IBM Model 1 with a diagonal prior.

Trained on a CPU budget, the bidirectional encoder learns to pass the whole sentence through its state at the last
word, and attention then looks at that one word at every step (an attention sink, ``Translator.attention_sink``):
the map is one column, not the alignment the lecture draws. Guided alignment (Chen et al. 2016, "Guided Alignment
Training for Topic-Aware Neural Machine Translation") adds a loss that pulls each step's attention towards the
posterior of a statistical word aligner. The aligner here is IBM Model 1 (Brown et al. 1993): a table ``t(f | e)``
of how often target token ``f`` translates source token ``e``, learnt by EM from the training pairs alone, with
fast_align's diagonal prior (Dyer et al. 2013) favouring source positions near the diagonal, so that a word that
occurs twice is aligned to the nearer one.
"""

from __future__ import annotations

import functools
from typing import Sequence

import numpy as np
import torch

ITERATIONS = 5              # EM passes over the training pairs (Model 1's likelihood barely moves after ~5)
DIAGONAL_TENSION = 4.0      # fast_align's default: how sharply the prior prefers the diagonal


@functools.lru_cache(maxsize=4096)
def diagonal_prior(target_length: int, source_length: int, tension: float = DIAGONAL_TENSION) -> np.ndarray:
    """(T, S) weights ``exp(-tension |(t + 1/2)/T - (s + 1/2)/S|)``: 1 on the diagonal, less far from it. Kept per
    shape: EM and every training batch ask for the same few hundred shapes again (read only, never written)."""
    t = (np.arange(target_length)[:, None] + 0.5) / target_length
    s = (np.arange(source_length)[None, :] + 0.5) / source_length
    return np.exp(-tension * np.abs(t - s)).astype(np.float32)


class Model1:
    """IBM Model 1 over token ids: ``table[f, e] = t(f | e)``, each column a distribution over target tokens."""

    def __init__(self, table: np.ndarray):
        self.table = table

    @classmethod
    def train(cls, pairs: Sequence[tuple[Sequence[int], Sequence[int]]], source_size: int, target_size: int,
              iterations: int = ITERATIONS) -> "Model1":
        """EM on (source ids, target ids) pairs, starting from the uniform table."""
        model = cls(np.full((target_size, source_size), 1.0 / target_size, dtype=np.float32))
        arrays = [(np.asarray(s, dtype=np.int64), np.asarray(t, dtype=np.int64)) for s, t in pairs if len(s) and len(t)]
        for _ in range(iterations):
            counts = np.zeros_like(model.table)
            for source, target in arrays:                        # E step: expected counts of each (f, e) link
                np.add.at(counts, (target[:, None], source[None, :]), model.posterior(source, target))
            model.table = counts / np.maximum(counts.sum(0, keepdims=True), 1e-12)   # M step
        return model

    def posterior(self, source: Sequence[int], target: Sequence[int]) -> np.ndarray:
        """(T, S): for each target token, the probability that each source token is the one it translates."""
        source, target = np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64)
        weights = self.table[np.ix_(target, source)] * diagonal_prior(len(target), len(source))
        return weights / np.maximum(weights.sum(1, keepdims=True), 1e-30)


def guided_alignment_loss(alpha: torch.Tensor, guide: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the attention ``alpha`` (B, T, S) against the aligner's posteriors ``guide`` (B, T, S),
    averaged over the target tokens that have one (rows of zeros, such as ``<eos>`` and padding, count for nothing).
    """
    return -(guide * torch.log(alpha + 1e-8)).sum() / guide.sum().clamp(min=1.0)
