"""The real photos bundled with installed packages (no captions), held-out stamps and scenes: the
page's gallery and the held-out check of the shipped captioner's object naming.

``EVALUATION`` photos are never seen in training: each has the words a caption must contain to
count as naming its main subject. ``TRAINING`` photos give the crops the shipped model learns the
"photo -> name what the encoder sees" behaviour from.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from rnnkit import DATA


@dataclass(frozen=True)
class Sample:
    key: str
    title: str
    source: str            # "skimage:chelsea.png", "sklearn:flower.jpg", "data:photos/apple.jpg" (data/captioning/)
    subject: tuple[str, ...] = ()    # any of these words in a caption = the main subject was named


EVALUATION = (
    Sample("cat", "Chelsea the cat", "skimage:chelsea.png", ("cat", "tabby", "kitten")),
    Sample("coffee", "A cup of coffee", "skimage:coffee.png", ("coffee", "espresso", "cup", "mug")),
    Sample("astronaut", "Astronaut Eileen Collins", "skimage:astronaut.png",
           ("astronaut", "woman", "person", "suit", "uniform", "face")),
    Sample("rocket", "A rocket on the launch pad", "skimage:rocket.jpg",
           ("rocket", "missile", "shuttle", "projectile")),
    Sample("motorcycle", "A motorcycle", "skimage:motorcycle_left.png",
           ("motorcycle", "moped", "scooter", "motorbike", "bike")),
    Sample("portrait", "Grace Hopper (portrait)", "data:grace_hopper.jpg",
           ("uniform", "woman", "person", "suit", "portrait", "face")),
    Sample("flower", "A flower", "sklearn:flower.jpg", ("flower", "daisy", "petal", "bloom")),
    Sample("temple", "A Chinese temple", "sklearn:china.jpg", ("temple", "palace", "pagoda", "monastery", "shrine")),
)

TRAINING = (
    Sample("camera", "The cameraman", "skimage:camera.png"),
    Sample("coins", "Coins", "skimage:coins.png"),
    Sample("horse", "A horse silhouette", "skimage:horse.png"),
    Sample("moon", "The moon's surface", "skimage:moon.png"),
    Sample("hubble", "Hubble deep field", "skimage:hubble_deep_field.jpg"),
    Sample("brick", "A brick wall", "skimage:brick.png"),
    Sample("grass", "Grass", "skimage:grass.png"),
    Sample("gravel", "Gravel", "skimage:gravel.png"),
    Sample("retina", "A retina", "skimage:retina.jpg"),
    Sample("page", "A printed page", "skimage:page.png"),
    Sample("text", "Text on a photo", "skimage:text.png"),
    Sample("ihc", "Stained tissue", "skimage:ihc.png"),
    Sample("clock", "A clock with motion blur", "skimage:clock_motion.png"),
    Sample("motorcycle_right", "A motorcycle (right view)", "skimage:motorcycle_right.png"),
    Sample("cell", "A cell", "skimage:cell.png"),
    Sample("logo", "The scikit-image logo", "skimage:logo.png"),
    # OpenCV's sample photos (data/captioning/photos, scripts/prepare_captioning_photos.py)
    Sample("football", "A football player", "data:photos/messi5.jpg"),
    Sample("basketball", "Two men and a basketball", "data:photos/basketball1.jpg"),
    Sample("mandrill", "A mandrill", "data:photos/baboon.jpg"),
    Sample("fruits", "Fruits", "data:photos/fruits.jpg"),
    Sample("butterfly", "A butterfly", "data:photos/butterfly.jpg"),
    Sample("apple", "An apple", "data:photos/apple.jpg"),
    Sample("orange", "An orange", "data:photos/orange.jpg"),
    Sample("squirrel", "A squirrel", "data:photos/squirrel_cls.jpg"),
    Sample("dog", "A small dog", "data:photos/chicky_512.jpg"),
    Sample("palace", "A palace", "data:photos/home.jpg"),
    Sample("building", "A hotel", "data:photos/building.jpg"),
    Sample("street", "A street", "data:photos/leuvenA.jpg"),
    Sample("town", "A town from the air", "data:photos/aero1.jpg"),
    Sample("circuit", "A circuit board", "data:photos/board.jpg"),
)

SCENES = (                   # composed from the held-out test stamps only, with seeds the training never used
    Sample("scene1", "A scene of held-out objects", "scene:7001"),
    Sample("scene2", "Another scene of held-out objects", "scene:7009"),
    Sample("scene3", "A third scene of held-out objects", "scene:7010"),
    Sample("scene4", "A fourth scene of held-out objects", "scene:7014"),
)

STAMPS = (                   # held-out Tux Paint stamps alone on white, with their human-written captions
    Sample("lion", "A held-out stamp: a lion", "stamp:animals/mammals/cats/lion-2"),
    Sample("zebra", "A held-out stamp: a zebra", "stamp:animals/mammals/equines/zebra"),
    Sample("violin", "A held-out stamp: a violin", "stamp:hobbies/music/string/violin"),
    Sample("teapot", "A held-out stamp: a teapot", "stamp:household/dishes/teapot"),
)

GALLERY = EVALUATION + SCENES + STAMPS + TRAINING[:4]


def by_key(key: str) -> Sample:
    for sample in EVALUATION + SCENES + STAMPS + TRAINING:
        if sample.key == key:
            return sample
    raise KeyError(key)


def source_path(sample: Sample) -> Path:
    package, _, name = sample.source.partition(":")
    if package == "skimage":
        return package_directory("skimage") / "data" / name
    if package == "sklearn":
        return package_directory("sklearn") / "datasets" / "images" / name
    return DATA / "captioning" / name


def package_directory(package: str) -> Path:
    """Where an installed package lies, found without importing it: importing ``sklearn.datasets`` only to read
    two of its photos loaded ~60 more modules into the server (+2.9 MB beside the embeddings page's PCA, +72 MB
    without it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"the package {package} that ships this photo is not installed")
    return Path(spec.origin).parent


def load_sample(sample: Sample | str) -> Image.Image:
    """The bundled photo as 8-bit RGB (grey photos are replicated to three channels)."""
    sample = by_key(sample) if isinstance(sample, str) else sample
    if sample.source.startswith(("scene:", "stamp:")):
        return scene_of(sample).image
    with Image.open(source_path(sample)) as image:
        array = np.asarray(image)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    if array.dtype != np.uint8:
        array = (255 * (array - array.min()) / max(float(np.ptp(array)), 1e-9)).astype(np.uint8)
    return Image.fromarray(array[..., :3]).convert("RGB")


@lru_cache(maxsize=32)
def scene_of(sample: Sample):
    """The composed scene (image + its reference captions) behind a ``scene:<seed>`` sample (of test
    stamps) or a ``stamp:<id>`` sample (the stamp alone on white). Composed once per process (the page's
    gallery shows them on every rerun); callers only read it."""
    from rnnkit.captioning import scenes
    kind, _, value = sample.source.partition(":")
    if kind == "stamp":
        return scenes.stamp_alone(scenes.stamp_by_id(value))
    return scenes.make_scenes(1, int(value), "test")[0]


def names_subject(caption: str, sample: Sample) -> bool:
    """Does the caption contain one of the words that name the photo's main subject (or its plural)?"""
    words = set(caption.lower().replace(".", " ").replace(",", " ").split())
    return any(subject in words or f"{subject}s" in words or f"{subject}es" in words for subject in sample.subject)
