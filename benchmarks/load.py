"""Load test: N visitors at once, each a real headless Chromium session, against `streamlit run app.py`.

    python benchmarks/load.py --clients 1 10 40 --seconds 120

For each N a fresh server is started on 127.0.0.1 (nothing else is contacted); one Chromium
(Debian's, through Playwright) opens N isolated browser contexts = N Streamlit sessions. Each
session loops over every page for a fixed time (the first page by its address, then by the sidebar
links, as people move around the app), doing the page's main interaction and waiting
until its result is on screen:

- playground: type a new sequence in the sidebar -> the equations show its first number;
- embeddings: type a new word `a` -> the analogy answer `a - man + woman = ...` appears;
- sentiment: type a review -> the verdict and the word-importance line with its words;
- translation: type a sentence -> the French and the line "What the model read" with its words;
- captioning: upload a photo -> its caption;
- forecasting: type a new seed, press *Train the LSTM* (page defaults) -> "Trained ..." or the "server is busy" sentence
  (the live-training limit working, counted apart, not as an error).

Reported per page: visits, errors (exception box, traceback, or no result within --timeout),
busy answers, p50 / p95 seconds to open the page and to show the result; and the server's RSS
at start, after one warm-up visit of every page (all models loaded), at the end, and its peak.
Everything runs on this machine, so the browsers share the CPU with the server: on 2 cores the
latencies include the clients' own rendering. A JSON copy goes to build/load/.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rnnkit.lecture import PAGES, available_pages  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

MAIN = "[data-testid='stMain']"
IDLE_JS = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
           " && document.querySelectorAll('[data-testid=\"stMain\"] *').length > 20")
ADJECTIVES = ("small", "big", "red", "old", "young", "green")
NOUNS = ("dog", "horse", "bird", "boy", "girl", "car", "house")      # not "cat": the default sentence has it
REVIEW_WORDS = ("pilot", "robot", "teacher", "village", "island", "doctor", "soldier", "painter")
ANALOGY_WORDS = ("king", "prince", "father", "uncle", "boy", "brother", "son", "husband")


class Timeout(Exception):
    pass


# ------------------------------------------------------------------------------- page flows

async def wait_text(page, *needles: str, timeout: float) -> None:
    """Until the main area holds every needle and the script has finished running."""
    js = ("(needles) => { const m = document.querySelector(\"[data-testid='stMain']\");"
          " if (!m || document.querySelector('[data-testid=\"stStatusWidget\"]')) return false;"
          " const t = m.innerText; return needles.every(n => t.includes(n)); }")
    try:
        await page.wait_for_function(js, arg=list(needles), timeout=timeout * 1000, polling=100)
    except Exception as error:                     # playwright's TimeoutError
        raise Timeout(f"no {needles!r} within {timeout:.0f} s") from error


async def wait_idle(page, timeout: float) -> None:
    try:
        await page.wait_for_selector("h1", timeout=timeout * 1000)
        await page.wait_for_function(IDLE_JS, timeout=timeout * 1000, polling=100)
    except Exception as error:
        raise Timeout(f"page not ready within {timeout:.0f} s") from error


TITLES = {p.url_path: p.title for p in PAGES}
_LAST: dict[tuple[int, str], object] = {}


def pick(page, what: str, options, rng):
    """A random choice that differs from this visitor's previous one (so its result cannot be on screen already)."""
    last = _LAST.get((id(page), what))
    choice = rng.choice([o for o in options if o != last])
    _LAST[(id(page), what)] = choice
    return choice


async def open_page(page, base: str, path: str, timeout: float) -> None:
    """The visitor's way to a page: the first time by its address (a full load of the app), then by the sidebar
    link, as people do (Streamlit switches pages over the open WebSocket, without reloading the app)."""
    link = page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']")
    if page.url.startswith(base) and await link.count():
        await link.first.click()
    else:
        await page.goto(f"{base}/{path}", wait_until="commit")
    js = ("(title) => { const h = document.querySelector('h1'); return h && h.innerText.toLowerCase().includes(title)"
          " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
          " && document.querySelectorAll('[data-testid=\"stMain\"] *').length > 20; }")
    try:
        await page.wait_for_function(js, arg=TITLES[path].lower(), timeout=timeout * 1000, polling=100)
    except Exception as error:
        raise Timeout(f"{path} did not open within {timeout:.0f} s") from error


