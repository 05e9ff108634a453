"""The Equation Playground's computations: run the lecture's cells on a visitor's sequence and
write each equation with this step's numbers substituted (LaTeX for ``st.latex``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import torch

from rnnkit.core.cells import LSTMCell, LSTMLayer, RNNCell, RNNLayer
from rnnkit.core.inputs import InputError
from rnnkit.core.runner import make_config
from rnnkit.core.training import fit, seed_everything
from rnnkit.playground import task as memory
from rnnkit.playground.measured import VARIANTS

MAX_STEPS = 40
MAX_CHARS = 2_000                  # the text box's max_chars; a hand-made client may send more
HIDDEN_RANGE = (1, 8)


def parse_sequence(text: str, max_steps: int = MAX_STEPS) -> list[float]:
    """``"0.5, -1 2"`` -> ``[0.5, -1.0, 2.0]``; raises ``InputError`` with a sentence for the visitor."""
    if len(text) > MAX_CHARS:
        raise InputError(f"That is {len(text):,} characters; the sequence box takes at most {MAX_CHARS:,}: "
                         f"type up to {max_steps} numbers.")
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise InputError("Type a sequence of numbers, for example 0.5, -1, 2, 0, 1.")
    if len(parts) > max_steps:
        raise InputError(f"That is {len(parts):,} numbers; the playground steps through at most "
                         f"{max_steps}. Shorten the sequence.")
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise InputError(f"{part[:20]!r} is not a number. Use numbers separated by commas, "
                             "for example 0.5, -1, 2.") from None
        if not math.isfinite(value):
            raise InputError("NaN and infinity cannot be fed to a network: use finite numbers.")
        if abs(value) > 1e6:
            raise InputError(f"{part[:20]} is too large: keep the numbers between -1,000,000 and 1,000,000.")
        values.append(value)
    return values


def check_hidden_size(hidden_size: int) -> int:
    low, high = HIDDEN_RANGE
    if not low <= hidden_size <= high:
        raise InputError(f"The hidden size must be between {low} and {high}.")
    return hidden_size


@dataclass
class Run:
    """One unrolled pass: the weights (name -> array) and every intermediate (name -> (T, H))."""
    weights: dict[str, np.ndarray]
    trace: dict[str, np.ndarray]
    xs: np.ndarray


def _as_numpy(trace: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
    return {name: value[0].detach().numpy() for name, value in trace.items()}          # (T, H)


@torch.no_grad()
def run_rnn(xs: list[float], hidden_size: int, activation: str = "tanh", seed: int = 0) -> Run:
    generator = torch.Generator().manual_seed(seed)
    layer = RNNLayer(1, check_hidden_size(hidden_size), activation=activation, output_size=1, generator=generator)
    x = torch.tensor(xs, dtype=torch.float32).view(1, -1, 1)                             # (1, T, 1)
    _, trace = layer(x)
    cell = layer.cells[0]
    weights = {name: p.detach().numpy().copy() for name, p in cell.named_parameters()}
    return Run(weights, _as_numpy(trace[0]), np.asarray(xs))


@torch.no_grad()
def run_lstm(xs: list[float], hidden_size: int, seed: int = 0, forget_bias: float = 0.0) -> Run:
    generator = torch.Generator().manual_seed(seed)
    layer = LSTMLayer(1, check_hidden_size(hidden_size), forget_bias=forget_bias, generator=generator)
    x = torch.tensor(xs, dtype=torch.float32).view(1, -1, 1)                             # (1, T, 1)
    _, _, trace = layer(x)
    weights = {name: p.detach().numpy().copy() for name, p in layer.cells[0].named_parameters()}
    return Run(weights, _as_numpy(trace[0]), np.asarray(xs))


# --- LaTeX with numbers ----------------------------------------------------------------------

def bmatrix(values: np.ndarray | float, digits: int = 2) -> str:
    """A vector or matrix as a LaTeX ``bmatrix`` (a column for vectors)."""
    array = np.atleast_1d(np.asarray(values, dtype=float))
    rows = array.reshape(-1, 1) if array.ndim == 1 else array
    body = r" \\ ".join(" & ".join(f"{v:.{digits}f}" for v in row) for row in rows)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


ACTIVATION_LATEX = {"tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "sigmoid": r"\sigma", "identity": ""}


def rnn_step_latex(run: Run, t: int, activation: str = "tanh") -> list[str]:
    """The lecture's two RNN equations at step ``t`` (0-based) with the numbers of this run."""
    w, tr = run.weights, run.trace
    s_prev = tr["s_t"][t - 1] if t > 0 else np.zeros_like(tr["s_t"][0])
    act = ACTIVATION_LATEX[activation]
    return [
        RNNCell.EQUATIONS["s_t"],
        rf"s_{{{t + 1}}} = {act}\left({bmatrix(w['U'])} \cdot ({run.xs[t]:.2f}) + {bmatrix(w['W'])}"
        rf"{bmatrix(s_prev)} + {bmatrix(w['b_s'])}\right) = {act}\left({bmatrix(tr['a_t'][t])}\right)"
        rf" = {bmatrix(tr['s_t'][t])}",
        RNNCell.EQUATIONS["o_t"],
        rf"o_{{{t + 1}}} = {bmatrix(w['V'])}{bmatrix(tr['s_t'][t])} + {bmatrix(w['b_y'])} = {bmatrix(tr['o_t'][t])}",
    ]


