"""Evaluate the sentiment LSTM beside its baselines on held-out data; print Markdown tables.

    python scripts/eval_sentiment.py                    # test + out-of-domain tables
    python scripts/eval_sentiment.py --tune             # choose the TF-IDF C on dev, print the grid
    python scripts/eval_sentiment.py --save-baseline    # refit TF-IDF+LR on train, write pretrained/sentiment/baseline_tfidf.npz
    python scripts/eval_sentiment.py --update-card      # also store the tables in pretrained/sentiment/card.json + README.md

Systems: the LSTM (pretrained/sentiment), TF-IDF 1-2 grams + logistic regression (fitted on the
same training split), VADER (rule-based lexicon, vaderSentiment 3.3.2) and the training majority
class. Splits: the movie test split (in domain) and the Amazon and NYT-editorial snippets of the
same archive (out of domain; binary scores skip sentences whose mean rating is exactly 0).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from rnnkit.core import checkpoint
from rnnkit.sentiment import classifier as S
from rnnkit.core.registry import load_pretrained

SPLITS = ("test", "ood_amazon", "ood_nyt")
METRICS = ("binary_accuracy", "binary_macro_f1", "fine_accuracy", "fine_macro_f1")


def systems(model_dir: str, baseline_path: Path):
    train = S.read_split("train")
    majority_binary, majority_fine = S.majority_labels(train)
    classifier = S.SentimentClassifier(*load_pretrained(model_dir))
    baseline = S.tfidf_baseline(baseline_path)

    def lstm(texts):
        binary, fine = classifier.predict(texts)
        return binary.argmax(-1), fine.argmax(-1)

    def tfidf(texts):
        binary, fine = baseline.predict(texts)
        return binary.argmax(-1), fine.argmax(-1)

    def vader(texts):
        return S.vader_labels(S.vader_compound(texts), majority_binary)

    def majority(texts):
        return np.full(len(texts), majority_binary), np.full(len(texts), majority_fine)

    return {"LSTM (ours)": lstm, "TF-IDF + LR": tfidf, "VADER lexicon": vader, "majority class": majority}


def score_all(model_dir: str, baseline_path: Path) -> dict:
    results = {}
    for name, system in systems(model_dir, baseline_path).items():
        for split in SPLITS:
            frame = S.read_split(split)
            binary, fine = system(frame["text"].tolist())
            results[(split, name)] = S.classification_scores(frame["binary"], binary, frame["fine"], fine)
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
    train, dev = S.read_split("train"), S.read_split("dev")
    print("| C | dev binary acc | dev 5-class acc |\n|---|---|---|")
    for c in (1.0, 3.0, 10.0, 30.0):
        binary, fine = S.TfidfBaseline(c, c).fit(train).predict(dev["text"])
        scores = S.classification_scores(dev["binary"], binary.argmax(-1), dev["fine"], fine.argmax(-1))
        print(f"| {c:g} | {100 * scores['binary_accuracy']:.1f} % | {100 * scores['fine_accuracy']:.1f} % |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="sentiment", help="pretrained name or directory")
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--save-baseline", action="store_true")
    parser.add_argument("--update-card", action="store_true")
    args = parser.parse_args()
    if args.tune:
        tune()
        return
    model_dir = checkpoint.resolve(args.model)
    baseline_path = model_dir / "baseline_tfidf.npz"
    if args.save_baseline:
        S.TfidfBaseline().fit(S.read_split("train")).save(baseline_path)
        print(f"wrote {baseline_path}")
    results = score_all(str(model_dir), baseline_path)
    text = ["## Held-out evaluation (scripts/eval_sentiment.py)", "", table(results), ""]
    for name in ("LSTM (ours)", "TF-IDF + LR"):
        text += [f"Test confusion, 5 classes, {name}:", "",
                 confusion(results[("test", name)]["fine_confusion"], S.FINE_NAMES), "",
                 f"Test confusion, binary, {name}:", "",
                 confusion(results[("test", name)]["binary_confusion"], S.BINARY_NAMES), ""]
    print("\n".join(text))
    if args.update_card:
        card = checkpoint.load_card(model_dir)
        card["evaluation"] = [{"split": split, "system": name, **{m: round(s[m], 4) for m in METRICS},
                               "fine_confusion": s["fine_confusion"], "binary_confusion": s["binary_confusion"]}
                              for (split, name), s in results.items()]
        (model_dir / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        (model_dir / checkpoint.README).write_text(checkpoint.render_card(card) + "\n" + "\n".join(text), encoding="utf-8")
        print(f"updated {model_dir / checkpoint.CARD}")


if __name__ == "__main__":
    main()
