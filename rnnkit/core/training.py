"""The one training loop for every model in rnnkit, single-process or under ``torchrun``.

Under ``torchrun --nproc_per_node=N`` (the environment sets ``WORLD_SIZE``/``RANK``) the same
code wraps the model in DistributedDataParallel over gloo, shards each epoch with a
DistributedSampler and averages gradients, so every rank ends with the same weights.
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.distributed as dist
from safetensors.torch import load_file, save_file
from torch import nn
from torch.utils.data import DataLoader, Dataset, DistributedSampler, RandomSampler, TensorDataset

from rnnkit import PRETRAINED


@dataclass
class TrainConfig:
    """Settings every task shares; a task's own ``Config`` subclasses this."""

    seed: int = 0               # random seed of data order, initial weights and generated data
    epochs: int = 10            # passes over the training data
    batch_size: int = 64        # examples per optimiser step
    lr: float = 2e-3            # AdamW learning rate (cosine decay to 0 over the run)
    weight_decay: float = 0.0   # AdamW weight decay
    clip: float = 1.0           # gradient-norm clipping; 0 = none
    max_steps: int = 0          # 0 = no limit; --dry-run sets a handful
    threads: int = 0            # torch threads; 0 = torch's default; under torchrun each rank takes 1
    dry_run: bool = False       # a few steps on a few examples, written to build/dry-run/<task>
    out: str = ""               # where to write; default pretrained/<task> (build/dry-run/<task> for --dry-run)
    time_limit: float = 0.0     # stop after this many seconds, keeping what was learned; 0 = none
    checkpoint_minutes: float = 0.0  # save a resumable checkpoint to build/resume/<out's name> this often; 0 = never
    resume: bool = False        # continue from that resumable checkpoint (weights, optimiser, step, time) if it exists
    init: str = ""              # fine-tune: start from this trained model (weights, vocabulary, settings); "" = fresh


@dataclass
class Prepared:
    """A task's data, as its ``prepare`` returns it."""

    train: object
    dev: object
    test: object = None
    collate: Callable | None = None
    extras: dict = field(default_factory=dict)  # JSON-able, saved in the card (vocabularies...)
    data: dict = field(default_factory=dict)    # provenance for the model card
    batched: bool = False       # train is a list of ready batches (e.g. grouped by length), drawn in random order


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def distributed() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def rank() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def is_main() -> bool:
    return rank() == 0


def setup_distributed() -> None:
    if distributed() and not dist.is_initialized():
        dist.init_process_group("gloo")


def default_out(task: str, dry_run: bool) -> str:
    return str(PRETRAINED.parent / "build" / "dry-run" / task) if dry_run else str(PRETRAINED / task)


class AdamW:
    """AdamW (Loshchilov & Hutter) with the run's cosine learning-rate schedule: the numbers of
    ``torch.optim.AdamW(foreach=True)`` under ``LambdaLR``, bit for bit (tested), in plain tensor ops.

    Why not torch's own: any ``torch.optim`` optimizer imports ``torch._dynamo`` (and with it sympy,
    torch.onnx and ~800 modules) at its first step, to mark itself as not compilable. A server that lets
    visitors train live held ~100 MB more for it (forecasting's first training: +101 MB, 2,444 modules), and
    the first training waited 0.94 s for the import, holding the GIL every visitor shares. The update is
    torch's multi-tensor path, step by step: decoupled weight decay, moment updates, bias corrections, the
    parameter step.
    """

    def __init__(self, params, lr: float, weight_decay: float = 0.0, schedule: Callable[[int], float] = lambda s: 1.0,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.params = list(params)          # frozen ones too: the state is keyed by position, as torch keys it
        self.lr, self.weight_decay, self.schedule, self.betas, self.eps = lr, weight_decay, schedule, betas, eps
        self.state: dict[int, dict[str, torch.Tensor]] = {}     # parameter index -> step, exp_avg, exp_avg_sq
        self.steps = 0                                           # optimiser steps taken (the schedule's clock)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        beta1, beta2 = self.betas
        lr = self.lr * self.schedule(self.steps)                 # what LambdaLR sets before this step
        self.steps += 1
        indices = [i for i, p in enumerate(self.params) if p.grad is not None]
        if not indices:
            return
        for i in indices:
            if i not in self.state:
                p = self.params[i]
                self.state[i] = {"step": torch.tensor(0.0), "exp_avg": torch.zeros_like(p),
                                 "exp_avg_sq": torch.zeros_like(p)}
        params, grads = [self.params[i] for i in indices], [self.params[i].grad for i in indices]
        exp_avgs = [self.state[i]["exp_avg"] for i in indices]
        exp_avg_sqs = [self.state[i]["exp_avg_sq"] for i in indices]
        steps = [self.state[i]["step"] for i in indices]
        torch._foreach_add_(steps, torch.tensor(1.0), alpha=1.0)
        if self.weight_decay != 0:
            torch._foreach_mul_(params, 1 - lr * self.weight_decay)
        torch._foreach_lerp_(exp_avgs, grads, 1 - beta1)
        torch._foreach_mul_(exp_avg_sqs, beta2)
        torch._foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)
        step_size = [(lr / (1 - beta1 ** step.item())) * -1 for step in steps]
        bias_correction2_sqrt = [(1 - beta2 ** step.item()) ** 0.5 for step in steps]
        denominators = torch._foreach_sqrt(exp_avg_sqs)
        torch._foreach_div_(denominators, bias_correction2_sqrt)
        torch._foreach_add_(denominators, self.eps)
        torch._foreach_addcdiv_(params, exp_avgs, denominators, step_size)

    def state_tensors(self) -> dict[str, torch.Tensor]:
        """``{"<index>.<step|exp_avg|exp_avg_sq>": tensor}``, as a resumable checkpoint stores them."""
        return {f"{i}.{name}": value for i, values in self.state.items() for name, value in values.items()}

    def load_state_tensors(self, tensors: dict[str, torch.Tensor], steps: int) -> None:
        """Restore ``state_tensors()`` and the schedule's clock after ``steps`` optimiser steps."""
        self.state = {}
        for key, value in tensors.items():
            index, name = key.split(".", 1)
            self.state.setdefault(int(index), {})[name] = value.clone()
        self.steps = steps


