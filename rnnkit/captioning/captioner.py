"""Caption one image end to end: the one service behind the Captioning page and ``rnnkit caption``.

``Captioner`` bundles a trained decoder (``registry.load_pretrained("captioning")``) with the
shared frozen encoder; ``caption(image, beam)`` returns everything the page shows, and
``read_image(path)`` opens a file as the page opens an upload. Also the caption helpers shared
with training: reference tokens, text and BLEU-1..4.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from rnnkit.captioning.encoder import GRID, ImagenetClass, encode_images, top_classes
from rnnkit.captioning.model import ShowAttendTell
from rnnkit.core.decoding import Hypothesis
from rnnkit.core.images import LoadedImage, load_image
from rnnkit.core.inputs import InputError
from rnnkit.core.registry import load_pretrained
from rnnkit.core.text import Vocabulary, detokenize, tokenize

BEAM = 3                # the page's default beam width
MODEL_OF_LANGUAGE = {"en": "captioning", "fr": "captioning_fr"}     # the shipped decoder of each caption language
TRAIN_OF_LANGUAGE = {"en": "rnnkit train captioning",
                     "fr": "rnnkit train captioning --language=fr --out=pretrained/captioning_fr"}


def caption_tokens(caption: str, atomic: set[str] = frozenset()) -> list[str]:
    """Tokens of a reference caption: the shared tokenizer, except that ImageNet class-name tokens
    (``tabby_cat``) stay whole."""
    return [t for word in caption.split() for t in ([word] if word in atomic else tokenize(word))]


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
    candidates: list[tuple[str, float, float]]   # (text, log-probability, length-normalised score), best first
    top5: list[tuple[ImagenetClass, float]]  # the encoder's own ImageNet prediction


class Captioner:
    """A trained decoder + the frozen encoder, shared read-only by every session at once (inference
    changes no state). A page keeps one per model (``pages._common.load_service``)."""

    def __init__(self, decoder: ShowAttendTell, card: dict):
        self.decoder = decoder.eval()
        self.card = card
        self.vocab = Vocabulary(list(card["extras"]["vocab"]))
        self.max_len = int(card["config"].get("max_len", 20))
        self.language = card["extras"].get("language", "en")      # "en" or "fr"

    def caption(self, image: Image.Image, beam: int = BEAM) -> CaptionResult:
        regions, logits = encode_images([image])                        # (1, 49, 1280), (1, 1000)
        candidates = self.decoder.beam_search(regions, beam, self.max_len)
        best = candidates[0]
        return CaptionResult(caption=self.text(best), words=self.words(best),
                             candidates=[(self.text(c), c.log_prob, c.score) for c in candidates],
                             top5=top_classes(logits[0], 5))

    def text(self, hypothesis: Hypothesis) -> str:
        """``a Egyptian_cat .`` -> "an Egyptian cat." (class names unjoined, a/an fixed)."""
        return detokenize(self.vocab.decode(hypothesis.tokens), english_articles=self.language == "en")

    def words(self, hypothesis: Hypothesis) -> list[Word]:
        """One ``Word`` per generated token (the <eos> step's map is left out)."""
        alphas, shares = hypothesis.extras["alpha"], hypothesis.extras["copy_share"]
        return [Word(self.vocab.itos[t].replace("_", " "), a.double().numpy().reshape(GRID, GRID), float(s))
                for t, a, s in zip(hypothesis.tokens, alphas, shares)]


def load_captioner(name: str = "captioning") -> Captioner:
    """The shipped captioner (``FileNotFoundError`` when it is not trained)."""
    return Captioner(*load_pretrained(name))


def read_image(path: str | Path) -> LoadedImage:
    """An image file opened as the page opens an upload; ``InputError`` with a sentence when it cannot be."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"There is no file {path}.") from None
    except OSError as error:
        raise InputError(f"The file {path} cannot be read ({error.strerror or type(error).__name__}).") from None
    return load_image(data)
