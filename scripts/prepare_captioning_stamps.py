"""Build a small captioning data set of real object cut-outs with human-written English and French captions.

    python scripts/prepare_captioning_stamps.py [--work build/captioning_stamps] [--out data/captioning/stamps]

Source: the Tux Paint stamps, Debian ``tuxpaint-stamps-default`` (the version used for the translation
corpus), ``apt-get download``-ed into ``--work`` (skipped when the .deb is already there) and extracted
there with the helpers of ``prepare_translation_sources.py``. A stamp is ``stamps/<category>/.../NAME.txt``
with its picture ``NAME.png`` (or ``NAME.svg``) beside it; line 1 of the .txt is the English caption and
the line ``fr.utf8=...`` the French one. Flipped copies ``NAME_mirror.png`` are not stamps of their own;
SVG-only stamps are rasterised with ``rsvg-convert`` (Debian ``librsvg2-bin``: ``apt-get install -y
librsvg2-bin``; the script stops if it is missing, so a rerun never drops them silently).

Each picture becomes an RGBA PNG of at most 128x128 pixels (alpha kept: these are cut-outs to compose
scenes from), cropped to its opaque part first, its colours reduced to 256 (alpha kept exact) and the colour of fully
transparent pixels set to 0 (the files are stored as RGBA).
Captions are cleaned like the translation corpus (NFC, typographic apostrophes made ASCII, whitespace
collapsed, surrounding quotes stripped) and curly double quotes made ``"``.

Split by whole stamp, per category and picture format: the PNG stamps of a category are ordered by the
sha1 of their id (the path without extension) and the first 15 % (rounded half up) go to test, the next
5 % to dev, the rest to train, and the same for its SVG-only stamps, so every category of 4 or more stamps
has test stamps, and the PNG stamps keep the split they had before the SVG ones were added. Outputs
(byte-identical on a rerun with the same ``rsvg-convert``):

- ``<out>/images/<id>.png``;
- ``<out>/stamps.tsv``: ``id<TAB>category<TAB>split<TAB>en<TAB>fr<TAB>file<TAB>source`` with a header
  line, sorted by id; ``file`` is relative to ``<out>``; ``source`` is the picture's format in the package
  (``png``, or ``svg`` rasterised here);
- ``<out>/PROVENANCE.md``: package, version, sha256, licence (read from the package's copyright file),
  counts per category and split, what was dropped and why: every number in it is computed here.

Needs Pillow, ``apt-get``, ``dpkg-deb``, ``tar`` and ``rsvg-convert``. It does not import ``rnnkit``.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from prepare_translation_sources import (
    STAMPS_PACKAGE,
    apt_download,
    checked_digest,
    clean,
    copyright_licence,
    deb_field,
    extract_deb,
    md,
)

STAMPS_DIR = "usr/share/tuxpaint/stamps"
PATTERNS = [f"./{STAMPS_DIR}/*.{ext}" for ext in ("txt", "png", "svg")]  # not the sounds (.ogg, .wav)
MAX_SIDE = 128
COLOURS = 256  # colours per picture (alpha kept exact)
TEST_SHARE, DEV_SHARE = 0.15, 0.05
SPLITS = ("train", "dev", "test")
COLUMNS = ("id", "category", "split", "en", "fr", "file", "source")


@dataclass
class Stamp:
    id: str  # path below stamps/ without extension: "animals/birds/robin"
    category: str
    picture: Path
    en: str
    fr: str
    split: str = ""

    @property
    def file(self) -> str:
        return f"images/{self.id}.png"


def clean_caption(text: str) -> str:
    return clean(text).replace("“", '"').replace("”", '"')


def read_stamps(base: Path, dropped: collections.Counter) -> list[Stamp]:
    """Every stamp with a picture we can read and an English and a French caption."""
    stamps = []
    for _ in base.rglob("*_mirror.png"):
        dropped["flipped copy NAME_mirror.png of a stamp's picture"] += 1
    for txt in sorted(base.rglob("*.txt")):
        lines = txt.read_text(encoding="utf-8").splitlines()
        en = clean_caption(lines[0]) if lines else ""
        fr = [clean_caption(line.split("=", 1)[1]) for line in lines[1:] if line.startswith("fr.utf8=")]
        png, svg = txt.with_suffix(".png"), txt.with_suffix(".svg")
        if png.exists():
            picture = png
        elif svg.exists():
            picture = svg
        else:
            dropped["caption without a picture (a sound-only description)"] += 1
            continue
        if not en or not fr or not fr[0]:
            dropped["no English or no French caption"] += 1
            continue
        stamp_id = txt.relative_to(base).with_suffix("").as_posix()
        stamps.append(Stamp(stamp_id, stamp_id.split("/", 1)[0], picture, en, fr[0]))
    return stamps


def load_picture(path: Path, rasteriser: str) -> Image.Image:
    if path.suffix == ".svg":
        side = str(4 * MAX_SIDE)
        data = subprocess.run([rasteriser, "-w", side, "-h", side, "--keep-aspect-ratio", str(path)],
                              check=True, capture_output=True).stdout
        return Image.open(io.BytesIO(data))
    return Image.open(path)


def reduce(image: Image.Image) -> Image.Image:
    """RGBA, cropped to the opaque part, at most MAX_SIDE x MAX_SIDE, at most COLOURS colours (alpha exact),
    colour 0 where fully transparent."""
    image = image.convert("RGBA")
    box = image.getchannel("A").getbbox()
    if box:
        image = image.crop(box)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)  # Pillow premultiplies alpha here
    alpha = image.getchannel("A")
    image = image.quantize(COLOURS, method=Image.Quantize.FASTOCTREE).convert("RGBA")  # ~25 % smaller files
    image.putalpha(alpha)  # the exact alpha, not the palette's
    clear = alpha.point(lambda a: 255 if a == 0 else 0)
    image.paste((0, 0, 0, 0), mask=clear)
    return image


def id_hash(stamp_id: str) -> str:
    return hashlib.sha1(stamp_id.encode("utf-8")).hexdigest()


def assign_splits(stamps: list[Stamp]) -> None:
    by_group = collections.defaultdict(list)
    for stamp in stamps:
        by_group[stamp.category, stamp.picture.suffix].append(stamp)
    for members in by_group.values():
        members.sort(key=lambda s: id_hash(s.id))
        n_test = int(TEST_SHARE * len(members) + 0.5)
        n_dev = int(DEV_SHARE * len(members) + 0.5)
        for rank, stamp in enumerate(members):
            stamp.split = "test" if rank < n_test else "dev" if rank < n_test + n_dev else "train"


def tsv(stamps: list[Stamp]) -> str:
    rows = ["\t".join(COLUMNS)]
    for s in stamps:
        fields = (s.id, s.category, s.split, s.en, s.fr, s.file, s.picture.suffix[1:])
        if any("\t" in f or "\n" in f for f in fields):
            raise SystemExit(f"{s.id}: a tab or newline survived cleaning")
        rows.append("\t".join(fields))
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("build/captioning_stamps"), help="download/extract folder")
    parser.add_argument("--out", type=Path, default=Path("data/captioning/stamps"), help="where the data set goes")
    args = parser.parse_args()

    deb = apt_download([STAMPS_PACKAGE], args.work / "debs")[STAMPS_PACKAGE]
    digest = checked_digest(deb, STAMPS_PACKAGE)
    root = extract_deb(deb, STAMPS_PACKAGE, args.work / "x", digest, PATTERNS)
    licence = copyright_licence(root / f"usr/share/doc/{STAMPS_PACKAGE}/copyright", STAMPS_PACKAGE)
    package = {"name": STAMPS_PACKAGE, "version": deb_field(deb, "Version"), "file": deb.name,
               "sha256": digest, "licence": licence}

    rasteriser = shutil.which("rsvg-convert")
    if rasteriser is None:
        raise SystemExit("rsvg-convert is needed for the SVG-only stamps: apt-get install -y librsvg2-bin")
    rasteriser_version = subprocess.run([rasteriser, "--version"], check=True, capture_output=True,
                                        text=True).stdout.strip()
    dropped: collections.Counter = collections.Counter()
    stamps = read_stamps(root / STAMPS_DIR, dropped)
    assign_splits(stamps)

    images = args.out / "images"
    if images.exists():
        shutil.rmtree(images)  # stamps that are gone must not linger
    sizes = collections.Counter()
    for stamp in stamps:
        target = args.out / stamp.file
        target.parent.mkdir(parents=True, exist_ok=True)
        with load_picture(stamp.picture, rasteriser) as picture:
            original = picture.size
            reduce(picture).save(target, "PNG", optimize=True)
        sizes["svg" if stamp.picture.suffix == ".svg" else "png"] += 1
        sizes["small" if max(original) <= MAX_SIDE else "downscaled"] += 1
    (args.out / "stamps.tsv").write_text(tsv(stamps), encoding="utf-8")
    total = sum(p.stat().st_size for p in images.rglob("*.png")) + (args.out / "stamps.tsv").stat().st_size
    (args.out / "PROVENANCE.md").write_text(
        render_provenance(stamps, package, dropped, sizes, rasteriser_version, total), encoding="utf-8")

    counts = collections.Counter(s.split for s in stamps)
    print(f"{len(stamps)} stamps ({', '.join(f'{k} {counts[k]}' for k in SPLITS)}), {total} bytes -> {args.out}")
    for reason, n in sorted(dropped.items()):
        print(f"dropped {n}: {reason}")


# --------------------------------------------------------------------------------------- PROVENANCE.md


def render_provenance(stamps, package: dict, dropped, sizes, rasteriser: str, total: int) -> str:
    counts = collections.Counter((s.category, s.split) for s in stamps)
    categories = sorted({s.category for s in stamps})
    en_words = [len(s.en.split()) for s in stamps]
    lines = [
        "# Tux Paint stamps with English and French captions: provenance",
        "",
        "Written by `scripts/prepare_captioning_stamps.py` (every number below is computed by it). "
        "Real object pictures (cut-outs with alpha) drawn for Tux Paint, each with the caption a person "
        "wrote for it and its French translation. These are single objects on a transparent background, "
        "not scenes: compose them onto backgrounds to train a scene captioner.",
        "",
        f"`stamps.tsv`: {len(stamps)} stamps; columns `{', '.join(COLUMNS)}` (header line first), sorted by id; "
        f"`file` is relative to this folder. `images/`: one RGBA PNG of at most {MAX_SIDE}x{MAX_SIDE} pixels per "
        f"stamp. Images + TSV: {total} bytes.",
        "",
        "## Package",
        "",
        "| package | version | file | sha256 | licence |",
        "|---|---|---|---|---|",
        f"| `{package['name']}` | {package['version']} | `{package['file']}` | `{package['sha256']}` | "
        f"{package['licence']} |",
        "",
        f"The licence is read from `/usr/share/doc/{package['name']}/copyright` inside the .deb (the `Files: *` "
        f"stanza: {package['licence']}); pictures and captions are GPL-licensed, so this folder is distributed "
        "under the same terms.",
        "",
        "## Stamps per category and split",
        "",
        "Split by whole stamp, per category and picture format: the PNG stamps of a category ordered by the sha1 "
        f"of their id, the first {TEST_SHARE:.0%} (rounded half up) test, the next {DEV_SHARE:.0%} dev, the rest "
        "train; the same for its SVG-only stamps (so the PNG stamps keep the split they had before the SVG ones "
        "were added).",
        "",
        "| category | train | dev | test | total |",
        "|---|---:|---:|---:|---:|",
    ]
    for category in categories:
        row = [counts[category, split] for split in SPLITS]
        lines.append(f"| {category} | {' | '.join(map(str, row))} | {sum(row)} |")
    totals = [sum(counts[c, split] for c in categories) for split in SPLITS]
    lines += [
        f"| **all** | {' | '.join(map(str, totals))} | {sum(totals)} |",
        "",
        f"English captions: {sum(en_words) / len(en_words):.1f} words on average (whitespace-separated), "
        f"{sum(n >= 8 for n in en_words)} of 8 words or more, at most {max(en_words)}; "
        f"{len({s.en.lower() for s in stamps})} distinct English captions.",
        "",
        "## Images",
        "",
        f"From PNG: {sizes['png']}; rasterised from SVG: {sizes['svg']} (with {rasteriser}, at "
        f"{4 * MAX_SIDE} px a side). Each picture is "
        "converted to RGBA, cropped to the bounding box of its non-transparent pixels, reduced with Lanczos "
        f"(alpha premultiplied) to fit {MAX_SIDE}x{MAX_SIDE} keeping its aspect ratio ({sizes['downscaled']} "
        f"reduced; {sizes['small']} were at most {MAX_SIDE} px a side already and keep their size), its colours "
        f"reduced to {COLOURS} (fast octree; alpha kept exact) and the colour of fully transparent pixels set to 0 "
        "(smaller files; compose with the alpha channel). Files are stored as RGBA PNG.",
        "",
        "## Captions and what was dropped",
        "",
        "Line 1 of `NAME.txt` is the English caption, the line `fr.utf8=...` the French one. Cleaning (the "
        "translation corpus's `clean`): NFC; invisible format characters removed; ’ ‘ -> ', U+2010/2011 -> -; "
        "every kind of whitespace -> one space; surrounding quotes stripped; then “ ” -> \".",
        "",
        "| dropped | count |",
        "|---|---:|",
    ]
    lines += [f"| {md(reason)} | {n} |" for reason, n in sorted(dropped.items())]
    step = max(1, len(stamps) // 10)
    lines += ["", f"## Examples (every {step}th stamp by id)", "", "| id | split | en | fr |", "|---|---|---|---|"]
    for s in stamps[::step][:10]:
        lines.append(f"| `{s.id}` | {s.split} | {md(s.en)} | {md(s.fr)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
