"""The committed OpenCV sample photos (scripts/prepare_captioning_photos.py) and the photos the captioner trains on."""

from __future__ import annotations

import re

from PIL import Image

from rnnkit import ROOT
from rnnkit.captioning import data, samples

PHOTOS = ROOT / "data" / "captioning" / "photos"


def test_every_photo_is_in_the_provenance_and_small():
    provenance = (PHOTOS / "PROVENANCE.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([\w.-]+\.jpg)` \|", provenance, re.M))
    on_disk = {p.name for p in PHOTOS.glob("*") if p.name != "PROVENANCE.md"}
    assert listed == on_disk and len(on_disk) >= 10
    total = sum((PHOTOS / name).stat().st_size for name in on_disk)
    assert f"{len(on_disk)} photos, {total} bytes." in provenance
    for name in on_disk:
        with Image.open(PHOTOS / name) as image:
            assert image.format == "JPEG" and image.mode == "RGB" and max(image.size) <= 512, name


def test_training_photos_load_and_never_include_a_held_out_one():
    training = {s.source for s in samples.TRAINING}
    assert not training & {s.source for s in samples.EVALUATION}
    assert len({s.key for s in samples.TRAINING}) == len(samples.TRAINING)
    for sample in samples.TRAINING:
        assert "-" not in sample.key  # crops are named <key>-<k>
        image = samples.load_sample(sample)
        assert image.mode == "RGB" and min(image.size) >= 128, sample.key


def test_written_captions_are_for_training_photos_of_people():
    keys = {s.key for s in samples.TRAINING}
    for key, captions in data.WRITTEN.items():
        assert key in keys and len(captions) == 3
        assert all(re.search(r"\b(man|men)\b", c) and c.endswith(" .") for c in captions), key
