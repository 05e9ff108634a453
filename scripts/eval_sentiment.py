"""Evaluate the sentiment LSTM beside its baselines on held-out data; print Markdown tables.

    python scripts/eval_sentiment.py                    # test + out-of-domain tables
    python scripts/eval_sentiment.py --tune             # choose the TF-IDF C on dev, print the grid
    python scripts/eval_sentiment.py --save-baseline    # refit TF-IDF+LR on train, write baseline_tfidf.npz
    python scripts/eval_sentiment.py --update-card      # also store the tables in the card.json + README.md

Systems: the LSTM (pretrained/sentiment), TF-IDF 1-2 grams + logistic regression (fitted on the
same training split), VADER (rule-based lexicon, vaderSentiment 3.3.2) and the training majority
class. Splits: the movie test split (in domain) and the Amazon and NYT-editorial snippets of the
same archive (out of domain; binary scores skip sentences whose mean rating is exactly 0).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from rnnkit.core import checkpoint
from rnnkit.core.registry import load_pretrained
from rnnkit.sentiment import baselines as B
from rnnkit.sentiment import data as D
from rnnkit.sentiment.classifier import SentimentClassifier

SPLITS = ("test", "ood_amazon", "ood_nyt")
METRICS = ("binary_accuracy", "binary_macro_f1", "fine_accuracy", "fine_macro_f1")


def systems(model_dir: str, baseline_path: Path):
    train = D.read_split("train")
    majority_binary, majority_fine = B.majority_labels(train)
    classifier = SentimentClassifier(*load_pretrained(model_dir))
    baseline = B.load_tfidf(baseline_path)
    analyzer = B.vader_analyzer()

    def lstm(texts):
        binary, fine = classifier.predict(texts)
        return binary.argmax(-1), fine.argmax(-1)

    def tfidf(texts):
        binary, fine = baseline.predict(texts)
        return binary.argmax(-1), fine.argmax(-1)

    def vader(texts):
        return B.vader_labels(B.vader_compound(texts, analyzer), majority_binary)

    def majority(texts):
        return np.full(len(texts), majority_binary), np.full(len(texts), majority_fine)

    return {"LSTM (ours)": lstm, "TF-IDF + LR": tfidf, "VADER lexicon": vader, "majority class": majority}


def score_all(model_dir: str, baseline_path: Path) -> dict:
    results = {}
    for name, system in systems(model_dir, baseline_path).items():
        for split in SPLITS:
            frame = D.read_split(split)
            binary, fine = system(frame["text"].tolist())
            results[(split, name)] = D.classification_scores(frame["binary"], binary, frame["fine"], fine)
    return results


def table(results: dict) -> str:
    lines = ["| split | system | binary acc | binary macro-F1 | 5-class acc | 5-class macro-F1 |",
             "|---|---|---|---|---|---|"]
    for split in SPLITS:
        for (where, name), scores in results.items():
            if where == split:
                lines.append(f"| {split} | {name} | " + " | ".join(f"{100 * scores[m]:.1f} %" for m in METRICS) + " |")
    return "\n".join(lines)


def confusion(matrix: list[list[int]], names) -> str:
    lines = ["| true \\ predicted | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines += [f"| {names[i]} | " + " | ".join(str(v) for v in row) + " |" for i, row in enumerate(matrix)]
    return "\n".join(lines)


def tune() -> None:
    train, dev = D.read_split("train"), D.read_split("dev")
    print("| C | dev binary acc | dev 5-class acc |\n|---|---|---|")
    for c in (1.0, 3.0, 10.0, 30.0):
        binary, fine = B.TfidfBaseline(c, c).fit(train).predict(dev["text"])
        scores = D.classification_scores(dev["binary"], binary.argmax(-1), dev["fine"], fine.argmax(-1))
        print(f"| {c:g} | {100 * scores['binary_accuracy']:.1f} % | {100 * scores['fine_accuracy']:.1f} % |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="sentiment", help="pretrained name or directory")
    parser.add_argument("--tune", action="store_true", help="choose the TF-IDF C on dev and print the grid")
    parser.add_argument("--save-baseline", action="store_true",
                        help="refit TF-IDF + LR on train and write baseline_tfidf.npz next to the model")
    parser.add_argument("--update-card", action="store_true",
                        help="store the tables in the model's card.json and README.md")
    args = parser.parse_args()
    if args.tune:
        tune()
        return
    model_dir = checkpoint.resolve(args.model)
    baseline_path = model_dir / "baseline_tfidf.npz"
    if args.save_baseline:
        B.TfidfBaseline().fit(D.read_split("train")).save(baseline_path)
        print(f"wrote {baseline_path}")
    results = score_all(str(model_dir), baseline_path)
    text = ["## Held-out evaluation (scripts/eval_sentiment.py)", "", table(results), ""]
    for name in ("LSTM (ours)", "TF-IDF + LR"):
        text += [f"Test confusion, 5 classes, {name}:", "",
                 confusion(results[("test", name)]["fine_confusion"], D.FINE_NAMES), "",
                 f"Test confusion, binary, {name}:", "",
                 confusion(results[("test", name)]["binary_confusion"], D.BINARY_NAMES), ""]
    print("\n".join(text))
    if args.update_card:
        card = checkpoint.load_card(model_dir)
        card["evaluation"] = [{"split": split, "system": name, **{m: round(s[m], 4) for m in METRICS},
                               "fine_confusion": s["fine_confusion"], "binary_confusion": s["binary_confusion"]}
                              for (split, name), s in results.items()]
        (model_dir / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        (model_dir / checkpoint.README).write_text(checkpoint.render_card(card) + "\n" + "\n".join(text),
                                                   encoding="utf-8")
        print(f"updated {model_dir / checkpoint.CARD}")


if __name__ == "__main__":
    main()
