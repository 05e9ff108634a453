"""Procedurally generated scenes with template captions: image-caption pairs made from a seed.

One or two coloured shapes on a plain or textured background; each scene has three reference
captions ("a red circle to the left of a blue square ." ...), so a decoder trained on them can be
scored with BLEU-1..4 on held-out scenes. The words are few on purpose: the scenes teach the
decoder grammar, colour, shape and left/right/above/below, which it can only get right by
attending to the right region.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

SIZE = 224
COLORS = {"red": (220, 30, 30), "green": (30, 170, 50), "blue": (30, 60, 220), "yellow": (240, 220, 30),
          "orange": (250, 140, 20), "purple": (140, 40, 170), "black": (15, 15, 15), "white": (250, 250, 250)}
BACKGROUNDS = {"gray": (128, 128, 128), "white": (245, 245, 245), "black": (20, 20, 20),
               "brown": (120, 80, 40), "pink": (240, 170, 190)}
SHAPES = ("circle", "square", "triangle", "star", "cross")


@dataclass
class Scene:
    image: Image.Image
    captions: list[str]        # three references, tokenised by spaces


def _draw_shape(draw: ImageDraw.ImageDraw, shape: str, box: tuple[int, int, int, int], color) -> None:
    x0, y0, x1, y1 = box
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
    if shape == "circle":
        draw.ellipse(box, fill=color)
    elif shape == "square":
        draw.rectangle(box, fill=color)
    elif shape == "triangle":
        draw.polygon([(cx, y0), (x1, y1), (x0, y1)], fill=color)
    elif shape == "star":
        points = []
        for k in range(10):                      # five outer and five inner corners
            radius = r if k % 2 == 0 else r * 0.45
            angle = -math.pi / 2 + k * math.pi / 5
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        draw.polygon(points, fill=color)
    elif shape == "cross":
        w = (x1 - x0) / 3
        draw.rectangle((x0, cy - w / 2, x1, cy + w / 2), fill=color)
        draw.rectangle((cx - w / 2, y0, cx + w / 2, y1), fill=color)


def _background(rng: random.Random, name: str) -> Image.Image:
    base = BACKGROUNDS[name]
    image = Image.new("RGB", (SIZE, SIZE), base)
    if rng.random() < 0.5:                       # light texture so backgrounds are not all flat
        noise = Image.effect_noise((SIZE, SIZE), rng.uniform(10, 40)).convert("RGB")
        image = Image.blend(image, noise, 0.15).filter(ImageFilter.GaussianBlur(1))
        image = Image.blend(image, Image.new("RGB", (SIZE, SIZE), base), 0.5)
    return image


def article(word: str) -> str:
    """ "a" or "an" before ``word``."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _pick(rng: random.Random, options, avoid=()) -> str:
    return rng.choice([o for o in options if o not in avoid])


def make_scene(rng: random.Random) -> Scene:
    """One random scene (one or two shapes) and its three reference captions."""
    background = rng.choice(list(BACKGROUNDS))
    image = _background(rng, background)
    draw = ImageDraw.Draw(image)
    color_a = _pick(rng, COLORS, (background,))
    shape_a = rng.choice(SHAPES)
    if rng.random() < 0.4:                                          # one shape, big or small
        big = rng.random() < 0.5
        side = rng.randint(110, 170) if big else rng.randint(45, 75)
        x, y = rng.randint(5, SIZE - side - 5), rng.randint(5, SIZE - side - 5)
        _draw_shape(draw, shape_a, (x, y, x + side, y + side), COLORS[color_a])
        size = "big" if big else "small"
        return Scene(image, [f"a {size} {color_a} {shape_a} .",
                             f"{article(color_a)} {color_a} {shape_a} on a {background} background .",
                             f"there is a {size} {color_a} {shape_a} ."])
    color_b = _pick(rng, COLORS, (background, color_a))
    shape_b = _pick(rng, SHAPES, (shape_a,))
    horizontal = rng.random() < 0.5
    side = rng.randint(55, 90)
    margin = 8
    low = rng.randint(margin, SIZE // 2 - side)                    # first shape in the first half
    high = rng.randint(SIZE // 2 + 4, SIZE - side - margin)       # second shape in the second half
    across_a, across_b = rng.randint(margin, SIZE - side - margin), rng.randint(margin, SIZE - side - margin)
    box_a = (low, across_a) if horizontal else (across_a, low)
    box_b = (high, across_b) if horizontal else (across_b, high)
    _draw_shape(draw, shape_a, (*box_a, box_a[0] + side, box_a[1] + side), COLORS[color_a])
    _draw_shape(draw, shape_b, (*box_b, box_b[0] + side, box_b[1] + side), COLORS[color_b])
    first, second = f"{color_a} {shape_a}", f"{color_b} {shape_b}"
    before, after = ("to the left of", "to the right of") if horizontal else ("above", "below")
    a_first, a_second = f"{article(color_a)} {first}", f"{article(color_b)} {second}"
    return Scene(image, [f"{a_first} {before} {a_second} .",
                         f"{a_second} {after} {a_first} .",
                         f"{a_first} and {a_second} ."])


def make_scenes(n: int, seed: int) -> list[Scene]:
    rng = random.Random(seed)
    return [make_scene(rng) for _ in range(n)]
