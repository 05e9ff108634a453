"""Image-caption data for training: Flickr8k and COCO files, scenes composed from stamps, bundled-photo crops.

Every source becomes ``Captioned(images, references)``: the images (PIL, loaded lazily from
paths or generated) and, per image, its reference captions. The frozen encoder's features are
computed once per source and cached under ``build/captioning/features/`` (float16), so training
the decoder touches only cached tensors.

Formats accepted (what people who have the data sets have):

- **Flickr8k**: ``Flickr8k.token.txt`` lines ``<image>.jpg#<n>\\t<caption>`` and a folder of images;
  the official ``Flickr_8k.{train,dev,test}Images.txt`` split files are used when they sit next to
  the token file, else a fixed hash split.
- **COCO captions**: ``captions_*.json`` with ``images`` (``id``, ``file_name``) and
  ``annotations`` (``image_id``, ``caption``) and a folder of images.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
from PIL import Image
from safetensors.torch import load_file, save_file

from rnnkit import ROOT
from rnnkit.captioning import samples
from rnnkit.captioning.encoder import encode_images, imagenet_classes
from rnnkit.captioning.scenes import augment, make_scenes, stamp_alone, stamps_of
from rnnkit.core.images import load_image
from rnnkit.core.inputs import InputError

CACHE = ROOT / "build" / "captioning" / "features"


@dataclass
class Captioned:
    """Images (as loaders) and their reference captions; ``regions``/``logits`` once encoded."""
    names: list[str]
    loaders: list[Callable[[], Image.Image]]
    references: list[list[str]]
    regions: torch.Tensor | None = None      # (N, 49, 1280) float16
    logits: torch.Tensor | None = None       # (N, 1000) float32
    # per image, per reference: the centres of the objects in the order it names them (relation scenes; else empty)
    named_centres: list[list[list[tuple[float, float]]]] | None = None

    def __len__(self) -> int:
        return len(self.names)

    def centres(self) -> list[list[list[tuple[float, float]]]]:
        """``named_centres``, or no centres for any reference when none are known (photos, stamps alone)."""
        return self.named_centres or [[[] for _ in refs] for refs in self.references]


# ---- user data sets -------------------------------------------------------------------------

def read_flickr8k(token_file: str | Path) -> dict[str, list[str]]:
    """``{image file name: [captions]}`` from a Flickr8k token file."""
    captions: dict[str, list[str]] = {}
    for number, line in enumerate(Path(token_file).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        key, sep, caption = line.partition("\t")
        if not sep or "#" not in key:
            raise ValueError(f"{token_file}:{number}: expected '<image>.jpg#<n><TAB><caption>'")
        captions.setdefault(key.rsplit("#", 1)[0], []).append(caption.strip())
    return captions


def read_coco(json_file: str | Path) -> dict[str, list[str]]:
    """``{image file name: [captions]}`` from a COCO captions JSON file."""
    data = json.loads(Path(json_file).read_text(encoding="utf-8"))
    names = {image["id"]: image["file_name"] for image in data["images"]}
    captions: dict[str, list[str]] = {}
    for annotation in data["annotations"]:
        captions.setdefault(names[annotation["image_id"]], []).append(annotation["caption"].strip())
    return captions


def split_names(names: list[str], folder: Path, dev_fraction: float = 0.1, test_fraction: float = 0.1
                ) -> dict[str, list[str]]:
    """Train/dev/test image names: Flickr8k's split files when present, else a fixed hash split."""
    official = {split: folder / f"Flickr_8k.{split}Images.txt" for split in ("train", "dev", "test")}
    if all(path.exists() for path in official.values()):
        wanted = {split: set(path.read_text().split()) for split, path in official.items()}
        return {split: [n for n in names if n in wanted[split]] for split in wanted}
    bucket = lambda name: int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    splits = {"train": [], "dev": [], "test": []}
    for name in names:
        b = bucket(name)
        splits["test" if b < test_fraction else "dev" if b < test_fraction + dev_fraction else "train"].append(name)
    return splits


def _file_loader(path: Path) -> Callable[[], Image.Image]:
    def load() -> Image.Image:
        return load_image(path.read_bytes(), max_bytes=50 * 2**20).image
    return load


def user_dataset(kind: str, captions_file: str, images_dir: str) -> dict[str, Captioned]:
    """Flickr8k (``kind="flickr8k"``) or COCO (``kind="coco"``) as train/dev/test ``Captioned``."""
    captions = read_flickr8k(captions_file) if kind == "flickr8k" else read_coco(captions_file)
    folder = Path(images_dir)
    present = [n for n in sorted(captions) if (folder / n).exists()]
    if not present:
        raise FileNotFoundError(f"none of the {len(captions)} images named in {captions_file} is in {folder}")
    splits = split_names(present, Path(captions_file).parent)
    return {split: Captioned(names, [_file_loader(folder / n) for n in names], [captions[n] for n in names])
            for split, names in splits.items()}


# ---- the shipped default: scenes composed from stamps and crops of bundled photos -----------

