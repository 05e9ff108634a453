"""Every figure in one table: runs each benchmarks/bench_*.py, then measures the whole app.

    python -m benchmarks.run_all                 # everything (several minutes on 2 cores)
    python -m benchmarks.run_all --only sentiment translation --no-app

1. Each ``benchmarks/bench_<x>.py`` runs in its own process, one after the other (never two at once,
   so they do not share the CPU), with its default settings; the Markdown tables it prints are
   flattened into rows ``benchmark | figure | value | note``, and its ``label: number`` lines too.
2. The app as a visitor meets it (``benchmarks/load.py`` with one visitor): cold start of
   ``streamlit run app.py`` to its health endpoint, each page's first (cold) visit until its result is
   on screen — model loading included — and the server's RSS with every model loaded (target ≤ 1 GB).

The table is printed and written to ``build/benchmarks/figures.md`` with the machine it ran on.
The load test with many visitors is separate: ``python -m benchmarks.load --clients 1 10 40``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from harness.measure import cpu_name, flatten

ROOT = Path(__file__).resolve().parent.parent

RSS_TARGET_MB = 1024


def machine() -> str:
    cpu = cpu_name()
    memory = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import torch
    return (f"{cpu}, {cores} cores, {memory:.0f} GB RAM; Python {platform.python_version()}, torch {torch.__version__} "
            f"(CPU); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def run_benchmark(path: Path, timeout: float) -> tuple[list[tuple[str, str, str, str]], float]:
    name = path.stem.removeprefix("bench_")
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", f"benchmarks.{path.stem}"], cwd=ROOT, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [(name, "(did not finish)", f"over {timeout:.0f} s", "")], time.perf_counter() - start
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:150]
        return [(name, "(failed)", f"exit {done.returncode}", last)], seconds
    (ROOT / "build" / "benchmarks").mkdir(parents=True, exist_ok=True)
    (ROOT / "build" / "benchmarks" / f"{name}.txt").write_text(done.stdout)
    return flatten(name, done.stdout) or [(name, "(no table printed)", "", "")], seconds


def app_figures(timeout: float) -> list[tuple[str, str, str, str]]:
    """Cold start, each page's first visit to its result, RSS with every model loaded (one real visitor)."""
    from benchmarks import load
    from pages._lecture import available_pages
    pages = [p.url_path for p in available_pages() if p.url_path in load.BROWSER_FLOWS]
    result = load.run_one("browser", 0, pages, 0, timeout, 1)         # first visits in a real Chromium
    rows = [("app", "cold start: `streamlit run app.py` to health endpoint", f"{result['server_ready_s']:.2f} s", "")]
    for name, r in result["first_visit"].items():
        if r["errors"]:
            rows.append(("app", f"first visit of {name}", "error", "; ".join(r["error_samples"])[:150]))
        else:
            figure = f"{r['open_p50']:.2f} s / {r['result_p50']:.2f} s"
            rows.append(("app", f"first visit of {name}: open / result", figure, "cold: its code and model load"))
    warm = result["rss_warm_mb"]
    rows += [("app", "server RSS at start", f"{result['rss_start_mb']} MB", ""),
             ("app", "server RSS with every page visited (all models loaded)", f"{warm} MB",
              f"target ≤ {RSS_TARGET_MB} MB: {'met' if warm <= RSS_TARGET_MB else 'NOT met'}")]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", help="benchmark names (e.g. sentiment translation)")
    parser.add_argument("--no-app", action="store_true", help="skip the whole-app figures (needs Chromium)")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per benchmark script")
    args = parser.parse_args()
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only]
    rows, took = [], []
    for script in scripts:
        print(f"running {script.name} …", file=sys.stderr, flush=True)
        found, seconds = run_benchmark(script, args.timeout)
        rows += found
        took.append(f"{script.stem.removeprefix('bench_')} {seconds:.0f} s")
    if not args.no_app:
        print("measuring the app with a real browser …", file=sys.stderr, flush=True)
        rows += app_figures(timeout=180)
    lines = [f"Machine: {machine()}", f"Benchmark run times: {', '.join(took)}", "",
             "| benchmark | figure | value | note |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    table = "\n".join(lines)
    print(table)
    out = ROOT / "build" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
