"""Scenes made of real objects: Tux Paint stamps (cut-outs with human-written captions) composed
onto real backgrounds, captioned with counts, sizes, spatial relations and the background.

A stamp is one drawn or photographed object with its alpha channel and the caption a person wrote
for it ("A frog.", "A race car.", "The letter J."; ``data/captioning/stamps/``, GPL-2). A scene puts
one to four of them on a background (a bundled training photo or a plain colour, each described by
a phrase written here) and writes two reference captions from the stamps' own words:

- one object: "a big frog on the grass." / "a frog on the grass." (or its own caption, when it is a
  sentence rather than a name: "the letter j on a white background.");
- several of one: "three frogs on gravel." / "three frogs.";
- two objects: "a frog to the left of a race car in space." / "a race car to the right of a frog in space.";
- several and one: "two frogs and a race car on the moon." / "a race car and two frogs on the moon.".

Every scene carries the same two captions in French too, from the stamps' French captions ("deux
grenouilles et une voiture de course sur la lune."), for the French decoder.

Scenes of a split use only that split's stamps (``make_scenes(n, seed, split="test")``), so a figure
measured on test scenes is about objects the decoder never saw. ``augment`` is the training-time
corruption (JPEG quality 30-95, a crop of up to 10 %, colour, blur) that keeps captions true.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from PIL import Image, ImageEnhance, ImageFilter

from rnnkit import DATA

SIZE = 224
STAMPS = DATA / "captioning" / "stamps"
COLORS = {"white": (245, 245, 245), "gray": (128, 128, 128), "black": (20, 20, 20), "blue": (70, 110, 200),
          "green": (60, 150, 70), "yellow": (240, 215, 80), "pink": (240, 170, 190)}
# bundled training photos as backgrounds (never the held-out evaluation photos), with their phrase
PHOTOS = {"grass": "on the grass", "gravel": "on gravel", "brick": "in front of a brick wall",
          "moon": "on the moon", "hubble": "in space"}
NUMBERS = {1: "a", 2: "two", 3: "three", 4: "four"}
# the same in French (the stamps' French captions give each object's gender through un / une)
COLORS_FR = {"white": "blanc", "gray": "gris", "black": "noir", "blue": "bleu", "green": "vert", "yellow": "jaune",
             "pink": "rose"}
PHOTOS_FR = {"grass": "sur l'herbe", "gravel": "sur du gravier", "brick": "devant un mur de briques",
             "moon": "sur la lune", "hubble": "dans l'espace"}
NUMBERS_FR = {2: "deux", 3: "trois", 4: "quatre"}
RELATIONS_FR = {"left": ("à gauche", "à droite"), "above": ("au-dessus", "au-dessous")}
_NAME_FR = re.compile(r"^(?:(une|un|le|la|du)\s+|(l'))([^.,;:()!?]+)", re.IGNORECASE)
RELATIONS = {"left": ("to the left of", "to the right of"), "above": ("above", "below")}
# words of a relation caption that name no object (articles, numbers), and those that start its background
FUNCTION_WORDS = {"a", "an", "the", "un", "une", "d'un", "d'une", "two", "three", "four", "deux", "trois", "quatre"}
BACKGROUND_STARTS = {"on", "in", "sur", "devant", "dans", "."}
_NAME = re.compile(r"^(a|an) ([a-z][a-z'-]*(?: [a-z][a-z'-]*){0,2})\.$", re.IGNORECASE)
_NOT_A_NAME = {"of", "with", "on", "in", "and", "or", "for", "to", "at", "the", "is"}
_IRREGULAR = {"man": "men", "woman": "women", "fireman": "firemen", "mouse": "mice", "goose": "geese",
              "child": "children", "person": "people", "foot": "feet", "tooth": "teeth", "sheep": "sheep",
              "deer": "deer", "fish": "fish", "moose": "moose", "bison": "bison", "fowl": "fowl", "ox": "oxen",
              "leaf": "leaves", "wolf": "wolves", "knife": "knives", "calf": "calves", "loaf": "loaves"}


@dataclass(frozen=True)
class Stamp:
    id: str
    category: str
    split: str
    en: str
    fr: str
    file: str
    source: str = "png"  # the picture's format in the package: png, or svg (rasterised by the preparation)

    @property
    def name(self) -> str | None:
        """The object's name when its caption is just "A/An <one to three words>." ("race car"), else None."""
        match = _NAME.match(self.en.strip())
        if not match:
            return None
        words = match.group(2).lower().split()
        if set(words) & _NOT_A_NAME or any(w.endswith("ing") for w in words):
            return None
        return " ".join(words).replace("-", " ")

    @property
    def name_fr(self) -> tuple[str, str]:
        """(article "un" / "une", French name) of a named stamp, from its French caption ("Une grenouille.")."""
        match = _NAME_FR.match(self.fr.strip())
        if not match:
            return "un", self.fr.strip().rstrip(".").lower()
        article = "une" if (match.group(1) or "").lower() in ("une", "la") else "un"
        return article, " ".join(match.group(3).lower().split()[:4])

    @property
    def sentence_fr(self) -> str:
        first = re.split(r"(?<=[.!?])\s", self.fr.strip())[0].rstrip(".!? ").replace('"', "")
        return " ".join(first.split()[:14]).lower()

    @property
    def sentence(self) -> str:
        """The first sentence of its caption, lower-case, without the full stop ("the letter j")."""
        first = re.split(r"(?<=[.!?])\s", self.en.strip())[0].rstrip(".!? ").replace('"', "")
        return " ".join(first.split()[:14]).lower()


