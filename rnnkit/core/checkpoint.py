"""The one checkpoint format: ``pretrained/<name>/model.safetensors`` + ``card.json`` + ``README.md``.

The card is the model card: task, config, vocabulary and other extras, metrics, data provenance
and how to reproduce. Nothing is ever unpickled: weights are safetensors, the rest is JSON.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from rnnkit import PRETRAINED, ROOT

WEIGHTS, CARD, README = "model.safetensors", "card.json", "README.md"


class CheckpointError(ValueError):
    """A checkpoint that does not match the code that would load it."""


def config_from_dict(config_class: type, values: dict | None, task: str = "model"):
    """``config_class(**values)``, refusing unknown or missing keys instead of guessing."""
    if not isinstance(values, dict):
        raise CheckpointError(f"the {task} card has no model_config: retrain with `rnnkit train {task}`")
    names = {f.name for f in dataclasses.fields(config_class)}
    unknown, missing = sorted(set(values) - names), sorted(names - set(values))
    if unknown or missing:
        raise CheckpointError(
            f"the {task} card's model_config does not match {config_class.__name__}: "
            + "; ".join(part for part in (f"unknown keys {unknown}" if unknown else "",
                                          f"missing keys {missing}" if missing else "") if part)
            + f". Retrain with `rnnkit train {task}`.")
    return config_class(**values)


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
                                f"`rnnkit train <task>`")
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
    if card.get("init"):
        init = card["init"]
        lines.append(f"- fine-tuned from: {init['from']} (trained {init['steps']} steps in "
                     f"{_fmt(init['train_seconds'])} s before this run; the reproduce line below runs both)")
    lines += ["", "## Reproduce", "", "```", card.get("reproduce", ""), "```", "",
              "## Model config", "", "```json", json.dumps(card.get("model_config", {}), indent=1), "```", "",
              "## Training config", "", "```json", json.dumps(card.get("config", {}), indent=1), "```", ""]
    return "\n".join(lines)


def speed_lines(speed: dict) -> list[str]:
    """The card's "Speed and memory" section: figures measured by the benchmark scripts after training."""
    return ["## Speed and memory (measured)", ""] + [f"- **{k}**: {v}" for k, v in speed.items()] + [""]


def markdown_table(rows: list[dict]) -> str:
    """Rows of equal keys as a Markdown table (the keys are the header)."""
    if not rows:
        return ""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(str(v) for v in row.values()) + " |" for row in rows])


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def write_readme_figures(name: str, script: str, body: str) -> bool:
    """Replace the project README's ``name`` figures, between ``<!-- {name} figures: {script} -->`` and
    ``<!-- end of {name} figures -->``, with ``body`` (an evaluation script's tables). False when the
    README has no such markers."""
    start, end = f"<!-- {name} figures: {script} -->", f"<!-- end of {name} figures -->"
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        return False
    first, last = text.index(start), text.index(end) + len(end)
    path.write_text(text[:first] + f"{start}\n\n{body.strip()}\n\n{end}" + text[last:], encoding="utf-8")
    return True
