"""Evaluate the shipped captioner on held-out data beside baselines; prints Markdown tables.

    python scripts/eval_captioning.py [--model=captioning] [--write-card]
    python scripts/eval_captioning.py --split=dev --model=build/<run>   # choose between runs: dev scenes only

``--write-card`` puts the tables into the model card and, with the card's speed table (run
``python -m benchmarks.bench_captioning --update-card`` first), into the README between its markers.

1. Held-out composed scenes: scenes built only from the test stamps (objects never seen in
   training), 2 references each. Corpus BLEU-1..4 (sacrebleu) of greedy and beam-3 captions; how
   often the count is right (scenes of 2-4 of one object: the caption says "two" / "three" /
   "four" as it should) and the relation (two objects: "to the left of" / "to the right of" /
   "above" / "below", read against the object the caption names first; and again with the objects
   identified by the decoder's attention while it names them). Baselines: the most
   frequent training caption, and the caption of the nearest training scene by mean-pooled
   encoder features (retrieval, Devlin et al. 2015).
2. Held-out stamps, each alone on white: BLEU-1/4 against its own caption, and the share of
   named stamps ("A frog.") whose name's last word is in the caption, beside the encoder's
   top-1 ImageNet class name.
3. Held-out bundled photos: is the main subject named (beam 3)? Beside the encoder's top-1
   class; then again after a JPEG re-save at quality 75 and after a 10 % centre crop: is the
   subject still named, is the caption unchanged?
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter

import torch
import torch.nn.functional as F

from rnnkit.captioning import samples, scenes, task
from rnnkit.captioning.captioner import MODEL_OF_LANGUAGE, bleu_scores, load_captioner
from rnnkit.captioning.encoder import imagenet_classes
from rnnkit.core import checkpoint
from rnnkit.core.runner import make_config

PEOPLE = {"person", "man", "woman", "boy", "girl", "people", "men", "women"}


def same(caption: str) -> str:
    """A caption normalised for exact-match comparison (spacing around the full stop)."""
    return " ".join(caption.replace(".", " .").split())


def words(caption: str) -> list[str]:
    return re.findall(r"[\w'-]+", caption.lower())


def object_names(scene: scenes.Scene, language: str) -> list[str]:
    """The scene's objects' names in ``language`` ("race car" / "voiture de course"), first-mentioned first."""
    if language == "en":
        return scene.objects
    stamps = [scenes.stamp_by_id(i) for i in scene.stamps]
    return [stamp.name_fr[1] if stamp.name else stamp.sentence_fr for stamp in stamps]


def names(caption_words: list[str], name: str, language: str = "en") -> bool:
    """Does a caption name the object: its head noun (the last word in English, the first in French),
    singular or plural?"""
    if language == "fr":
        head = name.split()[0]
        return head in caption_words or scenes.plural_fr(head) in caption_words
    head = scenes.head_noun(name)
    return head in caption_words or scenes.plural(head) in caption_words


def count_right(caption: str, scene: scenes.Scene, language: str = "en") -> bool:
    number = (scenes.NUMBERS_FR if language == "fr" else scenes.NUMBERS)[scene.count]
    return number in words(caption)


def relation_right(caption: str, scene: scenes.Scene, language: str = "en") -> bool:
    """The relation phrase in the caption, read from the object it names first, is the scene's."""
    text = " ".join(words(caption))
    relations = scenes.RELATIONS_FR if language == "fr" else scenes.RELATIONS
    phrases = [p for pair in relations.values() for p in pair]
    found = [(text.find(f" {p} "), p) for p in phrases if f" {p} " in f" {text} "]
    if not found:
        return False
    at, phrase = min(found)
    before, after = text[:at].split(), text[at + len(phrase) + 1:].replace("d'", "").split()
    first, second = object_names(scene, language)
    named = lambda part, name: names(part, name, language)
    if named(before, first) or (not named(before, second) and named(after, second)):
        says_first_is_first = True
    elif named(before, second) or named(after, first):
        says_first_is_first = False
    else:
        return False                                       # neither object named: the relation means nothing
    right_phrase, inverse = relations[scene.relation]
    return phrase == (right_phrase if says_first_is_first else inverse)


