"""Where does a captioner look while it names the two objects of a relation scene? Dev scenes only.

    python scripts/captioning_grounding.py [--model=captioning] [--scenes=1000]

For each dev scene with a relation ("a frog to the left of a race car"), the beam-3 caption's words before and after
the relation phrase are the two object spans; their attention centroids are matched to the scene's two objects as
``scripts/eval_captioning.py`` does ("relations by attention"). Printed: how many captions are right, name the wrong
axis (left/right for above/below), the wrong direction, or no relation; how many have both centroids nearest the same
object (the attention does not tell the objects apart); and, over the object words, the mean entropy of the attention
over the 49 regions (uniform: ln 49 = 3.89 nats) and its mean largest weight.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter

import torch
from eval_captioning import attention_centroids, relation_by_attention

from rnnkit.captioning import scenes, task
from rnnkit.captioning.captioner import load_captioner
from rnnkit.core.runner import make_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="captioning", help="the pretrained captioner (name or folder)")
    parser.add_argument("--scenes", type=int, default=1000, help="dev scenes (those with a relation are read)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    captioner = load_captioner(args.model)
    language, decoder = captioner.language, captioner.decoder
    cfg = make_config(task, captioner.card["config"])
    cfg.dry_run, cfg.eval_scenes = False, args.scenes
    dev = task.D.encode(*task.default_plan(cfg)["scenes_dev"], progress=False)
    facts = scenes.make_scenes(cfg.eval_scenes, task.scene_seed(cfg, "dev"), "dev")
    relations = scenes.RELATIONS_FR if language == "fr" else scenes.RELATIONS
    kinds, apart, entropies, peaks = Counter(), Counter(), [], []
    for i, scene in enumerate(facts):
        if not scene.relation:
            continue
        best = decoder.beam_search(dev.regions[i:i + 1].float(), 3, cfg.max_len)[0]
        tokens = [captioner.vocab.itos[t] for t in best.tokens]
        found = scenes.relation_spans(tokens, language)
        if found is None or not found.first or not found.second:
            kinds["no relation, or an object not named"] += 1
            continue
        alphas = best.extras["alpha"]
        for k in found.first + found.second:
            entropies.append(float(-(alphas[k] * alphas[k].clamp_min(1e-12).log()).sum()))
            peaks.append(float(alphas[k].max()))
        if found.phrase not in relations[scene.relation]:
            kinds["wrong axis"] += 1
            continue
        right = relation_by_attention(tokens, alphas, decoder.positions, scene, language)
        kinds["right" if right else "wrong direction"] += 1
        c1, c2 = attention_centroids(found, alphas, decoder.positions)
        p1, p2 = (torch.tensor(c) for c in scene.centres)
        same = ((c1 - p1).norm() < (c1 - p2).norm()) == ((c2 - p1).norm() < (c2 - p2).norm())
        apart["both centroids nearest one object" if same else "centroids nearest different objects"] += 1
    total = sum(kinds.values())
    print(f"model {args.model}: {total} dev scenes with a relation (of {len(facts)}), beam 3\n")
    print("| caption | scenes |\n|---|---|")
    for kind in ("right", "wrong direction", "wrong axis", "no relation, or an object not named"):
        print(f"| {kind} | {kinds[kind]} |")
    print(f"\nOf the {sum(apart.values())} with the right axis: both centroids nearest one object "
          f"{apart['both centroids nearest one object']}, nearest different objects "
          f"{apart['centroids nearest different objects']}.")
    entropy, peak = sum(entropies) / len(entropies), sum(peaks) / len(peaks)
    print(f"Attention on object words ({len(entropies)} words): mean entropy {entropy:.2f} nats (uniform over 49 "
          f"regions: {math.log(49):.2f}), mean largest weight {peak:.3f}.")


if __name__ == "__main__":
    main()
