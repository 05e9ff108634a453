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


def score_tagger(tagger: Tagger, sentences: list[data.Sentence]) -> dict:
    dataset = data.TaggedDataset(sentences, tagger.words, tagger.chars)
    return entity_scores([s.tags for s in sentences], predict_tags(tagger.model, dataset))


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

    systems = {SYSTEMS[which]: {split: score_tagger(tagger, sentences) for split, sentences in sets.items()}
               for which, tagger in taggers.items()}
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
