"""The Named-entities page's questions (predict, then see), built from both taggers' tags of the visitor's sentence."""

from __future__ import annotations

from rnnkit.core.questions import Question
from rnnkit.ner.data import TYPE_NAMES
from rnnkit.ner.tagger import Tagged

NONE = "not a name"
KINDS = (*TYPE_NAMES.values(), NONE)


def kind_of(tag: str) -> str:
    return TYPE_NAMES[tag[2:]] if tag != "O" else NONE


def questions(tagged: Tagged, forward: Tagged) -> list[Question]:
    """What will the tagger call a word (one the two taggers disagree on, else a name)? Do the two agree?"""
    words = [i for i, token in enumerate(tagged.tokens) if any(ch.isalnum() for ch in token)]
    if not words:
        return []
    differ = [i for i in words if tagged.tags[i] != forward.tags[i]]
    named = [i for i in words if tagged.tags[i] != "O"]
    capital = [i for i in words if tagged.tokens[i][:1].isupper()]
    i = (differ or named or capital or words)[0]
    word, kind = tagged.tokens[i], kind_of(tagged.tags[i])
    asked = [Question(f"What will the bidirectional tagger call “{word}”?", KINDS, kind,
                      f"It tags “{word}” {tagged.tags[i]} ({kind}), with p = {tagged.probabilities[i].max():.2f}.")]
    if differ:
        listed = ", ".join(f"“{tagged.tokens[j]}” ({tagged.tags[j]} / {forward.tags[j]})" for j in differ[:5])
        why = f"They differ on {listed}: each forward-only tag comes from the words up to it alone."
    else:
        why = "They agree on every word of this sentence: here the words before each one were enough."
    asked.append(Question("Will the forward-only tagger give every word the same tag as the bidirectional one?",
                          ("yes", "no"), "no" if differ else "yes", why))
    return asked
