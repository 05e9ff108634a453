"""The one checkpoint format: ``pretrained/<name>/model.safetensors`` + ``card.json`` + ``README.md``.

The card is the model card: task, config, vocabulary and other extras, metrics, data provenance
and how to reproduce. Nothing is ever unpickled: weights are safetensors, the rest is JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from rnnkit import PRETRAINED

WEIGHTS, CARD, README = "model.safetensors", "card.json", "README.md"


def resolve(name_or_dir: str | Path) -> Path:
    """``"sentiment"`` means ``pretrained/sentiment``; a path is taken as it is."""
    path = Path(name_or_dir)
    return path if path.is_dir() or len(path.parts) > 1 else PRETRAINED / path


def save(directory: str | Path, state_dict: dict[str, torch.Tensor], card: dict) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in state_dict.items()}
    save_file(tensors, directory / WEIGHTS)
    (directory / CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (directory / README).write_text(render_card(card), encoding="utf-8")
    return directory


def load(name_or_dir: str | Path) -> tuple[dict[str, torch.Tensor], dict]:
    directory = resolve(name_or_dir)
    if not (directory / WEIGHTS).exists():
        raise FileNotFoundError(f"no trained weights in {directory}: train them with "
                                f"`python -m rnnkit.train <task>`")
    card = json.loads((directory / CARD).read_text(encoding="utf-8"))
    return load_file(directory / WEIGHTS), card


def load_card(name_or_dir: str | Path) -> dict:
    return json.loads((resolve(name_or_dir) / CARD).read_text(encoding="utf-8"))


def render_card(card: dict) -> str:
    """The human-readable model card (Markdown) written next to the weights."""
    lines = [f"# Model card: {card.get('name', card.get('task', 'model'))}", ""]
    if card.get("description"):
        lines += [card["description"], ""]
    if card.get("data"):
        lines += ["## Data", ""] + [f"- **{k}**: {v}" for k, v in card["data"].items()] + [""]
    if card.get("metrics"):
        lines += ["## Metrics (held-out data)", "", "| metric | value |", "|---|---|"]
        lines += [f"| {k} | {_fmt(v)} |" for k, v in card["metrics"].items()] + [""]
    if card.get("speed"):
        lines += speed_lines(card["speed"])
    if card.get("limits"):
        lines += ["## Limits", "", card["limits"], ""]
    lines += ["## Training", ""]
    for key in ("parameters", "train_seconds", "machine", "world_size", "torch"):
        if key in card:
            lines.append(f"- {key}: {_fmt(card[key])}")
    lines += ["", "## Reproduce", "", "```", card.get("reproduce", ""), "```", "",
              "## Config", "", "```json", json.dumps(card.get("config", {}), indent=1), "```", ""]
    return "\n".join(lines)


def speed_lines(speed: dict) -> list[str]:
    """The card's "Speed and memory" section: figures measured by the benchmark scripts after training."""
    return ["## Speed and memory (measured)", ""] + [f"- **{k}**: {v}" for k, v in speed.items()] + [""]


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
