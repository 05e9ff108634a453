"""Speed and memory of the sentiment LSTM; prints a Markdown table.

    python -m benchmarks.bench_sentiment [--model=sentiment] [--threads=1] [--repeat=200] [--update-card]

One torch thread is the default, as on the server: on a shared machine more intra-op threads spin
against the other processes and single-sentence latency gets much worse.

Wall-clock figures depend on what else runs on the machine (the load average is printed); the
CPU-time figures (``time.process_time``, all threads of this process) are what the work costs.

Figures: model load time (cold, in a fresh process), single-sentence latency (p50 / p90 / p99,
tokenising included), the page's whole per-sentence work (prediction + prefixes + word importance),
batched throughput over test sentences, resident memory, weight file size.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    p50, p90, p99 = np.percentile(np.array(seconds) * 1000, [50, 90, 99])
    return float(p50), float(p90), float(p99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="sentiment", help="pretrained name or directory (default: sentiment)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default: 1, as on the server)")
    parser.add_argument("--repeat", type=int, default=200, help="single sentences timed (default: 200)")
    parser.add_argument("--update-card", action="store_true",
                        help="store the table in the model card's speed section (eval_sentiment shows it)")
    args = parser.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    from rnnkit.core import checkpoint
    from rnnkit.core.text import tokenize
    from rnnkit.sentiment.classifier import SentimentClassifier
    from rnnkit.sentiment.data import read_split

    before = rss_mb()
    start = time.perf_counter()
    classifier = SentimentClassifier.load(args.model)
    load_seconds = time.perf_counter() - start
    after_load = rss_mb()

    texts = read_split("test")["text"].tolist()
    classifier.predict(texts[:20])                                  # warm-up
    single, single_cpu = [], []
    for text in texts[:args.repeat]:
        start, start_cpu = time.perf_counter(), time.process_time()
        classifier.predict_tokens([tokenize(text)])
        single.append(time.perf_counter() - start)
        single_cpu.append(time.process_time() - start_cpu)
    page = []
    for text in texts[:max(args.repeat // 5, 10)]:
        start = time.perf_counter()
        tokens = tokenize(text)
        classifier.predict_tokens([tokens])
        classifier.prefix_scores(tokens)
        classifier.importance(tokens)
        page.append(time.perf_counter() - start)
    many = (texts * 5)[:5_000]
    start, start_cpu = time.perf_counter(), time.process_time()
    classifier.predict(many)
    throughput = len(many) / (time.perf_counter() - start)
    cpu_seconds = time.process_time() - start_cpu

    weights = checkpoint.resolve(args.model) / checkpoint.WEIGHTS
    tokens = [len(tokenize(t)) for t in texts]
    rows = [
        ("model load (cold, incl. building the vocabulary)", f"{load_seconds * 1000:.0f} ms"),
        ("single sentence p50 / p90 / p99 (wall clock)", "{:.2f} / {:.2f} / {:.2f} ms".format(*percentiles(single))),
        ("single sentence p50 / p90 / p99 (CPU time of this process)",
         "{:.2f} / {:.2f} / {:.2f} ms".format(*percentiles(single_cpu))),
        ("page work per sentence p50 / p90 (predict + prefixes + importance)",
         "{:.1f} / {:.1f} ms".format(*percentiles(page)[:2])),
        (f"batched throughput ({len(many):,} sentences, wall clock)", f"{throughput:,.0f} sentences/s"),
        ("batched: CPU seconds per 1,000 sentences (all threads together)", f"{1000 * cpu_seconds / len(many):.2f} s"),
        ("test sentences: mean / max tokens", f"{np.mean(tokens):.1f} / {max(tokens)}"),
        ("resident memory after loading (delta)", f"{after_load:.0f} MB ({after_load - before:+.0f} MB)"),
        ("weights file", f"{weights.stat().st_size / 2**20:.2f} MB"),
        ("torch threads", str(torch.get_num_threads())),
        ("machine load average during the run (1 min)", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"),
    ]
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    if args.update_card:
        import json
        directory = checkpoint.resolve(args.model)
        card = checkpoint.load_card(directory)
        card["speed"] = {"measured with": f"python -m benchmarks.bench_sentiment ({time.strftime('%Y-%m-%d')})",
                         **dict(rows)}
        (directory / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        print(f"updated {directory / checkpoint.CARD}")


if __name__ == "__main__":
    main()
