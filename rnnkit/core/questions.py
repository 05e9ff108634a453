"""Predict, then see: a question the visitor answers before a page reveals its model's answer.

Each application builds its questions from the live model's output for the visitor's own input
(``rnnkit/<application>/questions.py``), so the right answer is what the model really does, and the
explanation says why in a sentence. Pages only ask them (``pages/_common.predict_first``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    prompt: str                    # what is asked, in plain words
    options: tuple[str, ...]       # the choices, in the order shown
    answer: str                    # the model's real answer: one of the options
    explanation: str               # one sentence: what the model did and why, shown once the visitor answered

    def __post_init__(self):
        if self.answer not in self.options or len(set(self.options)) != len(self.options):
            raise ValueError("a question needs distinct options, the answer among them")

    def verdict(self, choice: str) -> tuple[bool, str]:
        """Whether ``choice`` is right, and the sentence that says so."""
        if choice == self.answer:
            return True, f"Right: {self.explanation}"
        return False, f"Not this time: the model says {self.answer}. {self.explanation}"


def options_around(answer: str, others: list[str], count: int = 4) -> tuple[str, ...]:
    """``answer`` and up to ``count - 1`` distinct ``others``, in the order they appear (answer in its place
    when it is among them, else first)."""
    picked = [w for w in dict.fromkeys(others) if w != answer][:count - 1]
    ordered = [w for w in dict.fromkeys(others) if w in picked or w == answer]
    return tuple(ordered if answer in ordered else [answer, *picked])