@dataclass
class Scene:
    image: Image.Image
    captions: list[str]                       # two references, tokenised by spaces, ending " ."
    objects: list[str] = field(default_factory=list)    # the stamps' names (or sentences), first-mentioned first
    count: int = 1                            # how many of the first object
    relation: str = ""                        # "left" / "above": the first object relative to the second
    background: str = ""                      # the background's phrase
    stamps: list[str] = field(default_factory=list)     # stamp ids
    captions_fr: list[str] = field(default_factory=list)   # the same two references in French
    centres: list[tuple[float, float]] = field(default_factory=list)   # two objects' centres, in [-1, 1] image units

    def captions_in(self, language: str) -> list[str]:
        """The references in ``language``: "en" or "fr"."""
        return self.captions_fr if language == "fr" else self.captions

    def named_centres(self) -> list[list[tuple[float, float]]]:
        """For each reference, the centres of its objects in the order it names them ([] but in a relation
        scene): the second reference names them the other way round ("b to the right of a")."""
        return [self.centres, self.centres[::-1]] if self.centres else [[], []]


class RelationSpans(NamedTuple):
    """Where a relation caption names its two objects (positions of its words, articles and numbers left out)."""
    phrase: str                  # "to the left of"
    first: list[int]             # the words before the phrase
    second: list[int]            # the words after it, up to the background


def relation_spans(tokens: list[str], language: str = "en") -> RelationSpans | None:
    """The spans of a relation caption ("a frog to the left of a race car on the grass ."); None: the caption has
    no relation phrase."""
    relations = RELATIONS_FR if language == "fr" else RELATIONS
    phrases = sorted(((p.split(), p) for pair in relations.values() for p in pair), key=lambda x: -len(x[0]))
    for start in range(len(tokens)):
        match = next((p for words, p in phrases if tokens[start:start + len(words)] == words), None)
        if match:
            break
    else:
        return None
    end = start + len(match.split())
    stop = next((k for k in range(end, len(tokens)) if tokens[k] in BACKGROUND_STARTS), len(tokens))
    named = lambda span: [k for k in span if tokens[k] not in FUNCTION_WORDS]
    return RelationSpans(match, named(range(0, start)), named(range(end, stop)))


