"""The Equation Playground's memory-over-long-gaps figures: the adding problem per cell, length and seed.

    nice -n 5 python -m benchmarks.bench_memory --threads=1          # measure, write the JSON, print the row
    python -m benchmarks.bench_memory --print-only                   # the README row from the committed JSON

Trains each variant (``rnnkit.playground.measured.VARIANTS``: the vanilla RNN, the LSTM with the page's
gate biases, the LSTM with torch's default initialisation) at several lengths across the page's slider,
over seeds 0..N-1, with the page's exact settings and time limit (``stepper.train_memory``, the code
path of the page and of ``rnnkit train memory``). Writes every run and the median / min / max table to
``data/playground/memory_gap.json``, which the page draws, and prints the README's Markdown row from it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import time

import torch

from rnnkit.playground import measured as M
from rnnkit.playground import stepper
from rnnkit.playground.task import Config

LENGTHS = (5, 25, 50, 100)


def measure(lengths: list[int], variants: list[str], seeds: int, threads: int) -> list[dict]:
    runs = []
    for seq_len in lengths:
        for variant in variants:
            for seed in range(seeds):
                result = stepper.train_memory(seq_len=seq_len, seed=seed, threads=threads, **M.VARIANTS[variant][1])
                run = {"variant": variant, "seq_len": seq_len, "seed": seed, "steps": len(result["steps"]),
                       **{k: result[k] for k in ("test_accuracy", "test_mse", "chance", "baseline_mse", "seconds",
                                                 "planned_steps")}}
                runs.append(run)
                print(f"{variant:>16} T={seq_len:<3} seed {seed}: {M.percent(run['test_accuracy']):>5} solved, "
                      f"MSE {run['test_mse']:.4f} (baseline {run['baseline_mse']:.3f}), {run['steps']}/"
                      f"{run['planned_steps']} steps in {run['seconds']:.1f} s", flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as the app runs)")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 per variant and length (default 5)")
    parser.add_argument("--lengths", type=int, nargs="+", default=list(LENGTHS), help="sequence lengths")
    parser.add_argument("--variants", nargs="+", default=list(M.VARIANTS), choices=list(M.VARIANTS))
    parser.add_argument("--out", default=str(M.MEASURED), help="where to write the JSON table")
    parser.add_argument("--print-only", action="store_true", help="print the README row from the JSON, train nothing")
    args = parser.parse_args()
    if not args.print_only:
        low, high = stepper.MEMORY_LENGTHS
        if Config.seq_len not in args.lengths:
            parser.error(f"measure the page's default length {Config.seq_len} too")
        if any(not low <= length <= high for length in args.lengths):
            parser.error(f"lengths must lie on the page's slider, {low} to {high}")
        start, load_before = time.time(), os.getloadavg()[0]
        runs = measure(sorted(args.lengths), args.variants, args.seeds, args.threads)
        settings = {k: v for k, v in dataclasses.asdict(Config()).items() if k not in ("model", "out", "seed")}
        table = {"task": "adding problem", "settings": settings, "model": dataclasses.asdict(Config().model),
                 "threads": args.threads, "seeds": args.seeds, "lengths": sorted(args.lengths),
                 "labels": {v: M.VARIANTS[v][0] for v in args.variants},
                 "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {load_before:.1f} at the "
                            f"start and {os.getloadavg()[0]:.1f} at the end", "torch": torch.__version__,
                 "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(start)),
                 "total_seconds": round(time.time() - start), "table": M.summarise(runs), "runs": runs}
        with open(args.out, "w") as file:
            json.dump(table, file, indent=1)
            file.write("\n")
        print(f"wrote {args.out}")
    measured = M.load(M.MEASURED if args.print_only else type(M.MEASURED)(args.out))
    print(M.readme_row(measured))


if __name__ == "__main__":
    main()
