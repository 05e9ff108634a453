"""Evaluate the shipped captioner on held-out data beside baselines; prints Markdown tables.

    python scripts/eval_captioning.py [--model=captioning]

1. Held-out generated scenes (never seen in training): corpus BLEU-1..4 (sacrebleu, 3 references
   per scene) of greedy and beam-3 captions, against
   - a constant baseline: the most frequent training caption for every scene;
   - a nearest-neighbour baseline (Devlin et al. 2015): the first caption of the training scene
     whose mean-pooled encoder features are closest (cosine) — retrieval, no decoder.
2. Held-out bundled photos (cat, coffee, astronaut, rocket, motorcycle, portrait, flower,
   temple): is the main subject named? The decoder's beam-3 caption against the encoder's own
   top-1 ImageNet class name (the baseline the copy head can at best match or, by attending to
   one region, beat).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import torch
import torch.nn.functional as F

from rnnkit.captioning import samples, task
from rnnkit.captioning.captioner import bleu_scores, load_captioner
from rnnkit.captioning.encoder import imagenet_classes
from rnnkit.core import checkpoint
from rnnkit.core.runner import make_config


def same(caption: str) -> str:
    """A caption normalised for exact-match comparison (spacing around the full stop)."""
    return " ".join(caption.replace(".", " .").split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="captioning", help="the pretrained captioner to evaluate (name or folder)")
    parser.add_argument("--write-card", action="store_true", help="add these tables to the model card")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    lines: list[str] = []
    out = lambda text="": (print(text), lines.append(text))
    captioner = load_captioner(args.model)
    cfg = make_config(task, captioner.card["config"])
    cfg.dry_run = False
    plan = task.default_plan(cfg)
    train = task.D.encode(*plan["scenes_train"], progress=False)
    test = task.D.encode(*plan["scenes_test"], progress=False)
    decoder = captioner.decoder

    greedy = [captioner.text(h) for h in decoder.greedy(test.regions.float(), cfg.max_len)]
    beam = [captioner.text(decoder.beam_search(test.regions[i:i + 1].float(), 3, cfg.max_len)[0])
            for i in range(len(test))]
    constant = Counter(r for refs in train.references for r in refs).most_common(1)[0][0]
    train_mean = F.normalize(train.regions.float().mean(1), dim=-1)          # (N, 1280)
    test_mean = F.normalize(test.regions.float().mean(1), dim=-1)            # (M, 1280)
    nearest = (test_mean @ train_mean.T).argmax(-1).tolist()
    retrieved = [train.references[j][0] for j in nearest]
    rows = [("decoder, greedy", greedy), ("decoder, beam 3", beam),
            (f"constant: '{constant}'", [constant] * len(test)), ("nearest training scene (retrieval)", retrieved)]
    out(f"## Held-out generated scenes ({len(test)} scenes, 3 references each, seed {cfg.seed + 2})\n")
    out("| system | BLEU-1 | BLEU-2 | BLEU-3 | BLEU-4 | exact match |\n|---|---|---|---|---|---|")
    for name, hypotheses in rows:
        scores = bleu_scores(hypotheses, test.references)
        exact = sum(same(h) in {same(r) for r in refs} for h, refs in zip(hypotheses, test.references)) / len(test)
        out(f"| {name} | " + " | ".join(f"{scores[f'bleu{n}']:.1f}" for n in range(1, 5)) + f" | {exact:.1%} |")
    for i in range(3):
        out(f"\n- scene {i}: `{beam[i]}` (references: {'; '.join(test.references[i])})")

    out("\n## Held-out bundled photos: is the main subject named?\n")
    out("| photo | decoder caption (beam 3) | named | encoder top-1 | named |\n|---|---|---|---|---|")
    hits, baseline = 0, 0
    for sample in samples.EVALUATION:
        result = captioner.caption(samples.load_sample(sample), beam=3)
        top1 = result.top5[0][0].name
        ok, ok_top1 = samples.names_subject(result.caption, sample), samples.names_subject(top1, sample)
        hits, baseline = hits + ok, baseline + ok_top1
        out(f"| {sample.key} | {result.caption} | {'yes' if ok else 'no'} | {top1} ({result.top5[0][1]:.0%}) | "
              f"{'yes' if ok_top1 else 'no'} |")
    n = len(samples.EVALUATION)
    out(f"| **total** | | **{hits}/{n}** | | **{baseline}/{n}** |")
    classes = imagenet_classes()
    out(f"\n(ImageNet classes the copy head can name: {len(classes)}; "
        f"torch threads: {torch.get_num_threads()})")
    if args.write_card:
        write_card(args.model, "\n".join(lines))


def write_card(model: str, tables: str) -> None:
    """Keep card.json and README.md in sync: the tables go into both."""
    directory = checkpoint.resolve(model)
    card = checkpoint.load_card(directory)
    card["evaluation"] = tables
    card["limits"] = task.LIMITS
    (directory / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = checkpoint.render_card(card) + "\n# Evaluation (scripts/eval_captioning.py)\n\n" + tables + "\n"
    (directory / checkpoint.README).write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    main()
