"""Evaluate the shipped translation models and write ``pretrained/<model>/evaluation.json``.

    python scripts/eval_translation.py [--threads=1] [--beam=5] [--only=translation,translation_fr_en]

For every shipped model (``rnnkit.translation.translator.MODELS``), with sacrebleu BLEU and chrF on
lowercased rnnkit tokens:

- the hand-written everyday set (``data/translation/everyday.tsv``, never trained or tuned on),
  beam search and greedy, and a word-by-word dictionary baseline (the corpus' FreeDict pairs);
- the held-out test split of each source of ``data/translation/pairs.tsv.gz``, greedy;
- BLEU by source length on all those test pairs, the attention model beside the plain one
  (the long-sentence problem, Bahdanau et al. 2014, Fig. 2);
- the speed of a 12-word sentence, greedy and beam, at the threads asked for.

The README and the page read their figures from these files; nothing is typed by hand.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import time

import numpy as np
import torch

from rnnkit.core import checkpoint
from rnnkit.core.registry import load_pretrained
from rnnkit.core.text import tokenize
from rnnkit.translation import data as translation_data
from rnnkit.translation import task
from rnnkit.translation.translator import MODELS, SINK_MIN_STEPS, Translator, replace_unknowns

BUCKETS = ((1, 5), (6, 10), (11, 15), (16, 20), (21, 30), (31, 60))
TWELVE_WORDS = {"en-fr": "My brother and I are going to the beach with our friends tomorrow.",
                "fr-en": "Mon frère et moi allons à la plage avec nos amis demain matin."}


def vocabulary_coverage(translator: Translator, everyday: list[str], training: list[str]) -> dict:
    """The share of the everyday sentences' words (source side) the model cannot read: with its sentencepiece
    pieces (a word is unknown when one of its pieces is), and with a whole-word vocabulary of the training
    sentences' most frequent 20,000 words or all of them (the alternative the issue asks to measure)."""
    words = [w for sentence in everyday for w in tokenize(sentence)]
    counts = collections.Counter(w for sentence in training for w in tokenize(sentence))
    top = {w for w, _ in counts.most_common(20_000)}
    unknown_pieces = sum(len(translator.src.unknown_words([w])) for w in words)
    pieces = len(translator.src.segmenter.split(words)[0])
    return {"everyday_words": len(words), "pieces_unknown_pct": round(100 * unknown_pieces / len(words), 2),
            "pieces_per_word": round(pieces / len(words), 2),
            "words_20000_unknown_pct": round(100 * sum(w not in top for w in words) / len(words), 2),
            "words_all_unknown_pct": round(100 * sum(w not in counts for w in words) / len(words), 2),
            "training_words": len(counts)}


def read_splits(sources: str, config: dict) -> dict:
    """The splits a model was trained and tested on (its sources, with the generated sentences it was given)."""
    return translation_data.read_prepared(sources, generated=config.get("pairs", 60000), seed=config.get("seed", 0))


def bucket_of(length: int) -> str | None:
    for low, high in BUCKETS:
        if low <= length <= high:
            return f"{low}-{high}"
    return None


def greedy_outputs(translator: Translator, sources: list[str]) -> list[list[str]]:
    """Greedy translations, ``<unk>`` copied back through attention (as the page does)."""
    decoded = task.translate_batch(translator.model, sources, translator.src, translator.tgt, max_len=None)
    outputs = []
    for source, (words, alpha) in zip(sources, decoded):
        if alpha is not None and not translator.src.segmenter.subwords:
            tokens = tokenize(source)
            words, _ = replace_unknowns(words, alpha.numpy(), tokens, set(translator.src.unknown_words(tokens)),
                                        translator.dictionary)
        outputs.append(words)
    return outputs


def dictionary_links(direction: str) -> dict[str, set[str]]:
    """Target word -> the source words that the corpus' FreeDict pairs translate by it (one word on each side)."""
    links: dict[str, set[str]] = {}
    for source, target in task.orient(translation_data.read_prepared("dictionary")["train"], direction):
        source_words, target_words = tokenize(source), tokenize(target)
        if len(source_words) == 1 and len(target_words) == 1:
            links.setdefault(target_words[0], set()).add(source_words[0])
    return links