def lstm_step_latex(run: Run, t: int) -> list[str]:
    """The lecture's six LSTM equations at step ``t`` (0-based) with the numbers of this run."""
    w, tr = run.weights, run.trace
    zeros = np.zeros_like(tr["h_t"][0])
    h_prev = tr["h_t"][t - 1] if t > 0 else zeros
    C_prev = tr["C_t"][t - 1] if t > 0 else zeros
    hx = bmatrix(np.concatenate([h_prev, [run.xs[t]]]))
    n = t + 1
    lines = []
    for gate, name, symbol, fn in (("f", "f_t", "f", r"\sigma"), ("i", "i_t", "i", r"\sigma"),
                                   ("C", "c_tilde", r"\tilde{C}", r"\tanh"), ("o", "o_t", "o", r"\sigma")):
        lines.append(LSTMCell.EQUATIONS[name])
        lines.append(rf"{symbol}_{{{n}}} = {fn}\left({bmatrix(w['W_' + gate])}{hx} + {bmatrix(w['b_' + gate])}\right)"
                     rf" = {bmatrix(tr[name][t])}")
        if name == "c_tilde":
            lines.append(LSTMCell.EQUATIONS["C_t"])
            lines.append(rf"C_{{{n}}} = {bmatrix(tr['f_t'][t])} * {bmatrix(C_prev)} + {bmatrix(tr['i_t'][t])}"
                         rf" * {bmatrix(tr['c_tilde'][t])} = {bmatrix(tr['C_t'][t])}")
    lines.append(LSTMCell.EQUATIONS["h_t"])
    lines.append(rf"h_{{{n}}} = {bmatrix(tr['o_t'][t])} * \tanh\left({bmatrix(tr['C_t'][t])}\right)"
                 rf" = {bmatrix(tr['h_t'][t])}")
    return lines


# --- Memory over long gaps: train a vanilla RNN and an LSTM live on the adding problem --------

MEMORY_LENGTHS = (5, 100)          # the page's slider; bench_memory measures across it
MEMORY_CELLS = ("rnn", "lstm")     # the page trains these, one after the other


def train_memory(cell: str, seq_len: int, seed: int = 0, on_step=None, **settings) -> dict:
    """Train the adding problem (``rnnkit.playground.task``) exactly as ``rnnkit train memory`` does.

    The same flat settings (``make_config``), the same seeding, data, model and training loop, so a
    seed, length and thread count give the page and the command line the same accuracy. ``settings``
    are further ``--key=value`` options (``threads``, ``gate_biases``...). Returns the test metrics
    (``test_accuracy``, ``test_mse``, ``chance``, ``baseline_mse``) with ``steps``, ``losses``,
    ``seconds`` and ``planned_steps`` (fewer steps taken: the time limit stopped it).
    """
    low, high = MEMORY_LENGTHS
    if not low <= seq_len <= high:
        raise InputError(f"The sequence length must be between {low} and {high}.")
    cfg = make_config(memory, {"cell": cell, "seq_len": seq_len, "seed": seed, **settings})
    seed_everything(cfg.seed)
    prepared = memory.prepare(cfg)
    model = memory.build_model(cfg.model, prepared.extras)
    history = fit(model, lambda m, batch: memory.loss(m, batch, cfg), prepared.train, cfg, on_step=on_step,
                  progress=False)
    with torch.no_grad():
        metrics = memory.evaluate(model, prepared, cfg, "test")
    return dict(metrics, steps=history.steps, losses=history.losses, seconds=history.seconds,
                planned_steps=memory.planned_steps(cfg))


def train_memory_variants(variants: list[str], seq_len: int, seed: int = 0, on_progress=None) -> list[dict]:
    """Train each of ``variants`` (keys of ``measured.VARIANTS``) in turn with ``train_memory``.

    Every 100 steps, and at each model's last, ``on_progress(fraction, text, curves)`` gets the share of
    all training done, a sentence, and the loss curves so far (label -> losses): the page's progress bar
    and live chart. Returns one result per variant, with its ``variant`` and ``seq_len``.
    """
    curves, results = {}, []
    for k, variant in enumerate(variants):
        label, settings = VARIANTS[variant]
        curve = curves.setdefault(label, [])

        def on_step(step: int, total: int, loss: float, k=k, curve=curve, label=label) -> None:
            curve.append(loss)
            if on_progress and (step % 100 == 0 or step == total):
                on_progress(min((k + step / total) / len(variants), 1.0),
                            f"Training the {label}: step {step}/{total}", curves)

        result = train_memory(seq_len=seq_len, seed=seed, on_step=on_step, **settings)
        results.append(dict(result, variant=variant, seq_len=seq_len))
    return results


def memory_note(result: dict) -> str:
    """One live run in a sentence: its steps and time (a time-limit cut shows), its MSE and the baseline's."""
    return (f"{len(result['steps'])} of {result['planned_steps']} steps in {result['seconds']:.1f} s; test MSE "
            f"{result['test_mse']:.4f} (always answering 1: {result['baseline_mse']:.3f}).")
