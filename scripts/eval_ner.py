"""Entity-level precision / recall / F1 (seqeval) of every named-entity system on the held-out sets.

    python scripts/eval_ner.py [--update-card]

Systems: the BiLSTM (pretrained/ner), the forward-only LSTM (pretrained/ner_forward), the spaCy
teacher (its scores as data/ner/teacher_on_human_test.json recorded them: spaCy is not a runtime
dependency) and the capitalisation + gazetteer baseline (built from the training files only).
Sets: the human-checked data/ner/human_test.conll (never trained or tuned on), the held-out silver
test split (the teacher's own labels, so the teacher is not scored there) and the WNUT-2016 test
tweets. Writes pretrained/ner/evaluation.json (the page, the README and the cards read it);
``--update-card`` also stores it in both model cards.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import torch

from rnnkit import DATA
from rnnkit.core import checkpoint
from rnnkit.ner import data
from rnnkit.ner.baseline import GazetteerBaseline
from rnnkit.ner.tagger import (
    EVALUATION,
    LECTURE_SENTENCE,
    MODELS,
    TRAIN_COMMANDS,
    Tagger,
    evaluation_markdown,
    save_card,
)
from rnnkit.ner.task import entity_scores, predict_tags

SPLITS = {"human_test": "human-checked (271 sentences)", "silver_test": "silver test (teacher labels)",
          "wnut_test": "WNUT-2016 test tweets"}
SYSTEMS = {"bi": "BiLSTM (ours)", "forward": "forward-only LSTM (ours)"}
FORWARD_NOTE = ("The forward-only twin of pretrained/ner: the same code, data and settings with bidirectional=false, "
                "so each word's tag comes from that word and the words before it alone.")


def tag_all(tagger: Tagger, sentences: list[data.Sentence]) -> list[list[str]]:
    return predict_tags(tagger.model, data.TaggedDataset(sentences, tagger.words, tagger.chars))


def paired_bootstrap(gold: list[list[str]], first: list[list[str]], second: list[list[str]],
                     samples: int = 2000, seed: int = 0) -> dict:
    """F1(first) - F1(second) on the same sentences and its 95 % interval over sentences resampled with
    replacement (entity spans as seqeval's default mode reads them)."""
    def counts(predicted):
        rows = []
        for g, p in zip(gold, predicted):
            g_spans, p_spans = set(data.entities(g, g)), set(data.entities(g, p))
            rows.append((len(g_spans & p_spans), len(p_spans), len(g_spans)))
        return np.array(rows, dtype=float)                                       # (N, 3): tp, predicted, gold

    def f1(rows):
        tp, predicted, true = np.moveaxis(rows.sum(axis=-2), -1, 0)
        return 2 * tp / np.maximum(predicted + true, 1)

    a, b = counts(first), counts(second)
    index = np.random.default_rng(seed).integers(0, len(gold), (samples, len(gold)))
    differences = f1(a[index]) - f1(b[index])
    low, high = np.percentile(differences, [2.5, 97.5])
    return {"difference": round(float(f1(a) - f1(b)), 4), "ci95": [round(float(low), 4), round(float(high), 4)],
            "samples": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bi", default=MODELS["bi"], help="the bidirectional tagger (default: pretrained/ner)")
    parser.add_argument("--forward", default=MODELS["forward"],
                        help="the forward-only tagger (default: pretrained/ner_forward)")
    parser.add_argument("--update-card", action="store_true", help="store the results in both model cards")
    args = parser.parse_args()
    torch.set_num_threads(1)
    sets = {name: data.read_split(name) for name in SPLITS}
    taggers = {which: Tagger.load(getattr(args, which)) for which in SYSTEMS}
    teacher = json.loads((DATA / "ner" / "teacher_on_human_test.json").read_text(encoding="utf-8"))
    baseline = GazetteerBaseline.fit(data.read_split("silver_train") + data.read_split("wnut_train"))

    predicted = {which: {split: tag_all(tagger, sentences) for split, sentences in sets.items()}
                 for which, tagger in taggers.items()}
    gold = {split: [s.tags for s in sentences] for split, sentences in sets.items()}
    systems = {SYSTEMS[which]: {split: entity_scores(gold[split], tags) for split, tags in by_split.items()}
               for which, by_split in predicted.items()}
    bi_minus_forward = {split: paired_bootstrap(gold[split], predicted["bi"][split], predicted["forward"][split])
                        for split in sets}
    teacher_scores = lambda key: {**{k: teacher[key]["overall"][k] for k in ("precision", "recall", "f1", "support")},
                                  "per_type_f1": {k: v["f1"] for k, v in teacher[key]["per_type"].items()}}
    systems[f"spaCy teacher ({teacher['teacher']})"] = {"human_test": teacher_scores("human_test"),
                                                        "silver_test": None, "wnut_test": teacher_scores("wnut_test")}
    systems["capitalisation + gazetteer"] = {split: entity_scores([s.tags for s in sentences],
                                                                  [baseline.tag(s.tokens) for s in sentences])
                                             for split, sentences in sets.items()}
    lecture = {}
    for which, tagger in taggers.items():
        tagged = tagger.tag(LECTURE_SENTENCE)
        lecture[which] = {"tokens": tagged.tokens, "tags": tagged.tags, "bracketed": tagged.bracketed()}
    evaluation = {
        "what": "seqeval 1.2.2 entity level (default conlleval-style mode), micro average; per-type F1",
        "splits": {split: {"description": description, "sentences": len(sets[split])}
                   for split, description in SPLITS.items()},
        "systems": systems,
        "notes": {"silver_test": "the teacher made these labels, so it is not scored there (it would be 1.0)",
                  "baseline": f"gazetteer of {len(baseline.phrases):,} phrases from silver_train + wnut_train; "
                              f"unknown capitalised runs tagged {baseline.default_type}"},
        "lecture_sentence": {"text": LECTURE_SENTENCE, **lecture},
        "bi_minus_forward_f1": bi_minus_forward,
    }
    EVALUATION.write_text(json.dumps(evaluation, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(evaluation_markdown(evaluation))
    print(f"wrote {EVALUATION}")
    if args.update_card:
        for which in SYSTEMS:
            card = checkpoint.load_card(getattr(args, which))
            card["evaluation"] = evaluation
            # the exact command (rnnkit train's own line leaves out options set to false)
            card["name"] = MODELS[which]
            if not card["reproduce"].startswith(TRAIN_COMMANDS[which]):
                card["reproduce"] = TRAIN_COMMANDS[which]
            if which == "forward" and not card["description"].startswith(FORWARD_NOTE):
                card["description"] = FORWARD_NOTE + " " + card["description"]
            save_card(getattr(args, which), card)
            print(f"updated {checkpoint.resolve(getattr(args, which)) / checkpoint.CARD}")


if __name__ == "__main__":
    main()
