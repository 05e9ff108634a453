"""The worst uploads and typed inputs we can make (<= 10 MB), through each decoder, timed server-side.

    python -m benchmarks.bench_uploads [--only forecasting]

Each file goes through what its page runs on it before any model sees it: forecasting
``read_csv`` + ``columns`` + ``series_from_frame`` (the page's default columns), sentiment
``read_upload``, word2vec ``read_upload`` + ``sentences``, captioning ``load_image``, the
playground's ``parse_sequence`` and every page's link (``pages._urlstate.decode``). Prints one
Markdown row per file: its size, the seconds, and the answer (the value's shape or the sentence).
Target (issue 21): every file answered within 5 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import io
import time
from typing import Callable

import numpy as np

MB = 1024 * 1024
LIMIT = 10 * MB


def _lines(first: str, make_row: Callable[[int], str], budget: int = LIMIT - 1024) -> bytes:
    """A header and as many rows as fit in ``budget`` bytes."""
    out, size, i = [first], len(first) + 1, 0
    while True:
        row = make_row(i)
        if size + len(row) + 1 > budget:
            break
        out.append(row)
        size += len(row) + 1
        i += 1
    return "\n".join(out).encode()


def series_files() -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    wide_header = ",".join(f"c{i}" for i in range(50_000))
    cells = ("", "nan", "inf", "-inf", "1e308", "x")
    formats = ("%Y-%m-%d", "%d/%m/%Y", "%b %d %Y", "%Y%m%d", "%d.%m.%y")
    days = np.datetime64("1990-01-01") + np.arange(400_000)
    return {
        "one row, 50,000 columns (439 KB, issue 21)": (wide_header + "\n" + ",".join("1" * 50_000)).encode(),
        "one row, 1.9M columns (10 MB)": (",".join("1" for _ in range(5 * MB)))[:LIMIT - 10].encode() + b"\n1",
        "100 columns of numbers, tall": _lines(",".join(f"c{i}" for i in range(100)),
                                               lambda i: ",".join(str(i % 10) for _ in range(100))),
        "100 columns of words (no dates, no numbers)": _lines(",".join(f"c{i}" for i in range(100)),
                                                              lambda i: ",".join(f"w{i % 97}" for _ in range(100))),
        "2M lines of one number": b"v\n" + b"1\n" * 2_000_000,
        "2M+ lines (refused before parsing)": b"v\n" + b"1\n" * (LIMIT // 2 - 8),
        "one 10 MB line": b"v\n" + b"1" * (LIMIT - 8),
        "many distinct values (date, float)": _lines(
            "date,value", lambda i: f"{days[i % len(days)]},{rng.normal():.17g}"),
        "dates in 5 formats, mixed": _lines(
            "date,value", lambda i: f"{days[i % len(days)].astype(object).strftime(formats[i % 5])},{i}"),
        "numbers mixed with blanks, nan, inf, 1e308, words": _lines(
            "t,value", lambda i: f"{i},{cells[i % 6] if i % 2 else i}"),
        "quoted 20 kB cells": _lines("t,note,value", lambda i: f'{i},"{"x" * 19_000}",{i}'),
    }


def text_files() -> dict[str, tuple[str, bytes]]:
    words = [f"w{i}" for i in range(200_000)]
    return {
        ".txt one 10 MB line": ("a.txt", b"good film " * (LIMIT // 10 - 100)),
        ".txt 1.7M short lines": ("a.txt", b"a good one\nbad\n" * (LIMIT // 16)),
        ".txt many distinct words": ("a.txt", " ".join(words * 6).encode()[:LIMIT - 10]),
        ".csv 50 columns, tall": ("a.csv", _lines(",".join(f"c{i}" for i in range(50)),
                                                  lambda i: ",".join("good film" for _ in range(50)))),
        ".csv 50,000 columns (refused before parsing)": ("a.csv", (",".join(f"c{i}" for i in range(50_000))
                                                                    + "\n" + "a," * 49_999 + "a").encode()),
        ".csv header only": ("a.csv", b"text\n"),
        ".csv one 10 MB quoted cell": ("a.csv", b'text\n"' + b"word " * (LIMIT // 5 - 100) + b'"\n'),
        ".csv 1M rows of numbers": ("a.csv", b"id,n\n" + b"1,2\n" * (LIMIT // 4 - 100)),
    }


def corpus_files() -> dict[str, bytes]:
    from rnnkit.embeddings.word2vec import MAX_UPLOAD_BYTES
    rng = np.random.default_rng(1)
    distinct = " ".join(f"w{n}" for n in rng.integers(0, 10**9, MAX_UPLOAD_BYTES // 12)).encode()
    return {
        "5 MB in one line": b"the cat sat on the mat " * (MAX_UPLOAD_BYTES // 23 - 10),
        "5 MB of distinct words": distinct[:MAX_UPLOAD_BYTES - 10],
        "5 MB of newlines and a word": b"\n" * (MAX_UPLOAD_BYTES - 10) + b"word",
        "5 MB of punctuation": b".,;!? " * (MAX_UPLOAD_BYTES // 6 - 10),
    }


def image_files() -> dict[str, bytes]:
    import struct
    import zlib

    from PIL import Image

    def png(image, **kwargs):
        buffer = io.BytesIO()
        image.save(buffer, "PNG", **kwargs)
        return buffer.getvalue()

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30_000, 30_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 10_000_000, 9)) + chunk(b"IEND", b""))
    rng = np.random.default_rng(2)
    noise = Image.fromarray(rng.integers(0, 256, (1800, 1800, 3), dtype=np.uint8))
    big_smooth = Image.fromarray(np.tile(np.linspace(0, 255, 5000, dtype=np.uint8), (5000, 1)))
    jpeg = io.BytesIO()
    Image.fromarray(np.tile(np.linspace(0, 255, 8900, dtype=np.uint8), (8900, 1))).convert("RGB").save(
        jpeg, "JPEG", quality=30)
    frames = [Image.fromarray(rng.integers(0, 256, (200, 200), dtype=np.uint8)).convert("P") for _ in range(200)]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    noisy = png(noise)
    return {
        "PNG bomb header 30000 x 30000": bomb,
        "PNG noise 1800 x 1800 (9.7 MB)": noisy,
        "PNG 5000 x 5000 (25 MP, the limit)": png(big_smooth),
        f"JPEG 8900 x 8900 (79 MP, draft mode, {len(jpeg.getvalue()) / MB:.1f} MB)": jpeg.getvalue(),
        f"GIF 200 frames ({len(gif.getvalue()) / MB:.1f} MB)": gif.getvalue(),
        "PNG noise cut in half": noisy[:len(noisy) // 2],
    }


def typed_inputs() -> dict[str, str]:
    return {"2,000 characters of numbers": ", ".join(["0.5"] * 400)[:2000],
            "10 MB of numbers (a hand-made client)": "1," * (LIMIT // 2),
            "10 MB of backticks and stars": "`*" * (LIMIT // 2)}


def timed(run: Callable[[], str]) -> tuple[float, str]:
    from rnnkit.core.inputs import InputError
    start = time.perf_counter()
    try:
        answer = run()
    except InputError as error:
        answer = "InputError: " + str(error)
    return time.perf_counter() - start, answer


def forecasting(data: bytes) -> str:
    from rnnkit.forecasting import data as D
    frame = D.read_csv(data)
    numeric, dated = D.columns(frame)
    series = D.series_from_frame(frame, numeric[0], dated[0] if dated else None)
    return f"{len(series.values):,} points of {numeric[0]!r}; notes: {' | '.join(series.notes)}"


def sentiment(name: str, data: bytes) -> str:
    from rnnkit.sentiment.data import read_upload
    upload = read_upload(name, data)
    return f"{len(upload.frame):,} rows, text columns {upload.columns[:3]}"


def word2vec(data: bytes) -> str:
    from rnnkit.embeddings import word2vec as w2v
    sentences, tokens = w2v.sentences(w2v.read_upload(data))
    return f"{len(sentences):,} sentences, {tokens:,} tokens"


def image(data: bytes) -> str:
    from rnnkit.core.images import load_image
    loaded = load_image(data)
    return f"{loaded.format} {loaded.original_size} -> {loaded.image.size}"


def sequence(text: str) -> str:
    from rnnkit.playground.stepper import parse_sequence
    return f"{len(parse_sequence(text))} numbers"


def links() -> dict[str, Callable[[], str]]:
    """Every page's fields, each set to 2,000 characters of markup (the longest a field accepts)."""
    import ast

    from pages import _urlstate
    from pages._lecture import PAGES
    from pages._urlstate import Field
    out = {}
    for page in PAGES:
        tree = ast.parse(open(page.file, encoding="utf-8").read())
        names = [node.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and getattr(node.func, "id", "") == "Field" and node.args and isinstance(node.args[0], ast.Constant)]
        if not names:
            continue
        fields = [Field(name, "") for name in names]
        params = {name: ("![x](http://127.0.0.1/p.png)" * 80)[:2000] for name in names}
        out[f"{page.url_path}: {len(names)} fields of 2,000 characters"] = (
            2000 * len(names), lambda f=fields, p=params: f"{len(_urlstate.decode(f, p)[1])} problems")
    return out


