"""Caption one image end to end: preprocessing, frozen encoder, decoder search, attention maps.

``Captioner`` bundles a trained decoder (``load_pretrained("captioning")``) with the shared
frozen encoder; ``caption(image, beam)`` returns everything the page shows. Also the caption
helpers shared with training: tokens <-> text and BLEU-1..4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from rnnkit.captioning.encoder import GRID, ImagenetClass, encode_images, top_classes
from rnnkit.captioning.model import Candidate, ShowAttendTell
from rnnkit.core.text import Vocabulary, tokenize


def caption_tokens(caption: str, atomic: set[str] = frozenset()) -> list[str]:
    """Tokens of a reference caption: the shared tokenizer, except that ImageNet class-name tokens
    (``tabby_cat``) stay whole."""
    return [t for word in caption.split() for t in ([word] if word in atomic else tokenize(word))]


def detokenize(tokens: list[str]) -> str:
    """``["a", "Egyptian_cat", "."]`` -> ``"an Egyptian cat."`` (class names unjoined, a/an fixed)."""
    words = [t.replace("_", " ") for t in tokens]
    for i in range(len(words) - 1):
        if words[i] in ("a", "an"):
            words[i] = "an" if words[i + 1][:1].lower() in "aeiou" else "a"
    text = " ".join(words)
    for mark in (".", ",", "!", "?", ";", ":"):
        text = text.replace(f" {mark}", mark)
    return text


def bleu_scores(hypotheses: list[str], references: list[list[str]]) -> dict[str, float]:
    """Corpus BLEU-1..4 (sacrebleu, 13a tokenisation; BLEU-n = brevity penalty x geometric mean
    of the 1..n-gram precisions, no smoothing, as in the captioning literature), 0-100."""
    from sacrebleu.metrics import BLEU
    if not hypotheses:
        return {f"bleu{n}": 0.0 for n in range(1, 5)}
    plain = lambda text: text.replace(" .", ".")          # 13a splits the full stop off again
    width = max(len(refs) for refs in references)
    streams = [[plain(refs[k]) if k < len(refs) else None for refs in references] for k in range(width)]
    hypotheses = [plain(h) for h in hypotheses]
    return {f"bleu{n}": round(BLEU(max_ngram_order=n, smooth_method="none").corpus_score(hypotheses, streams).score, 2)
            for n in range(1, 5)}


@dataclass
class Word:
    text: str
    alpha: np.ndarray          # (7, 7) attention map over the encoder grid, sums to 1
    copy_share: float          # share of this word's probability that came from the copy head


@dataclass
class CaptionResult:
    caption: str
    words: list[Word]
    candidates: list[tuple[str, float, float]]   # beam candidates: (text, log-probability, length-normalised score), best first
    top5: list[tuple[ImagenetClass, float]]  # the encoder's own ImageNet prediction


class Captioner:
    """A trained decoder + the frozen encoder, both shared read-only between sessions and used by
    several at once (inference changes no state; a test checks concurrent callers' answers). Cheap:
    make one per rerun."""

    def __init__(self, decoder: ShowAttendTell, card: dict):
        self.decoder = decoder.eval()
        self.card = card
        self.vocab = Vocabulary(list(card["extras"]["vocab"]))
        self.max_len = int(card["config"].get("max_len", 20))

    def caption(self, image: Image.Image, beam: int = 3) -> CaptionResult:
        regions, logits = encode_images([image])                        # (1, 49, 1280), (1, 1000)
        with torch.no_grad():
            candidates = self.decoder.beam_search(regions, self.vocab.bos_id, self.vocab.eos_id, beam, self.max_len)
        best = candidates[0]
        return CaptionResult(caption=self.text(best), words=self.words(best),
                             candidates=[(self.text(c), c.log_prob, c.score) for c in candidates],
                             top5=top_classes(logits[0], 5))

    def text(self, candidate: Candidate) -> str:
        return detokenize(self.vocab.decode(candidate.tokens))

    def words(self, candidate: Candidate) -> list[Word]:
        return [Word(self.vocab.itos[t].replace("_", " "), np.asarray(a).reshape(GRID, GRID), s)
                for t, a, s in zip(candidate.tokens, candidate.alphas, candidate.copy_shares)]


def load_captioner(name: str = "captioning") -> Captioner:
    from rnnkit.core.registry import load_pretrained
    decoder, card = load_pretrained(name)
    return Captioner(decoder, card)
