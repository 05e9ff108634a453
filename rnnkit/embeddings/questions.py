"""The Word-embeddings page's questions (predict, then see), built from the GloVe vectors for the visitor's words."""

from __future__ import annotations

from rnnkit.core.questions import Question
from rnnkit.embeddings.vectors import Analogy, analogy, neighbours

RIVAL_RANKS = (10, 25, 50)     # the nearest neighbour's rivals: words further down the same word's list


def questions(kv, found: Analogy) -> list[Question]:
    """What will a − b + c give (among its best answers)? Which of these words is nearest to a?"""
    asked = []
    best = [word for word, _ in found.answers[:4]]
    if len(best) < 4:               # the page shows fewer answers (k < 4): the next best ones are the rivals
        best = list(dict.fromkeys([found.answer] + [w for w, _ in analogy(kv, found.a, found.b, found.c, topn=4)]))[:4]
    if len(best) >= 2:
        asked.append(Question(
            f"What will {found.a} − {found.b} + {found.c} give?", tuple(sorted(best)), found.answer,
            f"“{found.answer}” is the word whose vector is closest to {found.a} − {found.b} + {found.c} "
            f"(score {found.answers[0][1]:.3f}); the others are its next best answers."))
    near = neighbours(kv, found.a, topn=max(RIVAL_RANKS))
    rivals = [near[rank - 1][0] for rank in RIVAL_RANKS if rank <= len(near)]
    if rivals:
        nearest, cosine = near[0]
        asked.append(Question(
            f"Which of these words is nearest to “{found.a}”?", tuple(sorted([nearest, *rivals])), nearest,
            f"cos(“{found.a}”, “{nearest}”) = {cosine:.2f}, the highest of all {len(kv):,} words; the others are "
            f"its neighbours number {', '.join(map(str, RIVAL_RANKS[:len(rivals)]))}."))
    return asked
