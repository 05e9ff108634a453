"""Remember the first element: the long-range memory task of the Equation Playground.

The first step shows one of ``symbols`` signal symbols; every later step shows a random
distractor (one of ``distractors`` other symbols). The label is the *first* symbol, which the
network must carry through every later step. An LSTM learns to close its input gate on
distractors and keep its forget gate open; a vanilla RNN's gradient vanishes over the gap.
Small enough to train live in a browser session.

No checkpoint of it is shipped: ``rnnkit train memory`` writes to ``build/memory`` (ignored by git)
unless ``--out`` says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset

from rnnkit import ROOT
from rnnkit.core.training import Prepared, TrainConfig
from rnnkit.playground.model import MemoryNet, ModelConfig

DESCRIPTION = "A recurrent classifier that must remember the first symbol of a long sequence."
LIMITS = "Synthetic task for teaching; chance accuracy is 1 / symbols."


@dataclass
class Config(TrainConfig):
    model: ModelConfig = field(default_factory=ModelConfig)
    seq_len: int = 60            # steps per sequence: the first symbol, then seq_len - 1 distractors
    train_size: int = 4096       # generated training sequences
    test_size: int = 1024        # generated sequences for dev and for test (different seeds)
    epochs: int = 20             # passes over the training sequences
    batch_size: int = 64         # sequences per optimiser step
    lr: float = 1e-2             # AdamW learning rate (cosine decay to 0 over the run)
    out: str = str(ROOT / "build" / "memory")   # where to write (no memory checkpoint is shipped in pretrained/)


def dry_run(cfg: Config) -> Config:
    cfg.train_size, cfg.test_size, cfg.epochs, cfg.max_steps = 256, 64, 1, 3
    return cfg


def make_sequences(n: int, seq_len: int, symbols: int, distractors: int, seed: int) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = symbols + torch.randint(distractors, (n, seq_len), generator=generator)   # (N, T) distractors
    x[:, 0] = torch.randint(symbols, (n,), generator=generator)                    # the symbol to keep
    return TensorDataset(x, x[:, 0].clone())


def prepare(cfg: Config) -> Prepared:
    symbols, distractors = cfg.model.symbols, cfg.model.distractors
    splits = [make_sequences(size, cfg.seq_len, symbols, distractors, cfg.seed + k)
              for k, size in enumerate((cfg.train_size, cfg.test_size, cfg.test_size))]
    return Prepared(*splits, data={"source": f"generated: {symbols} symbols then {cfg.seq_len - 1} "
                                             f"distractors from {distractors}, seed {cfg.seed}"})


def build_model(model_config: ModelConfig, extras: dict) -> MemoryNet:
    m = model_config
    return MemoryNet(m.cell, m.symbols, m.hidden_size, m.forget_bias, m.distractors, m.input_bias)


def loss(model: nn.Module, batch, cfg: Config) -> torch.Tensor:
    x, y = batch
    return F.cross_entropy(model(x), y)


def accuracy(model: nn.Module, data: TensorDataset) -> float:
    x, y = data.tensors
    return (model(x).argmax(-1) == y).float().mean().item()


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    return {f"{split}_accuracy": accuracy(model, getattr(prepared, split))}
