"""Simulated visitors of the running app, shared by the load test and the end-to-end tests.

A visitor is either a headless Chromium context (``browser_visitors``) or a client that speaks
Streamlit's own websocket protocol (``socket_visitors``: BackMsg out, ForwardMsg in, uploads over
HTTP as the frontend does). ``visit`` opens a page, does its main interaction and waits for the
result; ``PageStats`` collects the timings.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import re
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

from harness.browser import CHROMIUM, CHROMIUM_ARGS
from pages._lecture import PAGES

ROOT = Path(__file__).resolve().parent.parent

MAIN = "[data-testid='stMain']"
IDLE_JS = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
           " && document.querySelectorAll('[data-testid=\"stMain\"] *').length > 20")
ADJECTIVES = ("small", "big", "red", "old", "young", "green")
NOUNS = ("dog", "horse", "bird", "boy", "girl", "car", "house")      # not "cat": the default sentence has it
REVIEW_WORDS = ("pilot", "robot", "teacher", "village", "island", "doctor", "soldier", "painter")
ANALOGY_WORDS = ("king", "prince", "father", "uncle", "boy", "brother", "son", "husband")
UPLOAD_PROMPT = ("Choose a photo",)                  # captioning after "Upload a photo", before a photo is given
CAPTION_SHOWN = ("Word by word", "“")
NO_STORED_RESULT = "Press Train the LSTM"            # forecasting with a seed never trained in this session
TRAINING_ANSWERS = ("Trained ", "busy")              # the result, or the live-training limit's sentence
XSRF_COOKIE = "_streamlit_xsrf"


class Timeout(Exception):
    pass


# ------------------------------------------------------------------------------- browser visitors

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


HOME = ""                                            # the default page's url path: the app's address itself
TITLES = {HOME: "recurrent neural networks you can use"} | {p.url_path: p.title for p in PAGES}
_LAST: dict[tuple[int, str], object] = {}


PRESET_SHARE = 0.8     # a class's visitors (``think`` set) take one of a page's first 3 inputs this often
CLASS_CHOICES = 3


def in_class(visitor, rng) -> bool:
    """Whether this action of a class's visitor uses one of the few inputs the whole class uses (a preset)."""
    return getattr(visitor, "in_class", False) and rng.random() < PRESET_SHARE


def pick(visitor, what: str, options, rng, shared: bool = True):
    """A random choice that differs from this visitor's previous one (so its result cannot be on screen already);
    a class's visitor mostly picks among the first few options, as a class mostly uses the presets."""
    options = list(options)
    if shared and in_class(visitor, rng):
        options = options[:CLASS_CHOICES]
    last = _LAST.get((id(visitor), what))
    choice = rng.choice([o for o in options if o != last])
    _LAST[(id(visitor), what)] = choice
    return choice


def playground_input(visitor, rng) -> tuple[str, tuple[str, ...]]:
    """What a visitor types on a page, and the texts that show its result (both kinds of visitor use these)."""
    first = pick(visitor, "x1", (-2, -1.5, -0.25, 0.75, 1.25, 3), rng)     # never the default's first value (0.5)
    return f"{first:g}, -1, 2, 0.5", (f"Input x_1 = {first:g}",)


def analogy_input(visitor, rng) -> tuple[str, tuple[str, ...]]:
    word = pick(visitor, "a", ANALOGY_WORDS[1:], rng)
    return word, (f"{word} − man + woman ≈",)


def review_input(visitor, rng) -> tuple[str, tuple[str, ...]]:
    noun = pick(visitor, "review", REVIEW_WORDS, rng)
    adjective = "dull" if noun in REVIEW_WORDS[:CLASS_CHOICES] else rng.choice(("dull", "warm", "clever", "lazy"))
    return f"A {adjective} film about a {noun}.", ("The LSTM says", noun)


def sentence_input(visitor, rng) -> tuple[str, tuple[str, ...]]:
    noun = pick(visitor, "noun", NOUNS, rng)
    adjective = ADJECTIVES[0] if noun in NOUNS[:CLASS_CHOICES] else rng.choice(ADJECTIVES)
    return f"The {adjective} {noun} will not eat the red apple.", ("What the model read:", noun)


def seed_input(visitor, rng) -> int:
    return pick(visitor, "seed", range(1, 10_000), rng, shared=False)   # a new seed: no stored result


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