def scene_dataset(n: int, seed: int, split: str, augmented: bool = False, language: str = "en") -> Captioned:
    """n scenes composed from ``split``'s stamps (``scenes.make_scenes``), two references each in
    ``language`` ("en" or "fr"; the images do not depend on it)."""
    scenes = make_scenes(n, seed, split, augmented)
    return Captioned([f"scene-{split}-{seed}-{i}" for i in range(n)], [lambda s=s: s.image for s in scenes],
                     [s.captions_in(language) for s in scenes], named_centres=[s.named_centres() for s in scenes])


def stamp_dataset(split: str, language: str = "en") -> Captioned:
    """Each of ``split``'s stamps alone on white (``scenes.stamp_alone``): the held-out stamps' test."""
    alone = [stamp_alone(s) for s in stamps_of(split)]
    return Captioned([f"stamp-{a.stamps[0]}" for a in alone], [lambda a=a: a.image for a in alone],
                     [a.captions_in(language) for a in alone])


def random_crop(image: Image.Image, rng: random.Random) -> Image.Image:
    """A random crop covering 35-100 % of the photo, maybe mirrored, then ``scenes.augment``ed."""
    width, height = image.size
    area = rng.uniform(0.35, 1.0) * width * height
    aspect = rng.uniform(0.75, 1.333)
    w = int(min(width, round((area * aspect) ** 0.5)))
    h = int(min(height, round((area / aspect) ** 0.5)))
    x, y = rng.randint(0, width - w), rng.randint(0, height - h)
    crop = image.crop((x, y, x + w, y + h))
    if rng.random() < 0.5:
        crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return augment(crop, rng)


def photo_crops(photos: tuple[samples.Sample, ...], crops_per_photo: int, seed: int) -> Captioned:
    """Crops of bundled photos; their captions are composed after encoding (see ``photo_captions``)."""
    rng = random.Random(seed)
    names, loaders = [], []
    for sample in photos:
        for k in range(crops_per_photo):
            crop_seed = rng.randrange(2**31)
            names.append(f"{sample.key}-{k}")
            loaders.append(lambda s=sample, c=crop_seed: random_crop(samples.load_sample(s), random.Random(c)))
    return Captioned(names, loaders, [[] for _ in names])


CONFIDENT = 0.25


WRITTEN = {"camera": ["a man with a camera .", "a photo of a man with a camera .", "a man ."],
           "football": ["a man with a ball .", "a photo of a man playing football .", "a man ."],
           "basketball": ["two men and a ball .", "a photo of two men .", "two men ."]}
"""Captions written here for the training photos whose subject ImageNet has no class for (people)."""


def photo_captions(logits: torch.Tensor, name: str = "") -> list[str]:
    """Three references for a crop named ``<photo>-<k>``: the ones written for that photo
    (``WRITTEN``), else composed from the encoder's own top-1 ImageNet class of the whole image:
    "a photo of a tabby cat ." when it is confident, "a photo of what may be a tabby cat ." when not.
    The class name is one vocabulary token (spaces and all), joined with ``_`` here."""
    photo = name.rsplit("-", 1)[0]
    if photo in WRITTEN:
        return list(WRITTEN[photo])
    probability, index = logits.softmax(-1).max(-1)
    name = imagenet_classes()[int(index)].name.replace(" ", "_")
    if float(probability) >= CONFIDENT:
        return [f"a photo of a {name} .", f"a picture of a {name} .", f"a {name} ."]
    return [f"a photo of what may be a {name} .", f"a picture of what may be a {name} .", f"maybe a {name} ."]


# ---- encoding with a cache ------------------------------------------------------------------

def encode(data: Captioned, cache_name: str | None, batch_size: int = 32, progress: bool = True) -> Captioned:
    """Fill ``data.regions`` / ``data.logits`` from the cache or by running the frozen encoder.
    Images that cannot be read are dropped (with a message), never fatal."""
    path = CACHE / f"{cache_name}.safetensors" if cache_name else None
    if path is not None and path.exists():
        tensors = load_file(path)
        keep = json.loads(path.with_suffix(".json").read_text())
        _keep(data, keep)
        data.regions, data.logits = tensors["regions"], tensors["logits"]
        return data
    regions, logits, keep = [], [], []
    for start in range(0, len(data), batch_size):
        images = []
        for i in range(start, min(start + batch_size, len(data))):
            try:
                images.append(data.loaders[i]())
                keep.append(i)
            except (InputError, OSError) as error:
                print(f"skipping {data.names[i]}: {error}")
        if images:
            r, l = encode_images(images, batch_size)
            regions.append(r.half())
            logits.append(l)
        if progress:
            print(f"encoded {min(start + batch_size, len(data))}/{len(data)} images", flush=True)
    _keep(data, keep)
    data.regions = torch.cat(regions) if regions else torch.zeros(0, 49, 1280, dtype=torch.float16)
    data.logits = torch.cat(logits) if logits else torch.zeros(0, 1000)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_file({"regions": data.regions.contiguous(), "logits": data.logits.contiguous()}, path)
        path.with_suffix(".json").write_text(json.dumps(keep))
    return data


def _keep(data: Captioned, keep: list[int]) -> None:
    data.names = [data.names[i] for i in keep]
    data.loaders = [data.loaders[i] for i in keep]
    data.references = [data.references[i] for i in keep]
    data.named_centres = [data.named_centres[i] for i in keep] if data.named_centres else None
