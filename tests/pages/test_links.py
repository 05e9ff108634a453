"""A shared link is data, never markup: every URL field of every page, set to Markdown or HTML that would
load an image or a link from a local "tracker" server, is shown as text in Chromium and fetches nothing."""

import ast
import http.server
import os
import shutil
import threading
import urllib.parse

import pytest

from harness.browser import CHROMIUM, browser_page, error_texts, streamlit_server
from pages._lecture import available_pages
from rnnkit import ROOT

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
                                reason="Debian chromium is not installed (.ci/run installs it)")


def url_fields(page_file: str) -> list[str]:
    """The names of the page's URL fields: every ``Field("name", ...)`` in its source."""
    tree = ast.parse((ROOT / page_file).read_text(encoding="utf-8"))
    return [node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Field"
            and node.args and isinstance(node.args[0], ast.Constant)]


def payloads(tracker: str, field: str) -> list[str]:
    return [f"![x]({tracker}/md-{field}.png)",
            f'<img src="{tracker}/html-{field}.png">',
            f"[click me]({tracker}/link-{field})",
            f"$\\href{{{tracker}/tex-{field}}}{{x}}$"]


class Tracker(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):                      # noqa: N802 (http.server's name)
        Tracker.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tracker():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tracker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


PAGES = [(info.url_path, info.file) for info in available_pages() if url_fields(info.file)]
KINDS = ["markdown-image", "html-image", "markdown-link", "latex-href"]


@pytest.fixture(scope="module")
def browser():
    with streamlit_server() as base, browser_page() as page:
        yield base, page


def settle(page) -> None:
    """Until the script has finished and the main area is drawn."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                           " && document.querySelectorAll('[data-testid=\"stMain\"] *').length > 20",
                           timeout=120_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("kind", range(len(KINDS)), ids=KINDS)
def test_no_url_field_of_any_page_renders_markup(browser, tracker, kind):
    base, page = browser
    requests, problems = [], []
    record = lambda request: requests.append(request.url)
    page.on("request", record)
    for url_path, page_file in PAGES:
        query = urllib.parse.urlencode({name: payloads(tracker, name)[kind] for name in url_fields(page_file)})
        page.goto(f"{base}/{url_path}?{query}")
        settle(page)
        linked = page.eval_on_selector_all(
            "a[href], img[src]", "(els, t) => els.map(e => e.href || e.src).filter(u => u.startsWith(t))", tracker)
        problems += [f"{url_path}: {u} rendered as a link or image" for u in linked]
        problems += [f"{url_path}: {e}" for e in error_texts(page)]
    page.remove_listener("request", record)
    fetched = [u for u in requests if u.startswith(tracker)] + Tracker.hits
    assert not fetched, fetched
    assert not problems, problems


def test_the_warning_shows_the_links_text_literally(browser, tracker):
    base, page = browser
    page.goto(f"{base}/translation?beam=" + urllib.parse.quote(f"![x]({tracker}/pixel.png)"))
    settle(page)
    main = page.inner_text("[data-testid='stMain']").replace("\u200b", "")    # the escape's zero-width spaces
    assert "The shared link was not quite right" in main
    assert f"![x]({tracker}" in main
