"""The Equation Playground's questions (predict, then see): the gradient the visitor's settings give, and
what the benchmark measured on the memory task at the visitor's length."""

from __future__ import annotations

import numpy as np

from rnnkit.core.questions import Question
from rnnkit.playground import measured as M
from rnnkit.playground.gradients import GRADIENT_VERDICTS, gradient_verdict, rnn_gradient_sentence

LEARNS = 0.9                   # a network "learns" the task at a median held-out accuracy of 90 % or more
WHO = ("both", "only the LSTM", "only the vanilla RNN", "neither")


def gradient_question(rnn_norms: np.ndarray, radius: float) -> Question:
    verdict, _ = gradient_verdict(rnn_norms)
    return Question(f"With ρ = {radius:g}, what happens to the vanilla RNN's gradient across {len(rnn_norms)} steps?",
                    GRADIENT_VERDICTS, verdict, rnn_gradient_sentence(rnn_norms))


def memory_question(measured: dict | None, seq_len: int, lstm_variant: str) -> Question | None:
    """Which network learns the adding problem at ``seq_len``, by the benchmark's medians; None where it was not
    measured at that length."""
    rows = [M.lookup(measured, v, seq_len) for v in ("rnn", lstm_variant)] if measured else [None]
    if not all(rows):
        return None
    rnn, lstm = (row["accuracy"]["median"] >= LEARNS for row in rows)
    answer = WHO[0] if rnn and lstm else WHO[1] if lstm else WHO[2] if rnn else WHO[3]
    return Question(
        f"At length {seq_len}, which network learns the adding problem (median held-out accuracy ≥ 90 %)?", WHO,
        answer, f"Median held-out accuracy over {len(rows[0]['seeds'])} seeds: vanilla RNN "
                f"{M.percent(rows[0]['accuracy']['median'])}; {M.VARIANTS[lstm_variant][0]}: "
                f"{M.percent(rows[1]['accuracy']['median'])} (the chart below).")