def attention_sink(translations: list, links: dict[str, set[str]]) -> dict:
    """How often a translation's attention map is one column (``Translation.attention_sink``: most steps look
    hardest at one source word), the share of all output steps that look hardest at the source's last word, and
    whether attention finds the word being translated: of the output words that the dictionary links to exactly
    one word of their source, the share that look hardest at that word, beside the diagonal alone (output word i
    of T looking at source word round((i + 1/2) S / T - 1/2), as a monotone word-for-word reading would)."""
    maps = [t for t in translations if t.alpha is not None and len(t.alpha) >= SINK_MIN_STEPS]
    on_last = np.concatenate([t.alpha.argmax(1) == t.alpha.shape[1] - 1 for t in maps])
    one_column = sum(t.attention_sink() is not None for t in maps) / len(maps)
    linked = on_word = on_diagonal = 0
    for t in maps:
        rows, width = min(len(t.output), len(t.alpha)), t.alpha.shape[1]
        for step, word in enumerate(t.output[:rows]):
            positions = [j for j, source in enumerate(t.source) if source in links.get(word, ())]
            if len(positions) == 1:
                linked += 1
                on_word += int(t.alpha[step].argmax() == positions[0])
                on_diagonal += int(round((step + 0.5) * width / rows - 0.5) == positions[0])
    return {"sentences": len(maps), "one_column": round(one_column, 4),
            "steps_on_last_word": round(float(on_last.mean()), 4), "dictionary_linked_steps": linked,
            "on_dictionary_word": round(on_word / max(linked, 1), 4),
            "diagonal_on_dictionary_word": round(on_diagonal / max(linked, 1), 4)}


def dictionary_baseline(sources: list[str], dictionary: dict) -> list[list[str]]:
    """Word by word: each source word replaced by its first dictionary translation (or kept)."""
    return [[dictionary.get(t, t) for t in tokenize(s)] for s in sources]


def by_length(outputs: list[list[str]], pairs: list[tuple[str, str]]) -> dict:
    groups: dict[str, list[int]] = {}
    for i, (source, _) in enumerate(pairs):
        if (name := bucket_of(len(tokenize(source)))) is not None:
            groups.setdefault(name, []).append(i)
    return {f"{low}-{high}": {**task.bleu_chrf([outputs[i] for i in groups[f"{low}-{high}"]],
                                               [pairs[i][1] for i in groups[f"{low}-{high}"]]),
                              "n": len(groups[f"{low}-{high}"])}
            for low, high in BUCKETS if f"{low}-{high}" in groups}


def speed(translator: Translator, beam: int, repeats: int = 15) -> dict:
    sentence = TWELVE_WORDS[translator.direction]
    result = {"sentence": sentence, "words": len([t for t in tokenize(sentence) if t.isalnum()])}
    for name, size in (("greedy_ms", 1), (f"beam{beam}_ms", beam)):
        translator.translate(sentence, beam_size=size)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            translator.translate(sentence, beam_size=size)
            times.append(1000 * (time.perf_counter() - start))
        result[name] = round(statistics.median(times), 1)
    return result


