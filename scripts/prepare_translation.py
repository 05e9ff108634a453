"""Generate (or check) the English->French corpus the translation task trains on.

    python scripts/prepare_translation.py [--pairs=40000] [--seed=0] [--workers=1] [--provenance]

The corpus is regenerated deterministically from ``rnnkit/translation/data.py`` (pyrealb +
the bilingual lexicon, generator v2), so only this script is committed, not megabytes of text. It
writes ``build/translation/corpus-v<version>-seed<seed>-n<pairs>.tsv`` (the cache the training CLI
and ``read_prepared("generated", ...)`` read) and prints its sha256, the generation time, the
length distribution, the rows per split of the ``generated`` source, the lexicon's size, the share
of drawn sentences dropped per kind, and a few examples. ``--provenance`` also writes those figures
as the section "generated (pyrealb, generator v2)" at the end of ``data/translation/PROVENANCE.md``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import random
import time

from rnnkit import ROOT
from rnnkit.core.text import tokenize
from rnnkit.translation import data
from rnnkit.translation.task import Config

SECTION = f"## generated (pyrealb, generator v{data.GENERATOR_VERSION})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=60000, help="how many distinct sentence pairs")
    parser.add_argument("--seed", type=int, default=Config.seed, help="the generator's seed (training uses 0)")
    parser.add_argument("--workers", type=int, default=1, help="processes generating the corpus")
    parser.add_argument("--draws", type=int, default=5000, help="sentences drawn to measure the drop share")
    parser.add_argument("--provenance", action="store_true", help="write the section into PROVENANCE.md")
    args = parser.parse_args()
    start = time.perf_counter()
    pairs, provenance = data.corpus("", args.pairs, args.seed, args.workers)
    seconds = time.perf_counter() - start
    splits = data.read_prepared("generated", generated=args.pairs, seed=args.seed, workers=args.workers)
    counts = {split: sum(row[2] == "generated" for row in rows) for split, rows in splits.items()}
    entries, missing = data.lexicon_coverage()
    drawn, dropped = drop_shares(args.draws, args.seed)
    counted = collections.Counter(bucket(len(tokenize(en))) for en, _ in pairs)
    buckets = {name: counted[name] for name in sorted(counted, key=lambda name: int(name.split("-")[0].rstrip("+")))}
    lines = [
        SECTION, "",
        f"Not in `pairs.tsv.gz`: `read_prepared(\"...,generated\", generated={args.pairs}, seed={args.seed})` "
        f"generates it (cached in `build/translation/`). {provenance['source']}; sha256 of the pairs "
        f"`{provenance['sha256']}`. Licence: pyrealb's code Apache-2.0, its lexicons CC-BY-SA-4.0.", "",
        "| source | train | dev | test | total | split rule (sha1 of lowercased English, per mille) |",
        "|---|---:|---:|---:|---:|---|",
        f"| generated | {counts['train']} | {counts['dev']} | {counts['test']} | {sum(counts.values())} | "
        "test < 30, dev < 60, else train; English of the file's dev/test dropped |", "",
        f"Lexicon: {entries} English-French entries (nouns, adjectives, verbs), {entries - len(missing)} known "
        f"to both pyrealb lexicons{': missing ' + ', '.join(e for _, e, _ in missing) if missing else ''}.", "",
        f"English length buckets (words incl. punctuation): {buckets}.", "",
        f"Sentence kinds (of {sum(drawn.values())} drawn with seed {args.seed}; dropped = pyrealb refused "
        f"the draw or lacked a word; duplicates are removed later):", "",
        "| kind | drawn | dropped |", "|---|---:|---:|",
        *[f"| {kind} | {drawn[kind]} | {dropped[kind]} |" for kind in sorted(drawn)],
        f"| **all** | {sum(drawn.values())} | {sum(dropped.values())} "
        f"({100 * sum(dropped.values()) / sum(drawn.values()):.1f} %) |", "",
        "Examples (the first train pairs):", "",
        *[f"- {en} -> {fr}" for en, fr, _ in splits["train"][:12] if _ == "generated"], "",
    ]
    print("\n".join(lines))
    print(f"generated {len(pairs)} pairs in {seconds:.1f} s with {args.workers} worker(s) (0 s when cached)")
    if args.provenance:
        path = ROOT / "data" / "translation" / "PROVENANCE.md"
        text = path.read_text(encoding="utf-8")
        text = text.split("\n" + SECTION)[0].rstrip("\n") + "\n\n"
        path.write_text(text + "\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
        print(f"wrote {path}")


def drop_shares(draws: int, seed: int) -> tuple[collections.Counter, collections.Counter]:
    """(drawn, dropped) per sentence kind over ``draws`` draws."""
    import pyrealb
    builder = data._Builder(data._lexicon(), random.Random(seed))
    drawn, dropped = collections.Counter(), collections.Counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for _ in range(draws):
            draw = data.draw_sentence(builder)
            drawn[draw["kind"]] += 1
            dropped[draw["kind"]] += data.realise_pair(builder, draw, pyrealb) is None
    return drawn, dropped


def bucket(length: int) -> str:
    for low, high in ((1, 5), (6, 10), (11, 15), (16, 20), (21, 30)):
        if length <= high:
            return f"{low}-{high}"
    return "31+"


if __name__ == "__main__":
    main()
