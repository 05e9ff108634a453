"""Every trainable model in rnnkit is a *task*: one module in this package.

A task module provides, top to bottom:

- ``DESCRIPTION`` (one line) and ``Config``, a dataclass subclassing ``TrainConfig`` whose
  defaults are the shipped model's settings;
- ``dry_run(cfg) -> cfg``: tiny settings so CI runs the task end to end in seconds;
- ``prepare(cfg) -> Prepared``: the data (train / dev / test), collate function, JSON-able
  ``extras`` saved in the checkpoint (vocabularies...), and the data provenance for the card;
- ``build_model(cfg, extras) -> nn.Module``;
- ``loss(model, batch) -> Tensor`` (calls ``model(...)`` so DistributedDataParallel works);
- ``evaluate(model, prepared, cfg, split) -> dict`` of metrics on ``"dev"`` or ``"test"``.

``python -m rnnkit.train <task>`` runs them through the one training loop and writes the one
checkpoint format; ``load_pretrained`` turns a checkpoint back into a ready model.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Callable

from torch import nn

from rnnkit import checkpoint


@dataclass
class Prepared:
    train: object
    dev: object
    test: object = None
    collate: Callable | None = None
    extras: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)   # provenance for the model card


def names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                  if not m.name.startswith("_"))


def get(name: str) -> ModuleType:
    if name not in names():
        raise KeyError(f"unknown task {name!r}; choose one of {', '.join(names())}")
    return importlib.import_module(f"rnnkit.tasks.{name}")


def make_config(task: ModuleType, values: dict):
    """A task's ``Config`` from a dict, ignoring keys it no longer has."""
    from dataclasses import fields
    known = {f.name for f in fields(task.Config)}
    return task.Config(**{k: v for k, v in values.items() if k in known})


@lru_cache(maxsize=None)
def _cached(directory: str) -> tuple[nn.Module, dict]:
    state, card = checkpoint.load(directory)
    task = get(card["task"])
    cfg = make_config(task, card["config"])
    model = task.build_model(cfg, card.get("extras", {}))
    model.load_state_dict(state)
    model.eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model, card


def load_pretrained(name_or_dir: str | Path) -> tuple[nn.Module, dict]:
    """The trained model in eval mode (frozen, shared read-only) and its card."""
    return _cached(str(checkpoint.resolve(name_or_dir).resolve()))
