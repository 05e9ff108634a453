"""Each page's share of the server's memory: a fresh `streamlit run app.py`, one visitor opens every page
in the lecture's order and does its main interaction, and the server's RSS is read after each.

    python -m benchmarks.bench_server_memory [--pages playground translation ...]

A page's share is what its first visit added (its model, its libraries, its caches); later visits of
the same page add little (``benchmarks.load --waves 2`` measures that). The total is the figure the
smallest hosting box must hold (Streamlit Community Cloud: 690 MB). A JSON copy goes to build/load/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
from pathlib import Path

from benchmarks.timing import write_readme
from harness.browser import streamlit_server
from harness.measure import rss_mb, server_pid
from harness.visitors import HOME, SOCKET_FLOWS, AppSession, socket_opening
from pages._lecture import available_pages

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 650


async def visit_all(base: str, pid: int, pages: list[str], timeout: float) -> list[tuple[str, float]]:
    rows = [("(server started)", rss_mb(pid))]
    app, rng = AppSession(base), random.Random(0)
    try:
        for name in [HOME, *pages]:
            await SOCKET_FLOWS.get(name, socket_opening(name))(app, rng, timeout)
            rows.append((name or "home", rss_mb(pid)))
    finally:
        await app.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=None, help="url paths (default: every built page)")
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--readme", action="store_true",
                        help="write the table into the README (between its <!-- server memory figures --> markers)")
    args = parser.parse_args()
    built = [p.url_path for p in available_pages()]
    pages = [p for p in (args.pages or built) if p in built]
    with streamlit_server() as base:
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        rows = asyncio.run(visit_all(base, pid, pages, args.timeout))
    total = rows[-1][1]
    lines = ["| page (first visit, in order) | server RSS after (MB) | added by the visit (MB) |", "|---|---|---|"]
    lines += [f"| {name} | {rss:.0f} | {rss - before:+.0f} |"
              for (name, rss), (_, before) in zip(rows, [(None, 0.0)] + rows[:-1])]
    lines.append(f"\nserver RSS with every page visited: {total:.0f} MB (target: <= {TARGET_MB} MB; "
                 f"{'met' if total <= TARGET_MB else 'missed'})")
    text = "\n".join(lines)
    print(text)
    if args.readme:
        write_readme("server memory", "benchmarks/bench_server_memory.py", text)
    out = ROOT / "build" / "load"
    out.mkdir(parents=True, exist_ok=True)
    (out / "server-memory.json").write_text(json.dumps({"rows": rows, "total_mb": total}, indent=1))


if __name__ == "__main__":
    main()
