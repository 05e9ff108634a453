"""Generate (or check) the English->French corpus the translation task trains on.

    python scripts/prepare_translation.py [--pairs=40000] [--seed=0] [--workers=2]

The corpus is regenerated deterministically from ``rnnkit/translation/data.py`` (pyrealb +
the bilingual lexicon), so only this script is committed, not megabytes of text. It writes
``build/translation/corpus-v<version>-seed<seed>-n<pairs>.tsv`` (the cache the training CLI
reads) and prints its sha256, the length distribution and a few examples.
"""

from __future__ import annotations

import argparse
import collections

from rnnkit.core.text import tokenize
from rnnkit.translation import data
from rnnkit.translation.task import Config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=Config.pairs, help="how many distinct sentence pairs")
    parser.add_argument("--seed", type=int, default=Config.seed, help="the generator's seed (training uses 0)")
    parser.add_argument("--workers", type=int, default=Config.workers, help="processes generating the corpus")
    args = parser.parse_args()
    pairs, provenance = data.corpus("", args.pairs, args.seed, args.workers)
    print(provenance["source"])
    print("sha256", provenance["sha256"])
    buckets = collections.Counter(bucket(len(tokenize(en))) for en, _ in pairs)
    print("English length buckets (words incl. punctuation):", dict(sorted(buckets.items())))
    for en, fr in pairs[:5]:
        print(f"  {en}\n  -> {fr}")


def bucket(length: int) -> str:
    for low, high in ((1, 5), (6, 10), (11, 15), (16, 20), (21, 30)):
        if length <= high:
            return f"{low}-{high}"
    return "31+"


if __name__ == "__main__":
    main()
