"""Generate (or check) the English->French corpus the translation task trains on.

    python scripts/prepare_translation.py [--pairs=40000] [--seed=0] [--workers=2]

The corpus is regenerated deterministically from ``rnnkit/translation_data.py`` (pyrealb +
the bilingual lexicon), so only this script is committed, not megabytes of text. It writes
``build/translation/corpus-v<version>-seed<seed>-n<pairs>.tsv`` (the cache the training CLI
reads) and prints its sha256, the length distribution and a few examples.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path


from rnnkit.translation import task as translation
from rnnkit.core.text import tokenize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=translation.Config.pairs)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cfg = translation.Config(pairs=args.pairs, seed=args.seed, workers=args.workers)
    pairs, provenance = translation.corpus(cfg)
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
