"""The sentiment model's choices, made on the movie dev split: one row per training run compared.

    python scripts/sentiment_choices.py build/exp/*/             # print the table of these runs
    python scripts/sentiment_choices.py build/exp/*/ --update-card   # also store these rows in pretrained/sentiment

Each argument is a directory written by ``rnnkit train sentiment --out=DIR``: the row shows the
settings that differ from the CLI defaults, the model's accuracy on the movie dev split and its
binary accuracy on each domain's dev split with their mean, the number the choice is made on (the
page rates any English sentence). The test splits and the challenge set are never looked at here.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from rnnkit.core import checkpoint
from rnnkit.core.registry import load_pretrained
from rnnkit.sentiment import data as D
from rnnkit.sentiment.classifier import SentimentClassifier, choice_rows
from rnnkit.sentiment.model import consistent_answers
from rnnkit.sentiment.task import Config


def settings(card: dict) -> str:
    """The run's settings that differ from the CLI defaults (architecture and training)."""
    defaults = asdict(Config())
    model_defaults = defaults.pop("model")
    changed = {k: v for k, v in card["config"].items() if k in defaults and v != defaults[k]
               and k not in ("out", "threads", "checkpoint_minutes", "resume", "seed")}
    changed |= {k: v for k, v in card["model_config"].items() if v != model_defaults.get(k)}
    changed |= {k: "(not an option yet)" for k in defaults if k not in card["config"]}
    return ", ".join(f"{k}={v}" for k, v in sorted(changed.items())) or "the CLI defaults"


def dev_scores(directory: str) -> dict:
    """Binary accuracy on each domain's dev split, their mean, and the movie dev's 5-class accuracy."""
    classifier = SentimentClassifier(*load_pretrained(directory))
    out = {}
    for domain in D.DOMAINS:
        dev = D.read_split(D.split_name(domain, "dev"))
        verdict, fine = consistent_answers(*classifier.predict(dev["text"].tolist()))
        scores = D.classification_scores(dev["binary"], verdict, dev["fine"], fine)
        out[domain] = round(scores["binary_accuracy"], 4)
        if domain == "movie":
            out["movie_fine"] = round(scores["fine_accuracy"], 4)
    out["mean"] = round(sum(out[d] for d in D.DOMAINS) / len(D.DOMAINS), 4)
    return out


def rows(directories: list[str]) -> list[dict]:
    out = []
    for directory in directories:
        card = checkpoint.load_card(directory)
        out.append({"run": directory.rstrip("/").split("/")[-1], "settings": settings(card),
                    "epochs": card["dev_history"][-1]["epoch"], **dev_scores(directory),
                    "minutes": round(card["train_seconds"] / 60, 1)})
    return sorted(out, key=lambda row: -row["mean"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="directories written by rnnkit train sentiment --out=...")
    parser.add_argument("--update-card", action="store_true",
                        help="store these rows in pretrained/sentiment's card, beside the runs stored there before "
                             "(a run of the same name is replaced)")
    args = parser.parse_args()
    found = rows(args.runs)
    print(checkpoint.markdown_table(choice_rows({"choices": found})))
    if args.update_card:
        directory = checkpoint.resolve("sentiment")
        card = checkpoint.load_card(directory)
        names = {row["run"] for row in found}
        card["choices"] = sorted([row for row in card.get("choices", []) if row["run"] not in names] + found,
                                 key=lambda row: -row["mean"])
        (directory / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        print(f"updated {directory / checkpoint.CARD}")


if __name__ == "__main__":
    main()
