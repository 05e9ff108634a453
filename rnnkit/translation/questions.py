"""The Translation page's questions (predict, then see), built from the model's translation of the visitor's text."""

from __future__ import annotations

import numpy as np

from rnnkit.core.questions import Question, options_around
from rnnkit.translation.translator import Translation


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def questions(result: Translation, source_name: str, target_name: str) -> list[Question]:
    """Which of the beam's candidates will it write? Where will it look when it writes its surest word?"""
    asked = []
    candidates = list(dict.fromkeys(text for text, _, _ in result.candidates))
    if len(candidates) >= 2:
        best = candidates[0]
        asked.append(Question(
            f"Which {target_name} sentence will the model write?", tuple(sorted(candidates[:4])), best,
            f"Beam search kept these candidates; “{best}” has the best length-normalised log-probability."))
    if result.alpha is not None and result.output:
        written = [t for t, word in enumerate(result.output) if _is_word(word) and t < len(result.alpha)]
        sources = [s for s, word in enumerate(result.source) if _is_word(word)]
        if written and len({result.source[s] for s in sources}) >= 2:
            t = max(written, key=lambda i: result.alpha[i, sources].max())          # the surest look
            by_weight = sorted(sources, key=lambda s: -result.alpha[t, s])
            looked = result.source[by_weight[0]]
            rivals = {result.source[s] for s in by_weight[:4]}
            asked.append(Question(
                f"When the decoder writes “{result.output[t]}”, which {source_name} word will it look at most?",
                options_around(looked, [result.source[s] for s in sources if result.source[s] in rivals]), looked,
                f"At that step α = {float(np.round(result.alpha[t, by_weight[0]], 2))} on “{looked}”: "
                "the row of the attention map below."))
    return asked
