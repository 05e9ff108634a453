"""The capitalisation + gazetteer baseline: what a tagger without any sequence model gets.

1. Gazetteer: every entity phrase of the training data (up to 4 words, exact case) that is an
   entity in at least half of its occurrences there, with its most frequent type; the longest
   phrase starting at a word wins.
2. Capitalisation: any other run of capitalised words, except a sentence's first word when the
   training data mostly writes it lowercase ("Yesterday"), is an entity of the most frequent type
   of such unknown runs in training.

Built from the training files only (``silver_train``, ``wnut_train``), never from a test set.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from rnnkit.ner import data

MAX_PHRASE = 4


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


@dataclass
class GazetteerBaseline:
    phrases: dict[tuple[str, ...], str]     # entity phrase -> type
    lowercase_words: set[str]               # words written lowercase more often than capitalised
    default_type: str                       # type of capitalised runs the gazetteer does not know

    @classmethod
    def fit(cls, sentences: list[data.Sentence]) -> "GazetteerBaseline":
        as_entity: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for s in sentences:
            for kind, start, end in data.entities(s.tokens, s.tags):
                if end - start <= MAX_PHRASE:
                    as_entity[tuple(s.tokens[start:end])][kind] += 1
        occurrences = Counter(tuple(s.tokens[i:i + n]) for s in sentences for n in range(1, MAX_PHRASE + 1)
                              for i in range(len(s.tokens) - n + 1) if tuple(s.tokens[i:i + n]) in as_entity)
        phrases = {phrase: kinds.most_common(1)[0][0] for phrase, kinds in as_entity.items()
                   if sum(kinds.values()) * 2 >= occurrences[phrase]}
        case = Counter((t.lower(), t.islower()) for s in sentences for t in s.tokens)
        lowercase = {word for (word, lower), count in case.items() if lower and count > case[(word, False)]}
        baseline = cls(phrases, lowercase, "PER")
        unknown = Counter()
        for s in sentences:
            for kind, start, end in data.entities(s.tokens, s.tags):
                if tuple(s.tokens[start:end]) not in phrases:
                    unknown[kind] += 1
        baseline.default_type = unknown.most_common(1)[0][0] if unknown else "PER"
        return baseline

    def tag(self, tokens: list[str]) -> list[str]:
        tags, i = ["O"] * len(tokens), 0
        while i < len(tokens):
            for n in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
                kind = self.phrases.get(tuple(tokens[i:i + n]))
                if kind:
                    tags[i:i + n] = [f"B-{kind}"] + [f"I-{kind}"] * (n - 1)
                    i += n
                    break
            else:
                end = i
                while end < len(tokens) and _capitalised(tokens[end]) and not (
                        end == 0 and tokens[end].lower() in self.lowercase_words):
                    end += 1
                if end > i:
                    tags[i:end] = [f"B-{self.default_type}"] + [f"I-{self.default_type}"] * (end - i - 1)
                i = max(end, i + 1)
        return tags
