"""Speed and memory of the named-entity taggers; prints a Markdown table.

    python -m benchmarks.bench_ner [--threads=1] [--repeat=271] [--update-card]

One torch thread is the default, as on the server. Figures: model load (cold), one sentence
(``Tagger.tag``: tokenising, features, LSTM, CRF decoding; p50 / p90 / p99 over the human-checked
sentences, wall clock and CPU time), the page's whole work for a sentence (both taggers and one
word's contributions from each), resident memory, weight files. The load average is printed: wall
clock depends on what else runs. ``--update-card`` stores the table in both cards' speed section.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentiles(seconds: list[float]) -> str:
    return "{:.2f} / {:.2f} / {:.2f} ms".format(*np.percentile(np.array(seconds) * 1000, [50, 90, 99]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default: 1, as on the server)")
    parser.add_argument("--repeat", type=int, default=271, help="sentences timed (default: 271, the human set)")
    parser.add_argument("--update-card", action="store_true", help="store the figures in both model cards")
    args = parser.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    from rnnkit.core import checkpoint
    from rnnkit.ner import data
    from rnnkit.ner.tagger import LECTURE_SENTENCE, MODELS, Tagger, save_card

    before = rss_mb()
    start = time.perf_counter()
    bi = Tagger.load("bi")
    load_seconds = time.perf_counter() - start
    forward = Tagger.load("forward")
    after_load = rss_mb()

    texts = [s.meta["text"] for s in data.read_split("human_test")][:args.repeat]
    for text in texts[:20]:                                          # warm-up
        bi.tag(text)
    single, single_cpu, page = [], [], []
    for text in texts:
        start, start_cpu = time.perf_counter(), time.process_time()
        bi.tag(text)
        single.append(time.perf_counter() - start)
        single_cpu.append(time.process_time() - start_cpu)
    for text in texts[:100]:
        start = time.perf_counter()
        tagged, tagged_forward = bi.tag(text), forward.tag(text)
        bi.contribution(tagged, 0)
        forward.contribution(tagged_forward, 0)
        page.append(time.perf_counter() - start)
    lecture = bi.tag(LECTURE_SENTENCE)
    sizes = {which: (checkpoint.resolve(name) / checkpoint.WEIGHTS).stat().st_size / 2**20
             for which, name in MODELS.items()}
    rows = {
        "benchmark": f"python -m benchmarks.bench_ner --threads={args.threads}",
        "model load, bidirectional (cold)": f"{load_seconds * 1000:.0f} ms",
        f"one sentence p50 / p90 / p99, wall clock ({len(texts)} human-checked sentences)": percentiles(single),
        "one sentence p50 / p90 / p99, CPU time of this process": percentiles(single_cpu),
        "the page's work per sentence p50 / p90 / p99 (both taggers + contributions)": percentiles(page),
        "the lecture's sentence": lecture.bracketed(),
        "resident memory after loading both (delta)": f"{after_load:.0f} MB ({after_load - before:+.0f} MB)",
        "weights, bidirectional / forward-only": f"{sizes['bi']:.1f} MB / {sizes['forward']:.1f} MB",
        "parameters, bidirectional / forward-only": " / ".join(
            f"{sum(p.numel() for p in t.model.parameters()):,}" for t in (bi, forward)),
        "torch threads": str(torch.get_num_threads()),
        "machine load average during the run (1 min)": f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
    }
    print("| measure | value |\n|---|---|")
    for name, value in rows.items():
        print(f"| {name} | {value} |")
    if args.update_card:
        for name in MODELS.values():
            card = checkpoint.load_card(name)
            card["speed"] = rows
            save_card(name, card)
            print(f"updated {checkpoint.resolve(name) / checkpoint.CARD}")


if __name__ == "__main__":
    main()
