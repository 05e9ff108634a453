"""Evaluate the sentiment LSTM beside its baselines on held-out data; print Markdown tables.

    python scripts/eval_sentiment.py                    # every test split, the challenge set, per phenomenon
    python scripts/eval_sentiment.py --tune             # choose the TF-IDF C on the movie dev split
    python scripts/eval_sentiment.py --save-baseline    # refit TF-IDF + LR on the model's training rows
    python scripts/eval_sentiment.py --update-card      # also store the tables in the card, its README.md and
                                                        # the project README (between its sentiment markers)

Systems: the LSTM (pretrained/sentiment), TF-IDF 1-2 grams + logistic regression (fitted on the
same training rows as the LSTM: ``rnnkit.sentiment.task.training_frame``), VADER (rule-based
lexicon, vaderSentiment 3.3.2) and the training majority class. Splits: each human-rated domain's
own test split (movie reviews, Amazon, NYT editorials, tweets; binary scores skip sentences whose
mean rating is exactly 0) and the hand-written negation and contrast challenge set (binary only,
never trained or tuned on; ``data/sentiment/CHALLENGE.md``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from rnnkit.core import checkpoint
from rnnkit.core.registry import load_pretrained
from rnnkit.core.text import tokenize
from rnnkit.sentiment import baselines as B
from rnnkit.sentiment import data as D
from rnnkit.sentiment.classifier import SentimentClassifier, choice_rows
from rnnkit.sentiment.model import consistent_answers, is_negator
from rnnkit.sentiment.task import Config, training_frame

SPLITS = tuple(D.split_name(domain, "test") for domain in D.DOMAINS) + ("challenge",)
METRICS = ("binary_accuracy", "binary_macro_f1", "fine_accuracy", "fine_macro_f1")
SYSTEMS = ("LSTM (ours)", "TF-IDF + LR", "VADER lexicon", "majority class")


def read(split: str):
    return D.read_challenge() if split == "challenge" else D.read_split(split)


def training_rows(card: dict):
    """The rows the model was trained on, from its card's config (the baseline is fitted on the same)."""
    saved = card.get("config", {})
    return training_frame(Config(domains=saved.get("domains", Config.domains),
                                 extra=saved.get("extra", Config.extra)), D.DATA)


def systems(model_dir: str, baseline_path: Path, rows):
    """The four systems, each texts -> (binary, fine) labels; ``rows``: the model's training rows (the majority)."""
    classifier = SentimentClassifier(*load_pretrained(model_dir))
    majority_binary, majority_fine = B.majority_labels(rows)
    baseline = B.load_tfidf(baseline_path)
    analyzer = B.vader_analyzer()

    def lstm(texts):
        return consistent_answers(*classifier.predict(texts))

    def tfidf(texts):
        binary, fine = baseline.predict(texts)
        return binary.argmax(-1), fine.argmax(-1)

    def vader(texts):
        return B.vader_labels(B.vader_compound(texts, analyzer), majority_binary)

    def majority(texts):
        return np.full(len(texts), majority_binary), np.full(len(texts), majority_fine)

    return dict(zip(SYSTEMS, (lstm, tfidf, vader, majority)))


def score_all(model_dir: str, baseline_path: Path, rows) -> tuple[dict, dict]:
    """Scores per (split, system), and the challenge set's binary accuracy per (phenomenon, system)."""
    results, phenomena = {}, {}
    frames = {split: read(split) for split in SPLITS}
    for name, system in systems(model_dir, baseline_path, rows).items():
        for split, frame in frames.items():
            binary, fine = system(frame["text"].tolist())
            if split == "challenge":                        # binary labels only
                scores = D.classification_scores(frame["binary"], binary, np.zeros(len(frame)), np.zeros(len(frame)))
                scores.update(fine_accuracy=None, fine_macro_f1=None, fine_confusion=None)
                right = np.asarray(binary) == frame["binary"].to_numpy()
                for phenomenon, rows in frame.groupby("phenomenon").indices.items():
                    phenomena[(phenomenon, name)] = (float(right[rows].mean()), len(rows))
            else:
                scores = D.classification_scores(frame["binary"], binary, frame["fine"], fine)
            results[(split, name)] = scores
    return results, phenomena


NEGATED_WINDOW = 3                 # VADER's own window: a negator among the 3 words before
NEGATED_TITLE = (f"Negated negatives in the training rows (a negator among the {NEGATED_WINDOW} words before a word "
                 "VADER rates below -1), and how people labelled them:")


def negated_negatives(rows) -> str:
    """How the training rows label a negated negative word (see ``NEGATED_TITLE``: "not bad", "never boring"), by
    source: what the model could learn of the challenge set's first phenomenon, which counts all of them positive."""
    lexicon = B.vader_analyzer().lexicon
    found = [any(lexicon.get(token, 0.0) < -1 and any(map(is_negator, tokens[max(0, i - NEGATED_WINDOW):i]))
                 for i, token in enumerate(tokens)) for tokens in map(tokenize, rows["text"])]
    counts = rows[found].groupby("source", sort=False)["binary"].agg(["size", "mean"])
    lines = ["| source | training rows | with a negated negative word | of them positive |", "|---|---|---|---|"]
    total = rows["source"].value_counts()
    lines += [f"| {source} | {total[source]:,} | {int(n):,} | {percent(share)} |"
              for source, (n, share) in counts.iterrows()]
    lines.append(f"| all | {len(rows):,} | {sum(found):,} | {percent(rows[found]['binary'].mean())} |")
    return "\n".join(lines)


