"""``rnnkit train <task> [--key=value ...] [--dry-run]``: train one task and write its checkpoint.

``--init=<trained model>`` fine-tunes: the run starts from that model's weights, architecture, vocabulary and
training settings (the options given change them), writes over it unless ``--out`` says otherwise, and its card's
``reproduce`` line is the trained model's followed by this run's.

Runs unchanged under ``torchrun --nproc_per_node=N -m rnnkit train ...`` (DistributedDataParallel
over gloo). Writes ``pretrained/<task>/`` (weights + model card); ``--dry-run`` trains a few steps
on a few examples and writes ``build/dry-run/<task>/`` instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import platform
import shlex
import sys
import typing

import torch
import torch.distributed as dist

from rnnkit.core import checkpoint
from rnnkit.core import registry as tasks
from rnnkit.core.training import default_out, fit, is_main, seed_everything, setup_distributed


def option_types(task) -> dict[str, type]:
    """Every option of a task: its training settings and its model's architecture, one flat namespace."""
    hints = {k: v for k, v in typing.get_type_hints(task.Config).items() if k != "model"}
    return hints | typing.get_type_hints(task.ModelConfig)


def make_config(task, values: dict):
    """A task's ``Config`` (with its ``ModelConfig`` nested) from flat ``--key=value`` settings."""
    model_keys = {f.name for f in dataclasses.fields(task.ModelConfig)}
    model = task.ModelConfig(**{k: v for k, v in values.items() if k in model_keys})
    return task.Config(**{k: v for k, v in values.items() if k not in model_keys}, model=model)


def parse_overrides(task, pairs: list[str]) -> dict:
    """``["--epochs=3", "--dry-run"]`` -> ``{"epochs": 3, "dry_run": True}`` typed by the dataclasses."""
    hints = option_types(task)
    values = {}
    for pair in pairs:
        if not pair.startswith("--"):
            raise SystemExit(f"expected --key=value, got {pair!r}")
        key, _, raw = pair[2:].partition("=")
        key = key.replace("-", "_")
        if key not in hints:
            raise SystemExit(f"unknown option --{key}; options: " + ", ".join(sorted(hints)))
        kind = hints[key]
        if kind is bool:
            values[key] = raw.lower() not in ("0", "false", "no") if raw else True
        else:
            base = typing.get_args(kind)[0] if typing.get_origin(kind) is typing.Union else kind
            values[key] = base(raw)
    return values


def option_help(task) -> str:
    """One line per option: its default and the comment that describes it in the dataclass."""
    comments = {}
    for config in (task.Config, task.ModelConfig, *task.Config.__mro__[1:-1]):    # not object
        for line in inspect.getsource(config).splitlines():
            name, _, rest = line.strip().partition(":")
            if name.isidentifier() and "#" in rest:
                comments.setdefault(name, rest.split("#", 1)[1].strip())
    defaults = make_config(task, {})
    lines = []
    for config, values in ((task.ModelConfig, defaults.model), (task.Config, defaults)):
        for f in dataclasses.fields(config):
            if f.name != "model":
                default = getattr(values, f.name)
                lines.append(f"  --{f.name}={default!r}".ljust(34) + f"  {comments.get(f.name, '')}")
    return "\n".join(lines)


def count_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def reproduce_command(task_name: str, overrides: dict) -> str:
    options = [("--dry-run" if key == "dry_run" else f"--{key}={shlex.quote(str(value))}")
               for key, value in overrides.items() if key != "out" and not (key == "dry_run" and not value)]
    return " ".join(["rnnkit train", task_name] + options)


def rank_checksums(model: torch.nn.Module) -> list[float]:
    """A checksum of the weights on every rank (one entry per rank): DDP keeps them equal."""
    checksum = torch.tensor([sum(p.detach().double().sum().item() for p in model.parameters())],
                            dtype=torch.float64)
    if not dist.is_initialized():
        return [checksum.item()]
    gathered = [torch.zeros_like(checksum) for _ in range(dist.get_world_size())]
    dist.all_gather(gathered, checksum)
    return [g.item() for g in gathered]