@dataclass
class History:
    steps: list[int]
    losses: list[float]
    seconds: float
    dev: list[dict]


def fit(model: nn.Module,
        loss_fn: Callable[[nn.Module, object], torch.Tensor],
        train_data: Dataset,
        cfg: TrainConfig,
        collate: Callable | None = None,
        evaluate: Callable[[nn.Module], dict] | None = None,
        on_step: Callable[[int, int, float], None] | None = None,
        progress: bool = True,
        batched: bool = False) -> History:
    """Train ``model`` to minimise ``loss_fn(model, batch)`` over ``train_data``.

    Args:
        loss_fn: returns the mean loss of one collated batch (teacher forcing etc. live there).
        evaluate: called on the main rank after each epoch with the unwrapped model; its dict
            (e.g. ``{"dev_accuracy": 0.8}``) is logged and returned in the history.
        on_step: ``on_step(step, total_steps, loss)`` after every optimiser step (the UI's
            progress bar and live loss curve hang here); returning True stops training early.
        batched: ``train_data`` holds whole batches (``collate`` receives one), not examples.

    With ``cfg.checkpoint_minutes`` the main rank saves weights, optimiser state, step and elapsed
    time to ``resume_directory(cfg)`` that often; ``cfg.resume`` continues from there: the same
    data order, the skipped batches not retrained, ``time_limit`` counting the time already spent.
    """
    setup_distributed()
    seed_everything(cfg.seed)
    if cfg.threads or distributed():
        torch.set_num_threads(cfg.threads or 1)
    trained = nn.parallel.DistributedDataParallel(model) if distributed() else model
    sampler = (DistributedSampler(train_data, shuffle=True, seed=cfg.seed) if distributed()
               else RandomSampler(train_data, generator=torch.Generator().manual_seed(cfg.seed)))
    loader = DataLoader(train_data, batch_size=None if batched else cfg.batch_size, sampler=sampler,
                        collate_fn=collate)
    whole_tensors = isinstance(train_data, TensorDataset) and collate is None and not distributed()
    total = cfg.epochs * len(loader)
    if cfg.max_steps:
        total = min(total, cfg.max_steps)
    cosine = lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / max(total, 1)))
    # Multi-tensor ops: one op per update instead of ~10 per parameter. On a busy server each op must win Python's
    # GIL back from other visitors' threads, so fewer ops train faster there (forecasting's default run beside a
    # Python-busy thread: 30 s -> 17 s; alone both 0.3 s).
    optimizer = AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, schedule=cosine)
    history, step, start = History([], [], 0.0, []), 0, time.perf_counter()
    spent = 0.0                                                  # seconds trained before a resume
    if cfg.resume and (resume_directory(cfg) / "state.json").exists():
        step, spent = load_resumable(resume_directory(cfg), model, optimizer)
    batches_per_epoch, skip, last_save = len(loader), step, time.perf_counter()
    bar = _progress_bar(total) if progress and is_main() else None
    if bar and step:
        bar.update(step)
    for epoch in range(cfg.epochs):
        if isinstance(sampler, DistributedSampler):
            sampler.set_epoch(epoch)
        if skip >= batches_per_epoch:                            # resumed past this epoch: draw its order only
            list(sampler)
            skip -= batches_per_epoch
            continue
        trained.train()
        for batch in (tensor_batches(train_data, sampler, cfg.batch_size) if whole_tensors else loader):
            if skip:
                skip -= 1
                continue
            loss = loss_fn(trained, batch)
            optimizer.zero_grad()
            loss.backward()
            if cfg.clip:
                nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
            optimizer.step()
            step += 1
            value = loss.item()
            history.steps.append(step)
            history.losses.append(value)
            stop = bool(on_step(step, total, value)) if on_step else False
            if bar:
                bar.update(1)
                bar.set_postfix(loss=f"{value:.4f}", refresh=False)
            if cfg.checkpoint_minutes and is_main() and time.perf_counter() - last_save > 60 * cfg.checkpoint_minutes:
                save_resumable(resume_directory(cfg), model, optimizer, step, spent + time.perf_counter() - start)
                last_save = time.perf_counter()
            if stop or step >= total or (cfg.time_limit and spent + time.perf_counter() - start > cfg.time_limit):
                total = step
                break
        if evaluate and is_main():
            model.eval()
            with torch.no_grad():
                metrics = evaluate(model)
            history.dev.append({"epoch": epoch + 1, **metrics})
            if bar:
                bar.write(f"epoch {epoch + 1}: " + ", ".join(f"{k}={v:.4f}" for k, v in metrics.items()))
        if step >= total:
            break
    if bar:
        bar.close()
    model.eval()
    history.seconds = spent + time.perf_counter() - start
    if cfg.checkpoint_minutes and is_main():
        save_resumable(resume_directory(cfg), model, optimizer, step, history.seconds)
    return history


