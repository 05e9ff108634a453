"""The memory task's classifier: one-hot symbols through a fused RNN or LSTM, read at the last step."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class ModelConfig:
    """The memory classifier's architecture, and the input and output sizes the task's alphabet fixes."""

    cell: str = "lstm"           # "lstm" or "rnn"
    hidden_size: int = 32        # recurrent units
    symbols: int = 4             # signal symbols: the classes, one of them shown first
    distractors: int = 4         # distractor symbols shown at every later step
    forget_bias: float = 4.0     # LSTM only: f_t starts near 1, so the cell state keeps the first symbol
    input_bias: float = -3.0     # LSTM only: i_t starts near 0, so distractors do not flood the cell (Hochreiter 1997)


class MemoryNet(nn.Module):
    """One-hot symbols -> fused ``nn.RNN`` or ``nn.LSTM`` -> the class of the first symbol."""

    def __init__(self, cell: str, symbols: int, hidden_size: int, forget_bias: float = 0.0, distractors: int = 0,
                 input_bias: float = 0.0):
        super().__init__()
        if cell not in ("rnn", "lstm"):
            raise ValueError("cell must be 'rnn' or 'lstm'")
        self.alphabet = symbols + distractors
        recurrent = nn.LSTM if cell == "lstm" else nn.RNN
        self.recurrent = recurrent(self.alphabet, hidden_size, batch_first=True)
        self.classify = nn.Linear(hidden_size, symbols)
        if cell == "lstm":   # torch orders the gates i, f, g, o: rows 0..H input gate, H..2H forget gate
            with torch.no_grad():
                self.recurrent.bias_ih_l0[:hidden_size].fill_(input_bias)
                self.recurrent.bias_ih_l0[hidden_size:2 * hidden_size].fill_(forget_bias)
                self.recurrent.bias_hh_l0[:2 * hidden_size].zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        onehot = F.one_hot(x, self.alphabet).float()    # (B, T, K + D)
        states, _ = self.recurrent(onehot)              # (B, T, H)
        return self.classify(states[:, -1])             # (B, K) many-to-one: read the last state
