"""Forecasting page figures: live-training time, forecast latency and the metric table per stock.

    python -m benchmarks.bench_forecasting                 # page defaults, torch's default threads
    python -m benchmarks.bench_forecasting --threads=1 --seeds=3

Trains the page's default forecaster (``rnnkit.forecasting.task.Config``) on each of the six bundled
stocks exactly as the page does (``rnnkit.forecasting.forecaster.train``), then prints Markdown tables.
The time limit the page applies is lifted here so the full training time is measured. Forecast latency
is timed on the committed checkpoint, which has the page's default shape.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import torch

from rnnkit.core.registry import load_pretrained
from rnnkit.forecasting import data as D
from rnnkit.forecasting import forecaster as fc
from rnnkit.forecasting.baselines import LSTM_NAME
from rnnkit.forecasting.model import Forecaster, lstm_forecasts
from rnnkit.forecasting.task import Config


def forecast_latency_ms(model: Forecaster, data: D.Split, repeats: int = 200) -> tuple[float, float]:
    """Median milliseconds for one window and for all test windows at once (scaling included)."""
    timings = {}
    for name, inputs in (("one", data.inputs[:1]), ("all", data.inputs)):
        lstm_forecasts(model, inputs, data.scaler)                   # warm-up
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            lstm_forecasts(model, inputs, data.scaler)
            samples.append((time.perf_counter() - start) * 1000)
        timings[name] = statistics.median(samples)
    return timings["one"], timings["all"]


def concurrent_seconds(n: int, epochs: int) -> float:
    """Wall seconds for ``n`` default trainings started together in threads, as a server runs them."""
    from concurrent.futures import ThreadPoolExecutor
    start = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        list(pool.map(lambda i: fc.train(D.load_stock(D.STOCKS[i % 6]), Config(epochs=epochs, time_limit=0.0)),
                      range(n)))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    parser.add_argument("--seeds", type=int, default=1, help="train each stock with seeds 0..N-1")
    parser.add_argument("--epochs", type=int, default=Config.epochs, help="passes over the training windows")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    defaults = Config(epochs=args.epochs)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); window {defaults.window}, horizon "
          f"{defaults.model.horizon}, hidden {defaults.model.hidden_size}, {defaults.epochs} epochs, "
          f"batch {defaults.batch_size}, seeds 0..{args.seeds - 1}\n")
    committed, _ = load_pretrained("forecasting")

    speed_rows, metric_rows, ratios = [], [], []
    for ticker in D.STOCKS:
        series = D.load_stock(ticker)
        seconds, tables = [], []
        for seed in range(args.seeds):
            result = fc.train(series, Config(epochs=args.epochs, seed=seed, time_limit=0.0))
            seconds.append(result.seconds)
            tables.append(result.table)
        data = result.data
        one_ms, all_ms = forecast_latency_ms(committed, data)
        speed_rows.append(f"| {ticker} | {len(result.steps)} | {statistics.median(seconds):.2f} | {max(seconds):.2f} "
                          f"| {one_ms:.2f} | {all_ms:.2f} ({len(data.origins)} windows) |")
        mean = sum(tables[1:], tables[0]) / len(tables)
        ratio = mean.loc[LSTM_NAME, "MAE"] / mean.loc["Last value", "MAE"]
        ratios.append(ratio)
        cells = " | ".join(f"{mean.loc[m, 'MAE']:.4f} / {mean.loc[m, 'RMSE']:.4f}" for m in mean.index)
        wins = sum(t.loc[LSTM_NAME, "MAE"] < t.loc["Last value", "MAE"] for t in tables)
        metric_rows.append(f"| {ticker} | {cells} | {ratio:.2f} | {wins}/{len(tables)} |")

    print("## Training time and forecast latency\n")
    print("| stock | steps | train s (median) | train s (max) | forecast ms, 1 window "
          "| forecast ms, all test windows |")
    print("|---|---|---|---|---|---|")
    print("\n".join(speed_rows))
    print("\n## Held-out tail (last 20 %), MAE / RMSE in price units (first week = 1.0), "
          f"mean over {args.seeds} seed(s)\n")
    print(f"| stock | {' | '.join(mean.index)} | LSTM MAE / last value | LSTM beats last value |")
    print("|---|" + "---|" * (len(mean.index) + 2))
    print("\n".join(metric_rows))
    print(f"\nLSTM MAE / last-value MAE, mean over stocks: {statistics.mean(ratios):.2f}")
    print("two trainings at once (threads of one process, as two visitors): "
          f"{concurrent_seconds(2, args.epochs):.2f} s wall")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