async def press_text(page, selector: str, text: str, submit: str = "Enter") -> None:
    box = page.locator(selector).first
    await box.fill(text)
    await box.press(submit)


async def flow_playground(page, base, rng, timeout):
    await open_page(page, base, "playground", timeout)
    opened = time.perf_counter()
    first = pick(page, "x1", (-2, -1.5, -0.25, 0.75, 1.25, 3), rng)     # never the default's first value (0.5)
    await press_text(page, "[data-testid='stSidebar'] input[type='text']", f"{first:g}, -1, 2, 0.5")
    await wait_text(page, f"Input x_1 = {first:g}", timeout=timeout)
    return opened


async def flow_embeddings(page, base, rng, timeout):
    await open_page(page, base, "embeddings", timeout)
    opened = time.perf_counter()
    word = pick(page, "a", ANALOGY_WORDS[1:], rng)
    await press_text(page, "input[aria-label='a']", word)
    await wait_text(page, f"{word} − man + woman ≈", timeout=timeout)
    return opened


async def flow_sentiment(page, base, rng, timeout):
    await open_page(page, base, "sentiment", timeout)
    opened = time.perf_counter()
    noun = pick(page, "review", REVIEW_WORDS, rng)
    await press_text(page, "textarea", f"A {rng.choice(('dull', 'warm', 'clever', 'lazy'))} film about a {noun}.",
                     "Control+Enter")
    await wait_text(page, "The LSTM says", noun, timeout=timeout)
    return opened


async def flow_translation(page, base, rng, timeout):
    await open_page(page, base, "translation", timeout)
    opened = time.perf_counter()
    noun = pick(page, "noun", NOUNS, rng)
    await press_text(page, "textarea", f"The {rng.choice(ADJECTIVES)} {noun} will not eat the red apple.",
                     "Control+Enter")
    await wait_text(page, "What the model read:", noun, timeout=timeout)
    return opened