def evaluate(name: str, translator: Translator, beam: int, threads: int, test_limit: int = 0) -> tuple[dict, dict]:
    """One model's evaluation.json, and its greedy outputs on the held-out test pairs (for by-length)."""
    direction = translator.direction
    rows = translation_data.read_everyday()
    config = translator.card.get("config", {})
    sources_used = config.get("sources", "")
    splits = read_splits(sources_used, config) if sources_used else {"train": [], "test": []}   # read once
    trained = set() if config.get("drop_everyday", False) else {
        " ".join(tokenize(row[0])) for row in splits["train"]}
    seen = [i for i, row in enumerate(rows) if " ".join(tokenize(row[0])) in trained]
    everyday = task.orient(rows, direction)
    sources, references = [s for s, _ in everyday], [r for _, r in everyday]
    dictionary = translation_data.dictionary_from_pairs(translation_data.read_prepared("dictionary")["train"],
                                                        direction)
    translations = [translator.translate(s, beam_size=beam) for s in sources]
    outputs = {f"beam {beam}": [t.output for t in translations], "greedy": greedy_outputs(translator, sources),
               "word-by-word dictionary": dictionary_baseline(sources, dictionary)}
    unseen = [i for i in range(len(rows)) if i not in seen]
    overall = {f"everyday, {system}": task.bleu_chrf([out[i] for i in unseen], [references[i] for i in unseen])
               for system, out in outputs.items()}
    overall.update({f"everyday incl. the {len(seen)} in the games' training split, {system}":
                    task.bleu_chrf(out, references) for system, out in outputs.items() if system != "greedy"})
    test_rows = splits["test"]
    if test_limit:                                  # the first test_limit pairs of each source (file order)
        test_rows = [row for source in dict.fromkeys(r[2] for r in test_rows)
                     for row in [r for r in test_rows if r[2] == source][:test_limit]]
    test_pairs = task.orient(test_rows, direction)
    greedy = greedy_outputs(translator, [s for s, _ in test_pairs])
    per_source = {}
    for source in dict.fromkeys(row[2] for row in test_rows):
        index = [i for i, row in enumerate(test_rows) if row[2] == source]
        per_source[source] = {**task.bleu_chrf([greedy[i] for i in index], [test_pairs[i][1] for i in index]),
                              "n": len(index),
                              "dictionary": task.bleu_chrf(dictionary_baseline([test_pairs[i][0] for i in index],
                                                                               dictionary),
                                                           [test_pairs[i][1] for i in index])["bleu"]}
        overall[f"{source} test, greedy"] = {k: per_source[source][k] for k in ("bleu", "chrf")}
    if test_pairs:
        overall["all test splits, greedy"] = task.bleu_chrf(greedy, [t for _, t in test_pairs])
    card = translator.card
    init = card.get("init") or {}                   # a fine-tuned model: its trained parent's steps and time count too
    coverage = vocabulary_coverage(translator, sources,
                                   [row[0 if direction == "en-fr" else 1] for row in splits["train"]])
    evaluation = {
        "model": name, "direction": direction, "overall": overall, "test_by_source": per_source,
        "by_length": {"attention" if translator.has_attention else "plain": by_length(greedy, test_pairs)},
        "attention_sink": ({**attention_sink(translations, dictionary_links(direction)), "beam": beam}
                           if translator.has_attention else None),
        "speed": {**speed(translator, beam), "threads": threads},
        "vocabulary_coverage": coverage,
        "weights_mb": round((checkpoint.resolve(name) / checkpoint.WEIGHTS).stat().st_size / 1e6, 1),
        "training": {"steps": card.get("steps") + init.get("steps", 0),
                     "train_seconds": card.get("train_seconds") + init.get("train_seconds", 0),
                     "fine_tuned": {"steps": card.get("steps"), "train_seconds": card.get("train_seconds"),
                                    "guided_alignment": card["config"].get("guided_alignment", 0.0)} if init else None,
                     "reproduce": card.get("reproduce"), "hidden_size": card["model_config"].get("hidden_size"),
                     "reverse_source": card["model_config"].get("reverse_source", False)},
        "everyday_examples": [{"source": sources[i], "reference": references[i],
                               "beam": " ".join(outputs[f"beam {beam}"][i])} for i in range(0, len(rows), 20)],
        "note": (f"sacrebleu BLEU/chrF on lowercased rnnkit tokens. Everyday: the {len(unseen)} of the {len(rows)} "
                 f"hand-written sentences of data/translation/everyday.tsv that are in no training split (never "
                 f"used to tune; "
                 + (f"{len(seen)} short ones such as 'How are you?' are also game dialogue" if seen else
                    "the few that are also game dialogue were dropped from training")
                 + f"). Test: the held-out split of each source of data/translation/pairs.tsv.gz and of the "
                 f"generated sentences ({len(test_pairs)} pairs), greedy decoding."),
    }
    return evaluation, {"greedy": greedy, "pairs": test_pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--beam", type=int, default=5, help="beam size of the beam-search rows")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--test-limit", type=int, default=0, help="test pairs per source (default: all)")
    parser.add_argument("--only", default="", help="comma-separated pretrained names to evaluate (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    wanted = [n for n in args.only.split(",") if n] or list(MODELS.values())
    results = {}
    for name in MODELS.values():
        if name not in wanted:
            continue
        try:
            translator = Translator(*load_pretrained(name))
        except FileNotFoundError:
            print(f"(no {name} model: skipped)")
            continue
        if not translator.card.get("config", {}).get("sources"):
            print(f"({name} was trained on the old generated corpus: skipped)")
            continue
        results[name] = evaluate(name, translator, args.beam, args.threads, args.test_limit)
    attention, plain = results.get(MODELS[("attention", "en-fr")]), results.get(MODELS[("plain", "en-fr")])
    if attention and plain and len(attention[1]["pairs"]) == len(plain[1]["pairs"]):
        both = {**attention[0]["by_length"], **plain[0]["by_length"]}
        for evaluation, _ in (attention, plain):
            evaluation["by_length"] = both
            evaluation["plain_vs_attention"] = "same held-out pairs, greedy decoding"
            evaluation["models"] = {"attention": attention[0]["training"], "plain": plain[0]["training"]}
    for name, (evaluation, _) in results.items():
        path = checkpoint.resolve(name) / "evaluation.json"
        path.write_text(json.dumps(evaluation, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        attach_to_card(name, evaluation)
        print(f"\n## {name} ({evaluation['direction']}) -> {path}\n\n| system | BLEU | chrF |\n|---|---|---|")
        for system, s in evaluation["overall"].items():
            print(f"| {system} | {s['bleu']:.1f} | {s['chrf']:.1f} |")
        print("\nby source length (greedy BLEU): " + json.dumps(
            {m: {b: round(c["bleu"], 1) for b, c in t.items()} for m, t in evaluation["by_length"].items()}))
        print("speed: " + json.dumps(evaluation["speed"]) + f"; weights {evaluation['weights_mb']} MB")
        if evaluation["attention_sink"]:
            print("attention on the everyday set: " + json.dumps(evaluation["attention_sink"]))
    on_disk = {name: checkpoint.resolve(name) / "evaluation.json" for name in MODELS.values()}
    write_readme({name: json.loads(path.read_text(encoding="utf-8")) for name, path in on_disk.items()
                  if path.exists()})


def write_readme(evaluations: dict) -> None:
    """Replace the README's translation figures (between its two markers) with these evaluations' tables."""
    lines = []
    for name, evaluation in evaluations.items():
        t, s = evaluation["training"], evaluation["speed"]
        beam_ms = next(v for k, v in s.items() if k.startswith("beam"))
        tuned = t.get("fine_tuned")
        lines += [f"**{name}** ({evaluation['direction']}; {t['steps']:,} steps in {t['train_seconds'] / 60:.0f} min"
                  + (f", the last {tuned['steps']:,} ({tuned['train_seconds'] / 60:.0f} min) fine-tuning"
                     + (f" with guided alignment (weight {tuned['guided_alignment']})" if tuned["guided_alignment"]
                        else " without it") if tuned else "")
                  + f", `{t['reproduce']}`; weights {evaluation['weights_mb']} MB; {s['words']}-word sentence at "
                  f"{s['threads']} thread: greedy {s['greedy_ms']} ms, beam {beam_ms} ms)",
                  "", "| system | BLEU | chrF |", "|---|---|---|"]
        lines += [f"| {k} | {v['bleu']:.1f} | {v['chrf']:.1f} |" for k, v in evaluation["overall"].items()] + [""]
        sink = evaluation.get("attention_sink")
        if sink:
            lines += [f"Attention on the everyday set (beam {sink['beam']}): the map is one column (most output "
                      f"steps look hardest at one source word) in {sink['one_column']:.0%} of {sink['sentences']} "
                      f"sentences; {sink['steps_on_last_word']:.0%} of all output steps look hardest at the "
                      "source's last word."
                      + (f" Of the {sink['dictionary_linked_steps']} output words that the corpus' dictionary links "
                         f"to exactly one source word, {sink['on_dictionary_word']:.0%} look hardest at that word "
                         f"(the diagonal alone: {sink['diagonal_on_dictionary_word']:.0%})."
                         if "dictionary_linked_steps" in sink else ""), ""]
    first = evaluations.get(MODELS[("attention", "en-fr")])
    if first and first["by_length"]:
        names = list(first["by_length"])
        buckets = list(first["by_length"][names[0]])
        lines += ["Greedy BLEU by source length on the held-out test pairs:", "",
                  "| words (pairs) | " + " | ".join(f"{b} ({first['by_length'][names[0]][b]['n']})"
                                                     for b in buckets) + " |",
                  "|---|" + "---|" * len(buckets)]
        lines += [f"| {n} | " + " | ".join(f"{first['by_length'][n][b]['bleu']:.1f}" if b in first["by_length"][n]
                                           else "-" for b in buckets) + " |" for n in names]
        if {"attention", "plain"} <= set(names):
            by = first["by_length"]
            lines.append("| attention ÷ plain | " + " | ".join(
                f"{by['attention'][b]['bleu'] / by['plain'][b]['bleu']:.1f}×" if by["plain"].get(b, {}).get("bleu")
                else "-" for b in buckets) + " |")
        lines += [""]
    checkpoint.write_readme_figures("translation", "scripts/eval_translation.py", "\n".join(lines))


def attach_to_card(name: str, evaluation: dict) -> None:
    """Add the evaluation to card.json and re-render README.md with the tables appended."""
    path = checkpoint.resolve(name)
    card = checkpoint.load_card(path)
    card["evaluation"] = evaluation
    (path / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = ["## Evaluation (scripts/eval_translation.py)", "", evaluation["note"], "",
             "| system | BLEU | chrF |", "|---|---|---|"]
    lines += [f"| {k} | {v['bleu']:.1f} | {v['chrf']:.1f} |" for k, v in evaluation["overall"].items()]
    names = list(evaluation["by_length"])
    buckets = list(evaluation["by_length"][names[0]]) if names else []
    lines += ["", "BLEU by source length (greedy, held-out test pairs):", "", "| words | " + " | ".join(names) + " |",
              "|---|" + "---|" * len(names)]
    for bucket in buckets:
        cells = [f"{evaluation['by_length'][n][bucket]['bleu']:.1f}" if bucket in evaluation["by_length"][n] else "-"
                 for n in names]
        lines.append(f"| {bucket} (n={evaluation['by_length'][names[0]][bucket]['n']}) | " + " | ".join(cells) + " |")
    c = evaluation.get("vocabulary_coverage")
    if c:
        lines += ["", f"Vocabulary: of the everyday set's {c['everyday_words']:,} source words, "
                      f"{c['pieces_unknown_pct']}% are unknown to the model's sentencepiece pieces "
                      f"({c['pieces_per_word']} pieces a word); a whole-word vocabulary of the training text would "
                      f"leave {c['words_20000_unknown_pct']}% unknown at 20,000 words, {c['words_all_unknown_pct']}% "
                      f"with all {c['training_words']:,} words."]
    s = evaluation["speed"]
    lines += ["", f"Speed, {s['words']}-word sentence, {s['threads']} thread(s): "
                  + ", ".join(f"{k} {v}" for k, v in s.items() if k.endswith("_ms"))
              + f"; weights {evaluation['weights_mb']} MB.", ""]
    (path / checkpoint.README).write_text(checkpoint.render_card(card) + "\n" + "\n".join(lines) + "\n",
                                          encoding="utf-8")


if __name__ == "__main__":
    main()