def browser_typing(path: str, selector: str, make_input, submit: str = "Enter"):
    """The flow of a page whose main interaction is typing into one box: open it, type, wait for the result."""
    async def flow(page, base, rng, timeout):
        await open_page(page, base, path, timeout)
        opened = time.perf_counter()
        text, needles = make_input(page, rng)
        await press_text(page, selector, text, submit)
        await wait_text(page, *needles, timeout=timeout)
        return opened
    return flow


def photo_seed(visitor, rng) -> int:
    """Which photo a visitor uploads: a new one, or (a class) mostly one of a few that everybody has."""
    return pick(visitor, "photo", range(CLASS_CHOICES), rng) if in_class(visitor, rng) else rng.randrange(10**6)


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
    await wait_text(page, *UPLOAD_PROMPT, timeout=timeout)
    opened = time.perf_counter()
    await page.locator("input[type='file']").first.set_input_files(
        {"name": "visitor.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(photo_seed(page, rng))})
    await wait_text(page, *CAPTION_SHOWN, timeout=timeout)
    return opened


async def flow_forecasting(page, base, rng, timeout):
    await open_page(page, base, "forecasting", timeout)
    await press_text(page, "[data-testid='stNumberInput'] input", str(seed_input(page, rng)))
    await wait_text(page, NO_STORED_RESULT, timeout=timeout)    # a new seed: no stored result on screen
    opened = time.perf_counter()
    await page.get_by_role("button", name="Train the LSTM").click()
    js = ("(answers) => { const m = document.querySelector(\"[data-testid='stMain']\");"
          " if (!m || document.querySelector('[data-testid=\"stStatusWidget\"]')) return false;"
          " return answers.some(a => m.innerText.includes(a)); }")
    try:
        await page.wait_for_function(js, arg=list(TRAINING_ANSWERS), timeout=timeout * 1000, polling=100)
    except Exception as error:
        raise Timeout(f"no training result within {timeout:.0f} s") from error
    return opened


BROWSER_FLOWS = {
    "playground": browser_typing("playground", "[data-testid='stSidebar'] input[type='text']", playground_input),
    "embeddings": browser_typing("embeddings", "input[aria-label='a']", analogy_input),
    "sentiment": browser_typing("sentiment", "textarea", review_input, "Control+Enter"),
    "translation": browser_typing("translation", "textarea", sentence_input, "Control+Enter"),
    "captioning": flow_captioning, "forecasting": flow_forecasting}


async def page_errors(page) -> list[str]:
    found = [(await box.inner_text())[:200] for box in await page.query_selector_all("[data-testid='stException']")]
    body = await page.inner_text(MAIN) if await page.query_selector(MAIN) else ""
    if "Traceback (most recent call last)" in body:
        found.append("traceback text on the page")
    return found


class BrowserVisitor:
    """A visitor in one isolated Chromium context: the flows above, the main area's text, the exception boxes."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base

    async def do(self, name: str, rng, timeout: float) -> float:
        return await BROWSER_FLOWS[name](self.page, self.base, rng, timeout)

    async def errors(self) -> list[str]:
        return await page_errors(self.page)

    async def text(self) -> str:
        return await self.page.inner_text(MAIN)


@contextlib.asynccontextmanager
async def browser_visitors(base: str, timeout: float):
    """Yields ``new_visitor()``: one Chromium for everybody, a fresh isolated context (cookies, storage) per visitor."""
    from playwright.async_api import async_playwright
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        @contextlib.asynccontextmanager
        async def new_visitor():
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(timeout * 1000)
            context.set_default_navigation_timeout(timeout * 1000)
            try:
                yield BrowserVisitor(await context.new_page(), base)
            finally:
                await context.close()

        try:
            yield new_visitor
        finally:
            await browser.close()


# ------------------------------------------------------------------------------- websocket visitors

WIDGETS = ("text_input", "text_area", "number_input", "slider", "selectbox", "radio", "checkbox", "button",
           "file_uploader")
TEXT_FIELDS = {"heading": ("body",), "markdown": ("body",), "alert": ("body",), "text": ("body",),
               "metric": ("label", "body"), "exception": ("type", "message"), "progress": ("text",)}
MAIN_ROOT = 0                                   # delta paths start with the container: 0 = main, 1 = sidebar


def widget_state(element: Element, value=None) -> WidgetState | None:
    """The state the frontend sends for a widget: ``value`` when given, else what the server set, else the default."""
    kind = element.WhichOneof("type")
    w = getattr(element, kind)
    state = WidgetState(id=w.id)
    if kind in ("text_input", "text_area"):
        if value is None:
            value = w.value if w.set_value else w.default if w.HasField("default") else None
        if value is None:
            return None
        state.string_value = value
    elif kind == "number_input":
        if value is None:
            value = w.value if w.set_value else w.default if w.HasField("default") else None
        if value is None:
            return None
        if w.data_type == NumberInput.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif kind == "slider" and w.type == Slider.SELECT_SLIDER:
        state.string_array_value.data.extend(
            value or (w.raw_value if w.set_value else [w.options[int(i)] for i in w.default]))
    elif kind == "slider":
        state.double_array_value.data.extend(value or (w.value if w.set_value else w.default))
    elif kind in ("selectbox", "radio"):
        if value is None:
            value = w.raw_value if w.set_value else w.options[w.default] if w.HasField("default") else None
        if value is None:
            return None
        state.string_value = value
    elif kind == "checkbox":
        state.bool_value = value if value is not None else w.value if w.set_value else w.default
    elif kind == "button" and value:
        state.trigger_value = True
    elif kind == "file_uploader" and value is not None:
        state.file_uploader_state_value.CopyFrom(value)
    else:
        return None
    return state


def element_text(element: Element) -> str:
    """What the browser shows of a text element, without the Markdown marks (``**``, backslash escapes)."""
    kind = element.WhichOneof("type")
    parts = [getattr(getattr(element, kind), name) for name in TEXT_FIELDS.get(kind, ())]
    return re.sub(r"\\([^\w\s])", r"\1", " ".join(parts)).replace("**", "")


class AppSession:
    """A visitor that speaks Streamlit's protocol on ``/_stcore/stream`` as the browser's frontend does.

    BackMsg ``rerun_script`` out (page, query string, every widget's value), ForwardMsg in: ``new_session``
    starts a run (its elements replace the previous run's), ``delta`` places an element at its path,
    ``navigation`` lists the pages, ``script_finished`` ends the run (unless it was cut short for a rerun).
    File uploads go as in the frontend: ``file_urls_request`` -> ``file_urls_response`` -> HTTP PUT -> rerun.
    """

    def __init__(self, base: str):
        import requests  # ships with Streamlit
        self.base, self.http = base, requests.Session()
        self.socket = self.reader = None
        self.session_id = self.page_hash = self.query_string = ""
        self.pages: dict[str, str] = {}                               # url path -> page_script_hash
        self.elements: dict[tuple[int, ...], Element] = {}            # this run's elements by delta path
        self.chosen: dict[str, WidgetState] = {}                      # widget id -> the value this visitor gave it
        self.finished = asyncio.Event()
        self.file_urls: dict[str, asyncio.Future] = {}                # request id -> its file_urls_response
        self.failure = ""

    async def connect(self) -> None:
        """As the frontend: the health check (it sets the XSRF cookie), then the WebSocket with the token."""
        from websockets.asyncio.client import connect  # a dependency of Streamlit's server
        (await asyncio.to_thread(self.http.get, f"{self.base}/_stcore/health", timeout=30)).raise_for_status()
        xsrf = self.http.cookies.get(XSRF_COOKIE, "")
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        self.socket = await connect(f"ws://{self.base.split('://', 1)[1]}/_stcore/stream", origin=self.base,
                                    subprotocols=["streamlit", xsrf or "PLACEHOLDER_AUTH_TOKEN"],
                                    additional_headers={"Cookie": cookies} if cookies else None, max_size=None)
        self.reader = asyncio.create_task(self.read())

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
            await self.reader
        self.http.close()

    async def read(self) -> None:
        try:
            async for data in self.socket:
                message = ForwardMsg()
                message.ParseFromString(data)
                self.receive(message)
        except Exception as error:                                     # the connection broke
            self.failure = f"connection lost: {type(error).__name__}: {error}"
        self.failure = self.failure or "the server closed the connection"
        self.finished.set()
        for future in self.file_urls.values():
            if not future.done():
                future.set_exception(ConnectionError(self.failure))

    def receive(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.elements, self.page_hash = {}, message.new_session.page_script_hash
            if message.new_session.HasField("initialize"):
                self.session_id = message.new_session.initialize.session_id
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
            self.page_hash = message.navigation.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") in ("new_element", "add_block"):
            path = tuple(message.metadata.delta_path)
            for stale in [p for p in self.elements if p[:len(path)] == path]:   # what this one replaces
                del self.elements[stale]
            if message.delta.WhichOneof("type") == "new_element":
                self.elements[path] = message.delta.new_element
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "file_urls_response":
            future = self.file_urls.pop(message.file_urls_response.response_id, None)
            if future is not None and not future.done():
                future.set_result(message.file_urls_response)
        elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            shown = {getattr(element, element.WhichOneof("type")).id for element in self.widgets()}
            self.chosen = {key: state for key, state in self.chosen.items() if key in shown}   # as the frontend
            self.finished.set()

    def widgets(self):
        for element in self.elements.values():
            if element.WhichOneof("type") in WIDGETS:
                yield element

    def widget_states(self, changed: WidgetState | None = None) -> list[WidgetState]:
        """Every widget of the last run with its value (this visitor's, else the server's); ``changed`` new."""
        states = []
        for element in self.widgets():
            w = getattr(element, element.WhichOneof("type"))
            if changed is not None and w.id == changed.id:
                states.append(changed)
            elif w.id in self.chosen and not getattr(w, "set_value", False):
                states.append(self.chosen[w.id])
            elif (state := widget_state(element)) is not None:
                states.append(state)
        return states

    def widget(self, kind: str, label: str) -> Element:
        """The first widget of this kind whose label starts with ``label``."""
        for element in self.widgets():
            if element.WhichOneof("type") == kind and getattr(element, kind).label.startswith(label):
                return element
        raise Timeout(f"no {kind} {label!r} on the page")

    async def rerun(self, timeout: float, changed: WidgetState | None = None, *, page_hash="", page_name="",
                    query="") -> None:
        """Send a ``rerun_script`` and wait until that run has finished."""
        back = BackMsg()
        client = back.rerun_script
        if page_hash or page_name:              # another page: by the link's address or the sidebar's switch
            client.page_script_hash, client.page_name, client.query_string = page_hash, page_name, query
        else:
            client.page_script_hash, client.query_string = self.page_hash, self.query_string
            client.widget_states.widgets.extend(self.widget_states(changed))
            if changed is not None and changed.WhichOneof("value") != "trigger_value":
                self.chosen[changed.id] = changed
        self.finished.clear()
        await self.socket.send(back.SerializeToString())
        try:
            await asyncio.wait_for(self.finished.wait(), timeout)
        except TimeoutError as error:
            raise Timeout(f"the run did not finish within {timeout:.0f} s") from error
        if self.failure:
            raise ConnectionError(self.failure)

    async def open_page(self, path: str, timeout: float, query: str = "") -> None:
        """The first time by its address, with a shared link's ``query`` (a new session), then by the sidebar's
        page switch."""
        if self.socket is None:
            await self.connect()
            await self.rerun(timeout, page_name=path, query=query)
        else:
            await self.rerun(timeout, page_hash=self.pages[path])
        titles = [e.heading.body for e in self.elements.values() if e.WhichOneof("type") == "heading"]
        if not any(TITLES[path].lower() in title.lower() for title in titles):
            raise Timeout(f"{path} did not open: no title {TITLES[path]!r} when its run finished")

    async def set(self, kind: str, label: str, value, timeout: float) -> None:
        """Give a widget a new value (True presses a button) and wait for the rerun."""
        await self.rerun(timeout, widget_state(self.widget(kind, label), value))

    async def upload(self, label: str, name: str, data: bytes, mime: str, timeout: float) -> None:
        uploader = self.widget("file_uploader", label)
        back = BackMsg()
        back.file_urls_request.request_id = request_id = uuid.uuid4().hex
        back.file_urls_request.file_names.append(name)
        back.file_urls_request.session_id = self.session_id
        self.file_urls[request_id] = asyncio.get_running_loop().create_future()
        await self.socket.send(back.SerializeToString())
        try:
            response = await asyncio.wait_for(self.file_urls[request_id], timeout)
        except TimeoutError as error:
            raise Timeout(f"no upload URL within {timeout:.0f} s") from error
        if response.error_msg:
            raise RuntimeError(f"no upload URL: {response.error_msg}")
        urls = response.file_urls[0]
        put = await asyncio.to_thread(
            self.http.put, urllib.parse.urljoin(self.base + "/", urls.upload_url), files={name: (name, data, mime)},
            headers={"X-Xsrftoken": self.http.cookies.get(XSRF_COOKIE, "")}, timeout=timeout)
        put.raise_for_status()
        uploaded = FileUploaderState()
        uploaded.uploaded_file_info.add(name=name, size=len(data), file_id=urls.file_id).file_urls.CopyFrom(urls)
        await self.rerun(timeout, widget_state(uploader, uploaded))

    def main_text(self) -> str:
        return "\n".join(element_text(self.elements[path]) for path in sorted(self.elements) if path[0] == MAIN_ROOT)

    def expect(self, *needles: str) -> None:
        text = self.main_text()
        if not all(needle in text for needle in needles):
            raise Timeout(f"no {needles!r} when the run finished")

    async def do(self, name: str, rng, timeout: float) -> float:
        """The page's main interaction (``SOCKET_FLOWS``); a page without one (home, ner) is only opened."""
        return await SOCKET_FLOWS.get(name, socket_opening(name))(self, rng, timeout)

    async def errors(self) -> list[str]:
        found = [element_text(e)[:200] for e in self.elements.values() if e.WhichOneof("type") == "exception"]
        if "Traceback (most recent call last)" in self.main_text():
            found.append("traceback text on the page")
        return found

    async def text(self) -> str:
        return self.main_text()


def socket_typing(path: str, kind: str, label: str, make_input):
    """The flow of a page whose main interaction is typing into one box: open it, type, expect the result."""
    async def flow(app: AppSession, rng, timeout):
        await app.open_page(path, timeout)
        opened = time.perf_counter()
        text, needles = make_input(app, rng)
        await app.set(kind, label, text, timeout)
        app.expect(*needles)
        return opened
    return flow


def socket_opening(path: str):
    """The flow of a page only opened: its title shown when its run has finished."""
    async def flow(app: AppSession, rng, timeout):
        await app.open_page(path, timeout)
        return time.perf_counter()
    return flow


async def socket_captioning(app: AppSession, rng, timeout):
    await app.open_page("captioning", timeout)
    await app.set("radio", "Image", "Upload a photo", timeout)
    app.expect(*UPLOAD_PROMPT)
    opened = time.perf_counter()
    await app.upload("JPEG", "visitor.jpg", photo_bytes(photo_seed(app, rng)), "image/jpeg", timeout)
    app.expect(*CAPTION_SHOWN)
    return opened


async def socket_forecasting(app: AppSession, rng, timeout):
    await app.open_page("forecasting", timeout)
    await app.set("number_input", "Seed", seed_input(app, rng), timeout)
    app.expect(NO_STORED_RESULT)
    opened = time.perf_counter()
    await app.set("button", "Train the LSTM", True, timeout)
    if not any(answer in app.main_text() for answer in TRAINING_ANSWERS):
        raise Timeout("no training result when the run finished")
    return opened


SOCKET_FLOWS = {"playground": socket_typing("playground", "text_input", "Input sequence", playground_input),
                "embeddings": socket_typing("embeddings", "text_input", "a", analogy_input),
                "sentiment": socket_typing("sentiment", "text_area", "", review_input),     # its one text box
                "translation": socket_typing("translation", "text_area", "English sentence", sentence_input),
                "captioning": socket_captioning, "forecasting": socket_forecasting}


@contextlib.asynccontextmanager
async def socket_visitors(base: str, timeout: float):
    """Yields ``new_visitor()``: a new WebSocket session per visitor."""

    @contextlib.asynccontextmanager
    async def new_visitor():
        app = AppSession(base)
        try:
            yield app
        finally:
            await app.close()

    yield new_visitor


VISITORS = {"websocket": socket_visitors, "browser": browser_visitors}
WHO = {"websocket": "websocket clients", "browser": "headless Chromium contexts"}


# ------------------------------------------------------------------------------- measurement

@dataclass
class PageStats:
    opens: list[float] = field(default_factory=list)
    results: list[float] = field(default_factory=list)
    visits: int = 0
    errors: list[str] = field(default_factory=list)
    busy: int = 0


async def visit(visitor, name, rng, timeout, stats: PageStats) -> None:
    stats.visits += 1
    start = time.perf_counter()
    try:
        opened = await visitor.do(name, rng, timeout)
        done = time.perf_counter()
        problems = await visitor.errors()
        text = await visitor.text()
    except Timeout as error:
        stats.errors.append(str(error))
        return
    except Exception as error:                     # a crashed page, a closed connection: count it
        stats.errors.append(f"{type(error).__name__}: {str(error)[:160]}")
        return
    if problems:
        stats.errors.extend(problems)
        return
    if name == "forecasting" and TRAINING_ANSWERS[1] in text and TRAINING_ANSWERS[0] not in text:
        stats.busy += 1
    stats.opens.append(opened - start)
    stats.results.append(done - opened)


async def session(new_visitor, index, pages, deadline, timeout, stats, max_rounds, think=None, arrive=0.0):
    """One visitor: every page in turn (from a page of its own), ``max_rounds`` times or until ``deadline``.
    With ``think = (low, high)`` it acts as a student in a class: it waits low-high seconds between actions and
    mostly uses the inputs the rest of the class uses (``pick``). With ``arrive``, it opens its first page at a
    random moment of the first ``arrive`` seconds (a class opening a shared link), not at once with the others."""
    rng = random.Random(index)
    order = pages[index % len(pages):] + pages[:index % len(pages)]     # visitors spread over the pages
    if arrive:
        await asyncio.sleep(rng.uniform(0, arrive))
    async with new_visitor() as visitor:
        visitor.in_class = think is not None
        for _ in range(max_rounds):
            for name in order:
                if time.monotonic() > deadline:
                    return
                await visit(visitor, name, rng, timeout, stats[name])
                if think:
                    await asyncio.sleep(rng.uniform(*think))


def first_visit_pages() -> list[str]:
    """Every page of the app: home, then the built pages in the lecture's order."""
    from pages._lecture import available_pages
    return [HOME, *(page.url_path for page in available_pages())]


async def first_visits(base: str, sessions: int, timeout: float) -> dict[str, PageStats]:
    """``sessions`` new websocket visitors start at the same moment on the server at ``base`` (nobody visited it
    before, when it is fresh); each visits every page once, starting at a different one (so several arrive by
    a page's own address at once) and doing the page's main interaction. The stats per page."""
    pages = first_visit_pages()
    stats = {name: PageStats() for name in pages}
    async with socket_visitors(base, timeout) as new_visitor:
        await asyncio.gather(*(session(new_visitor, i, pages, float("inf"), timeout, stats, 1)
                               for i in range(sessions)))
    return stats


def first_visits_on_fresh_servers(sessions: int, repeats: int, timeout: float,
                                  on_repeat=None) -> list[tuple[dict[str, PageStats], float]]:
    """``repeats`` times: start a fresh ``streamlit run app.py``, run ``first_visits`` on it, stop it; the stats
    and the seconds the visits took, per repetition (``on_repeat(index, stats, seconds)`` after each)."""
    from harness.browser import streamlit_server
    results = []
    for index in range(repeats):
        with streamlit_server() as base:
            start = time.perf_counter()
            stats = asyncio.run(first_visits(base, sessions, timeout))
            results.append((stats, time.perf_counter() - start))
        if on_repeat:
            on_repeat(index, *results[-1])
    return results


async def drive(base, visitors, clients, pages, seconds, timeout, max_rounds, on_warm=None,
                waves=1, pause=0.0, on_wave=None, think=None, arrive=0.0, settle=0.0, on_settled=None):
    """One warm-up visitor opens every page once (every model gets loaded), ``on_warm()`` is called, then
    ``clients`` visitors of the kind ``visitors`` run at once until ``seconds`` have passed; ``on_wave(k)``
    after each. With ``waves`` > 1, after ``pause`` seconds of quiet a new set of ``clients`` visitors (new
    sessions) does it again, and so on. With ``think`` (and ``arrive``), the visitors act as a class (``session``).
    With ``settle``, after the last wave and ``settle`` seconds of quiet one new visitor opens the first page once
    (its leaving makes Streamlit drop the sessions that expired meanwhile), then ``on_settled()`` is called.
    The elapsed time returned leaves the pauses out."""
    stats = {name: PageStats() for name in pages}
    async with VISITORS[visitors](base, timeout) as new_visitor:
        warm = {name: PageStats() for name in pages}
        await session(new_visitor, 0, pages, time.monotonic() + 10 * timeout, timeout, warm, 1)
        if any(s.errors for s in warm.values()):
            print(f"warm-up errors: { {n: s.errors for n, s in warm.items() if s.errors} }", file=sys.stderr)
        if on_warm:
            on_warm(warm)
        elapsed = 0.0
        for wave in range(waves):
            if wave:
                await asyncio.sleep(pause)
            mark = time.monotonic()
            await asyncio.gather(*(session(new_visitor, wave * clients + i, pages, mark + seconds, timeout, stats,
                                           max_rounds, think, arrive) for i in range(clients)))
            elapsed += time.monotonic() - mark
            if on_wave:
                on_wave(wave)
        if settle:
            await asyncio.sleep(settle)
            await session(new_visitor, waves * clients, pages[:1], time.monotonic() + timeout, timeout,
                          {pages[0]: PageStats()}, 1)
            if on_settled:
                on_settled()
    return stats, elapsed


