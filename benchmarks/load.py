"""Load test: N visitors at once against `streamlit run app.py`, each a Streamlit session of its own.

    python -m benchmarks.load --clients 1 10 40 --seconds 120                      # websocket visitors
    python -m benchmarks.load --clients 1 10 --seconds 120 --visitors browser      # headless Chromium
    python -m benchmarks.load --clients 40 --seconds 120 --think 5 15              # a class: pauses, presets
    python -m benchmarks.load --clients 40 --seconds 120 --think 5 15 --arrive 15  # ... opening the link in 15 s

For each N a fresh server is started on 127.0.0.1 (nothing else is contacted). A visitor is one of:

- ``websocket`` (default): a client that speaks Streamlit's own protocol on ``/_stcore/stream`` as the
  browser's frontend does (BackMsg out, ForwardMsg in, Streamlit's own protobufs, the ``websockets``
  package that Streamlit requires): it asks for a page, keeps the elements of each run,
  sends widget values in a ``rerun_script`` message and uploads files over HTTP as the frontend does.
  It costs the machine almost nothing, so the figures are the server's;
- ``browser``: a real headless Chromium (Debian's, through Playwright) context. One Chromium holds N
  isolated contexts; it renders every page, so on a small machine the browsers compete with the server
  for the CPU.

Each visitor loops over every page for a fixed time (the first page by its address, then by the
sidebar's page switch, as people move around the app), doing the page's main interaction and waiting
until its result is shown:

- playground: type a new sequence in the sidebar -> the equations show its first number;
- embeddings: type a new word `a` -> the analogy answer `a - man + woman = ...` appears;
- sentiment: type a review -> the verdict and the word-importance line with its words;
- translation: type a sentence -> the French and the line "What the model read" with its words;
- captioning: choose "Upload a photo", upload one -> its caption;
- forecasting: type a new seed, press *Train the LSTM* (page defaults) -> "Trained ..." or the "server is busy" sentence
  (the live-training limit working, counted apart, not as an error).

Reported per page: visits, errors (exception box, traceback, or no result within --timeout),
busy answers, p50 / p95 seconds to open the page and to show the result; the server's RSS
at start, after one warm-up visit of every page (all models loaded), at the end, and its peak; and
the server's CPU time. With ``--waves 2`` the same N visitors' work is repeated by N new sessions
after the first ones have expired, and the RSS after each wave shows whether sessions leave memory
behind (a leak) or their memory is reused. With ``--think LOW HIGH`` the visitors act as a class does:
each waits LOW-HIGH seconds between actions and mostly (80 %) uses one of the few inputs the whole class
uses (a page's presets, the same photos), beside the no-pause stress of the default. Everything runs on
this machine, so the visitors share the CPU with the server. A JSON copy goes to build/load/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
from pathlib import Path

from benchmarks.timing import write_readme
from harness.browser import CHROMIUM, streamlit_server
from harness.measure import (
    RssSampler,
    anon_mb,
    cpu_name,
    cpu_seconds,
    percentile,
    rss_mb,
    server_pid,
    streamlit_processes,
)
from harness.visitors import SOCKET_FLOWS, VISITORS, WHO, PageStats, drive
from pages._lecture import available_pages

ROOT = Path(__file__).resolve().parent.parent


def summary(stats: dict[str, PageStats]) -> dict[str, dict]:
    rows = {}
    for name, s in stats.items():
        rows[name] = {"visits": s.visits, "errors": len(s.errors), "busy": s.busy, "error_samples": s.errors[:5],
                      "open_p50": statistics.median(s.opens) if s.opens else float("nan"),
                      "open_p95": percentile(s.opens, 95),
                      "result_p50": statistics.median(s.results) if s.results else float("nan"),
                      "result_p95": percentile(s.results, 95)}
    return rows


def run_one(visitors: str, clients: int, pages: list[str], seconds: float, timeout: float, max_rounds: int,
            waves: int = 1, pause: float = 0.0, url: str | None = None, think=None, arrive: float = 0.0,
            settle: float = 0.0) -> dict:
    """A fresh server, one warm-up visitor (``first_visit``: each page's first, cold visit), then N visitors
    (``waves`` times, ``pause`` seconds apart; the server's RSS after each wave is in ``rss_waves_mb``).
    With ``url``, the server already runs there (e.g. a balancer in front of replicas); memory and CPU are
    then summed over every `streamlit run` process on this machine."""
    started = time.perf_counter()
    with (contextlib.nullcontext(url.rstrip("/")) if url else streamlit_server()) as base:
        ready = time.perf_counter() - started
        pid = list(streamlit_processes()) if url else server_pid(int(base.rsplit(":", 1)[1]))
        rss_start = rss_mb(pid)
        sampler = RssSampler(pid)
        sampler.start()
        rss, first = {}, {}

        def on_warm(warm):
            rss["warm"], rss["cpu"], rss["own_cpu"] = rss_mb(pid), cpu_seconds(pid), time.process_time()
            rss["warm_anon"] = anon_mb(pid)
            first.update(summary(warm))

        waves_rss, waves_anon, settled = [], [], {}

        def on_wave(wave):
            waves_rss.append(round(rss_mb(pid)))
            waves_anon.append(round(anon_mb(pid)))

        stats, elapsed = asyncio.run(drive(base, visitors, clients, pages, seconds, timeout, max_rounds, on_warm,
                                           waves, pause, on_wave, think, arrive, settle,
                                           lambda: settled.update(rss=round(rss_mb(pid)))))
        rss_end, server_cpu, load = rss_mb(pid), cpu_seconds(pid) - rss.get("cpu", 0), os.getloadavg()[0]
        own_cpu = time.process_time() - rss.get("own_cpu", 0)
        sampler.stop()
    return {"visitors": visitors, "clients": clients, "url": url, "processes": len(pid) if url else 1,
            "seconds": round(elapsed, 1), "server_ready_s": round(ready, 2),
            "rss_start_mb": round(rss_start), "rss_warm_mb": round(rss.get("warm", 0)),
            "rss_end_mb": round(rss_end), "rss_waves_mb": waves_rss, "pause_s": pause, "think_s": think,
            "anon_warm_mb": round(rss.get("warm_anon", 0)), "anon_waves_mb": waves_anon,
            "settle_s": settle, "rss_settled_mb": settled.get("rss"),
            "arrive_s": arrive,
            "rss_peak_mb": round(max(sampler.peak, rss_end)), "pages": summary(stats),
            "first_visit": first, "server_cpu_s": round(server_cpu, 1), "load_average_1min": round(load, 1),
            "load_script_cpu_s": round(own_cpu, 1),
            "cores": len(os.sched_getaffinity(0)), "cpu": cpu_name()}


def report(result: dict) -> str:
    """The run's figures as Markdown: what the terminal shows and ``--readme`` writes."""
    n, waves = result["clients"], result["rss_waves_mb"]
    total_errors = sum(r["errors"] for r in result["pages"].values())
    how = (f", each pausing {result['think_s'][0]:g}-{result['think_s'][1]:g} s between actions, mostly presets"
           if result.get("think_s") else ", without pause")
    how += (f", arriving at random within the first {result['arrive_s']:g} s" if result.get("arrive_s")
            else ", all arriving at the same moment" if result.get("think_s") else "")
    lines = [f"\n#### {n} visitor(s){how} for {result['seconds']:.0f} s — {total_errors} error(s)\n",
             "| page | visits | errors | busy | open p50 / p95 (s) | result p50 / p95 (s) |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {name} | {r['visits']} | {r['errors']} | {r['busy']} | {r['open_p50']:.2f} / {r['open_p95']:.2f} "
              f"| {r['result_p50']:.2f} / {r['result_p95']:.2f} |" for name, r in result["pages"].items()]
    if result.get("url"):
        lines.append(f"\nagainst {result['url']}: {result['processes']} `streamlit run` process(es) here, "
                     "memory and CPU summed")
    lines.append(f"\nserver RSS: start {result['rss_start_mb']} MB, all models loaded (after warm-up) "
                 f"{result['rss_warm_mb']} MB, end {result['rss_end_mb']} MB, peak {result['rss_peak_mb']} MB; "
                 f"growth per visitor {(result['rss_end_mb'] - result['rss_warm_mb']) / max(n, 1):+.1f} MB")
    if len(waves) > 1:
        lines.append(f"server RSS after each wave of {n} new visitor(s): {', '.join(map(str, waves))} MB "
                     f"(waves {result['pause_s']:.0f} s apart; Streamlit drops a session 120 s after its visitor "
                     f"leaves; last wave minus first: {waves[-1] - waves[0]:+d} MB)")
    if len(waves) > 1 and result.get("anon_waves_mb"):
        lines.append(f"of it anonymous memory (the heaps; the rest is the libraries' pages mapped from files): "
                     f"{result['anon_warm_mb']} MB after the warm-up, {', '.join(map(str, result['anon_waves_mb']))} "
                     "MB after each wave")
    if result.get("rss_settled_mb"):
        lines.append(f"server RSS {result['settle_s']:.0f} s after the last wave, once one more visitor's page "
                     f"made Streamlit drop the expired sessions: {result['rss_settled_mb']} MB")
    lines.append(f"server CPU: {result['server_cpu_s']:.0f} s of CPU in {result['seconds']:.0f} s "
                 f"({result['server_cpu_s'] / max(result['seconds'], 1):.2f} cores of {result['cores']}, "
                 f"{result.get('cpu', 'CPU not recorded')}); "
                 f"load average at the end {result['load_average_1min']} ({WHO[result['visitors']]} and server "
                 "share the machine)")
    lines.append(f"this script's own CPU: {result['load_script_cpu_s']:.0f} s"
                 + (" (the websocket clients)" if result["visitors"] == "websocket"
                    else " (Playwright's driver; Chromium apart)"))
    lines += [f"  error on {name}: {sample}" for name, r in result["pages"].items() for sample in r["error_samples"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--seconds", type=float, default=120, help="how long the N visitors keep visiting")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a result may take before it is an error")
    parser.add_argument("--max-rounds", type=int, default=50, help="upper bound on rounds over the pages per visitor")
    parser.add_argument("--waves", type=int, default=1,
                        help="run the N visitors this many times on the same server, new sessions each time")
    parser.add_argument("--pause", type=float, default=130,
                        help="quiet seconds between waves: longer than Streamlit's server.disconnectedSessionTTL "
                             "(120 s), so the earlier wave's sessions are gone")
    parser.add_argument("--settle", type=float, default=0.0, metavar="SECONDS",
                        help="after the last wave, wait this long (longer than the 120 s Streamlit keeps a session "
                             "for its visitor's return), let one more visitor open the first page, and report the RSS")
    parser.add_argument("--url", help="an app already running there (say, a balancer in front of replicas on this "
                                      "machine) instead of a fresh `streamlit run app.py`")
    parser.add_argument("--think", type=float, nargs=2, metavar=("LOW", "HIGH"),
                        help="act as a class: pause LOW-HIGH seconds between actions, mostly use the presets")
    parser.add_argument("--arrive", type=float, default=0.0, metavar="SECONDS",
                        help="each visitor opens its first page at a random moment of the first SECONDS (a class "
                             "opening a shared link) instead of all at the same moment")
    parser.add_argument("--pages", nargs="+", default=None, help="url paths (default: every built page)")
    parser.add_argument("--visitors", choices=list(VISITORS), default="websocket",
                        help="websocket: clients of Streamlit's own protocol (light); browser: headless Chromium")
    parser.add_argument("--readme", action="store_true",
                        help="write each N's report into the README (between <!-- load N [class] figures --> markers)")
    args = parser.parse_args()
    built = [p.url_path for p in available_pages()]
    pages = [p for p in (args.pages or built) if p in built and p in SOCKET_FLOWS]
    print(f"pages: {', '.join(pages)}; visitors: {WHO[args.visitors]}"
          f"{f' ({CHROMIUM})' if args.visitors == 'browser' else ''}; {args.seconds:.0f} s per run")
    out = ROOT / "build" / "load"
    out.mkdir(parents=True, exist_ok=True)
    for clients in args.clients:
        result = run_one(args.visitors, clients, pages, args.seconds, args.timeout, args.max_rounds,
                         args.waves, args.pause, args.url, args.think, args.arrive, args.settle)
        text = report(result)
        print(text)
        kind = f"{' class' if args.think else ''}{' arriving' if args.arrive else ''}"
        name = f"load-{clients}{kind.replace(' ', '-')}{'-url' if args.url else ''}.json"
        (out / name).write_text(json.dumps(result, indent=1))
        if args.readme:
            write_readme(f"load {clients}{kind}", "benchmarks/load.py", text)


if __name__ == "__main__":
    main()