def inherited_settings(task, parent: dict | None) -> dict:
    """What a fine-tuning run (``--init``) keeps of the trained model's training settings: all but where it was
    written, how it was started and any settings this code no longer has; the run's own options change them."""
    if not parent:
        return {}
    known = set(option_types(task)) - {"out", "init", "resume", "dry_run"}
    return {k: v for k, v in parent.get("config", {}).items() if k in known}


def output_directory(task_name: str, cfg) -> str:
    """Where a run writes: ``--out``; else, fine-tuning, over the model it started from; else ``default_out`` of
    the model these settings train (the task's ``shipped_name``, where it ships more than one)."""
    if cfg.out:
        return cfg.out
    if cfg.init and not cfg.dry_run:
        return str(checkpoint.resolve(cfg.init))
    shipped_name = getattr(tasks.get(task_name), "shipped_name", lambda _: task_name)
    return default_out(shipped_name(cfg), cfg.dry_run)


def run_config(task_name: str, overrides: dict, parent: dict | None):
    """The settings a run trains with, where it writes included: the options given, over the settings of the model
    it fine-tunes (``parent``, its card), over the task's defaults."""
    task = tasks.get(task_name)
    cfg = make_config(task, {**inherited_settings(task, parent), **overrides})
    if cfg.dry_run:
        cfg = task.dry_run(cfg)
    if parent:                                   # fine-tuning: the trained model's architecture, whatever the run's
        cfg.model = checkpoint.config_from_dict(task.ModelConfig, parent.get("model_config"), task_name)
    cfg.out = output_directory(task_name, cfg)
    return cfg


def run(task_name: str, overrides: dict) -> dict:
    """Train one task end to end and write its checkpoint; returns the model card."""
    task = tasks.get(task_name)
    parent_state, parent = checkpoint.load(overrides["init"]) if overrides.get("init") else (None, None)
    cfg = run_config(task_name, overrides, parent)
    setup_distributed()
    seed_everything(cfg.seed)
    prepared = task.prepare(cfg)
    model = task.build_model(cfg.model, prepared.extras)
    if parent:
        if json.loads(json.dumps(prepared.extras)) != parent.get("extras"):
            raise SystemExit(f"--init={cfg.init}: its vocabulary differs from this run's; fine-tune it on data "
                             f"prepared the way it was trained")
        model.load_state_dict(parent_state)
    history = fit(model, lambda m, batch: task.loss(m, batch, cfg), prepared.train, cfg, collate=prepared.collate,
                  evaluate=lambda m: task.evaluate(m, prepared, cfg, "dev"), batched=prepared.batched)
    checksums = rank_checksums(model)
    card = {}
    if is_main():
        with torch.no_grad():
            metrics = task.evaluate(model, prepared, cfg, "test" if prepared.test is not None else "dev")
        card = {
            "name": task_name, "task": task_name, "description": task.DESCRIPTION,
            "model_config": dataclasses.asdict(cfg.model),
            "config": {k: v for k, v in dataclasses.asdict(cfg).items() if k != "model"},
            "extras": prepared.extras, "data": prepared.data,
            "metrics": metrics, "dev_history": history.dev, "limits": getattr(task, "LIMITS", ""),
            "parameters": count_parameters(model), "train_seconds": round(history.seconds, 1),
            "steps": len(history.steps), "final_loss": history.losses[-1] if history.losses else None,
            "world_size": len(checksums), "rank_checksums": checksums,
            "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads",
            "torch": torch.__version__,
            "reproduce": reproduce_command(task_name, overrides),
        }
        if parent:                               # the whole recipe: the trained model's own, then this run
            card["init"] = {"from": cfg.init, "steps": parent.get("steps"),
                            "train_seconds": parent.get("train_seconds")}
            card["reproduce"] = f"{parent.get('reproduce')} && {card['reproduce']}"
        checkpoint.save(cfg.out, model.state_dict(), card)
        print(f"wrote {cfg.out}: " + ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                               for k, v in metrics.items() if not isinstance(v, (list, dict))))
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
    return card


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="rnnkit train", description=__doc__, add_help=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=tasks.names())
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return
    known, rest = parser.parse_known_args(argv)
    task = tasks.get(known.task)
    if "--help" in rest or "-h" in rest:
        print(f"{known.task}: {task.DESCRIPTION}\n\noptions (shipped defaults):")
        print(option_help(task))
        return
    run(known.task, parse_overrides(task, rest))


if __name__ == "__main__":
    main()
