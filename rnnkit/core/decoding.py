"""The one greedy decoder and the one beam search of rnnkit, over a model's step function.

A model exposes its decoder as ``step(tokens, state) -> (log_probs, state, extras)``:

- ``tokens`` (k,): the last word of each of k hypotheses (``<bos>`` at the first step);
- ``state``: a tensor or a tuple of tensors whose first dimension is the k hypotheses (the search
  reorders it with ``index_select`` on that dimension when beams are pruned);
- ``log_probs`` (k, V): log p(y_t | y_<t, input) of every next word;
- ``extras``: ``{name: (k, ...) tensor}`` the step wants kept per generated word (attention
  weights, the copy share...), so the page can draw every step of the answer.

Beam search ranks hypotheses by ``log p / length_penalty(h)``; each model keeps the penalty it was
tuned with (``word_count_penalty`` or ``gnmt_penalty``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch

State = torch.Tensor | tuple[torch.Tensor, ...]
StepFunction = Callable[[torch.Tensor, State], tuple[torch.Tensor, State, dict[str, torch.Tensor]]]


@dataclass
class Hypothesis:
    """One decoded output: its words and, per generated word, what the step function returned."""

    tokens: list[int]                     # the generated ids, without <bos> and <eos>
    log_prob: float                       # sum of the log-probabilities of every generated id, <eos> included
    extras: dict[str, list[torch.Tensor]] = field(default_factory=dict)   # one row per step, <eos>'s included
    finished: bool = False                # it ended with <eos> (else it ran out of steps)
    score: float = 0.0                    # what the beam ranks by: log_prob / length_penalty(self)

    def stacked(self, name: str) -> torch.Tensor | None:
        """The ``name`` extra of every step as one tensor (T, ...), or None if the step gave none."""
        rows = self.extras.get(name)
        return torch.stack(rows) if rows else None


LengthPenalty = Callable[[Hypothesis], float]


def word_count_penalty(alpha: float = 1.0) -> LengthPenalty:
    """``|y|^alpha``, |y| the number of words with the end mark counted (alpha = 0: rank by raw log p)."""
    return lambda h: (max(len(h.tokens), 1) + int(h.finished)) ** alpha


def gnmt_penalty(alpha: float = 0.7) -> LengthPenalty:
    """``((5 + |y|) / 6)^alpha`` of Wu et al. (2016, GNMT), |y| without the end mark."""
    return lambda h: ((5 + len(h.tokens)) / 6) ** alpha


def _select(state: State, index: torch.Tensor) -> State:
    if isinstance(state, torch.Tensor):
        return state.index_select(0, index)
    return tuple(part.index_select(0, index) for part in state)


@torch.no_grad()
def greedy(step: StepFunction, state: State, batch_size: int, bos: int, eos: int, max_len: int) -> list[Hypothesis]:
    """The most probable word at every step, for a batch of ``batch_size`` inputs at once.

    Stops when every row has written ``<eos>`` or after ``max_len`` steps; each row is cut at its
    first ``<eos>`` (its extras keep the ``<eos>`` step's row).
    """
    tokens = torch.full((batch_size,), bos, dtype=torch.long)
    chosen, log_probs, extras = [], [], {}
    done = torch.zeros(batch_size, dtype=torch.bool)
    for _ in range(max_len):
        step_log_probs, state, step_extras = step(tokens, state)                 # (B, V)
        tokens = step_log_probs.argmax(-1)                                        # (B,)
        chosen.append(tokens)
        log_probs.append(step_log_probs.gather(1, tokens[:, None])[:, 0])        # (B,)
        for name, value in step_extras.items():
            extras.setdefault(name, []).append(value)
        done |= tokens == eos
        if done.all():
            break
    ids = torch.stack(chosen, 1).tolist()                                         # (B, T)
    totals = torch.stack(log_probs, 1)                                            # (B, T)
    stacked = {name: torch.stack(values, 1) for name, values in extras.items()}  # (B, T, ...)
    results = []
    for b, row in enumerate(ids):
        finished = eos in row
        length = row.index(eos) if finished else len(row)
        steps = length + int(finished)
        log_prob = float(totals[b, :steps].sum())
        rows = {name: list(value[b, :steps]) for name, value in stacked.items()}
        results.append(Hypothesis(row[:length], log_prob, rows, finished, log_prob))
    return results


@torch.no_grad()
def beam_search(step: StepFunction, state: State, bos: int, eos: int, beam_size: int, max_len: int,
                length_penalty: LengthPenalty, early_stopping: bool) -> list[Hypothesis]:
    """Beam search for one input (``state`` has one row); at most ``beam_size`` hypotheses, best score first.

    Every step extends each live hypothesis by every word and keeps the ``beam_size`` most probable
    (by summed log p); one that writes ``<eos>`` is finished. ``early_stopping``: stop as soon as
    ``beam_size`` have finished and rank only those; otherwise go on until the best finished one
    scores above every live one, and rank the live ones with them.
    """
    live = [Hypothesis([], 0.0)]
    finished: list[Hypothesis] = []
    for _ in range(max_len):
        tokens = torch.tensor([h.tokens[-1] if h.tokens else bos for h in live])   # (k,)
        log_probs, new_state, step_extras = step(tokens, state)                     # (k, V)
        totals = torch.tensor([h.log_prob for h in live])[:, None] + log_probs      # (k, V)
        top = totals.flatten().topk(min(beam_size, totals.numel()))
        survivors, origins = [], []
        for value, index in zip(top.values.tolist(), top.indices.tolist()):
            origin, word = divmod(index, log_probs.size(1))
            parent = live[origin]
            extras = {name: parent.extras.get(name, []) + [rows[origin]] for name, rows in step_extras.items()}
            child = Hypothesis(parent.tokens + ([] if word == eos else [word]), value, extras, word == eos)
            child.score = value / length_penalty(child)
            if child.finished:
                finished.append(child)
            else:
                survivors.append(child)
                origins.append(origin)
        live = survivors
        if not live:
            break
        state = _select(new_state, torch.tensor(origins))
        if len(finished) >= beam_size and (early_stopping or
                                           max(h.score for h in finished) > max(h.score for h in live)):
            break
    if not (early_stopping and len(finished) >= beam_size):
        finished += live                                                            # unfinished at max_len
    return sorted(finished, key=lambda h: h.score, reverse=True)[:beam_size]
