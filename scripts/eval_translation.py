"""Evaluate the English->French models on the held-out test sentences and print the tables.

    python scripts/eval_translation.py [--beam-limit=1000] [--threads=2] [--only=plain]

For the attention model and the plain encoder-decoder (same data; the training steps and the
plain model's reversed source are read from the cards and written in the note): sacrebleu BLEU
and chrF overall and by English sentence length (the long-sentence problem, Bahdanau 2014
Fig. 2), greedy vs beam-5 search, <unk> replacement through attention on vs off, and a
word-by-word dictionary baseline. ``--only=plain`` re-evaluates one model and keeps the other's
rows from the existing evaluation.json (after retraining one of them). Writes
``pretrained/translation/evaluation.json`` (read by the page) and appends the tables to both model cards.
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from rnnkit.core import checkpoint
from rnnkit.core.registry import load_pretrained
from rnnkit.core.runner import make_config
from rnnkit.core.text import tokenize
from rnnkit.translation import data as translation_data
from rnnkit.translation import task
from rnnkit.translation.translator import EVALUATION, MODELS, Translator, replace_unknowns

BUCKETS = ((1, 5), (6, 10), (11, 15), (16, 20), (21, 30), (31, 40))


def bucket_of(length: int) -> str:
    for low, high in BUCKETS:
        if low <= length <= high:
            return f"{low}-{high}"
    return f"{BUCKETS[-1][1] + 1}+"


def test_pairs(card: dict) -> list[tuple[str, str]]:
    cfg = make_config(task, card["config"])
    pairs, _ = translation_data.corpus(cfg.data, cfg.pairs, cfg.seed, cfg.workers)
    _, _, test = translation_data.split_pairs(pairs, cfg.dev_size, cfg.test_size, cfg.seed)
    return test


def greedy_outputs(translator: Translator, sources: list[str], replace: bool) -> list[list[str]]:
    """Greedy translations of the test set, ``<unk>`` copied back through attention when ``replace``."""
    decoded = task.translate_batch(translator.model, sources, translator.src_vocab, translator.tgt_vocab, max_len=None)
    outputs = []
    for source, (words, alpha) in zip(sources, decoded):
        if replace:
            tokens = tokenize(source)
            unknown = {i for i, t in enumerate(tokens) if t not in translator.src_vocab}
            words, _ = replace_unknowns(words, alpha, tokens, unknown, translator.dictionary)
        outputs.append(words)
    return outputs


def beam_outputs(translator: Translator, sources: list[str], beam: int) -> list[list[str]]:
    return [translator.translate(s, beam_size=beam).output for s in sources]


def scores_by_length(outputs, pairs) -> dict:
    groups: dict[str, list[int]] = {}
    for i, (en, _) in enumerate(pairs):
        groups.setdefault(bucket_of(len(tokenize(en))), []).append(i)
    table = {}
    for low, high in BUCKETS:
        name = f"{low}-{high}"
        if name in groups:
            idx = groups[name]
            table[name] = {**task.bleu_chrf([outputs[i] for i in idx], [pairs[i][1] for i in idx]), "n": len(idx)}
    return table


def dictionary_baseline(sources: list[str], dictionary: dict) -> list[list[str]]:
    """Word by word: each English word replaced by its French lemma from the lexicon (or kept)."""
    return [[dictionary.get(t, t) for t in tokenize(s)] for s in sources]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--beam-limit", type=int, default=1000, help="test sentences decoded with beam search")
    parser.add_argument("--beam", type=int, default=5, help="beam size of the beam-search rows")
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--only", choices=sorted(MODELS), help="re-evaluate this model only; keep the other's rows")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dictionary = translation_data.bilingual_dictionary()
    translators = {}
    for name, directory in MODELS.items():
        try:
            translators[name] = Translator(*load_pretrained(directory), dictionary)
        except FileNotFoundError:
            print(f"(no {directory} model: skipped)")
    pairs = test_pairs(next(iter(translators.values())).card)
    sources, references = [en for en, _ in pairs], [fr for _, fr in pairs]
    print(f"test set: {len(pairs)} sentence pairs never seen in training")

    overall, by_length, seconds = {}, {}, {}
    if args.only and EVALUATION.exists():
        old = json.loads(EVALUATION.read_text(encoding="utf-8"))
        for name in MODELS:
            if name != args.only and name in old["by_length"]:
                overall.update({k: v for k, v in old["overall"].items() if k.startswith(name + " ")})
                seconds.update({k: v for k, v in old["seconds"].items() if k.startswith(name + " ")})
                by_length[name] = old["by_length"][name]
    for name, translator in translators.items():
        if args.only and name != args.only and name in by_length:
            continue
        start = time.perf_counter()
        greedy = greedy_outputs(translator, sources, replace=translator.has_attention)
        seconds[f"{name} greedy"] = time.perf_counter() - start
        overall[f"{name} greedy"] = task.bleu_chrf(greedy, references)
        by_length[name] = scores_by_length(greedy, pairs)
        if translator.has_attention:
            raw = greedy_outputs(translator, sources, replace=False)
            overall[f"{name} greedy, no unk replacement"] = task.bleu_chrf(raw, references)
        limit = min(args.beam_limit, len(pairs))
        start = time.perf_counter()
        beam = beam_outputs(translator, sources[:limit], args.beam)
        seconds[f"{name} beam-{args.beam}"] = time.perf_counter() - start
        overall[f"{name} beam-{args.beam}" + (f" ({limit} sentences)" if limit < len(pairs) else "")] = \
            task.bleu_chrf(beam, references[:limit])
        if limit < len(pairs):
            overall[f"{name} greedy ({limit} sentences)"] = task.bleu_chrf(greedy[:limit], references[:limit])
    overall["word-by-word dictionary baseline"] = task.bleu_chrf(dictionary_baseline(sources, dictionary), references)

    print("\n| system | BLEU | chrF |\n|---|---|---|")
    for name, s in overall.items():
        print(f"| {name} | {s['bleu']:.1f} | {s['chrf']:.1f} |")
    print("\nBLEU (chrF) by English length, greedy decoding:\n")
    names = list(by_length)
    print("| words | n | " + " | ".join(names) + " |\n|---|---|" + "---|" * len(names))
    for low, high in BUCKETS:
        bucket = f"{low}-{high}"
        if all(bucket in by_length[n] for n in names):
            cells = [f"{by_length[n][bucket]['bleu']:.1f} ({by_length[n][bucket]['chrf']:.1f})" for n in names]
            print(f"| {bucket} | {by_length[names[0]][bucket]['n']} | " + " | ".join(cells) + " |")
    print("\ndecoding time for the whole test set (s): " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))

    models = {name: training_summary(t.card) for name, t in translators.items()}
    note = (f"{len(pairs)} held-out generated sentence pairs; sacrebleu BLEU/chrF on lowercased rnnkit tokens; "
            f"greedy decoding (attention model with <unk> replacement). Same data for both models; "
            + "; ".join(f"{name}: {m['text']}" for name, m in models.items()) + ".")
    evaluation = {"overall": overall, "by_length": by_length, "seconds": seconds, "models": models, "note": note}
    EVALUATION.parent.mkdir(parents=True, exist_ok=True)
    EVALUATION.write_text(json.dumps(evaluation, indent=1) + "\n", encoding="utf-8")
    for name, directory in MODELS.items():
        if name in translators:
            attach_to_card(directory, evaluation)


def training_summary(card: dict) -> dict:
    """Steps, threads, seconds and source order of one trained model, with a sentence."""
    cfg, model = card.get("config", {}), card.get("model_config", {})
    summary = {"steps": card.get("steps"), "train_seconds": card.get("train_seconds"),
               "threads": cfg.get("threads"), "hidden_size": model.get("hidden_size"),
               "reverse_source": bool(model.get("reverse_source", False))}
    summary["text"] = (f"{summary['steps']:,} training steps, hidden size {summary['hidden_size']}"
                       + (", source read backwards (Sutskever et al. 2014)" if summary["reverse_source"] else ""))
    return summary


def attach_to_card(directory: str, evaluation: dict) -> None:
    """Add the evaluation to card.json and re-render README.md with the tables appended."""
    path = checkpoint.resolve(directory)
    card = checkpoint.load_card(path)
    card["evaluation"] = evaluation
    (path / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = ["## Evaluation (scripts/eval_translation.py)", "", evaluation["note"], "",
             "| system | BLEU | chrF |", "|---|---|---|"]
    lines += [f"| {k} | {v['bleu']:.1f} | {v['chrf']:.1f} |" for k, v in evaluation["overall"].items()]
    names = list(evaluation["by_length"])
    lines += ["", "BLEU by English length (greedy):", "", "| words | " + " | ".join(names) + " |",
              "|---|" + "---|" * len(names)]
    buckets = evaluation["by_length"][names[0]]
    for bucket, cell in buckets.items():
        lines.append(f"| {bucket} (n={cell['n']}) | "
                     + " | ".join(f"{evaluation['by_length'][n][bucket]['bleu']:.1f}" for n in names) + " |")
    (path / checkpoint.README).write_text(checkpoint.render_card(card) + "\n" + "\n".join(lines) + "\n",
                                          encoding="utf-8")


if __name__ == "__main__":
    main()
