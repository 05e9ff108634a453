"""Concurrency stress (issue 21): a fresh server, every page opened by N sessions at the same moment, R times.

    python -m benchmarks.first_visits --sessions 20 --repeats 10

Each repetition starts a new ``streamlit run app.py`` on 127.0.0.1 that nobody has visited, then N websocket
visitors (``harness.visitors``: Streamlit's own protocol, as the browser's frontend speaks it) start together;
each visits every page once (home, then the lecture's pages), starting at a different page so that several
arrive by a page's own address at once, and does the page's main interaction (type a sequence, a word, a
review, a sentence; upload a photo; train a forecaster; the home and NER pages are only opened). An error is
an exception box, a traceback, a closed connection or no result within --timeout. Prints one line per
repetition and the total; target: 0 errors.
"""

from __future__ import annotations

import argparse

from harness.visitors import PageStats, first_visit_pages, first_visits_on_fresh_servers


def report(index: int, stats: dict[str, PageStats], seconds: float) -> None:
    errors = [f"{name or 'home'}: {error}" for name, s in stats.items() for error in s.errors]
    visits = sum(s.visits for s in stats.values())
    busy = sum(s.busy for s in stats.values())
    print(f"repetition {index + 1}: {len(errors)} errors in {visits} visits ({busy} busy answers from live "
          f"training), {seconds:.1f} s", flush=True)
    for error in errors[:5]:
        print(f"    {error[:200]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="visitors starting together on each fresh server")
    parser.add_argument("--repeats", type=int, default=10, help="fresh servers, one after the other")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a visit may wait for its result")
    args = parser.parse_args()
    pages = ", ".join(name or "home" for name in first_visit_pages())
    print(f"{args.sessions} sessions x {args.repeats} fresh servers; pages: {pages}", flush=True)
    results = first_visits_on_fresh_servers(args.sessions, args.repeats, args.timeout, on_repeat=report)
    errors = sum(len(s.errors) for stats, _ in results for s in stats.values())
    visits = sum(s.visits for stats, _ in results for s in stats.values())
    print(f"total: {errors} errors in {visits} visits ({args.sessions} sessions x {args.repeats} repetitions)")


if __name__ == "__main__":
    main()
