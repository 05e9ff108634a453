"""Forecasting page figures: live-training time, forecast latency and the metric table per stock.

    python benchmarks/bench_forecasting.py                 # page defaults, torch's default threads
    python benchmarks/bench_forecasting.py --threads=1 --seeds=3

Trains the page's default forecaster (window 12, horizon 4, hidden 32, 50 epochs) on each of the six
bundled stocks exactly as the page does (``rnnkit.forecasting.train``), then prints Markdown tables.
The time limit the page applies is lifted here so the full training time is measured.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import torch

from rnnkit.forecasting import forecaster as fc


def forecast_latency_ms(model: fc.Forecaster, data: fc.Split, repeats: int = 200) -> tuple[float, float]:
    """Median milliseconds for one window and for all test windows at once (scaling included)."""
    one = fc.Split(data.values, data.n_train, data.origins[:1], data.inputs[:1], data.truth[:1], data.scaler)
    timings = {}
    for name, split in (("one", one), ("all", data)):
        fc.lstm_forecasts(model, split)                              # warm-up
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            fc.lstm_forecasts(model, split)
            samples.append((time.perf_counter() - start) * 1000)
        timings[name] = statistics.median(samples)
    return timings["one"], timings["all"]


def concurrent_seconds(n: int, epochs: int) -> float:
    """Wall seconds for ``n`` default trainings started together in threads, as a server runs them."""
    from concurrent.futures import ThreadPoolExecutor
    start = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        list(pool.map(lambda i: fc.train(fc.load_stock(fc.STOCKS[i % 6]),
                                         fc.ForecastConfig(epochs=epochs, time_limit=0.0)), range(n)))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    parser.add_argument("--seeds", type=int, default=1, help="train each stock with seeds 0..N-1")
    parser.add_argument("--epochs", type=int, default=fc.ForecastConfig.epochs)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    defaults = fc.ForecastConfig(epochs=args.epochs)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); window {defaults.window}, horizon "
          f"{defaults.horizon}, hidden {defaults.hidden_size}, {defaults.epochs} epochs, batch {defaults.batch_size}, "
          f"seeds 0..{args.seeds - 1}\n")

    speed_rows, metric_rows, ratios = [], [], []
    for ticker in fc.STOCKS:
        series = fc.load_stock(ticker)
        seconds, tables = [], []
        for seed in range(args.seeds):
            cfg = fc.ForecastConfig(epochs=args.epochs, seed=seed, time_limit=0.0)
            model, data, result = fc.train(series, cfg)
            seconds.append(result.seconds)
            tables.append(result.table)
        one_ms, all_ms = forecast_latency_ms(model, data)
        speed_rows.append(f"| {ticker} | {len(result.steps)} | {statistics.median(seconds):.2f} | {max(seconds):.2f} "
                          f"| {one_ms:.2f} | {all_ms:.2f} ({len(data.origins)} windows) |")
        mean = sum(tables[1:], tables[0]) / len(tables)
        ratio = mean.loc[fc.LSTM_NAME, "MAE"] / mean.loc["Last value", "MAE"]
        ratios.append(ratio)
        cells = " | ".join(f"{mean.loc[m, 'MAE']:.4f} / {mean.loc[m, 'RMSE']:.4f}" for m in mean.index)
        wins = sum(t.loc[fc.LSTM_NAME, "MAE"] < t.loc["Last value", "MAE"] for t in tables)
        metric_rows.append(f"| {ticker} | {cells} | {ratio:.2f} | {wins}/{len(tables)} |")

    print("## Training time and forecast latency\n")
    print("| stock | steps | train s (median) | train s (max) | forecast ms, 1 window | forecast ms, all test windows |")
    print("|---|---|---|---|---|---|")
    print("\n".join(speed_rows))
    print(f"\n## Held-out tail (last 20 %), MAE / RMSE in price units (first week = 1.0), mean over {args.seeds} seed(s)\n")
    print(f"| stock | {' | '.join(mean.index)} | LSTM MAE / last value | LSTM beats last value |")
    print("|---|" + "---|" * (len(mean.index) + 2))
    print("\n".join(metric_rows))
    print(f"\nLSTM MAE / last-value MAE, mean over stocks: {statistics.mean(ratios):.2f}")
    print(f"two trainings at once (threads of one process, as two visitors): {concurrent_seconds(2, args.epochs):.2f} s wall")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
