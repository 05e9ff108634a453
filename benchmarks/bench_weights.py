"""Smaller weights in memory: every shipped model's held-out quality and weight bytes, float32 against the form
the app loads (word embeddings stored in float16), and torch's dynamic int8 quantisation where it applies.

    python -m benchmarks.bench_weights [--readme]

``registry.load_pretrained`` stores every word-embedding table in float16 (``store_embeddings_in_float16``);
here each model is also loaded as its file holds it (``load_as_saved``: float32), and both are scored on the same
held-out data with the same code the evaluation scripts use: the sentiment movie test split, the NER
human-annotated test, the translation everyday set (beam 5), the captioning held-out composed scenes (beam 3).
"same answers" is the share of inputs whose answer (verdict, tags, translation, caption) is identical in both.

Dynamic int8 (``torch.ao.quantization.quantize_dynamic`` of the LSTMs and linear layers) is measured on the
sentiment model, the one whose every layer it can replace: it quantises each call's activations with one
scale for the whole batch, so a sentence's probabilities depend on the sentences scored beside it (the page
scores a sentence alone, its prefixes together); the table shows by how much.
"""

from __future__ import annotations

import argparse
import copy
import sys
import warnings

import torch
from torch import nn

from benchmarks.timing import write_readme
from rnnkit.core.registry import load_as_saved, store_embeddings_in_float16


def weight_mb(model: nn.Module) -> float:
    tensors = list(model.state_dict().values())
    return sum(t.numel() * t.element_size() for t in tensors if isinstance(t, torch.Tensor)) / 1e6


def int8_weight_mb(model: nn.Module) -> float:
    """Bytes of a dynamically quantised model: its packed int8 weights are not in state_dict() as tensors."""
    import io
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.tell() / 1e6


def same_share(first: list, second: list) -> float:
    return sum(a == b for a, b in zip(first, second)) / len(first)


# ----------------------------------------------------------------------------- one scorer per application


def sentiment(model, card) -> tuple[str, list]:
    from rnnkit.sentiment import data as D
    from rnnkit.sentiment.classifier import SentimentClassifier
    from rnnkit.sentiment.model import consistent_answers
    test = D.read_split("test")
    verdict, fine = consistent_answers(*SentimentClassifier(model, card).predict(test["text"].tolist()))
    scores = D.classification_scores(test["binary"], verdict, test["fine"], fine)
    return (f"binary {scores['binary_accuracy']:.1%}, 5 classes {scores['fine_accuracy']:.1%}",
            list(zip(verdict.tolist(), fine.tolist())))


def ner(model, card) -> tuple[str, list]:
    from rnnkit.ner import data
    from rnnkit.ner.tagger import Tagger
    from rnnkit.ner.task import entity_scores, predict_tags
    tagger = Tagger(model, card)
    sentences = data.read_split("human_test")
    tags = predict_tags(model, data.TaggedDataset(sentences, tagger.words, tagger.chars))
    return f"entity F1 {entity_scores([s.tags for s in sentences], tags)['f1']:.1%}", tags


def translation(model, card) -> tuple[str, list]:
    from rnnkit.translation import data, task
    from rnnkit.translation.translator import Translator
    translator = Translator(model, card)
    everyday = task.orient(data.read_everyday(), translator.direction)
    outputs = [translator.translate(source, beam_size=5).output for source, _ in everyday]
    scores = task.bleu_chrf(outputs, [reference for _, reference in everyday])
    return f"everyday BLEU {scores['bleu']:.1f}, chrF {scores['chrf']:.1f}", outputs


def captioning(model, card) -> tuple[str, list]:
    from rnnkit.captioning import task
    from rnnkit.captioning.captioner import Captioner, bleu_scores
    from rnnkit.core.runner import make_config
    captioner = Captioner(model, card)
    cfg = make_config(task, card["config"])
    cfg.dry_run = False
    scenes = task.D.encode(*task.default_plan(cfg)["scenes_test"], progress=False)
    captions = [captioner.text(captioner.decoder.beam_search(scenes.regions[i:i + 1].float(), 3, cfg.max_len)[0])
                for i in range(len(scenes))]
    return f"scenes BLEU-4 {bleu_scores(captions, scenes.references)['bleu4']:.1f}", captions


MODELS = {"sentiment": sentiment, "ner": ner, "ner_forward": ner, "translation": translation,
          "translation_fr_en": translation, "translation_plain": translation, "captioning": captioning,
          "captioning_fr": captioning}


def int8_rows() -> list[str]:
    """Dynamic int8 on the sentiment model: its score, its bytes, and how much batching moves an answer."""
    from rnnkit.core.text import tokenize
    from rnnkit.sentiment.classifier import SentimentClassifier
    model, card = load_as_saved("sentiment")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                            # torch.ao.quantization's deprecation notice
        quantised = torch.ao.quantization.quantize_dynamic(store_embeddings_in_float16(copy.deepcopy(model)),
                                                           {nn.LSTM, nn.Linear}, dtype=torch.qint8)
    score, _ = sentiment(quantised, card)
    classifier = SentimentClassifier(quantised, card)
    tokens = tokenize("There is nothing to like in this movie.")
    alone = classifier.predict_tokens([tokens])[0][0, 1]
    with_prefixes = classifier.prefix_scores(tokens)["p_positive"].iloc[-1]
    return [f"| sentiment, dynamic int8 (LSTM + linear) and float16 embeddings | {int8_weight_mb(quantised):.1f} "
            f"| {score} | P(positive) of the lecture's sentence alone {alone:.4f}, scored with its prefixes "
            f"{with_prefixes:.4f} |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated model names (default: all)")
    parser.add_argument("--readme", action="store_true", help="write the table into the README")
    args = parser.parse_args()
    torch.set_num_threads(1)
    names = [n for n in MODELS if not args.only or n in args.only.split(",")]
    lines = ["| model | weights in memory: float32 → float16 embeddings (MB) | held-out: float32 | "
             "held-out: float16 embeddings | same answers |", "|---|---|---|---|---|"]
    total = [0.0, 0.0]
    for name in names:
        model, card = load_as_saved(name)
        before_mb = weight_mb(model)
        before, before_answers = MODELS[name](model, card)
        store_embeddings_in_float16(model)
        after_mb = weight_mb(model)
        after, after_answers = MODELS[name](model, card)
        total = [total[0] + before_mb, total[1] + after_mb]
        lines.append(f"| {name} | {before_mb:.1f} → {after_mb:.1f} | {before} | {after} "
                     f"| {same_share(before_answers, after_answers):.1%} of {len(before_answers)} |")
        print(lines[-1], file=sys.stderr, flush=True)                 # progress; the table is printed below
    lines.append(f"| all of these | {total[0]:.1f} → {total[1]:.1f} | | | |")
    text = "\n".join(lines)
    if "sentiment" in names:
        int8 = ["", "| form | weights (MB) | held-out | one sentence alone vs in a batch |", "|---|---|---|---|",
                *int8_rows()]
        text += "\n" + "\n".join(int8)
    print(text)
    if args.readme:
        write_readme("weights", "benchmarks/bench_weights.py", text)


if __name__ == "__main__":
    main()
