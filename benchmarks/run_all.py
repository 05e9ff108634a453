"""Every figure in one table: runs each benchmarks/bench_*.py, then measures the whole app.

    python benchmarks/run_all.py                 # everything (several minutes on 2 cores)
    python benchmarks/run_all.py --only sentiment translation --no-app

1. Each ``benchmarks/bench_<x>.py`` runs in its own process, one after the other (never two at once,
   so they do not share the CPU), with its default settings; the Markdown tables it prints are
   flattened into rows ``benchmark | figure | value | note``, and its ``label: number`` lines too.
2. The app as a visitor meets it (``benchmarks/load.py`` with one visitor): cold start of
   ``streamlit run app.py`` to its health endpoint, each page's first (cold) visit until its result is
   on screen — model loading included — and the server's RSS with every model loaded (target ≤ 1 GB).

The table is printed and written to ``build/benchmarks/figures.md`` with the machine it ran on.
The load test with many visitors is separate: ``python benchmarks/load.py --clients 1 10 40``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RSS_TARGET_MB = 1024
LABELLED_NUMBER = re.compile(r"^([A-Za-z][^|:]{3,90}):\s+([-+]?\d[\d,.]*\s*\S{0,12}.*)$")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import torch
    return (f"{cpu}, {cores} cores, {memory:.0f} GB RAM; Python {platform.python_version()}, torch {torch.__version__} "
            f"(CPU); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def flatten(benchmark: str, output: str) -> list[tuple[str, str, str, str]]:
    """Rows (benchmark, figure, value, note) from the Markdown tables and ``label: number`` lines of ``output``."""
    rows, header = [], None
    for line in output.splitlines():
        if line.lstrip().startswith("|"):
            row = cells(line)
            if all(set(cell) <= set("-: ") for cell in row):
                continue                                  # the |---|---| line
            if header is None:
                header = row
                continue
            filled = [cell for cell in row[1:] if cell]
            if len(header) >= 2 and header[1].lower() in ("value", "measured", "figure"):
                rows.append((benchmark, row[0], row[1] if len(row) > 1 else "", " · ".join(c for c in row[2:] if c)))
            elif len(row) > 2 and len(filled) == 1:     # a note row such as "| output | le chat … | | |"
                rows.append((benchmark, row[0], filled[0][:150], ""))
            else:
                rows += [(benchmark, f"{row[0]} — {name}", value, "") for name, value in zip(header[1:], row[1:])
                         if value]
        else:
            header = None
            match = LABELLED_NUMBER.match(line.strip()) if not line.startswith(" ") else None
            if match:
                rows.append((benchmark, match.group(1).strip(), match.group(2).strip(), ""))
    return rows


def run_benchmark(path: Path, timeout: float) -> tuple[list[tuple[str, str, str, str]], float]:
    name = path.stem.removeprefix("bench_")
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
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
            rows.append(("app", f"first visit of {name}: open / result", f"{r['open_p50']:.2f} s / {r['result_p50']:.2f} s",
                         "cold: first load of its code and model"))
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
