"""Hostile input, all pages: one corpus of bad inputs, generated here (no committed binaries).

Every page is opened through ``app.py`` (as a visitor reaches it) and fed, with its own widgets:
empty / blank / huge text, markup, odd Unicode, malformed shared-link parameters, broken,
oversized and wrong-type files, decompression bombs, double and concurrent submits. Each must be
answered with a sentence (``st.error`` / ``st.warning`` / ``st.info``) or a result — never an
exception — and the page must still work afterwards. User text must never reach the browser as
raw HTML.

A page that is not built yet, or that fails even on a plain open (covered by the page's own tests
and ``test_browser.py``), is skipped with the reason, not failed here.
"""

from __future__ import annotations

import ast
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from pages._lecture import PAGES

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = {p.url_path: p.file for p in PAGES}
XSS = "rnnkit-xss"                      # marker: must never appear inside HTML that the browser renders raw


# ---------------------------------------------------------------------------------- the corpus

def hostile_texts() -> dict[str, str]:
    """Text a visitor (or a hand-made websocket client, which ignores max_chars) can send."""
    return {
        "empty": "",
        "blank": " \n\t\u3000\u00a0 ",
        "huge": "the film was not bad at all " * 8_000,                  # ~220,000 characters
        "one enormous word": "a" * 20_000,
        "markup": (f'<script>alert("{XSS}")</script><img src=x onerror="alert(\'{XSS}\')"> **bold** '
                   f'[click](javascript:alert(1)) :red[red] $\\frac{{1}}{{0}}$ <div style="position:fixed">{XSS}'),
        "odd unicode": ("\ufeffcafé\u200b naïve \u202egnp.exe\u202c 👩\u200d👩\u200d👧 Z̴̡͝a̷l̶g̵o 漢字 "
                        "\x00\x07\x1b[31m \r\n\u2028 ﷽ 𝕳𝖊𝖑𝖑𝖔"),
        "mojibake": "Ã©tÃ© trÃ¨s bien, cÂ’est gÃ©nial",
        "punctuation only": "!!! ??? ... ,,, ;;; --- ''' \"\"\"",
        "numbers only": "12 34 5e308 -0 nan inf 0x1F",
    }


def hostile_params() -> list[str]:
    """Values a hand-edited shared link may carry for any parameter."""
    return ["", " ", "<script>alert(1)</script>", "9" * 400, "nan", "-inf", "1e309", "-1", "0x10", "true",
            "%00%0d%0a", "\u202e\u0000", "🙂" * 10, "../../etc/passwd", "a" * 5_000]


