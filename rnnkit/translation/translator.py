"""Translating typed text: the one service behind the Translation page and ``rnnkit translate``.

``Translator.translate(text, beam_size)`` checks the text, runs the beam search, copies unknown
words back through attention and returns everything the page shows (attention over whole
words when the model reads sentencepiece pieces); ``step`` opens up one decoder step. A model's
direction (English->French or French->English) is in its card. The sentences the page writes
about the result, the data and the measured long-sentence problem are made here too, so the
page stays UI only.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

import numpy as np
import torch

from rnnkit import PRETRAINED
from rnnkit.core.inputs import InputError
from rnnkit.core.registry import load_pretrained
from rnnkit.core.text import Vocabulary, detokenize, tokenize
from rnnkit.translation import data as translation_data
from rnnkit.translation.model import Seq2Seq
from rnnkit.translation.subwords import Language, group_columns, group_rows

# (model choice, direction) -> pretrained/<name>; the page and the CLI choose from this table.
MODELS = {("attention", "en-fr"): "translation", ("plain", "en-fr"): "translation_plain",
          ("attention", "fr-en"): "translation_fr_en"}
# How to train each model where its weights are missing: the shipped settings (each card's ``reproduce`` line);
# without --out a run writes the model its settings train (task.shipped_name).
SCHEDULE = ("--subwords=8000 --hidden_size=256 --max_src_len=32 --dev_size=300 --test_size=300 --epochs=4 "
            "--max_steps=6000 --threads=2 --checkpoint_minutes=4")
SHIPPED = f"{SCHEDULE} --bidirectional --input_feeding --guided_alignment=1.0"
TRAIN_COMMANDS = {("attention", "en-fr"): f"rnnkit train translation {SHIPPED}",
                  ("attention", "fr-en"): f"rnnkit train translation --direction=fr-en {SHIPPED}",
                  ("plain", "en-fr"): f"rnnkit train translation --attention=none --reverse_source {SCHEDULE}"}
LANGUAGES = {"en": "English", "fr": "French"}
BEAM_SIZE = 5           # the page's default
MAX_WORDS = 50          # longer inputs are cut (the longest training sentence has ~40 tokens)
MAX_WORD_CHARS = 40     # longer words are cut (the longest English word in the training data has fewer letters)
MAX_PIECES = 120        # subword pieces read at most; the words that do not fit are left out
_MARKUP = re.compile(r"<[^<>]{0,200}>|&[a-z]+;|&#\d+;")
EVALUATION = PRETRAINED / "translation" / "evaluation.json"


def language_names(direction: str) -> tuple[str, str]:
    """``"en-fr"`` -> ``("English", "French")``."""
    source, target = direction.split("-")
    return LANGUAGES[source], LANGUAGES[target]


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


# An attention map whose rows look at one source word this often is reported as a sink (a summary, not an
# alignment): every everyday sentence of the shipped models does (README, translation).
SINK_SHARE = 0.9
SINK_MIN_STEPS = 3                          # shorter outputs are too short to call their map anything


@dataclass
class Translation:
    source: list[str]                       # the source words the encoder read
    unknown: list[int]                      # positions of source words outside the vocabulary
    output: list[str]                       # best hypothesis, <unk> replaced through attention
    raw_output: list[str]                   # the same with <unk> left in place
    output_ids: list[int]
    alpha: np.ndarray | None                # (T, S) attention of the best hypothesis
    replaced: dict[int, int]                # target position -> source position it was copied from
    candidates: list[tuple[str, float, float]]   # (text, log p, normalised score), best first
    notes: list[str]                        # sentences about the input (cut, markup removed...)
    source_ids: list[int]                   # the ids the encoder read (pieces or words)
    source_pieces: list[str]                # the tokens behind them ("▁sing" ...), or the words themselves
    written: list[str]                      # the tokens the decoder wrote, one per decoding step (without <eos>)

    @property
    def text(self) -> str:
        return detokenize(self.output, capitalize=True)

    def attention_sink(self, share: float = SINK_SHARE) -> tuple[str, float] | None:
        """``(source word, share of steps)`` when at least ``share`` of the output steps (``SINK_MIN_STEPS`` or
        more) put their largest weight on one and the same source word: the map is one column, not an alignment."""
        if self.alpha is None or len(self.alpha) < SINK_MIN_STEPS:
            return None
        column = np.bincount(self.alpha.argmax(1), minlength=self.alpha.shape[1])
        top = int(column.argmax())
        if column[top] < share * len(self.alpha):
            return None
        return self.source[top], float(column[top] / len(self.alpha))


@functools.lru_cache(maxsize=4)
def _dictionary(direction: str, from_corpus: bool) -> dict[str, str]:
    if from_corpus:
        rows = translation_data.read_prepared("dictionary")["train"]
        return translation_data.dictionary_from_pairs(rows, direction)
    return translation_data.bilingual_dictionary() if direction == "en-fr" else {}


class Translator:
    """A trained model with its vocabularies; read-only, safe to share between sessions."""

    def __init__(self, model: Seq2Seq, card: dict, dictionary: dict[str, str] | None = None):
        self.model, self.card = model, card
        self.src = Language.from_extras(card["extras"], "src")
        self.tgt = Language.from_extras(card["extras"], "tgt")
        self.src_vocab, self.tgt_vocab = self.src.vocab, self.tgt.vocab
        self.direction = card["extras"].get("direction", "en-fr")
        self.dictionary = self.card_dictionary(card) if dictionary is None else dictionary

    @staticmethod
    def card_dictionary(card: dict) -> dict[str, str]:
        """The word-for-word dictionary of unk replacement: the corpus' dictionary source, else the pyrealb lexicon.

        Read once per process and direction (the three models of a direction share it); shared, never changed."""
        return _dictionary(card["extras"].get("direction", "en-fr"),
                           "dictionary" in card.get("config", {}).get("sources", ""))

    @classmethod
    def load(cls, choice: str = "attention", direction: str = "en-fr") -> "Translator":
        """A shipped model: ``choice`` "attention" or "plain", ``direction`` "en-fr" or "fr-en".

        ``FileNotFoundError`` when it is not trained, ``KeyError`` when no such model is listed.
        """
        return cls(*load_pretrained(MODELS[(choice, direction)]))

    @property
    def has_attention(self) -> bool:
        return self.model.config.attention != "none"

    def prepare(self, text: str) -> tuple[list[str], list[str]]:
        """The tokens to translate and notes; raises InputError with a sentence for bad input."""
        language = language_names(self.direction)[0]
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"Type a sentence in {language} to translate.")
        notes = []
        if _MARKUP.search(text):
            text = _MARKUP.sub(" ", text)
            notes.append("The input looked like HTML/markup; the tags were removed and only the words translated.")
        tokens = tokenize(text)
        if not any(any(ch.isalnum() for ch in token) for token in tokens):
            raise InputError(f"There are no words to translate, only punctuation or symbols. "
                             f"Type a sentence in {language}.")
        if len(tokens) > MAX_WORDS:
            notes.append(f"The input has {len(tokens)} words and symbols; only the first {MAX_WORDS} were translated "
                         f"(the model was trained on sentences of up to ~40).")
            tokens = tokens[:MAX_WORDS]
        if any(len(t) > MAX_WORD_CHARS for t in tokens):
            notes.append(f"Words longer than {MAX_WORD_CHARS} letters were cut to their first {MAX_WORD_CHARS}.")
            tokens = [t[:MAX_WORD_CHARS] for t in tokens]
        owners = self.src.segmenter.split(tokens)[1]
        if len(owners) > MAX_PIECES:           # each word is <= MAX_WORD_CHARS pieces, so at least one word fits
            kept = owners[MAX_PIECES]
            notes.append(f"The input makes {len(owners)} subword pieces; only its first {kept} words and symbols "
                         f"({MAX_PIECES} pieces at most) were translated.")
            tokens = tokens[:kept]
        words = [t for t in tokens if any(ch.isalnum() for ch in t)]
        unknown = self.src.unknown_words(words)
        if len(words) >= 3 and len(unknown) / len(words) > 0.6:
            notes.append(f"{len(unknown)} of {len(words)} words are unknown to the model: is this {language}? "
                         f"The model only knows the vocabulary of its training sentences.")
        elif len(words) >= 3 and self.src.segmenter.subwords and self._looks_foreign(words):
            notes.append(f"Most words of this sentence were cut into small pieces the model rarely saw: "
                         f"is this {language}? The translation is likely to be poor.")
        return tokens, notes

    def _looks_foreign(self, words: list[str]) -> bool:
        """More than 70 % of the words read as two or more pieces (common words are one piece).

        Chosen on 1,500 shuffled dev pairs of the corpus: English typed into the French model is caught 90 % of
        the time and French into the English one 72 %, with 1.3 % and 0.1 % false alarms. The earlier rule
        ("more than half read as three or more pieces") caught 25-28 %."""
        owners = self.src.segmenter.split(words)[1]
        counts = [owners.count(i) for i in range(len(words))]
        return sum(c >= 2 for c in counts) > 0.7 * len(words)

    def translate(self, text: str, beam_size: int = BEAM_SIZE, length_alpha: float = 1.0) -> Translation:
        """Beam search (``beam_size=1``: greedy) + unknown-word replacement through attention."""
        tokens, notes = self.prepare(text)
        src_ids, owners = self.src.encode(tokens)
        pieces = self.src.segmenter.split(tokens)[0]
        max_len = 2 * len(src_ids) + 10
        unknown = self.src.unknown_words(tokens)
        hypotheses = self.model.beam_search(src_ids, max(1, beam_size), max_len, length_alpha)
        decoded = [self._words(h, owners, len(tokens)) for h in hypotheses]   # (words, alpha over words)
        raw, alpha = decoded[0]
        output, replaced = replace_unknowns(raw, alpha, tokens, set(unknown), self.dictionary)
        candidates = []
        for h, (words, word_alpha) in zip(hypotheses, decoded):
            words, _ = replace_unknowns(words, word_alpha, tokens, set(unknown), self.dictionary)
            candidates.append((detokenize(words, capitalize=True), h.log_prob, h.score))
        written = self.tgt.vocab.decode(hypotheses[0].tokens, strip_specials=False)
        return Translation(tokens, unknown, output, raw, hypotheses[0].tokens, alpha, replaced, candidates, notes,
                           src_ids, pieces, written)

    def _words(self, hypothesis, owners: list[int], n_words: int) -> tuple[list[str], np.ndarray | None]:
        """A hypothesis as written words and its attention (words written, source words), pieces grouped."""
        words, written_owners = self.tgt.decode(hypothesis.tokens)
        alpha = self._alpha(hypothesis)                                 # (T + 1, S) incl. the <eos> row
        if alpha is None:
            return words, None
        alpha = group_columns(alpha[:len(hypothesis.tokens)], owners, n_words)
        return words, group_rows(alpha, written_owners, len(words))

    @staticmethod
    def _alpha(hypothesis) -> np.ndarray | None:
        alpha = hypothesis.stacked("alpha")
        return alpha.numpy() if alpha is not None else None

    def step(self, translation: Translation, t: int) -> dict:
        """Decoder step ``t`` (0-based) of ``translation`` opened up: numpy arrays of the step."""
        src_ids = translation.source_ids
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


def load_evaluation(name: str = "translation") -> dict | None:
    """``pretrained/<name>/evaluation.json`` (written by scripts/eval_translation.py), or None."""
    path = PRETRAINED / name / "evaluation.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


LECTURE_EXAMPLE = {"en-fr": "Do you want to sing with me?", "fr-en": "Voulez-vous chanter avec moi ?"}
SOURCE_NAMES = {"games": "game dialogue", "bible": "the Bible", "stamps": "a Tux Paint stamp caption",
                "dictionary": "a dictionary headword"}


def presets(direction: str) -> dict[str, str]:
    """The page's examples, in order: the lecture's, some of the everyday set, one held-out sentence per source."""
    return dict(_presets(direction))


@functools.lru_cache(maxsize=2)
def _presets(direction: str) -> dict[str, str]:     # reads the corpus: once per process and direction
    side = 0 if direction == "en-fr" else 1
    found = {"The lecture's example": LECTURE_EXAMPLE[direction]}
    everyday = translation_data.read_everyday()
    for category in dict.fromkeys(row[2] for row in everyday):
        rows = [row for row in everyday if row[2] == category and row[side] != found["The lecture's example"]]
        if rows and len(found) < 7:
            found[f"Everyday: {category.replace('_', ' ')}"] = rows[len(rows) // 2][side]
    if translation_data.PREPARED.exists():
        test = translation_data.read_prepared(",".join(SOURCE_NAMES))["test"]
        for source, name in SOURCE_NAMES.items():
            rows = [row for row in test if row[2] == source and 4 <= len(row[side].split()) <= 14] or \
                   [row for row in test if row[2] == source]
            if rows:
                found[f"Held out, {name}"] = rows[len(rows) // 3][side]
    return found


def data_sentence(card: dict) -> str:
    """What the model was trained on, from its card, in one honest sentence."""
    sources = card.get("config", {}).get("sources", "")
    if not sources:
        return ("Trained on English→French pairs generated with pyrealb from a bilingual lexicon of ~500 everyday "
                "words (grammatical, often nonsensical): a teaching model, not a general translator.")
    return ("Trained on real human translations that ship with free software: fantasy and science-fiction game "
            "dialogue (Wesnoth, FreedroidRPG, Widelands; GPL-2+), Bible verses (World English Bible × Louis Segond "
            "1910; public domain), Tux Paint stamp captions (GPL-2) and the FreeDict English-French dictionary "
            "(GPL-2+)"
            + (", and on sentences of everyday classroom English generated with pyrealb from a bilingual lexicon "
               "(grammatical, often nonsensical; see the model card for the counts)" if "generated" in sources else "")
            + ". Modern idiom and chat are rare in them, so expect archaic or game-like French, and mistakes: "
            "a teaching model, not a general translator.")


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
