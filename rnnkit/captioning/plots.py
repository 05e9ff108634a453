"""Attention maps drawn on the image (PIL only): where the decoder looked for one word."""

from __future__ import annotations

import numpy as np
from PIL import Image

from rnnkit.captioning.encoder import IMAGE_SIZE


def attention_overlay(image: Image.Image, alpha: np.ndarray, size: int = IMAGE_SIZE) -> Image.Image:
    """The image squashed to ``size`` x ``size`` (as the encoder saw it), lit where attention
    ``alpha`` (7, 7) is high and dimmed where it is low (no false colour: the words name colours).

    The map is upsampled smoothly (bicubic) and rescaled to 0..1 per word, as in the figures of
    Show, Attend and Tell; the raw weights are shown next to it by the page.
    """
    alpha = np.asarray(alpha, dtype=np.float32)
    span = float(alpha.max() - alpha.min())
    normalised = (alpha - alpha.min()) / span if span > 0 else np.ones_like(alpha)
    heat = Image.fromarray((normalised * 255).astype(np.uint8)).resize((size, size), Image.Resampling.BICUBIC)
    light = np.asarray(heat, dtype=np.float32)[..., None] / 255.0                 # (size, size, 1)
    base = np.asarray(image.convert("RGB").resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32)
    shown = base * (0.15 + 0.85 * light)               # dim what it ignored; no tint, so colours stay true
    return Image.fromarray(np.clip(shown, 0, 255).astype(np.uint8))
