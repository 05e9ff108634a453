"""How steady are a captioner's captions when the picture is re-saved or cropped? Measured on dev data only.

    python scripts/captioning_steadiness.py [--model=captioning] [--scenes=300] [--variants=plain,flip,blur1]

For the dev scenes (composed from the dev stamps, as ``scripts/eval_captioning.py --split=dev``), each dev stamp
alone on white, and two random crops of each training photo: the share of beam-3 captions that stay exactly the same
after a JPEG re-save at quality 75 and at 90 and after a 10 % centre crop, and the BLEU-4 of the captions of the
untouched pictures. Variants change only how a picture is encoded, never the trained decoder:

- ``plain``: as the page and ``rnnkit caption`` encode it;
- ``flip``: the mean of the features of the picture and of its mirror image (the mirror's 7 x 7 grid flipped back,
  so each region stays where it was);
- ``blurN``: a Gaussian blur of N pixels (at 224 x 224) first, which washes out JPEG's block edges;
- ``flip+blurN``: both.

The test stamps and the held-out photos are never looked at here.
"""

from __future__ import annotations

import argparse
import time

import torch
from PIL import Image, ImageFilter

from rnnkit.captioning import data as D
from rnnkit.captioning import samples, scenes, task
from rnnkit.captioning.captioner import bleu_scores, load_captioner
from rnnkit.captioning.encoder import GRID, IMAGE_SIZE, load_frozen_graph, preprocess

CHANGES = {"JPEG q75": lambda image: scenes.jpeg(image, 75), "JPEG q90": lambda image: scenes.jpeg(image, 90),
           "10 % crop": lambda image: scenes.crop_border(image, 0.1)}


def encoder_of(variant: str):
    """image -> (1, 49, 1280) region features, encoded as ``variant`` says."""
    graph = load_frozen_graph()
    flip = "flip" in variant
    blur = float(variant.rpartition("blur")[2]) if "blur" in variant else 0.0

    def encode(image: Image.Image) -> torch.Tensor:
        image = image.convert("RGB")
        if blur:
            image = image.filter(ImageFilter.GaussianBlur(blur * max(image.size) / IMAGE_SIZE))
        pixels = preprocess(image)[None]
        regions, _ = graph(pixels)
        if flip:
            mirrored, _ = graph(pixels.flip(3))
            regions = (regions + mirrored.view(1, GRID, GRID, -1).flip(2).reshape(regions.shape)) / 2
        return regions
    return encode


def captions(captioner, encode, images: list[Image.Image]) -> list[str]:
    return [captioner.text(captioner.decoder.beam_search(encode(image), 3, captioner.max_len)[0]) for image in images]


def dev_pictures(n_scenes: int) -> dict[str, list[tuple[Image.Image, list[str]]]]:
    facts = scenes.make_scenes(n_scenes, task.scene_seed(task.Config(), "dev"), "dev")
    alone = [scenes.stamp_alone(s) for s in scenes.stamps_of("dev")]
    crops = D.photo_crops(samples.TRAINING, 2, seed=5)
    return {"dev scenes": [(s.image, s.captions_in("en")) for s in facts],
            "dev stamps": [(a.image, a.captions_in("en")) for a in alone],
            "training-photo crops": [(load(), []) for load in crops.loaders]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="captioning", help="the captioner (name or folder)")
    parser.add_argument("--scenes", type=int, default=300, help="how many dev scenes")
    parser.add_argument("--variants", default="plain,flip,blur0.5,blur1,flip+blur0.5")
    args = parser.parse_args()
    torch.set_num_threads(1)
    captioner = load_captioner(args.model)
    pictures = dev_pictures(args.scenes)
    print(f"Model: {args.model}. Beam 3, 1 torch thread. Captions exactly the same after each change:\n")
    print("| encoding | pictures | " + " | ".join(CHANGES) + " | BLEU-4 | seconds |\n|---|---|"
          + "---|" * (len(CHANGES) + 2))
    for variant in args.variants.split(","):
        encode = encoder_of(variant)
        for kind, rows in pictures.items():
            start = time.perf_counter()
            before = captions(captioner, encode, [image for image, _ in rows])
            same = [sum(a == b for a, b in zip(captions(captioner, encode, [change(image) for image, _ in rows]),
                                               before))
                    for change in CHANGES.values()]
            bleu = f"{bleu_scores(before, [refs for _, refs in rows])['bleu4']:.1f}" if rows[0][1] else "-"
            print(f"| {variant} | {kind} ({len(rows)}) | " + " | ".join(f"{k / len(rows):.0%}" for k in same)
                  + f" | {bleu} | {time.perf_counter() - start:.0f} |", flush=True)


if __name__ == "__main__":
    main()
