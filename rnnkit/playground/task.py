"""The adding problem: the Equation Playground's long-gap memory task.

Every step shows a value drawn uniformly from [0, 1] and a marker; exactly two steps are marked,
one in each half of the sequence, and the target is the sum of their two values (Hochreiter &
Schmidhuber 1997, experiment 4; the form of Le et al. 2015 and Arjovsky et al. 2016). The
network must store the first marked value and carry it across at least half the sequence. A
sequence counts as solved when the prediction is within ``TOLERANCE`` of the sum; accuracy is the
share solved. The input-blind baseline always predicts 1, the mean sum: its MSE is the sum's
variance, 1/6, and it solves the few sequences whose sum happens to lie near 1 (``chance``).

An LSTM learns it within a live session; a vanilla RNN's gradient vanishes over the gap, so it
settles near the baseline once the gap is long. No checkpoint of it is shipped: ``rnnkit train
memory`` writes to ``build/memory`` (ignored by git) unless ``--out`` says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset

from rnnkit import ROOT
from rnnkit.core.training import Prepared, TrainConfig
from rnnkit.playground.model import MemoryNet, ModelConfig

DESCRIPTION = "The adding problem: a recurrent regressor must add two marked values far apart in a long sequence."
LIMITS = "Synthetic task for teaching; accuracy is the share of sequences whose sum is within 0.04."
TOLERANCE = 0.04     # |prediction - sum| below this: the sequence is solved (Hochreiter & Schmidhuber 1997)
BASELINE = 1.0       # the input-blind prediction: the mean of the sum of two U(0, 1) values


@dataclass
class Config(TrainConfig):
    model: ModelConfig = field(default_factory=ModelConfig)
    seq_len: int = 100           # steps per sequence; one marked step in each half
    train_size: int = 6400       # generated training sequences
    test_size: int = 1000        # generated sequences for dev and for test (different seeds)
    epochs: int = 10             # passes over the training sequences (200 steps each)
    batch_size: int = 32         # sequences per optimiser step
    lr: float = 2e-2             # AdamW learning rate (cosine decay to 0 over the run)
    time_limit: float = 30.0     # seconds; the page's limit, so the command line trains as the page does
    out: str = str(ROOT / "build" / "memory")   # where to write (no memory checkpoint is shipped in pretrained/)


def dry_run(cfg: Config) -> Config:
    cfg.train_size, cfg.test_size, cfg.epochs, cfg.max_steps = 256, 64, 1, 3
    return cfg


def planned_steps(cfg: Config) -> int:
    """The optimiser steps a run takes unless its time limit stops it first."""
    steps = cfg.epochs * math.ceil(cfg.train_size / cfg.batch_size)
    return min(steps, cfg.max_steps) if cfg.max_steps else steps


def make_sequences(n: int, seq_len: int, seed: int) -> TensorDataset:
    """``n`` adding-problem sequences: inputs (N, T, 2) = (value, marker) per step, targets (N,) the sums."""
    if seq_len < 2:
        raise ValueError("the adding problem needs at least two steps")
    generator = torch.Generator().manual_seed(seed)
    values = torch.rand(n, seq_len, generator=generator)                          # (N, T) in [0, 1)
    half = seq_len // 2
    first = torch.randint(half, (n,), generator=generator)                        # (N,) a step in the first half
    second = half + torch.randint(seq_len - half, (n,), generator=generator)      # (N,) a step in the second half
    rows = torch.arange(n)
    markers = torch.zeros(n, seq_len)                                             # (N, T)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    target = values[rows, first] + values[rows, second]                           # (N,)
    return TensorDataset(torch.stack([values, markers], dim=-1), target)         # (N, T, 2), (N,)


def prepare(cfg: Config) -> Prepared:
    splits = [make_sequences(size, cfg.seq_len, cfg.seed + k)
              for k, size in enumerate((cfg.train_size, cfg.test_size, cfg.test_size))]
    return Prepared(*splits, data={"source": f"generated adding problem: {cfg.seq_len} steps, values U(0, 1), "
                                             f"one marked step in each half, seed {cfg.seed}"})


def build_model(model_config: ModelConfig, extras: dict) -> MemoryNet:
    return MemoryNet(model_config)


def loss(model: nn.Module, batch, cfg: Config) -> torch.Tensor:
    x, target = batch
    return F.mse_loss(model(x), target)


def scores(prediction: torch.Tensor, target: torch.Tensor) -> tuple[float, float]:
    """(share of sequences solved, mean squared error) of predictions (N,) against sums (N,)."""
    error = prediction - target                                                   # (N,)
    return (error.abs() < TOLERANCE).float().mean().item(), error.pow(2).mean().item()


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    """Accuracy and MSE on ``split``, and the input-blind baseline's on the same sequences."""
    x, target = getattr(prepared, split).tensors
    accuracy, mse = scores(model(x), target)
    chance, baseline_mse = scores(torch.full_like(target, BASELINE), target)
    return {f"{split}_accuracy": accuracy, f"{split}_mse": mse, "chance": chance, "baseline_mse": baseline_mse}