def resume_directory(cfg: TrainConfig) -> Path:
    """``build/resume/<name of cfg.out>``: where a run's resumable checkpoint lives (never committed)."""
    return PRETRAINED.parent / "build" / "resume" / Path(cfg.out or "default").name


def save_resumable(directory: Path, model: nn.Module, optimizer: AdamW, step: int, seconds: float) -> None:
    """Weights and AdamW state as safetensors, the step and time as JSON; written atomically (no pickle)."""
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().contiguous() for k, v in model.state_dict().items()}
    tensors.update({f"optimizer.{k}": v.contiguous() for k, v in optimizer.state_tensors().items()})
    save_file(tensors, directory / "state.safetensors.tmp")
    (directory / "state.json.tmp").write_text(json.dumps({"step": step, "seconds": seconds}))
    os.replace(directory / "state.safetensors.tmp", directory / "state.safetensors")
    os.replace(directory / "state.json.tmp", directory / "state.json")


def load_resumable(directory: Path, model: nn.Module, optimizer: AdamW) -> tuple[int, float]:
    """Restore what ``save_resumable`` wrote; returns (step, seconds already trained)."""
    meta = json.loads((directory / "state.json").read_text())
    tensors = load_file(directory / "state.safetensors")
    model.load_state_dict({k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")})
    optimizer.load_state_tensors({k[len("optimizer."):]: v for k, v in tensors.items() if k.startswith("optimizer.")},
                                 meta["step"])
    return meta["step"], meta["seconds"]


def tensor_batches(data: TensorDataset, sampler: RandomSampler, batch_size: int):
    """The batches ``DataLoader(data, batch_size, sampler=sampler)`` yields, taken with one index per tensor.

    The DataLoader indexes a TensorDataset sample by sample and stacks them: ~2 x batch_size small torch
    ops per step, each of which must win Python's GIL back on a server busy with other visitors (live
    forecasting beside a busy thread spent most of its time there). Same sampler, same order, same
    tensors: the sampler is drawn exactly as the DataLoader draws it.
    """
    order = torch.tensor(list(sampler), dtype=torch.long)
    for start in range(0, len(order), batch_size):
        index = order[start:start + batch_size]
        yield [tensor[index] for tensor in data.tensors]


def _progress_bar(total: int):
    from tqdm import tqdm
    return tqdm(total=total, unit="step", dynamic_ncols=True)