def relation_by_attention(tokens: list[str], alphas: list[torch.Tensor], positions: torch.Tensor,
                          scene: scenes.Scene, language: str = "en") -> bool | None:
    """Is the caption's relation true of the objects the decoder looked at while naming them?

    The words before the relation phrase and those after it (up to the background) are matched to the
    scene's two objects by where their attention centroid (sum_i alpha_i (x_i, y_i)) lies: the nearer
    assignment wins. Then the phrase must be the scene's relation for that order. None: no relation phrase.
    This grounds the relation in the picture even when the object names are wrong (objects never seen)."""
    found = scenes.relation_spans(tokens, language)
    if found is None:
        return None
    if not found.first or not found.second:
        return False
    c1, c2 = attention_centroids(found, alphas, positions)
    p1, p2 = (torch.tensor(c) for c in scene.centres)
    in_order = (c1 - p1).norm() + (c2 - p2).norm() <= (c1 - p2).norm() + (c2 - p1).norm()
    right_phrase, inverse = (scenes.RELATIONS_FR if language == "fr" else scenes.RELATIONS)[scene.relation]
    return found.phrase == (right_phrase if in_order else inverse)


def attention_centroids(found: scenes.RelationSpans, alphas: list[torch.Tensor],
                        positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Where the decoder looked while it wrote each object span: the mean of sum_i alpha_i (x_i, y_i) over its words."""
    centroid = lambda span: torch.stack([alphas[k] @ positions for k in span]).mean(0)
    return centroid(found.first), centroid(found.second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="captioning", help="the pretrained captioner to evaluate (name or folder)")
    parser.add_argument("--write-card", action="store_true", help="add these tables to the model card")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--split", choices=("test", "dev"), default="test",
                        help="dev: only the scenes of the dev stamps, to choose between trained models (never test)")
    parser.add_argument("--scenes", type=int, default=0,
                        help="with --split=dev: how many dev scenes (default: the card's eval_scenes, 300); more "
                             "scenes, less noise when two runs are close")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    lines: list[str] = []
    out = lambda text="": (print(text, flush=True), lines.append(text))
    captioner = load_captioner(args.model)
    cfg = make_config(task, captioner.card["config"])
    cfg.dry_run = False
    if args.split == "dev" and args.write_card:
        raise SystemExit("--write-card reports the test split; --split=dev is for choosing between runs")
    if args.scenes:
        if args.split != "dev":
            raise SystemExit("--scenes is for the dev split: the test split keeps the card's scenes")
        cfg.eval_scenes = args.scenes
    plan = task.default_plan(cfg)
    seed = task.scene_seed(cfg, args.split)
    train = task.D.encode(*plan["scenes_train"], progress=False)
    test = task.D.encode(*plan[f"scenes_{args.split}"], progress=False)
    facts = scenes.make_scenes(cfg.eval_scenes, seed, args.split)
    decoder = captioner.decoder
    language = captioner.language
    beam_of = lambda regions: captioner.text(decoder.beam_search(regions.float(), 3, cfg.max_len)[0])

    greedy = [captioner.text(h) for h in decoder.greedy(test.regions.float(), cfg.max_len)]
    beam_best = [decoder.beam_search(test.regions[i:i + 1].float(), 3, cfg.max_len)[0] for i in range(len(test))]
    beam = [captioner.text(h) for h in beam_best]
    constant = Counter(r for refs in train.references for r in refs).most_common(1)[0][0]
    train_mean = F.normalize(train.regions.float().mean(1), dim=-1)          # (N, 1280)
    test_mean = F.normalize(test.regions.float().mean(1), dim=-1)            # (M, 1280)
    nearest = (test_mean @ train_mean.T).argmax(-1).tolist()
    retrieved = [train.references[j][0] for j in nearest]
    rows = [("decoder, greedy", greedy), ("decoder, beam 3", beam),
            (f"constant: '{constant}'", [constant] * len(test)), ("nearest training scene (retrieval)", retrieved)]
    counted = [i for i, s in enumerate(facts) if s.count > 1]
    related = [i for i, s in enumerate(facts) if s.relation]
    out(f"## Held-out composed scenes ({len(test)} scenes of the {len(scenes.stamps_of(args.split))} {args.split} "
        f"stamps only, 2 references each, seed {seed})\n")
    out(f"| system | BLEU-1 | BLEU-2 | BLEU-3 | BLEU-4 | exact match | counts right ({len(counted)}) | "
        f"relations right ({len(related)}) |\n|---|---|---|---|---|---|---|---|")
    for name, hypotheses in rows:
        scores = bleu_scores(hypotheses, test.references)
        exact = sum(same(h) in {same(r) for r in refs} for h, refs in zip(hypotheses, test.references)) / len(test)
        counts = sum(count_right(hypotheses[i], facts[i], language) for i in counted) / max(1, len(counted))
        relations = sum(relation_right(hypotheses[i], facts[i], language) for i in related) / max(1, len(related))
        out(f"| {name} | " + " | ".join(f"{scores[f'bleu{n}']:.1f}" for n in range(1, 5))
            + f" | {exact:.1%} | {counts:.1%} | {relations:.1%} |")
    grounded = [relation_by_attention([captioner.vocab.itos[t] for t in beam_best[i].tokens],
                                      beam_best[i].extras["alpha"], decoder.positions, facts[i], language)
                for i in related]
    out(f"\nRelations judged by where the decoder looked (beam 3): the words before and after the relation phrase "
        f"are matched to the two objects by their attention centroids, so a relation counts even when the names of "
        f"the objects, never seen in training, are wrong: **{sum(g is True for g in grounded)}/{len(related)} right** "
        f"({sum(g is True for g in grounded) / max(1, len(related)):.0%}); "
        f"{sum(g is None for g in grounded)} captions of such scenes say no relation.")
    for i in range(4):
        out(f"\n- scene {i}: `{beam[i]}` (references: {'; '.join(test.references[i])})")
    if args.split == "dev":
        return

    stamps = task.D.encode(*plan["stamps_test"], progress=False)
    alone = [scenes.stamp_alone(s) for s in scenes.stamps_of("test")]
    stamp_beam = [beam_of(stamps.regions[i:i + 1]) for i in range(len(stamps))]
    top1 = [imagenet_classes()[int(logits.argmax())].name for logits in stamps.logits]
    scores = bleu_scores(stamp_beam, stamps.references)
    named = [i for i, stamp in enumerate(scenes.stamps_of("test")) if stamp.name]
    hit = sum(names(words(stamp_beam[i]), object_names(alone[i], language)[0], language) for i in named)
    hit_top1 = sum(names(words(top1[i]), alone[i].objects[0]) for i in named)
    out(f"\n## Held-out stamps, each alone on white ({len(stamps)} stamps never seen in training)\n")
    out("| system | BLEU-1 | BLEU-4 | named stamps whose name is said |\n|---|---|---|---|")
    out(f"| decoder, beam 3 | {scores['bleu1']:.1f} | {scores['bleu4']:.1f} | {hit}/{len(named)} "
        f"({hit / max(1, len(named)):.0%}) |")
    out(f"| encoder top-1 ImageNet class (English names) | — | — | {hit_top1}/{len(named)} "
        f"({hit_top1 / max(1, len(named)):.0%}) |")
    for i in named[:6]:
        out(f"\n- {alone[i].stamps[0]}: `{stamp_beam[i]}` (reference: {stamps.references[i][0]}; top-1: {top1[i]})")
    if language != "en":                                   # the photos' subjects are named in English
        return finish(args, lines)

    out("\n## Held-out bundled photos: is the main subject named, and does it survive a JPEG re-save and a crop?\n")
    out("| photo | caption (beam 3) | named | encoder top-1 | named | after JPEG q75 | named | same | "
        "after 10 % crop | named |\n|---|---|---|---|---|---|---|---|---|---|")
    totals = Counter()
    for sample in samples.EVALUATION:
        image = samples.load_sample(sample)
        result = captioner.caption(image, beam=3)
        saved = captioner.caption(scenes.jpeg(image, 75), beam=3).caption
        cropped = captioner.caption(scenes.crop_border(image, 0.1), beam=3).caption
        top = result.top5[0][0].name
        checks = {"named": samples.names_subject(result.caption, sample), "top1": samples.names_subject(top, sample),
                  "jpeg": samples.names_subject(saved, sample), "same": saved == result.caption,
                  "crop": samples.names_subject(cropped, sample)}
        if sample.key in ("astronaut", "portrait"):
            totals["people"] += 1
            totals["person_word"] += bool(PEOPLE & set(words(result.caption)))
        totals.update({k: int(v) for k, v in checks.items()})
        totals.update({"survives_jpeg": int(checks["named"] and checks["jpeg"]),
                       "survives_crop": int(checks["named"] and checks["crop"])})
        yes = {k: "yes" if v else "no" for k, v in checks.items()}
        out(f"| {sample.key} | {result.caption} | {yes['named']} | {top} ({result.top5[0][1]:.0%}) | {yes['top1']} | "
            f"{saved} | {yes['jpeg']} | {yes['same']} | {cropped} | {yes['crop']} |")
    n = len(samples.EVALUATION)
    out(f"| **total** | | **{totals['named']}/{n}** | | **{totals['top1']}/{n}** | | **{totals['jpeg']}/{n}** | "
        f"**{totals['same']}/{n}** | | **{totals['crop']}/{n}** |")
    out(f"\nOf the {totals['named']} photos whose subject is named, it is still named after the JPEG re-save in "
        f"{totals['survives_jpeg']} and after the crop in {totals['survives_crop']}.")
    out(f"\nPeople (astronaut, portrait) called a person, man, woman, boy or girl: {totals['person_word']}/"
        f"{totals['people']}. Torch threads: {torch.get_num_threads()}.")
    finish(args, lines)


def finish(args, lines: list[str]) -> None:
    if args.write_card:
        write_card(args.model, "\n".join(lines))


def readme_section() -> str:
    """The project README's captioning figures: each shipped decoder's training, its evaluation tables (from its
    card) and the benchmark's speed table."""
    lines = []
    for name in MODEL_OF_LANGUAGE.values():
        try:
            card = checkpoint.load_card(name)
        except FileNotFoundError:
            continue
        lines += [f"**{name}**: `{card['reproduce']}`, {card['steps']:,} steps in {card['train_seconds'] / 60:.0f} min "
                  f"({card['machine']}); decoder {card['parameters'] / 1e6:.1f} M parameters.", "",
                  card.get("evaluation", "(not evaluated)").replace("## ", "#### "), ""]
        if card.get("speed"):
            lines += ["Speed and size (`python -m benchmarks.bench_captioning --update-card`):", "",
                      "| measure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in card["speed"].items()] + [""]
    return "\n".join(lines)


def write_card(model: str, tables: str) -> None:
    """Keep card.json and README.md in sync: the tables go into both."""
    directory = checkpoint.resolve(model)
    card = checkpoint.load_card(directory)
    card["evaluation"] = tables
    card["limits"] = task.LIMITS
    (directory / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = checkpoint.render_card(card) + "\n# Evaluation (scripts/eval_captioning.py)\n\n" + tables + "\n"
    (directory / checkpoint.README).write_text(readme, encoding="utf-8")
    checkpoint.write_readme_figures("captioning", "scripts/eval_captioning.py", readme_section())


if __name__ == "__main__":
    main()
