"""Vanishing and exploding gradients, measured with autograd through the lecture's cells.

For a vanilla RNN, ``∂s_T/∂s_t = Π_k diag(σ'(a_k)) W``: with the recurrent matrix scaled to
spectral radius ρ, its norm shrinks like ρ^(T−t) when ρ < 1 and grows when ρ > 1 (until the
activation saturates). The LSTM's cell path ``∂C_T/∂C_t`` is a product of forget gates, which
stays near 1 when the forget gate is open.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from rnnkit.core.cells import LSTMCell, RNNCell


def orthogonal(size: int, generator: torch.Generator) -> torch.Tensor:
    """A random orthogonal matrix: every singular value (and |eigenvalue|) is exactly 1."""
    q, r = torch.linalg.qr(torch.randn(size, size, generator=generator))
    return q * torch.sign(torch.diagonal(r))                         # (H, H)


def _jacobian_norms(last: torch.Tensor, states: list[torch.Tensor]) -> np.ndarray:
    """``||∂last/∂states[t]||_F`` for every t, one backward pass per component of ``last``."""
    squared = torch.zeros(len(states))
    for j in range(last.shape[-1]):
        grads = torch.autograd.grad(last[0, j], states, retain_graph=True, allow_unused=True)
        squared += torch.stack([(g ** 2).sum() if g is not None else torch.tensor(0.0) for g in grads])
    norms = squared.sqrt().numpy()
    norms.flags.writeable = False       # cached and shared between visitors: read-only
    return norms


@lru_cache(maxsize=512)
def rnn_gradient_norms(seq_len: int = 50, hidden_size: int = 16, radius: float = 1.0,
                       activation: str = "tanh", input_scale: float = 0.01, seed: int = 0) -> np.ndarray:
    """``||∂s_T/∂s_t||_F`` for t = 0..T−1 (index T−t−1 is ``T − t`` steps back is last)."""
    generator = torch.Generator().manual_seed(seed)
    cell = RNNCell(input_size=4, hidden_size=hidden_size, activation=activation, generator=generator)
    with torch.no_grad():
        cell.W.copy_(radius * orthogonal(hidden_size, generator))      # spectral radius = radius
    x = input_scale * torch.randn(1, seq_len, 4, generator=generator)  # (1, T, I)
    s_t = torch.zeros(1, hidden_size, requires_grad=True)              # (1, H)
    states = [s_t]
    for t in range(seq_len):
        s_t = cell(x[:, t], s_t).s_t                                   # (1, H)
        states.append(s_t)
    return _jacobian_norms(states[-1], states[:-1])


@lru_cache(maxsize=512)
def lstm_gradient_norms(seq_len: int = 50, hidden_size: int = 16, forget_bias: float = 1.0,
                        input_scale: float = 0.01, seed: int = 0) -> np.ndarray:
    """``||∂C_T/∂C_t||_F`` for t = 0..T−1 through every path of the LSTM (cell and hidden)."""
    generator = torch.Generator().manual_seed(seed)
    cell = LSTMCell(input_size=4, hidden_size=hidden_size, forget_bias=forget_bias, generator=generator)
    x = input_scale * torch.randn(1, seq_len, 4, generator=generator)  # (1, T, I)
    h_t = torch.zeros(1, hidden_size)
    C_t = torch.zeros(1, hidden_size, requires_grad=True)             # (1, H)
    cells = [C_t]
    for t in range(seq_len):
        step = cell(x[:, t], (h_t, C_t))
        h_t, C_t = step.h_t, step.C_t                                  # (1, H)
        cells.append(C_t)
    return _jacobian_norms(cells[-1], cells[:-1])


GRADIENT_VERDICTS = ("vanishes", "roughly holds", "explodes")


def gradient_verdict(norms: np.ndarray) -> tuple[str, float]:
    """What the gradient does across the sequence (one of ``GRADIENT_VERDICTS``: more than 100× smaller or
    larger, else roughly holds) and the factor ‖∂s_T/∂s_1‖ / ‖∂s_T/∂s_T‖."""
    ratio = float(norms[0] / norms[-1])
    return ("vanishes" if ratio < 1e-2 else "explodes" if ratio > 1e2 else "roughly holds"), ratio


def rnn_gradient_sentence(norms: np.ndarray) -> str:
    """What happened to the RNN's gradient over the whole sequence, and why, in plain words."""
    verdict, ratio = gradient_verdict(norms)
    return (f"Across {len(norms)} steps the RNN's gradient {verdict} (× {ratio:.2g}). Below ρ = 1 it shrinks "
            "geometrically; above 1 it grows until the activation saturates. The LSTM's cell path multiplies "
            "forget gates instead: raise b_f in the sidebar and its gradient survives long gaps.")
