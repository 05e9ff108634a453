"""The table of trainable tasks, and turning a checkpoint back into a ready model.

A task module (``rnnkit/<application>/task.py``) provides, top to bottom:

- ``DESCRIPTION`` (one line), ``LIMITS`` (what it has not seen), and ``Config``: a dataclass
  subclassing ``TrainConfig`` whose defaults train the shipped model, with a field
  ``model: ModelConfig`` (the architecture, from the application's ``model.py``);
- ``dry_run(cfg) -> cfg``: tiny settings so CI runs the task end to end in seconds;
- ``prepare(cfg) -> Prepared``: train / dev / test data, collate, JSON-able extras for the card;
- ``build_model(model_config, extras) -> nn.Module``: the architecture alone rebuilds the model;
- ``loss(model, batch, cfg) -> Tensor`` (calls ``model(...)`` so DistributedDataParallel works;
  loss settings are read from ``cfg``, never from the model);
- ``evaluate(model, prepared, cfg, split) -> dict`` of metrics on ``"dev"`` or ``"test"``;
- optionally ``shipped_name(cfg) -> str``: the ``pretrained/`` directory a run writes when no ``--out`` is
  given, where one task ships several models (``translation_fr_en``, ``captioning_fr``, ``ner_forward``), so
  that each card's ``reproduce`` line, which never names ``--out``, rebuilds that model and no other.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import torch
from torch import nn

from rnnkit.core import checkpoint

# name -> module. Imported when asked for, so a page loads only its own application.
TASKS = {
    "memory": "rnnkit.playground.task",
    "sentiment": "rnnkit.sentiment.task",
    "translation": "rnnkit.translation.task",
    "captioning": "rnnkit.captioning.task",
    "forecasting": "rnnkit.forecasting.task",
    "ner": "rnnkit.ner.task",
}


def names() -> list[str]:
    return sorted(TASKS)


def get(name: str) -> ModuleType:
    if name not in TASKS:
        raise KeyError(f"unknown task {name!r}; choose one of {', '.join(names())}")
    return importlib.import_module(TASKS[name])


def build_from_card(card: dict) -> nn.Module:
    """The untrained model a card describes; a card whose model config does not match fails clearly."""
    task = get(card["task"])
    model_config = checkpoint.config_from_dict(task.ModelConfig, card.get("model_config"), card["task"])
    return task.build_model(model_config, card.get("extras", {}))


def _as_float32(module: nn.Module, inputs, output: torch.Tensor) -> torch.Tensor:
    return output.float()


def store_embeddings_in_float16(model: nn.Module) -> nn.Module:
    """Keep every word-embedding table in float16 and hand out its rows as float32.

    The tables are most of a text model's weights (the NER tagger's 58,257 x 50 words: 11.7 MB in
    float32) and only ever looked up, so halving them costs no time; the rows read back differ from
    the float32 ones by less than 1 part in 2,000, and the held-out metrics barely move (README,
    "Smaller weights", written by ``benchmarks/bench_weights.py``). The rest of the model stays float32: its
    matrices are multiplied at every step.
    """
    for module in model.modules():
        if isinstance(module, nn.Embedding) and module.weight.dtype == torch.float32:
            module.weight.data = module.weight.data.half()
            module.register_forward_hook(_as_float32)
    return model


def load_as_saved(name_or_dir: str | Path) -> tuple[nn.Module, dict]:
    """The trained model exactly as its file holds it (every weight float32), in eval mode and frozen."""
    state, card = checkpoint.load(name_or_dir)
    model = build_from_card(card)
    model.load_state_dict(state)
    model.eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model, card


@lru_cache(maxsize=None)
def _cached(directory: str) -> tuple[nn.Module, dict]:
    model, card = load_as_saved(directory)
    return store_embeddings_in_float16(model), card


def load_pretrained(name_or_dir: str | Path) -> tuple[nn.Module, dict]:
    """The trained model in eval mode (frozen, shared read-only by every caller, word embeddings stored in
    float16) and its card."""
    return _cached(str(checkpoint.resolve(name_or_dir).resolve()))
