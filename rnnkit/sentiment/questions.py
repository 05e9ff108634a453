"""The Sentiment page's questions (predict, then see), built from the model's answer to the visitor's sentence."""

from __future__ import annotations

import pandas as pd

from rnnkit.core.questions import Question, options_around
from rnnkit.sentiment.classifier import Rating

MIN_CHANGE = 0.02          # the word question is asked only when removing its answer moves P(positive) this much


def questions(rating: Rating, importance: pd.DataFrame) -> list[Question]:
    """Will the LSTM call it positive or negative? Which word pushes hardest towards that answer?
    ``importance`` is ``SentimentClassifier.importance(rating.tokens)`` (the page draws it too)."""
    asked = [Question("Will the LSTM call this sentence positive or negative?", ("negative", "positive"),
                      rating.label, f"P(positive) = {rating.p_positive:.2f}, so it says {rating.label} "
                                    f"(5 classes: {rating.fine_label}).")]
    words = importance[importance["token"].str.contains(r"\w", regex=True)].drop_duplicates("token")
    towards = 1 if rating.label == "positive" else -1              # importance > 0: the word pushed to positive
    ranked = words.assign(push=towards * words["importance"]).sort_values("push", ascending=False)
    if len(ranked) >= 2 and ranked["push"].iloc[0] >= MIN_CHANGE:   # a saturated answer moves for no single word
        word, change = ranked["token"].iloc[0], float(ranked["importance"].iloc[0])
        rivals = set(ranked["token"].iloc[:4])                       # the next strongest words, in sentence order
        asked.append(Question(
            f"Which word pushes the LSTM hardest towards {rating.label}?",
            options_around(word, [t for t in words["token"] if t in rivals]), word,
            f"Without “{word}” P(positive) would move by {-change:+.2f}, more than without any other word "
            "(leave-one-out importance, below)."))
    return asked
