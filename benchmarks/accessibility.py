"""axe-core in a real headless Chromium on every page of the app: the serious and critical violations.

    python -m benchmarks.accessibility [--pages playground translation ...]

axe-core (Deque, MPL-2.0) comes inside the PyPI package ``axe-playwright-python`` (requirements-dev.txt), so
nothing is fetched at run time. Each page is opened by its address, left to finish its run, and checked
with axe's WCAG 2.0/2.1 A and AA rules. Prints each violation with the elements it names; a JSON copy goes to
build/accessibility.json. ``tests/pages/test_accessibility.py`` asserts that none is serious or critical.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from harness.browser import browser_page, streamlit_server, wait_for_idle
from harness.visitors import HOME
from pages._lecture import available_pages

ROOT = Path(__file__).resolve().parent.parent
SERIOUS = ("serious", "critical")
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_source() -> str:
    import axe_playwright_python
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def violations(page, source: str | None = None) -> list[dict]:
    """axe's violations on the page as it is now: rule id, impact, help text and up to 5 element selectors."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source or axe_source())
    result = page.evaluate("(options) => axe.run(document, options)", RULES)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "count": len(v["nodes"]),
             "targets": [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]} for v in result["violations"]]


def check_pages(base: str, pages: list[str]) -> dict[str, list[dict]]:
    source, found = axe_source(), {}
    with browser_page() as page:
        for path in pages:
            page.goto(f"{base}/{path}")
            wait_for_idle(page, timeout_ms=120_000)
            found[path or "home"] = violations(page, source)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=None, help="url paths (default: home and every built page)")
    args = parser.parse_args()
    pages = args.pages or [HOME, *(p.url_path for p in available_pages())]
    with streamlit_server() as base:
        found = check_pages(base, pages)
    serious = 0
    for name, items in found.items():
        print(f"\n## {name}: {len(items)} violation(s)")
        for v in items:
            serious += v["impact"] in SERIOUS and v["count"]
            print(f"- [{v['impact']}] {v['id']} ({v['count']}): {v['help']} — {', '.join(v['targets'][:3])}")
    print(f"\nserious or critical: {serious} element(s) on {len(found)} page(s)")
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "accessibility.json").write_text(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
