"""The Captioning page's questions (predict, then see), built from the model's caption of the visitor's photo."""

from __future__ import annotations

import numpy as np

from rnnkit.captioning.captioner import CaptionResult
from rnnkit.core.questions import Question

PLACES = ("top left", "top right", "centre", "bottom left", "bottom right")


def place(alpha: np.ndarray) -> str:
    """Where on the photo the attention map (H, W) peaks: its middle third, else its quadrant."""
    rows, cols = alpha.shape
    r, c = np.unravel_index(int(alpha.argmax()), alpha.shape)
    if rows / 3 <= r < 2 * rows / 3 and cols / 3 <= c < 2 * cols / 3:
        return "centre"
    return f"{'top' if r < rows / 2 else 'bottom'} {'left' if c < cols / 2 else 'right'}"


def questions(result: CaptionResult) -> list[Question]:
    """Which of the beam's captions will it write? Where will it look for its most focused word?"""
    asked = []
    captions = list(dict.fromkeys(text for text, _, _ in result.candidates))
    if len(captions) >= 2 and result.caption in captions:
        asked.append(Question("Which caption will the model write?", tuple(sorted(captions[:4])), result.caption,
                              "Beam search kept these captions; this one has the best length-penalised score."))
    words = [w for w in result.words if any(ch.isalnum() for ch in w.text)]
    if words:
        word = max(words, key=lambda w: float(w.alpha.max()))                        # its most focused look
        where = place(word.alpha)
        r, c = np.unravel_index(int(word.alpha.argmax()), word.alpha.shape)
        asked.append(Question(f"Where on the photo will the decoder look most when it writes “{word.text}”?",
                              PLACES, where, f"Its attention peaks at row {r + 1}, column {c + 1} of the "
                                         f"{word.alpha.shape[0]} × {word.alpha.shape[1]} grid (α = "
                                         f"{float(word.alpha.max()):.2f}): the pictures below."))
    return asked
