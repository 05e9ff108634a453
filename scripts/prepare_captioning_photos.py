"""Copy a few more real photos for the captioner's photo crops out of Debian's OpenCV sample data.

    python scripts/prepare_captioning_photos.py [--work build/captioning_photos] [--out data/captioning/photos]

Source: Debian ``opencv-doc`` (the OpenCV samples' ``data/`` folder, ``usr/share/doc/opencv-doc/examples/data``),
``apt-get download``-ed into ``--work`` (skipped when the .deb is already there) and extracted there with the
helpers of ``prepare_translation_sources.py``. Only the real photos listed in ``PHOTOS`` are kept (no drawings,
calibration boards or test patterns; ``lena`` was removed by Debian). They carry no captions: the training
captions are written by ``rnnkit.captioning.data.photo_captions`` (the encoder's own ImageNet class, or the
words written there for the photos of people).

Each photo is converted to RGB, reduced with Lanczos to at most 512 px a side and stored as JPEG quality 90
(a tenth of the size; the training crops are 224 px). Outputs (byte-identical on a rerun):

- ``<out>/<name>.jpg`` for each of ``PHOTOS``;
- ``<out>/PROVENANCE.md``: package, version, sha256, licence (read from the package's copyright file), each
  photo's original size and what it shows.

Needs Pillow, ``apt-get``, ``dpkg-deb`` and ``tar``. It does not import ``rnnkit``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image
from prepare_translation_sources import apt_download, checked_digest, copyright_licence, deb_field, extract_deb, md

PACKAGE = "opencv-doc"
DATA_DIR = "usr/share/doc/opencv-doc/examples/data"
MAX_SIDE = 512
QUALITY = 90

PHOTOS = {  # file in the package -> what it shows (written here, for the provenance only)
    "messi5.jpg": "a football player kicking a ball in a stadium",
    "basketball1.png": "two men in a corridor, one holding a basketball (grey)",
    "baboon.jpg": "the face of a mandrill",
    "fruits.jpg": "cut oranges, a lemon and a kiwi",
    "butterfly.jpg": "a swallowtail butterfly on a leaf",
    "apple.jpg": "a red apple",
    "orange.jpg": "an orange",
    "squirrel_cls.jpg": "a squirrel on a branch",
    "chicky_512.png": "a small dog's face",
    "home.jpg": "a yellow palace under a blue sky",
    "building.jpg": "a hotel building",
    "leuvenA.jpg": "a street of brick houses",
    "aero1.jpg": "a town seen from the air",
    "board.jpg": "a circuit board",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("build/captioning_photos"), help="download/extract folder")
    parser.add_argument("--out", type=Path, default=Path("data/captioning/photos"), help="where the photos go")
    args = parser.parse_args()

    deb = apt_download([PACKAGE], args.work / "debs")[PACKAGE]
    digest = checked_digest(deb, PACKAGE)
    root = extract_deb(deb, PACKAGE, args.work / "x", digest, [f"./{DATA_DIR}/{name}" for name in PHOTOS])
    licence = copyright_licence(root / f"usr/share/doc/{PACKAGE}/copyright", PACKAGE)

    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, shows in PHOTOS.items():
        with Image.open(root / DATA_DIR / name) as image:
            original = image.size
            photo = image.convert("RGB")
        photo.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        target = args.out / f"{Path(name).stem}.jpg"
        photo.save(target, "JPEG", quality=QUALITY, optimize=True)
        rows.append(f"| `{target.name}` | `{name}` | {original[0]}x{original[1]} | {photo.size[0]}x{photo.size[1]} | "
                    f"{md(shows)} |")
    total = sum((args.out / f"{Path(n).stem}.jpg").stat().st_size for n in PHOTOS)
    lines = [
        "# Photos from OpenCV's sample data: provenance",
        "",
        "Written by `scripts/prepare_captioning_photos.py`. Real photos without captions; the captioner trains on "
        "random crops of them, captioned with the encoder's own ImageNet class (`rnnkit/captioning/data.py`, "
        "`photo_captions`), or, for the two photos of people, with words written there.",
        "",
        "| package | version | file | sha256 | licence |",
        "|---|---|---|---|---|",
        f"| `{PACKAGE}` | {deb_field(deb, 'Version')} | `{deb.name}` | `{digest}` | {licence} |",
        "",
        f"The licence is read from `/usr/share/doc/{PACKAGE}/copyright` inside the .deb (the `Files: *` stanza, "
        f"which covers OpenCV's `samples/data`; Debian removed the photos it could not distribute, such as "
        f"`lena.jpg`). Each photo: RGB, reduced with Lanczos to at most {MAX_SIDE} px a side, JPEG quality "
        f"{QUALITY}. {len(PHOTOS)} photos, {total} bytes.",
        "",
        "| file | in the package | original size | stored size | what it shows (written here) |",
        "|---|---|---|---|---|",
        *rows,
    ]
    (args.out / "PROVENANCE.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(PHOTOS)} photos, {total} bytes -> {args.out}")


if __name__ == "__main__":
    main()