def photo_bytes(seed: int) -> bytes:
    """A 320 x 240 JPEG: coloured shapes on a background (different per visitor)."""
    from PIL import Image, ImageDraw
    r = random.Random(seed)
    image = Image.new("RGB", (320, 240), tuple(r.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        x, y = r.randrange(200), r.randrange(120)
        draw.ellipse((x, y, x + 100, y + 100), fill=tuple(r.randrange(256) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


async def flow_captioning(page, base, rng, timeout):
    await open_page(page, base, "captioning", timeout)
    await page.get_by_text("Upload a photo", exact=True).click()
    await wait_text(page, "Choose a photo", timeout=timeout)
    opened = time.perf_counter()
    await page.locator("input[type='file']").first.set_input_files(
        {"name": "visitor.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(rng.randrange(10**6))})
    await wait_text(page, "Word by word", "“", timeout=timeout)
    return opened


async def flow_forecasting(page, base, rng, timeout):
    await open_page(page, base, "forecasting", timeout)
    await press_text(page, "[data-testid='stNumberInput'] input", str(pick(page, "seed", range(1, 10_000), rng)))
    await wait_text(page, "Press Train the LSTM", timeout=timeout)    # a new seed: no stored result on screen
    opened = time.perf_counter()
    await page.get_by_role("button", name="Train the LSTM").click()
    js = ("() => { const m = document.querySelector(\"[data-testid='stMain']\");"
          " if (!m || document.querySelector('[data-testid=\"stStatusWidget\"]')) return false;"
          " return m.innerText.includes('Trained ') || m.innerText.includes('busy'); }")
    try:
        await page.wait_for_function(js, timeout=timeout * 1000, polling=100)
    except Exception as error:
        raise Timeout(f"no training result within {timeout:.0f} s") from error
    return opened


FLOWS = {"playground": flow_playground, "embeddings": flow_embeddings, "sentiment": flow_sentiment,
         "translation": flow_translation, "captioning": flow_captioning, "forecasting": flow_forecasting}


# ------------------------------------------------------------------------------- measurement

@dataclass
class PageStats:
    opens: list[float] = field(default_factory=list)
    results: list[float] = field(default_factory=list)
    visits: int = 0
    errors: list[str] = field(default_factory=list)
    busy: int = 0


async def page_errors(page) -> list[str]:
    found = [(await box.inner_text())[:200] for box in await page.query_selector_all("[data-testid='stException']")]
    body = await page.inner_text(MAIN) if await page.query_selector(MAIN) else ""
    if "Traceback (most recent call last)" in body:
        found.append("traceback text on the page")
    return found


async def visit(page, base, name, rng, timeout, stats: PageStats) -> None:
    stats.visits += 1
    start = time.perf_counter()
    try:
        opened = await FLOWS[name](page, base, rng, timeout)
        done = time.perf_counter()
        problems = await page_errors(page)
    except Timeout as error:
        stats.errors.append(str(error))
        return
    except Exception as error:                     # a crashed page, a closed connection: count it
        stats.errors.append(f"{type(error).__name__}: {str(error)[:160]}")
        return
    if problems:
        stats.errors.extend(problems)
        return
    if name == "forecasting" and "busy" in (await page.inner_text(MAIN)) and "Trained " not in (await page.inner_text(MAIN)):
        stats.busy += 1
    stats.opens.append(opened - start)
    stats.results.append(done - opened)


async def session(browser, base, index, pages, deadline, timeout, stats, max_rounds):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout * 1000)
    context.set_default_navigation_timeout(timeout * 1000)
    page = await context.new_page()
    rng = random.Random(index)
    order = pages[index % len(pages):] + pages[:index % len(pages)]     # visitors spread over the pages
    try:
        for _ in range(max_rounds):
            for name in order:
                if time.monotonic() > deadline:
                    return
                await visit(page, base, name, rng, timeout, stats[name])
    finally:
        await context.close()


async def drive(base, clients, pages, seconds, timeout, max_rounds, on_warm=None):
    """One warm-up visitor opens every page once (every model gets loaded), ``on_warm()`` is called, then
    ``clients`` visitors run at once until ``seconds`` have passed."""
    from playwright.async_api import async_playwright
    stats = {name: PageStats() for name in pages}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            warm = {name: PageStats() for name in pages}
            await session(browser, base, 0, pages, time.monotonic() + 10 * timeout, timeout, warm, 1)
            if any(s.errors for s in warm.values()):
                print(f"warm-up errors: { {n: s.errors for n, s in warm.items() if s.errors} }", file=sys.stderr)
            if on_warm:
                on_warm(warm)
            mark = time.monotonic()
            deadline = mark + seconds
            await asyncio.gather(*(session(browser, base, i, pages, deadline, timeout, stats, max_rounds)
                                   for i in range(clients)))
            elapsed = time.monotonic() - mark
        finally:
            await browser.close()
    return stats, elapsed


def server_pid(port: int) -> int | None:
    """The process listening for `streamlit run ... --server.port <port>` (read from /proc)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(argv) and b"--server.port" in argv and str(port).encode() in argv:
            return int(proc.name)
    return None


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssSampler(threading.Thread):
    """Samples the server's RSS twice a second; ``peak`` is the largest seen."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self._halt = pid, 0.0, threading.Event()

    def run(self):
        while not self._halt.wait(0.5):
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return

    def stop(self):
        self._halt.set()
        self.join(2)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def summary(stats: dict[str, PageStats]) -> dict[str, dict]:
    rows = {}
    for name, s in stats.items():
        rows[name] = {"visits": s.visits, "errors": len(s.errors), "busy": s.busy, "error_samples": s.errors[:5],
                      "open_p50": statistics.median(s.opens) if s.opens else float("nan"),
                      "open_p95": percentile(s.opens, 95),
                      "result_p50": statistics.median(s.results) if s.results else float("nan"),
                      "result_p95": percentile(s.results, 95)}
    return rows


def run_one(clients: int, pages: list[str], seconds: float, timeout: float, max_rounds: int) -> dict:
    """A fresh server, one warm-up visitor (``first_visit``: each page's first, cold visit), then N visitors."""
    started = time.perf_counter()
    with streamlit_server() as base:
        ready = time.perf_counter() - started
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        rss_start = rss_mb(pid)
        sampler = RssSampler(pid)
        sampler.start()
        rss, first = {}, {}

        def on_warm(warm):
            rss["warm"], rss["cpu"] = rss_mb(pid), cpu_seconds(pid)
            first.update(summary(warm))

        stats, elapsed = asyncio.run(drive(base, clients, pages, seconds, timeout, max_rounds, on_warm=on_warm))
        rss_end, server_cpu, load = rss_mb(pid), cpu_seconds(pid) - rss.get("cpu", 0), os.getloadavg()[0]
        sampler.stop()
    return {"clients": clients, "seconds": round(elapsed, 1), "server_ready_s": round(ready, 2),
            "rss_start_mb": round(rss_start), "rss_warm_mb": round(rss.get("warm", 0)),
            "rss_end_mb": round(rss_end), "rss_peak_mb": round(max(sampler.peak, rss_end)), "pages": summary(stats),
            "first_visit": first, "server_cpu_s": round(server_cpu, 1), "load_average_1min": round(load, 1),
            "cores": len(os.sched_getaffinity(0))}


def print_report(result: dict) -> None:
    n = result["clients"]
    total_errors = sum(r["errors"] for r in result["pages"].values())
    print(f"\n### {n} visitor(s) for {result['seconds']:.0f} s — {total_errors} error(s)\n")
    print("| page | visits | errors | busy | open p50 / p95 (s) | result p50 / p95 (s) |")
    print("|---|---|---|---|---|---|")
    for name, r in result["pages"].items():
        print(f"| {name} | {r['visits']} | {r['errors']} | {r['busy']} | {r['open_p50']:.2f} / {r['open_p95']:.2f} | "
              f"{r['result_p50']:.2f} / {r['result_p95']:.2f} |")
    print(f"\nserver RSS: start {result['rss_start_mb']} MB, all models loaded (after warm-up) "
          f"{result['rss_warm_mb']} MB, end {result['rss_end_mb']} MB, peak {result['rss_peak_mb']} MB; "
          f"growth per visitor {(result['rss_end_mb'] - result['rss_warm_mb']) / max(n, 1):+.1f} MB")
    print(f"server CPU: {result['server_cpu_s']:.0f} s of CPU in {result['seconds']:.0f} s "
          f"({result['server_cpu_s'] / max(result['seconds'], 1):.2f} cores of {result['cores']}); "
          f"load average at the end {result['load_average_1min']} (browsers and server share the machine)")
    for name, r in result["pages"].items():
        for sample in r["error_samples"]:
            print(f"  error on {name}: {sample}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--seconds", type=float, default=120, help="how long the N visitors keep visiting")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a result may take before it is an error")
    parser.add_argument("--max-rounds", type=int, default=50, help="upper bound on rounds over the pages per visitor")
    parser.add_argument("--pages", nargs="+", default=None, help="url paths (default: every built page)")
    args = parser.parse_args()
    built = [p.url_path for p in available_pages()]
    pages = [p for p in (args.pages or built) if p in built and p in FLOWS]
    print(f"pages: {', '.join(pages)}; Chromium {CHROMIUM}; {args.seconds:.0f} s per run")
    out = ROOT / "build" / "load"
    out.mkdir(parents=True, exist_ok=True)
    for clients in args.clients:
        result = run_one(clients, pages, args.seconds, args.timeout, args.max_rounds)
        print_report(result)
        (out / f"load-{clients}.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
