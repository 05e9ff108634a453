"""Luong global attention (Luong, Pham & Manning 2015), the lecture's last topic.

A pure function does the maths (``attention``); ``GlobalAttention`` adds the learned score
and the attentional output layer. Shapes: B batch, T target steps, S source steps, H hidden.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

SCORES = ("dot", "general", "concat")

EQUATIONS = {
    "dot": r"\operatorname{score}(h_t, \bar h_s) = h_t^\top \bar h_s",
    "general": r"\operatorname{score}(h_t, \bar h_s) = h_t^\top W_a \bar h_s",
    "concat": r"\operatorname{score}(h_t, \bar h_s) = v_a^\top \tanh\left(W_a [h_t; \bar h_s]\right)",
    "alpha": (r"\alpha_{ts} = \frac{\exp \operatorname{score}(h_t, \bar h_s)}"
              r"{\sum_{s'} \exp \operatorname{score}(h_t, \bar h_{s'})}"),
    "context": r"c_t = \sum_s \alpha_{ts} \bar h_s",
    "output": r"\tilde h_t = a_t = \tanh\left(W_c [c_t; h_t]\right)",
}


def sequence_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """``True`` at real positions, ``False`` at padding: (B,) -> (B, S)."""
    max_len = max_len or int(lengths.max())
    return torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]   # (B, S)


def attention(scores: torch.Tensor, h_s: torch.Tensor, src_mask: torch.Tensor | None = None):
    """``alpha = softmax_s(scores)`` with padding masked, ``context = sum_s alpha * h_s``.

    Args:
        scores: (B, T, S) raw scores ``score(h_t, h̄_s)``.
        h_s: (B, S, H) encoder states ``h̄_s``.
        src_mask: (B, S) bool, ``True`` at real source words.
    Returns:
        ``(context, alpha)``: (B, T, H) and (B, T, S); ``alpha`` sums to 1 over real words and
        is exactly 0 on padding.
    """
    if src_mask is not None:
        scores = scores.masked_fill(~src_mask[:, None, :], float("-inf"))   # (B, T, S)
    alpha = F.softmax(scores, dim=-1)                                        # (B, T, S)
    context = torch.bmm(alpha, h_s)                                          # (B, T, H)
    return context, alpha


class GlobalAttention(nn.Module):
    r"""Luong global attention over all encoder states.

    .. math::

        \operatorname{score}(h_t, \bar h_s) =
        \begin{cases}
          h_t^\top \bar h_s & \text{dot} \\
          h_t^\top W_a \bar h_s & \text{general} \\
          v_a^\top \tanh(W_a [h_t; \bar h_s]) & \text{concat}
        \end{cases}

        \alpha_{ts} = \operatorname{softmax}_s \operatorname{score}(h_t, \bar h_s), \quad
        c_t = \sum_s \alpha_{ts} \bar h_s, \quad
        a_t = \tanh(W_c [c_t; h_t])

    Args:
        hidden_size: H, the size of ``h_t`` and ``h̄_s``.
        score: ``"dot"``, ``"general"`` or ``"concat"``.
    """

    def __init__(self, hidden_size: int, score: str = "general"):
        super().__init__()
        if score not in SCORES:
            raise ValueError(f"score must be one of {SCORES}, not {score!r}")
        self.score_name = score
        if score == "general":
            self.W_a = nn.Linear(hidden_size, hidden_size, bias=False)
        elif score == "concat":
            self.W_a = nn.Linear(2 * hidden_size, hidden_size, bias=False)
            self.v_a = nn.Linear(hidden_size, 1, bias=False)
        self.W_c = nn.Linear(2 * hidden_size, hidden_size, bias=False)

    def score(self, h_t: torch.Tensor, h_s: torch.Tensor) -> torch.Tensor:
        """``score(h_t, h̄_s)`` for every target step t and source word s: (B,T,H),(B,S,H) -> (B,T,S)."""
        if self.score_name == "dot":
            return torch.bmm(h_t, h_s.transpose(1, 2))                      # (B, T, S)
        if self.score_name == "general":
            return torch.bmm(h_t, self.W_a(h_s).transpose(1, 2))            # (B, T, S)
        T, S = h_t.size(1), h_s.size(1)
        pairs = torch.cat([h_t[:, :, None, :].expand(-1, -1, S, -1),
                           h_s[:, None, :, :].expand(-1, T, -1, -1)], dim=-1)  # (B, T, S, 2H)
        return self.v_a(torch.tanh(self.W_a(pairs))).squeeze(-1)             # (B, T, S)

    def forward(self, h_t: torch.Tensor, h_s: torch.Tensor, src_mask: torch.Tensor | None = None):
        """Returns ``(a_t, alpha, context, scores)``: (B,T,H), (B,T,S), (B,T,H), (B,T,S)."""
        scores = self.score(h_t, h_s)                                        # 1. (B, T, S)
        context, alpha = attention(scores, h_s, src_mask)                   # 2. α_ts, c_t
        a_t = torch.tanh(self.W_c(torch.cat([context, h_t], dim=-1)))       # 3. (B, T, H)
        return a_t, alpha, context, scores