def encoded(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bomb(width: int, height: int, real: bool) -> bytes:
    """A 1-bit PNG of ``width`` x ``height`` pixels: a header that lies (``real=False``) or a real bomb whose
    few hundred kB of zlib data inflate to ``height * (width/8 + 1)`` bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    if real:
        packer, row = zlib.compressobj(9), b"\x00" * (1 + (width + 7) // 8)
        idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    else:
        idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is patched to claim ``width`` x ``height``."""
    data = bytearray(encoded(Image.new("RGB", (16, 16), "red"), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def photo(size=(320, 240), seed=0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))


def hostile_images() -> dict[str, tuple[str, bytes]]:
    """(file name, bytes) of uploads no photo page may choke on."""
    jpeg = encoded(photo(), "JPEG")
    return {
        "empty file": ("photo.jpg", b""),
        "text renamed .jpg": ("photo.jpg", b"just some text, not a picture\n" * 20),
        "PDF renamed .png": ("scan.png", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n"),
        "SVG with a script": ("logo.png", f'<svg xmlns="http://www.w3.org/2000/svg"><script>alert("{XSS}")'
                                          f'</script></svg>'.encode()),
        "ZIP renamed .gif": ("anim.gif", b"PK\x03\x04" + bytes(200)),
        "random bytes": ("noise.webp", np.random.default_rng(1).bytes(4096)),
        "truncated JPEG": ("cut.jpg", jpeg[: len(jpeg) // 3]),
        "PNG header only": ("cut.png", encoded(photo(), "PNG")[:60]),
        "bomb header 100k x 100k": ("bomb.png", png_bomb(100_000, 100_000, real=False)),
        "real PNG bomb 30k x 30k": ("bomb.png", png_bomb(30_000, 30_000, real=True)),
        "JPEG claiming 65k x 65k": ("huge.jpg", jpeg_claiming(65_000, 65_000)),
        "over the size limit (11 MB)": ("big.bmp", b"BM" + bytes(11 * 2**20)),
        "1 x 1 pixel": ("dot.png", encoded(Image.new("RGB", (1, 1)), "PNG")),
        "a thin strip 4000 x 20": ("strip.png", encoded(Image.new("RGB", (4000, 20)), "PNG")),
    }


def odd_but_valid_images() -> dict[str, tuple[str, bytes]]:
    """Unusual files that are real photos: each must get a caption, not a refusal."""
    base = photo(seed=2)
    animated = io.BytesIO()
    base.save(animated, "GIF", save_all=True, append_images=[photo(seed=3)], duration=100)
    return {
        "CMYK JPEG": ("cmyk.jpg", encoded(base.convert("CMYK"), "JPEG")),
        "16-bit grey PNG": ("deep.png", encoded(Image.fromarray(np.linspace(0, 65535, 240 * 320).reshape(240, 320)
                                                               .astype(np.uint16)), "PNG")),
        "transparent PNG": ("alpha.png", encoded(base.convert("RGBA"), "PNG")),
        "animated GIF": ("anim.gif", animated.getvalue()),
        "JPEG named .png": ("wrong-extension.png", encoded(base, "JPEG")),
    }


def hostile_text_files() -> dict[str, tuple[str, bytes]]:
    """(file name, bytes) for pages that read .txt / .csv uploads."""
    return {
        "empty file": ("empty.txt", b""),
        "PNG renamed .txt": ("photo.txt", encoded(photo((64, 64)), "PNG")),
        "UTF-16 with BOM": ("utf16.csv", "text,value\nun très bon film,1\nnul,2\n".encode("utf-16")),
        "Latin-1": ("latin.txt", "un film très réussi\nà éviter\n".encode("latin-1")),
        "NUL bytes": ("nul.txt", b"good\x00film\n" * 100),
        "one 3 MB line": ("line.txt", b"word " * 600_000),
        "ragged CSV with markup and formulas": (
            "ragged.csv", (f'text,value\n"<script>{XSS}</script>",1\n=cmd|\' /C calc\'!A0,2,extra,cols\n'
                           '"unterminated quote,3\n,\n').encode()),
        "CSV with no numbers or text": ("blank.csv", b"a,b\n,\n,\n"),
        "ZIP renamed .csv": ("data.csv", b"PK\x03\x04" + bytes(500)),
    }


def series_csvs() -> dict[str, tuple[str, bytes]]:
    """CSV uploads with bad numbers for a time-series page."""
    values = ["1", "nan", "inf", "-inf", "1e400", "x"] * 20
    rows = "\n".join(f"2020-01-{d % 28 + 1:02d},{v}" for d, v in enumerate(values))
    return {
        "single row": ("one.csv", b"date,value\n2020-01-01,1\n"),
        "nan, inf and words": ("bad.csv", ("date,value\n" + rows).encode()),
        "semicolons and decimal commas": ("eu.csv", "date;value\n" .encode() + b"\n".join(
            f"2020-01-{d:02d};{d},5".encode() for d in range(1, 29))),
        "200,000 rows": ("long.csv", ("t,value\n" + "\n".join(f"{t},{np.sin(t / 9):.4f}" for t in range(200_000)))
                         .encode()),
        "constant series": ("flat.csv", ("t,value\n" + "\n".join(f"{t},3" for t in range(300))).encode()),
    }


# ---------------------------------------------------------------------------------- helpers

@pytest.fixture(autouse=True, scope="module")
def full_error_details():
    """Visitors see redacted errors (.streamlit/config.toml); a failing test should show the real one."""
    from streamlit import config
    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


def page_fields(url_path: str) -> list[str]:
    """The shared-link parameters a page declares: the first argument of every ``Field(...)`` in its source."""
    tree = ast.parse((ROOT / PAGE_FILES[url_path]).read_text(encoding="utf-8"))
    return [node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Field"
            and node.args and isinstance(node.args[0], ast.Constant)]


def open_page(url_path: str, params: dict | None = None, timeout: float = 120,
              open_tab: tuple[str, str] | None = None) -> AppTest:
    """``open_tab``: (the tabs' key, a label), the tab the visitor has open (``lazy_tabs``)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    app.switch_page(PAGE_FILES[url_path])
    for key, value in (params or {}).items():
        app.query_params[key] = value
    if open_tab:
        app.session_state[open_tab[0]] = open_tab[1]
    return app.run()


_PLAIN_OPEN: dict[str, str] = {}


def require_page(url_path: str) -> None:
    """Skip (with the reason) when the page is missing or fails on a plain open."""
    if not (ROOT / PAGE_FILES[url_path]).exists():
        pytest.skip(f"{PAGE_FILES[url_path]} is not built yet")
    if url_path not in _PLAIN_OPEN:
        app = open_page(url_path)
        _PLAIN_OPEN[url_path] = describe(app.exception[0]) if app.exception else ""
    if _PLAIN_OPEN[url_path]:
        pytest.skip(f"{url_path} fails even on a plain open (see its own tests): {_PLAIN_OPEN[url_path][:300]}")


def upload(uploader, filename: str, data: bytes, mime: str = "application/octet-stream"):
    """Put a file in an uploader under a name it accepts: the browser only offers allowed extensions (a
    name outside them is refused by Streamlit itself), so the hostile part is the content, not the name."""
    allowed = uploader.allowed_type
    if allowed and not any(filename.lower().endswith(ext) for ext in allowed):
        filename = Path(filename).stem + allowed[0]
    return uploader.set_value((filename, data, mime))


def describe(exception) -> str:
    return (exception.message + " " + " ".join(exception.stack_trace[-3:])).strip()


def messages(app: AppTest) -> str:
    return " ".join(e.value for kind in (app.error, app.warning, app.info, app.success) for e in kind)


def check_answers(app: AppTest, what: str, *, must_say: tuple[str, ...] = ()) -> None:
    """No exception, the page's title still drawn, no user markup as raw HTML, and (if given) a sentence."""
    assert not app.exception, f"{what}: {describe(app.exception[0])}"
    assert app.title, f"{what}: the page stopped before its title"
    for node in app._tree:
        if getattr(node, "type", "") == "markdown" and node.proto.allow_html:
            assert XSS not in node.value, f"{what}: user markup rendered as raw HTML: {node.value[:200]}"
        if getattr(node, "type", "") == "html":
            assert XSS not in str(node.proto), f"{what}: user markup inside st.html"
    if must_say:
        said = messages(app).lower()
        assert any(word.lower() in said for word in must_say), \
            f"{what}: no sentence with {must_say}; got {said[:300]!r}"


# ---------------------------------------------------------------------------------- shared links

@pytest.mark.parametrize("url_path", list(PAGE_FILES))
def test_malformed_links_fall_back_with_a_warning(url_path):
    require_page(url_path)
    fields = page_fields(url_path)
    assert fields, f"{url_path} declares no link fields"
    # 1. every parameter far too long: each one must be refused with a sentence
    app = open_page(url_path, {name: "z" * 5_000 for name in fields})
    check_answers(app, f"{url_path}: over-long link parameters")
    refused = [w.value for w in app.warning if "link" in w.value.lower()]
    assert len(refused) >= len(fields), f"{url_path}: {len(refused)} warnings for {len(fields)} bad parameters"
    # 2. a different hostile value in every parameter, plus unknown and repeated ones
    values = hostile_params()
    params = {name: values[(i * 5 + 3) % len(values)] for i, name in enumerate(fields)}
    params.update({"unknown": "<b>x</b>", "embed": "true", fields[0]: ["1", "<script>", "2"]})
    check_answers(open_page(url_path, params), f"{url_path}: hostile link {params}")
    # 3. markup and control characters everywhere
    app = open_page(url_path, {name: f"<img src=x onerror=alert('{XSS}')>\x00\u202e" for name in fields})
    check_answers(app, f"{url_path}: markup in the link")


# ---------------------------------------------------------------------------------- typed text

def _text_pages():
    """(page, how to type into it, a good input, what the good input must show, whether input is required)."""
    return [
        ("sentiment", lambda app: app.text_area[0], "A warm, funny and moving film.", "The LSTM says", True),
        ("translation", lambda app: app.text_area[0], "The small cat will not eat the red apple.", "French", True),
        ("playground", lambda app: app.sidebar.text_input[0], "1, 2, 3", None, True),
        ("embeddings", lambda app: app.text_input(key="emb_a"), "king", None, True),
        ("embeddings", lambda app: app.text_input(key="emb_words"), "man, woman, king", None, True),
        ("embeddings", lambda app: app.text_area(key="emb_dims"), "Size: big huge | small tiny", None, False),
    ]


@pytest.mark.parametrize("url_path, widget, good, shows, required", _text_pages(),
                         ids=["sentiment", "translation", "playground", "embeddings-analogy", "embeddings-list",
                              "embeddings-directions"])
def test_hostile_text_gets_a_sentence_and_the_page_keeps_working(url_path, widget, good, shows, required):
    require_page(url_path)
    app = open_page(url_path)
    for name, text in hostile_texts().items():
        widget(app).set_value(text).run()
        needs = ("type", "no text", "no word", "empty", "enter", "at least", "not", "unknown") \
            if required and name in ("empty", "blank") else ()
        check_answers(app, f"{url_path}: {name} text", must_say=needs)
    widget(app).set_value(good).run()
    check_answers(app, f"{url_path}: a good input after the hostile ones")
    if shows:
        shown = " ".join(h.value for h in (*app.subheader, *app.header))
        assert shows in shown, f"{url_path}: the good input shows no result ({shown[:200]!r})"


# ---------------------------------------------------------------------------------- uploads

def test_captioning_refuses_every_bad_image_with_a_sentence():
    require_page("captioning")
    app = open_page("captioning")
    radio = next((r for r in app.radio if "Upload a photo" in r.options), None)
    if radio is None:
        pytest.skip("the captioning page has no upload choice")
    radio.set_value("Upload a photo").run()
    failures = []
    for name, (filename, data) in hostile_images().items():
        upload(app.file_uploader[0], filename, data).run()
        check_answers(app, f"captioning: {name}")
        if not app.error:
            failures.append(name)
    assert not failures, f"captioning accepted these without an error message: {failures}"
    for name, (filename, data) in odd_but_valid_images().items():
        upload(app.file_uploader[0], filename, data, "image/png").run()
        check_answers(app, f"captioning: {name}")
        assert not app.error, f"captioning refused a real photo ({name}): {app.error[0].value}"
        assert app.subheader and app.subheader[0].value.startswith("“"), f"captioning: no caption for {name}"


def test_sentiment_batch_upload_answers_every_bad_file():
    require_page("sentiment")
    app = open_page("sentiment", open_tab=("sentiment_tab", "Batch (file)"))
    if not app.file_uploader:
        pytest.skip("the sentiment page has no upload")
    for name, (filename, data) in hostile_text_files().items():
        upload(app.file_uploader[0], filename, data, "text/plain").run()
        check_answers(app, f"sentiment upload: {name}")
        assert app.error or app.success, f"sentiment upload {name}: neither a result nor a reason"


def test_forecasting_upload_answers_every_bad_file():
    require_page("forecasting")
    app = open_page("forecasting", {"series": "upload"})
    if not app.file_uploader:
        pytest.skip("the forecasting page has no upload")
    for name, (filename, data) in {**hostile_text_files(), **series_csvs()}.items():
        upload(app.file_uploader[0], filename, data, "text/csv").run()
        check_answers(app, f"forecasting upload: {name}")
        assert app.error or app.warning or app.get("plotly_chart"), f"forecasting upload {name}: no answer"


def test_word2vec_upload_refuses_bad_corpora_before_training():
    require_page("embeddings")
    app = open_page("embeddings")
    try:
        app.radio(key="emb_corpus").set_value("upload").run()
        app.file_uploader(key="emb_upload")
    except KeyError:
        pytest.skip("the embeddings page has no corpus upload")
    files = hostile_text_files()
    for name in ("empty file", "PNG renamed .txt", "NUL bytes", "ZIP renamed .csv"):
        filename, data = files[name]
        upload(app.file_uploader(key="emb_upload"), filename, data, "text/plain").run()
        app.button(key="emb_train").click().run()
        check_answers(app, f"word2vec upload: {name}")
        assert app.error, f"word2vec upload {name}: trained or said nothing"
    app.file_uploader(key="emb_upload").set_value(("big.txt", b"word " * 1_200_000, "text/plain")).run()
    app.button(key="emb_train").click().run()
    check_answers(app, "word2vec upload: 6 MB", must_say=("limit",))


# ---------------------------------------------------------------------------------- double and concurrent submits

def _train_button(app: AppTest, url_path: str):
    for button in app.button:
        if "train" in button.label.lower():
            return button
    pytest.skip(f"{url_path} has no training button")


@pytest.mark.parametrize("url_path, params", [
    ("forecasting", {"epochs": "10", "hidden": "8"}),
    ("playground", {"mlen": "5"}),
    ("embeddings", {}),
])
def test_live_training_when_all_slots_are_taken_says_busy(url_path, params, monkeypatch):
    """Other visitors hold every live-training slot: after its wait the page says so and keeps drawing."""
    from pages import _live as live
    from pages._live import LIVE_TRAINING
    monkeypatch.setattr(live, "QUEUE_SECONDS", 0.2)       # the queue's wait, shortened for the test
    require_page(url_path)
    app = open_page(url_path, params)
    held = []
    try:
        for _ in range(LIVE_TRAINING.capacity):
            slot = LIVE_TRAINING.slot()
            slot.__enter__()
            held.append(slot)
        _train_button(app, url_path).click().run()
        check_answers(app, f"{url_path}: training while the server is busy", must_say=("busy",))
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    assert LIVE_TRAINING.in_use == 0, "a page kept a training slot after it finished"


def test_forecasting_double_submit_trains_once_per_click_and_keeps_working():
    require_page("forecasting")
    app = open_page("forecasting", {"epochs": "10", "hidden": "8"})
    button = _train_button(app, "forecasting")
    button.click()
    button.click().run()                                  # two clicks before the rerun: one training
    check_answers(app, "forecasting: double click")
    _train_button(app, "forecasting").click().run()        # and once more after it
    check_answers(app, "forecasting: click after a training")
    assert "Trained" in " ".join(c.value for c in app.caption)


def test_visitors_at_once_get_the_answers_they_get_alone():
    """Concurrent sessions of one server share one model object per page: each still gets the answer it gets
    alone. The sessions are real (a ``streamlit run`` server and WebSocket clients, as the browser's frontend):
    AppTest runs in threads would race on its own globals (the patched config, the mock Runtime)."""
    import asyncio
    import urllib.parse

    from harness.browser import streamlit_server
    from harness.visitors import AppSession

    inputs = {"sentiment": ("text", ["A dull, lifeless and boring film.", "A warm, funny and moving film."]),
              "translation": ("text", ["The small cat will not eat the red apple.",
                                       "We like the beautiful green cars."]),
              "captioning": ("sample", ["cat", "coffee"])}
    usable = [p for p in inputs if p in PAGE_FILES and (ROOT / PAGE_FILES[p]).exists()]
    if not usable:
        pytest.skip("none of the model pages is built")

    async def answer(base: str, url_path: str, value: str) -> str:
        """The model's answer as a visitor opening the page's shared link sees it (its headline and its output)."""
        app = AppSession(base)
        try:
            await app.open_page(url_path, 300, query=urllib.parse.urlencode({inputs[url_path][0]: value}))
            errors = await app.errors()
            assert not errors, errors
            shown = [getattr(e, e.WhichOneof("type")).body for _, e in sorted(app.elements.items())
                     if e.WhichOneof("type") in ("heading", "markdown")]
            return " | ".join(body for body in shown if "LSTM says" in body or body.startswith(("### ", "“")))
        finally:
            await app.close()

    async def visits(base: str):
        alone = {(p, v): await answer(base, p, v) for p in usable for v in inputs[p][1]}
        keys = [key for key in alone for _ in range(2)]
        answers = await asyncio.gather(*(answer(base, *key) for key in keys), return_exceptions=True)
        together = {key: [] for key in alone}
        for key, got in zip(keys, answers):
            together[key].append(got if isinstance(got, str) else f"{type(got).__name__}: {got}")
        return alone, together

    with streamlit_server() as base:
        alone, together = asyncio.run(visits(base))
    assert all(alone.values()), alone
    assert together == {key: [value, value] for key, value in alone.items()}


def test_shared_models_answer_concurrent_callers_as_they_answer_one():
    """One model object per page serves every session, with no lock around inference (a lock queued
    visitors behind each other: captions waited 19 s at 40 visitors). Eight threads at once, each with its
    own inputs, must get exactly the numbers one caller gets alone."""
    from concurrent.futures import ThreadPoolExecutor

    from rnnkit.captioning import samples
    from rnnkit.captioning.captioner import Captioner
    from rnnkit.core.registry import load_pretrained
    from rnnkit.sentiment import classifier as S
    from rnnkit.translation.translator import Translator

    jobs = []
    try:
        translator = Translator(*load_pretrained("translation"))
        jobs += [lambda s=s, b=b: translator.translate(s, beam_size=b).candidates
                 for s in ("The small cat will not eat the red apple.", "We like the beautiful green cars.")
                 for b in (1, 3)]
    except FileNotFoundError:
        pass
    try:
        captioner = Captioner(*load_pretrained("captioning"))
        jobs += [lambda k=k: [(c, round(lp, 5)) for c, lp, _ in captioner.caption(samples.load_sample(k), 3).candidates]
                 for k in ("cat", "coffee", "astronaut")]
    except FileNotFoundError:
        pass
    try:
        classifier = S.SentimentClassifier(*load_pretrained("sentiment"))
        jobs += [lambda t=t: [a.tolist() for a in classifier.predict_tokens([t.split()])]
                 for t in ("a dull , lifeless and boring film .", "a warm , funny and moving film .")]
    except FileNotFoundError:
        pass
    if not jobs:
        pytest.skip("no trained model to share")
    alone = [job() for job in jobs]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda job: job(), jobs * 4))
    assert together == alone * 4


def test_a_class_opening_shared_links_at_once_on_a_fresh_server():
    """Nine visitors open deep links to three pages at the same moment on a server nobody has visited yet
    (a teacher shares links to a new deployment). Every one gets its page (over Streamlit's WebSocket, as
    the browser's frontend talks to it): none an error from the first run's switch to app.py's navigation."""
    import asyncio
    import random

    from harness import visitors as load
    from harness.browser import streamlit_server

    names = [p for p in ("sentiment", "translation", "embeddings") if p in {page.url_path for page in PAGES}]

    async def visitors(base):
        stats = {name: load.PageStats() for name in names}
        async with load.socket_visitors(base, 90) as new_visitor:
            async def one(i):
                async with new_visitor() as visitor:
                    await load.visit(visitor, names[i % len(names)], random.Random(i), 90, stats[names[i % len(names)]])
            await asyncio.gather(*(one(i) for i in range(3 * len(names))))
        return stats

    with streamlit_server() as base:
        stats = asyncio.run(visitors(base))
    assert {name: s.errors for name, s in stats.items()} == {name: [] for name in names}
    assert all(s.visits == 3 for s in stats.values())


def test_every_page_opened_by_20_sessions_at_once_on_a_fresh_server():
    """Issue 21's stress, shortened: 20 sessions open every page at the same moment on a fresh server with no
    error (``python -m benchmarks.first_visits`` repeats it on ten fresh servers)."""
    from harness.visitors import first_visit_pages, first_visits_on_fresh_servers

    for stats, _ in first_visits_on_fresh_servers(sessions=20, repeats=1, timeout=120):
        assert {name: s.errors for name, s in stats.items()} == {name: [] for name in first_visit_pages()}
        assert all(s.visits == 20 for s in stats.values())
