"""Speed and size of the English->French models: prints a Markdown table.

    python -m benchmarks.bench_translation [--threads=2] [--repeats=20]

Targets from the issue: greedy <= 20 ms and beam-5 <= 100 ms for a 12-word sentence on 2 cores.
Also: load time, parameters, weight file size, peak RSS, training time from the model card.
"""

from __future__ import annotations

import argparse
import resource
import time

import torch

from benchmarks.timing import median_ms
from rnnkit.core import checkpoint
from rnnkit.core.registry import load_pretrained
from rnnkit.core.text import tokenize
from rnnkit.translation.translator import MODELS, Translator

SENTENCE = "My old friend will read the new book in the quiet garden tomorrow."   # 12 words + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per figure (the median is printed)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    words = [t for t in tokenize(SENTENCE) if t.isalpha()]
    print(f"sentence: {SENTENCE!r} ({len(words)} words), torch threads {torch.get_num_threads()}, "
          f"median of {args.repeats}\n")
    print("| model | load (s) | greedy (ms) | beam-5 (ms) | parameters | weights (MB) | trained (s, threads) | steps |")
    print("|---|---|---|---|---|---|---|---|")
    for name in MODELS.values():
        directory = checkpoint.resolve(name)
        if not (directory / checkpoint.WEIGHTS).exists():
            print(f"| {name} | not trained | | | | | | |")
            continue
        start = time.perf_counter()
        translator = Translator(*load_pretrained(name))
        load = time.perf_counter() - start
        greedy = median_ms(lambda t=translator: t.translate(SENTENCE, beam_size=1), args.repeats)
        beam = median_ms(lambda t=translator: t.translate(SENTENCE, beam_size=5), args.repeats)
        card = translator.card
        size = (directory / checkpoint.WEIGHTS).stat().st_size / 1e6
        print(f"| {name} | {load:.2f} | {greedy:.1f} | {beam:.1f} | {card['parameters']:,} | {size:.1f} | "
              f"{card.get('train_seconds')} ({card.get('machine', '?')}) | {card.get('steps')} |")
        print(f"|   output | {translator.translate(SENTENCE, beam_size=5).text} | | | | | | |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this process (both models loaded): {peak:.0f} MB")


if __name__ == "__main__":
    main()
