"""Remember the first element: the long-range memory task of the Equation Playground.

The first step shows one of ``symbols`` signal symbols; every later step shows a random
distractor (one of ``distractors`` other symbols). The label is the *first* symbol, which the
network must carry through every later step. An LSTM learns to close its input gate on
distractors and keep its forget gate open; a vanilla RNN's gradient vanishes over the gap.
Small enough to train live in a browser session.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset

from rnnkit.core.training import Prepared
from rnnkit.core.training import TrainConfig

DESCRIPTION = "A recurrent classifier that must remember the first symbol of a long sequence."
LIMITS = "Synthetic task for teaching; chance accuracy is 1 / symbols."


@dataclass
class Config(TrainConfig):
    cell: str = "lstm"          # "lstm" or "rnn"
    seq_len: int = 60
    symbols: int = 4
    distractors: int = 4
    hidden_size: int = 32
    forget_bias: float = 4.0    # LSTM only: f_t starts near 1, so the cell state keeps the first symbol
    input_bias: float = -3.0    # LSTM only: i_t starts near 0, so distractors do not flood the cell (Hochreiter 1997)
    train_size: int = 4096
    test_size: int = 1024
    epochs: int = 20
    batch_size: int = 64
    lr: float = 1e-2


def dry_run(cfg: Config) -> Config:
    cfg.train_size, cfg.test_size, cfg.epochs, cfg.max_steps = 256, 64, 1, 3
    return cfg


def make_sequences(n: int, seq_len: int, symbols: int, distractors: int, seed: int) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = symbols + torch.randint(distractors, (n, seq_len), generator=generator)   # (N, T) distractors
    x[:, 0] = torch.randint(symbols, (n,), generator=generator)                    # the symbol to keep
    return TensorDataset(x, x[:, 0].clone())


def prepare(cfg: Config) -> Prepared:
    splits = [make_sequences(size, cfg.seq_len, cfg.symbols, cfg.distractors, cfg.seed + k)
              for k, size in enumerate((cfg.train_size, cfg.test_size, cfg.test_size))]
    return Prepared(*splits, data={"source": f"generated: {cfg.symbols} symbols then {cfg.seq_len - 1} "
                                             f"distractors from {cfg.distractors}, seed {cfg.seed}"})


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


def build_model(cfg: Config, extras: dict) -> MemoryNet:
    return MemoryNet(cfg.cell, cfg.symbols, cfg.hidden_size, cfg.forget_bias, cfg.distractors, cfg.input_bias)


def loss(model: nn.Module, batch) -> torch.Tensor:
    x, y = batch
    return F.cross_entropy(model(x), y)


def accuracy(model: nn.Module, data: TensorDataset) -> float:
    x, y = data.tensors
    return (model(x).argmax(-1) == y).float().mean().item()


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    return {f"{split}_accuracy": accuracy(model, getattr(prepared, split))}