@lru_cache(maxsize=1)
def load_stamps() -> tuple[Stamp, ...]:
    with open(STAMPS / "stamps.tsv", encoding="utf-8", newline="") as handle:
        return tuple(Stamp(**row) for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=1)
def stamps_fingerprint() -> str:
    """8 hex digits of the sha1 of ``stamps.tsv``: feature caches of scenes are named with it, so a changed
    stamp table never reuses features of the old one."""
    return hashlib.sha1((STAMPS / "stamps.tsv").read_bytes()).hexdigest()[:8]


def stamps_of(split: str) -> tuple[Stamp, ...]:
    return tuple(s for s in load_stamps() if s.split == split)


@lru_cache(maxsize=1)
def _stamps_by_id() -> dict[str, Stamp]:
    return {stamp.id: stamp for stamp in load_stamps()}


def stamp_by_id(stamp_id: str) -> Stamp:
    return _stamps_by_id()[stamp_id]


@lru_cache(maxsize=1024)
def stamp_image(stamp_id: str) -> Image.Image:
    with Image.open(STAMPS / stamp_by_id(stamp_id).file) as image:
        return image.convert("RGBA")


def article(word: str) -> str:
    """ "a" or "an" before ``word``."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def plural(name: str) -> str:
    """ "race car" -> "race cars", "fireman" -> "firemen", "butterfly" -> "butterflies"."""
    *head, last = name.split()
    if last in _IRREGULAR:
        last = _IRREGULAR[last]
    elif last.endswith("man") and last != "human":
        last = last[:-3] + "men"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return " ".join([*head, last])


def head_noun(name: str) -> str:
    return name.split()[-1]


def plural_fr(name: str) -> str:
    """ "voiture de course" -> "voitures de course", "poire jaune" -> "poires jaunes", "cheval" -> "chevaux"."""
    words, out = name.split(), []
    for i, word in enumerate(words):
        if word in ("de", "du", "des", "à", "au", "aux", "en", "pour", "avec", "sans", "sur") or "'" in word:
            return " ".join(out + words[i:])
        if word.endswith(("s", "x", "z")):
            out.append(word)
        elif word.endswith(("eau", "au", "eu")):
            out.append(word + "x")
        elif word.endswith("al") and word not in ("festival", "carnaval", "bal"):
            out.append(word[:-2] + "aux")
        else:
            out.append(word + "s")
    return " ".join(out)


def _one_fr(stamp: Stamp) -> str:
    article, name = stamp.name_fr
    return f"{article} {name}"


def _of_fr(stamp: Stamp) -> str:
    """ "d'un lion", "d'une grenouille" (de + un / une)."""
    return "d'" + _one_fr(stamp)


def where_phrases(place: str) -> tuple[str, str]:
    """The English and French phrases of a background: a bundled photo's key or a colour's name."""
    if place in PHOTOS:
        return PHOTOS[place], PHOTOS_FR[place]
    return f"on {article(place)} {place} background", f"sur un fond {COLORS_FR[place]}"


@lru_cache(maxsize=8)
def _photo(key: str) -> Image.Image:
    from rnnkit.captioning import samples
    return samples.load_sample(key)


def background(rng: random.Random) -> tuple[Image.Image, str]:
    """A 224 x 224 background and where it is (``where_phrases`` names it): a crop of a bundled training photo,
    or a plain colour."""
    if rng.random() < 0.5:
        key = rng.choice(list(PHOTOS))
        photo = _photo(key)
        side = int(min(photo.size) * rng.uniform(0.5, 1.0))
        x, y = rng.randint(0, photo.width - side), rng.randint(0, photo.height - side)
        return photo.crop((x, y, x + side, y + side)).resize((SIZE, SIZE)), key
    color = rng.choice(list(COLORS))
    return Image.new("RGB", (SIZE, SIZE), COLORS[color]), color


def _paste(canvas: Image.Image, stamp: Stamp, box: tuple[int, int, int, int], rng: random.Random | None) -> None:
    """The stamp fitted into ``box`` (aspect kept, centred), maybe mirrored, pasted with its alpha."""
    x0, y0, x1, y1 = box
    image = stamp_image(stamp.id)
    scale = min((x1 - x0) / image.width, (y1 - y0) / image.height)
    image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                         Image.Resampling.BICUBIC)
    if rng is not None and rng.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    canvas.paste(image, (x0 + (x1 - x0 - image.width) // 2, y0 + (y1 - y0 - image.height) // 2), image)


def _cells(rng: random.Random, n: int, side: int) -> list[tuple[int, int, int, int]]:
    """n non-overlapping square boxes of ``side`` px, in random cells of a 2 x 2 grid."""
    half = SIZE // 2
    cells = rng.sample([(0, 0), (half, 0), (0, half), (half, half)], n)
    boxes = []
    for cx, cy in cells:
        x, y = cx + rng.randint(0, half - side), cy + rng.randint(0, half - side)
        boxes.append((x, y, x + side, y + side))
    return boxes


def make_scene(rng: random.Random, split: str = "train") -> Scene:
    """One random scene from ``split``'s stamps and its two reference captions."""
    stamps = stamps_of(split)
    named = [s for s in stamps if s.name]
    canvas, place = background(rng)
    where, where_fr = where_phrases(place)
    kind = rng.random()
    if kind < 0.35:                                                        # one object, big or small
        stamp = rng.choice(stamps)
        big = rng.random() < 0.5
        side = rng.randint(140, 200) if big else rng.randint(60, 95)
        x, y = rng.randint(4, SIZE - side - 4), rng.randint(4, SIZE - side - 4)
        _paste(canvas, stamp, (x, y, x + side, y + side), rng)
        if stamp.name:
            size = "big" if big else "small"
            captions = [f"{article(size)} {size} {stamp.name} {where} .",
                        f"{article(stamp.name)} {stamp.name} {where} ."]
            one, name = stamp.name_fr
            size_fr = ("grande" if big else "petite") if one == "une" else ("grand" if big else "petit")
            captions_fr = [f"{one} {size_fr} {name} {where_fr} .", f"{one} {name} {where_fr} ."]
        else:
            captions = [f"{stamp.sentence} .", f"{stamp.sentence} {where} ."]
            captions_fr = [f"{stamp.sentence_fr} .", f"{stamp.sentence_fr} {where_fr} ."]
        return Scene(canvas, captions, [stamp.name or stamp.sentence], 1, "", where, [stamp.id], captions_fr)
    first, second = rng.sample(named, 2)
    a, b = first.name, second.name
    if kind < 0.6:                                                        # two to four of one
        count = rng.randint(2, 4)
        for box in _cells(rng, count, rng.randint(70, 105)):
            _paste(canvas, first, box, rng)
        many_fr = f"{NUMBERS_FR[count]} {plural_fr(first.name_fr[1])}"
        return Scene(canvas, [f"{NUMBERS[count]} {plural(a)} {where} .", f"{NUMBERS[count]} {plural(a)} ."],
                     [a], count, "", where, [first.id], [f"{many_fr} {where_fr} .", f"{many_fr} ."])
    if kind < 0.85:                                                       # two objects and where they are
        relation = rng.choice(list(RELATIONS))
        side = rng.randint(80, 105)
        near, far = rng.randint(2, SIZE // 2 - side), rng.randint(SIZE // 2 + 2, SIZE - side - 2)
        across = [rng.randint(4, SIZE - side - 4) for _ in range(2)]
        boxes = [(near, across[0]), (far, across[1])] if relation == "left" else [(across[0], near), (across[1], far)]
        for stamp, (x, y) in zip((first, second), boxes):
            _paste(canvas, stamp, (x, y, x + side, y + side), rng)
        before, after = RELATIONS[relation]
        before_fr, after_fr = RELATIONS_FR[relation]
        centres = [((x + side / 2) / SIZE * 2 - 1, (y + side / 2) / SIZE * 2 - 1) for x, y in boxes]
        return Scene(canvas, [f"{article(a)} {a} {before} {article(b)} {b} {where} .",
                              f"{article(b)} {b} {after} {article(a)} {a} {where} ."],
                     [a, b], 1, relation, where, [first.id, second.id],
                     [f"{_one_fr(first)} {before_fr} {_of_fr(second)} {where_fr} .",
                      f"{_one_fr(second)} {after_fr} {_of_fr(first)} {where_fr} ."], centres)
    count = rng.randint(2, 3)                                            # several of one and one other
    boxes = _cells(rng, count + 1, rng.randint(70, 100))
    for box in boxes[:count]:
        _paste(canvas, first, box, rng)
    _paste(canvas, second, boxes[count], rng)
    many, one = f"{NUMBERS[count]} {plural(a)}", f"{article(b)} {b}"
    many_fr, one_fr = f"{NUMBERS_FR[count]} {plural_fr(first.name_fr[1])}", _one_fr(second)
    return Scene(canvas, [f"{many} and {one} {where} .", f"{one} and {many} {where} ."],
                 [a, b], count, "", where, [first.id, second.id],
                 [f"{many_fr} et {one_fr} {where_fr} .", f"{one_fr} et {many_fr} {where_fr} ."])


def make_scenes(n: int, seed: int, split: str = "train", augmented: bool = False) -> list[Scene]:
    """n scenes from ``split``'s stamps, reproducible from ``seed``; ``augmented`` corrupts each image."""
    rng = random.Random(seed)
    scenes = [make_scene(rng, split) for _ in range(n)]
    if augmented:
        for scene in scenes:
            scene.image = augment(scene.image, rng)
    return scenes


def stamp_alone(stamp: Stamp, color: str = "white") -> Scene:
    """One stamp centred on a plain background, as Tux Paint shows it: the held-out stamps' test."""
    canvas = Image.new("RGB", (SIZE, SIZE), COLORS[color])
    _paste(canvas, stamp, (32, 32, SIZE - 32, SIZE - 32), None)
    where, where_fr = where_phrases(color)
    if stamp.name:
        captions = [f"{article(stamp.name)} {stamp.name} .", f"{article(stamp.name)} {stamp.name} {where} ."]
        captions_fr = [f"{_one_fr(stamp)} .", f"{_one_fr(stamp)} {where_fr} ."]
    else:
        captions = [f"{stamp.sentence} .", f"{stamp.sentence} {where} ."]
        captions_fr = [f"{stamp.sentence_fr} .", f"{stamp.sentence_fr} {where_fr} ."]
    return Scene(canvas, captions, [stamp.name or stamp.sentence], 1, "", where, [stamp.id], captions_fr)


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    """The image saved as a JPEG at ``quality`` and read back (what a re-save does to a photo)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as read:
        return read.convert("RGB")


def crop_border(image: Image.Image, fraction: float) -> Image.Image:
    """A centre crop that cuts ``fraction`` of the width and of the height away (half on each side)."""
    dx, dy = round(image.width * fraction / 2), round(image.height * fraction / 2)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def augment(image: Image.Image, rng: random.Random) -> Image.Image:
    """Training-time corruption that keeps the caption true: a crop of up to 10 % (resized back),
    brightness / contrast / colour within +-30 %, sometimes a blur, then a JPEG re-save at quality 30-95."""
    width, height = image.size
    dx0, dx1, dy0, dy1 = (round(rng.uniform(0, 0.05) * s) for s in (width, width, height, height))
    image = image.crop((dx0, dy0, width - dx1, height - dy1)).resize((width, height))
    for enhance in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
        image = enhance(image).enhance(rng.uniform(0.7, 1.3))
    if rng.random() < 0.25:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5)))
    return jpeg(image, rng.randint(30, 95)) if rng.random() < 0.8 else image