def cases(only: str | None) -> dict[str, dict[str, tuple[int, Callable[[], str]]]]:
    """decoder -> file name -> (its size in bytes, the run); only the decoder ``only`` is built if given."""
    makers = {
        "forecasting": lambda: {n: (len(d), lambda d=d: forecasting(d)) for n, d in series_files().items()},
        "sentiment": lambda: {n: (len(d), lambda f=f, d=d: sentiment(f, d)) for n, (f, d) in text_files().items()},
        "word2vec": lambda: {n: (len(d), lambda d=d: word2vec(d)) for n, d in corpus_files().items()},
        "captioning": lambda: {n: (len(d), lambda d=d: image(d)) for n, d in image_files().items()},
        "playground": lambda: {n: (len(t), lambda t=t: sequence(t)) for n, t in typed_inputs().items()},
        "links": links,
    }
    return {name: make() for name, make in makers.items() if only in (None, name)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("forecasting", "sentiment", "word2vec", "captioning", "playground",
                                           "links"), help="one decoder only")
    args = parser.parse_args()
    import rnnkit.core.images  # noqa: F401 - imports (torch, pandas, PIL, gensim) are not the decoders' time
    import rnnkit.embeddings.word2vec  # noqa: F401
    import rnnkit.forecasting.data  # noqa: F401
    import rnnkit.playground.stepper  # noqa: F401
    import rnnkit.sentiment.data  # noqa: F401
    print("| decoder | file | MB | seconds | answer |\n|---|---|---:|---:|---|")
    slowest = 0.0
    for decoder, runs in cases(args.only).items():
        for name, (size, run) in runs.items():
            seconds, answer = timed(run)
            slowest = max(slowest, seconds)
            print(f"| {decoder} | {name} | {size / MB:.2f} | {seconds:.2f} | {answer[:140]} |", flush=True)
    print(f"\nslowest: {slowest:.2f} s (target: <= 5 s each)")


if __name__ == "__main__":
    main()
