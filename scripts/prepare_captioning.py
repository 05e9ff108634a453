"""Prepare the captioning page's small committed data (reproducible, offline after the downloads).

    python scripts/prepare_captioning.py            # labels + sample photo -> data/captioning/

1. ``data/captioning/imagenet_labels.tsv``: the 1000 ImageNet-1k classes in the encoder's output
   order (synset, a plain display name, WordNet lemmas, definition), read from the ``timm`` wheel
   *as a zip* (``timm`` is never installed or imported: it would need torchvision).
2. ``data/captioning/grace_hopper.jpg``: matplotlib's bundled portrait, read from the matplotlib
   wheel as a zip (matplotlib is not a dependency of the app).
3. ``data/captioning/PROVENANCE.md``: package, version, licence and sha256 of each.

The training scenes of the shipped captioner are not files: ``rnnkit.captioning.task.prepare``
composes them from the Tux Paint stamps (``scripts/prepare_captioning_stamps.py`` writes those)
and crops of bundled photos, from a seed, and caches the encoder's features under
``build/captioning/``.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "captioning"
BUILD = ROOT / "build" / "captioning"
TIMM, MATPLOTLIB = "timm==1.0.31", "matplotlib==3.11.2"
INFO = "timm/data/_info/"


def wheel(requirement: str) -> Path:
    """``pip download`` one wheel (no dependencies) into build/ and return its path."""
    name, version = requirement.split("==")
    found = sorted(BUILD.glob(f"{name}-{version}-*.whl"))
    if not found:
        BUILD.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                        requirement, "-d", str(BUILD)], check=True)
        found = sorted(BUILD.glob(f"{name}-{version}-*.whl"))
    return found[0]


def display_name(lemmas: list[str]) -> str:
    """A plain name: the first lemma, or a longer lemma that contains it ("tabby" -> "tabby cat")."""
    first = lemmas[0]
    for lemma in lemmas[1:]:
        if first in lemma.split() and len(lemma) > len(first):
            return lemma
    return first


def imagenet_labels(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        read = lambda n: z.read(INFO + n).decode("utf-8").splitlines()
        synsets = [s.strip() for s in read("imagenet_synsets.txt") if s.strip()]
        lemma = dict(line.split("\t", 1) for line in read("imagenet_synset_to_lemma.txt"))
        definition = dict(line.split("\t", 1) for line in read("imagenet_synset_to_definition.txt"))
    assert len(synsets) == 1000, len(synsets)
    rows = ["index\tsynset\tname\tlemmas\tdefinition"]
    for index, synset in enumerate(synsets):
        lemmas = [x.strip() for x in lemma[synset].split(",") if x.strip()]
        name = display_name(lemmas).replace("_", " ")
        rows.append(f"{index}\t{synset}\t{name}\t{', '.join(lemmas)}\t{definition[synset].strip()}")
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    timm_wheel, mpl_wheel = wheel(TIMM), wheel(MATPLOTLIB)
    labels = OUT / "imagenet_labels.tsv"
    labels.write_text("\n".join(imagenet_labels(timm_wheel)) + "\n", encoding="utf-8")
    photo = OUT / "grace_hopper.jpg"
    with zipfile.ZipFile(mpl_wheel) as z:
        photo.write_bytes(z.read("matplotlib/mpl-data/sample_data/grace_hopper.jpg"))
    labels_row = (f"| imagenet_labels.tsv | `{TIMM}` wheel (`{timm_wheel.name}`, sha256 `{sha256(timm_wheel)}`), "
                  f"files `{INFO}imagenet_synsets.txt`, `imagenet_synset_to_lemma.txt`, "
                  "`imagenet_synset_to_definition.txt` (WordNet 3.0 lemmas and glosses), read as a zip | "
                  f"timm: Apache-2.0; WordNet 3.0 licence (free use with attribution) | `{sha256(labels)}` |")
    photo_row = (f"| grace_hopper.jpg | `{MATPLOTLIB}` wheel (`{mpl_wheel.name}`), "
                 "`matplotlib/mpl-data/sample_data/grace_hopper.jpg` | public domain (US Navy photo), shipped by "
                 f"matplotlib (PSF-style licence) | `{sha256(photo)}` |")
    (OUT / "PROVENANCE.md").write_text(f"""# Provenance of data/captioning/

| file | source | licence | sha256 |
|---|---|---|---|
{labels_row}
{photo_row}

Columns of imagenet_labels.tsv: `index` (the encoder's output index), `synset` (WordNet id),
`name` (the first lemma, or a longer lemma containing it: "tabby" -> "tabby cat"), `lemmas`,
`definition`. Regenerate with `python scripts/prepare_captioning.py`.

The captioner's training data are not stored here: `rnnkit.captioning.task.prepare` generates
the scenes and the crops of bundled photos from a seed (see `pretrained/captioning/README.md`).
""", encoding="utf-8")
    print(f"wrote {labels} ({len(labels.read_text().splitlines()) - 1} classes), {photo}")


if __name__ == "__main__":
    main()