def percent(value) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def table(results: dict) -> str:
    lines = ["| split | system | binary acc | binary macro-F1 | 5-class acc | 5-class macro-F1 |",
             "|---|---|---|---|---|---|"]
    for split in SPLITS:
        for name in SYSTEMS:
            scores = results[(split, name)]
            lines.append(f"| {split} | {name} | " + " | ".join(percent(scores[m]) for m in METRICS) + " |")
    return "\n".join(lines)


def phenomenon_table(phenomena: dict) -> str:
    names = sorted({p for p, _ in phenomena})
    lines = ["| phenomenon | rows | " + " | ".join(SYSTEMS) + " |", "|---" * (len(SYSTEMS) + 2) + "|"]
    for p in names:
        lines.append(f"| {p} | {phenomena[(p, SYSTEMS[0])][1]} | "
                     + " | ".join(percent(phenomena[(p, s)][0]) for s in SYSTEMS) + " |")
    return "\n".join(lines)


def readme_section(card: dict, results: dict, phenomena: dict, negated: str) -> str:
    """The project README's sentiment figures: training, the held-out table, the challenge by phenomenon, and
    speed (``python -m benchmarks.bench_sentiment --update-card`` stores it in the card)."""
    lines = [f"`{card['reproduce']}`: {card['steps']:,} steps in {card['train_seconds'] / 60:.1f} min "
             f"({card['machine']}); {card['data']['split']}.", "", table(results), "",
             "Challenge set, binary accuracy by phenomenon:", "", phenomenon_table(phenomena), "",
             NEGATED_TITLE, "", negated, ""]
    if card.get("choices"):
        lines += ["Choices on the dev splits (`python scripts/sentiment_choices.py`):", "",
                  checkpoint.markdown_table(choice_rows(card)), ""]
    if card.get("speed"):
        lines += ["Speed and size (`python -m benchmarks.bench_sentiment`):", "", "| measure | value |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in card["speed"].items()] + [""]
    return "\n".join(lines)


def confusion(matrix: list[list[int]], names) -> str:
    lines = ["| true \\ predicted | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines += [f"| {names[i]} | " + " | ".join(str(v) for v in row) + " |" for i, row in enumerate(matrix)]
    return "\n".join(lines)


def tune(model_dir: Path) -> None:
    train, dev = training_rows(checkpoint.load_card(model_dir)), D.read_split("dev")
    print("| C | dev binary acc | dev 5-class acc |\n|---|---|---|")
    for c in (1.0, 3.0, 10.0, 30.0):
        binary, fine = B.TfidfBaseline(c, c).fit(train).predict(dev["text"])
        scores = D.classification_scores(dev["binary"], binary.argmax(-1), dev["fine"], fine.argmax(-1))
        print(f"| {c:g} | {100 * scores['binary_accuracy']:.1f} % | {100 * scores['fine_accuracy']:.1f} % |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="sentiment", help="pretrained name or directory")
    parser.add_argument("--tune", action="store_true", help="choose the TF-IDF C on dev and print the grid")
    parser.add_argument("--C", type=float, default=10.0, help="the TF-IDF baseline's C for --save-baseline")
    parser.add_argument("--save-baseline", action="store_true",
                        help="refit TF-IDF + LR on the model's training rows and write baseline_tfidf.npz beside it")
    parser.add_argument("--update-card", action="store_true",
                        help="store the tables in the model's card.json and README.md")
    args = parser.parse_args()
    model_dir = checkpoint.resolve(args.model)
    if args.tune:
        tune(model_dir)
        return
    baseline_path, card = model_dir / "baseline_tfidf.npz", checkpoint.load_card(model_dir)
    rows = training_rows(card)                           # read once: the baseline, the majority, the negations
    if args.save_baseline:
        B.TfidfBaseline(args.C, args.C).fit(rows).save(baseline_path)
        print(f"wrote {baseline_path}")
    results, phenomena = score_all(str(model_dir), baseline_path, rows)
    negated = negated_negatives(rows)
    text = ["## Held-out evaluation (scripts/eval_sentiment.py)", "", table(results), "",
            "Challenge set (hand-written, never trained or tuned on), binary accuracy by phenomenon:", "",
            phenomenon_table(phenomena), "", NEGATED_TITLE, "", negated, ""]
    for name in ("LSTM (ours)", "TF-IDF + LR"):
        text += [f"Movie test confusion, 5 classes, {name}:", "",
                 confusion(results[("test", name)]["fine_confusion"], D.FINE_NAMES), "",
                 f"Movie test confusion, binary, {name}:", "",
                 confusion(results[("test", name)]["binary_confusion"], D.BINARY_NAMES), ""]
    if card.get("choices"):
        text += ["Choices on the dev splits (scripts/sentiment_choices.py):", "",
                 checkpoint.markdown_table(choice_rows(card)), ""]
    print("\n".join(text))
    if args.update_card:
        card["evaluation"] = [{"split": split, "system": name,
                               **{m: None if s[m] is None else round(s[m], 4) for m in METRICS},
                               "fine_confusion": s["fine_confusion"], "binary_confusion": s["binary_confusion"]}
                              for (split, name), s in results.items()]
        card["challenge_by_phenomenon"] = [{"phenomenon": p, "system": name, "binary_accuracy": round(acc, 4),
                                            "rows": n} for (p, name), (acc, n) in phenomena.items()]
        (model_dir / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        (model_dir / checkpoint.README).write_text(checkpoint.render_card(card) + "\n" + "\n".join(text),
                                                   encoding="utf-8")
        section = readme_section(card, results, phenomena, negated)
        checkpoint.write_readme_figures("sentiment", "scripts/eval_sentiment.py", section)
        print(f"updated {model_dir / checkpoint.CARD} and README.md")


if __name__ == "__main__":
    main()
