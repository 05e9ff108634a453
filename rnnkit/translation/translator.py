"""Translating typed English: the one service behind the Translation page and ``rnnkit translate``.

``Translator.translate(text, beam_size)`` checks the text, runs the beam search, copies unknown
words back through attention and returns everything the page shows; ``step`` opens up one
decoder step. The sentences the page writes about the result and about the measured
long-sentence problem are made here too, so the page stays UI only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np
import torch

from rnnkit import PRETRAINED
from rnnkit.core.inputs import InputError
from rnnkit.core.registry import load_pretrained
from rnnkit.core.text import Vocabulary, detokenize, tokenize
from rnnkit.translation.data import bilingual_dictionary
from rnnkit.translation.model import Seq2Seq

MODELS = {"attention": "translation", "plain": "translation_plain"}    # the page's choice -> pretrained/<name>
TRAIN_COMMANDS = {"attention": "rnnkit train translation --max_steps=1400",
                  "plain": "rnnkit train translation --attention=none --reverse_source --epochs=9 --max_steps=4800 "
                           "--threads=1 --time_limit=1500 --out=pretrained/translation_plain"}
BEAM_SIZE = 5           # the page's default
MAX_WORDS = 50          # longer inputs are cut (the longest training sentence has ~40 tokens)
_MARKUP = re.compile(r"<[^<>]{0,200}>|&[a-z]+;|&#\d+;")
EVALUATION = PRETRAINED / "translation" / "evaluation.json"


def replace_unknowns(output: list[str], alphas, source: list[str], unk_source: set[int] | None = None,
                     dictionary: dict[str, str] | None = None, unk: str = "<unk>") -> tuple[list[str], dict]:
    """Replace each ``<unk>`` by the source word it attended to most (translated when known).

    Returns the new tokens and ``{target position: source position}`` for the replaced words.
    """
    if alphas is None:
        return list(output), {}
    dictionary = dictionary or {}
    replaced, aligned = list(output), {}
    for t, token in enumerate(output):
        if token != unk or t >= len(alphas):
            continue
        weights = torch.as_tensor(alphas[t])
        if unk_source:   # prefer the unknown source words: that is what an <unk> stands for
            candidates = sorted(unk_source)
            s = max(candidates, key=lambda i: float(weights[i]))
        else:
            s = int(weights.argmax())
        replaced[t] = dictionary.get(source[s], source[s])
        aligned[t] = s
    return replaced, aligned


@dataclass
class Translation:
    source: list[str]                       # the English tokens the encoder read
    unknown: list[int]                      # positions of source words outside the vocabulary
    output: list[str]                       # best hypothesis, <unk> replaced through attention
    raw_output: list[str]                   # the same with <unk> left in place
    output_ids: list[int]
    alpha: np.ndarray | None                # (T, S) attention of the best hypothesis
    replaced: dict[int, int]                # target position -> source position it was copied from
    candidates: list[tuple[str, float, float]]   # (text, log p, normalised score), best first
    notes: list[str]                        # sentences about the input (cut, markup removed...)

    @property
    def text(self) -> str:
        return detokenize(self.output, capitalize=True)


class Translator:
    """A trained model with its vocabularies; read-only, safe to share between sessions."""

    def __init__(self, model: Seq2Seq, card: dict, dictionary: dict[str, str] | None = None):
        self.model, self.card = model, card
        self.src_vocab = Vocabulary(card["extras"]["src_itos"])
        self.tgt_vocab = Vocabulary(card["extras"]["tgt_itos"])
        self.dictionary = bilingual_dictionary() if dictionary is None else dictionary

    @classmethod
    def load(cls, choice: str = "attention") -> "Translator":
        """The shipped ``"attention"`` or ``"plain"`` model (``FileNotFoundError`` when not trained)."""
        return cls(*load_pretrained(MODELS[choice]))

    @property
    def has_attention(self) -> bool:
        return self.model.config.attention != "none"

    def prepare(self, text: str) -> tuple[list[str], list[str]]:
        """The tokens to translate and notes; raises InputError with a sentence for bad input."""
        if not isinstance(text, str) or not text.strip():
            raise InputError("Type an English sentence to translate.")
        notes = []
        if _MARKUP.search(text):
            text = _MARKUP.sub(" ", text)
            notes.append("The input looked like HTML/markup; the tags were removed and only the words translated.")
        tokens = tokenize(text)
        if not any(any(ch.isalnum() for ch in token) for token in tokens):
            raise InputError("There are no words to translate, only punctuation or symbols. Type an English sentence.")
        if len(tokens) > MAX_WORDS:
            notes.append(f"The input has {len(tokens)} words and symbols; only the first {MAX_WORDS} were translated "
                         f"(the model was trained on sentences of up to ~40).")
            tokens = tokens[:MAX_WORDS]
        words = [t for t in tokens if any(ch.isalnum() for ch in t)]
        unknown = [t for t in words if t not in self.src_vocab]
        if len(words) >= 3 and len(unknown) / len(words) > 0.6:
            notes.append(f"{len(unknown)} of {len(words)} words are unknown to the model: is this English? "
                         f"The model only knows the everyday vocabulary of its training sentences.")
        return tokens, notes

    def translate(self, text: str, beam_size: int = BEAM_SIZE, length_alpha: float = 1.0) -> Translation:
        """Beam search (``beam_size=1``: greedy) + unknown-word replacement through attention."""
        tokens, notes = self.prepare(text)
        max_len = 2 * len(tokens) + 10
        src_ids = self.src_vocab.encode(tokens)
        unknown = [i for i, t in enumerate(tokens) if t not in self.src_vocab]
        hypotheses = self.model.beam_search(src_ids, max(1, beam_size), max_len, length_alpha)
        best = hypotheses[0]
        alpha = self._alpha(best)                                       # (T, S) incl. the <eos> row
        raw = self.tgt_vocab.decode(best.tokens, strip_specials=False)
        output, replaced = replace_unknowns(raw, alpha, tokens, set(unknown), self.dictionary)
        candidates = []
        for h in hypotheses:
            words, _ = replace_unknowns(self.tgt_vocab.decode(h.tokens, strip_specials=False), self._alpha(h),
                                        tokens, set(unknown), self.dictionary)
            candidates.append((detokenize(words, capitalize=True), h.log_prob, h.score))
        return Translation(tokens, unknown, output, raw, best.tokens,
                           alpha[: len(raw)] if alpha is not None else None, replaced, candidates, notes)

    @staticmethod
    def _alpha(hypothesis) -> np.ndarray | None:
        alpha = hypothesis.stacked("alpha")
        return alpha.numpy() if alpha is not None else None

    def step(self, translation: Translation, t: int) -> dict:
        """Decoder step ``t`` (0-based) of ``translation`` opened up: numpy arrays of the step."""
        src_ids = self.src_vocab.encode(translation.source)
        prefix = [Vocabulary.bos_id] + translation.output_ids[:t]
        with torch.no_grad():
            h_s, state, src_mask = self.model.encode(torch.tensor([src_ids]), torch.tensor([len(src_ids)]))
            logits, _, details = self.model.decoder.forward_step(torch.tensor([prefix]), state, h_s, src_mask)
        out = {k: v[0, -1].numpy() for k, v in details.items()}               # this step only
        out["h_s"] = h_s[0].numpy()                                            # (S, H)
        probs = torch.softmax(logits[0, -1], -1)
        top = probs.topk(5)
        out["top"] = [(self.tgt_vocab.itos[i], p) for p, i in zip(top.values.tolist(), top.indices.tolist())]
        return out

    def unknown_words(self, translation: Translation) -> list[dict]:
        """One row per source word outside the vocabulary: what the model did with it."""
        copied = {translation.source[s] for s in translation.replaced.values()}
        rows = []
        for i in translation.unknown:
            word = translation.source[i]
            if word in copied:
                what = (f"read as <unk>; the decoder wrote <unk> there and it was replaced by "
                        f"'{self.dictionary.get(word, word)}' (the source word it attended to most)")
            elif self.has_attention:
                what = "read as <unk>; no output word was aligned to it, so it is missing from the French"
            else:
                what = "read as <unk>; the plain model has no alignment to copy it back"
            rows.append({"unknown word": word, "what the model does with it": what})
        return rows


def load_evaluation() -> dict | None:
    """``pretrained/translation/evaluation.json`` (written by scripts/eval_translation.py), or None."""
    return json.loads(EVALUATION.read_text(encoding="utf-8")) if EVALUATION.exists() else None


def plain_model_sentence(plain: dict, by_length: dict) -> str:
    """How the plain model was trained, from evaluation.json, and what that means for the table."""
    how = (f"The plain model trained for {plain['steps']:,} steps" if plain.get("steps") else "The plain model")
    if plain.get("reverse_source"):
        how += (" reading each English sentence backwards (Sutskever et al. 2014: the first words, "
                "read last, sit next to the first French words it must write)")
    how += (". Everything it knows of the sentence is one vector of "
            f"{plain.get('hidden_size') or 192} numbers, while the attention model looks back at every word. ")
    plain_bleu, attention_bleu = ([cell["bleu"] for cell in by_length[m].values()] for m in ("plain", "attention"))
    if plain_bleu[0] < 15:
        return how + ("Here the plain model is weak at every length (it has not learned enough), so the table shows "
                      "the gap but not yet the collapse with length that Bahdanau et al. (2014, Fig. 2) measured.")
    if plain_bleu[-1] < 0.6 * plain_bleu[0] and attention_bleu[-1] >= 0.6 * attention_bleu[0]:
        return how + ("Short sentences fit in that vector, long ones do not: the plain model's BLEU falls with "
                      "length while attention holds, as in Bahdanau et al. (2014, Fig. 2).")
    return how + ("Compare the two curves with Bahdanau et al. (2014, Fig. 2), where the plain model collapses "
                  "with length.")


def measured_sentence(evaluation: dict) -> str | None:
    """The page's "What we measured" paragraph: BLEU from the shortest to the longest sentences, both models."""
    by_length = evaluation["by_length"]
    if not {"attention", "plain"} <= set(by_length):
        return None
    first, last = list(by_length["attention"])[0], list(by_length["attention"])[-1]
    return (f"**What we measured.** From {first} to {last} words, the attention model goes from "
            f"{by_length['attention'][first]['bleu']:.1f} to {by_length['attention'][last]['bleu']:.1f} BLEU; the "
            f"plain model from {by_length['plain'][first]['bleu']:.1f} to {by_length['plain'][last]['bleu']:.1f}. "
            + plain_model_sentence(evaluation.get("models", {}).get("plain", {}), by_length))
