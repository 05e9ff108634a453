"""What the server's memory went to, one cause at a time: each measured in a fresh process, the way it is done
now beside the way it was done before (issue 18).

    python -m benchmarks.bench_memory_causes [--readme]

- a live training: rnnkit's AdamW against ``torch.optim.AdamW``, whose first step imports ``torch._dynamo``;
- the caption encoder traced without and with ``check_trace``;
- the translation page's model, presets and dictionary, from the streamed corpus against a pandas frame of it;
- a class's inputs through the loaded models (150 sentences of 1-25 words translated, tagged and classified in
  batches of 1-8, a photo captioned after every fifth), with the server's settings (``pages/_server.py``) and
  oneDNN's primitive cache at their 256 entries, at 128 and at oneDNN's default 1,024; memory and seconds are
  counted from after the models' loading and one warm-up input each.

A second table is the floor under all of it: the libraries the server imports, each added in one fresh process in
the order the pages need them, and two it no longer imports (sacrebleu, pandas' Styler with jinja2).

RSS is read after ``gc.collect()`` and glibc's ``malloc_trim``, with the libraries every page imports already
loaded, so each row is what that step alone keeps. With ``--readme`` the table goes into the README, between its
``<!-- memory causes figures -->`` markers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from benchmarks.timing import write_readme
from rnnkit import ROOT

RSS = """
import ctypes, gc, json, sys, time
def rss():
    gc.collect(); ctypes.CDLL("libc.so.6").malloc_trim(0)
    return next(int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmRSS"))
"""
PRELUDE = RSS + """
import pandas, streamlit, torch, sklearn.decomposition, gensim
before, start = rss(), time.perf_counter()
"""
REPORT = "\nprint(json.dumps({'mb': rss() - before, 's': time.perf_counter() - start, " \
         "'dynamo': 'torch._dynamo' in sys.modules}))"

CLASS_INPUTS = """
import random
from rnnkit.captioning import samples
from rnnkit.captioning.captioner import Captioner
from rnnkit.core.registry import load_pretrained
from rnnkit.ner.tagger import Tagger
from rnnkit.sentiment.classifier import SentimentClassifier
from rnnkit.translation.translator import Translator
captioner, photo = Captioner(*load_pretrained("captioning")), samples.load_sample(samples.GALLERY[0])
translator, classifier, tagger = Translator.load(), SentimentClassifier.load(), Tagger.load()
captioner.caption(photo); translator.translate("Hello."); classifier.predict(["Hello."]); tagger.tag("Hello.")
before, start = rss(), time.perf_counter()
rng = random.Random(0)
words = "the little girl Anna wants to eat an apple in the garden with her brother in Paris".split()
for n in range(150):
    sentence = " ".join(rng.choice(words) for _ in range(rng.randint(1, 25)))
    translator.translate(sentence); tagger.tag(sentence); classifier.predict([sentence] * rng.randint(1, 8))
    if n % 5 == 0:
        captioner.caption(photo)"""


def capacity(entries: int | None = None) -> str:
    """The class's inputs under the server's settings, with oneDNN's cache at ``entries`` (default: the server's)."""
    setting = f"import os; os.environ['ONEDNN_PRIMITIVE_CACHE_CAPACITY'] = '{entries}'; " if entries else ""
    return f"{setting}import pages._server{CLASS_INPUTS}"


CASES = {
    ("a live training (forecasting's defaults)", "now: rnnkit's AdamW"): """
from rnnkit.forecasting import data, forecaster
from rnnkit.forecasting.task import Config
forecaster.train(data.load_stock("GOOG"), Config(), None)""",
    ("a live training (forecasting's defaults)", "before: the same, plus torch.optim.AdamW's first step"): """
from rnnkit.forecasting import data, forecaster
from rnnkit.forecasting.task import Config
forecaster.train(data.load_stock("GOOG"), Config(), None)
p = torch.nn.Parameter(torch.zeros(2)); p.grad = torch.zeros(2)
torch.optim.AdamW([p], foreach=True).step()""",
    ("the caption encoder, traced and frozen", "now: without check_trace"): """
from rnnkit.captioning.encoder import load_frozen_graph
load_frozen_graph()""",
    ("the caption encoder, traced and frozen", "before: with check_trace"): """
from rnnkit.captioning.encoder import Encoder
with torch.no_grad():
    graph = torch.jit.freeze(torch.jit.trace(Encoder().eval(), torch.zeros(1, 3, 224, 224)))""",
    ("the translation page's model, presets and dictionary", "now: the corpus streamed"): """
from rnnkit.translation import translator
translator.presets("en-fr"); translator.Translator.card_dictionary(translator.Translator.load().card)""",
    ("the translation page's model, presets and dictionary", "before: the corpus as a pandas frame"): """
from rnnkit.translation import data, translator
frame = pandas.read_csv(data.PREPARED, sep="\\t", dtype=str, keep_default_na=False, compression="gzip")
del frame
translator.presets("en-fr"); translator.Translator.card_dictionary(translator.Translator.load().card)""",
    ("a class's inputs through the models", "now: oneDNN's primitive cache at 256 (the server's setting)"):
        capacity(),
    ("a class's inputs through the models", "tried: at 128"): capacity(128),
    ("a class's inputs through the models", "before: at oneDNN's default, 1,024"): capacity(1024),
}


# The server's libraries in the order its pages import them; the last two are no longer imported by the server.
LIBRARIES = [
    ("Streamlit", "import streamlit, streamlit.runtime"),
    ("torch", "import torch"),
    ("plotly (a figure of each kind the pages draw)",
     "import plotly.graph_objects as go; go.Figure([go.Scatter(), go.Heatmap(), go.Bar(), go.Scatter3d()])"),
    ("pandas with pyarrow", "import pandas, pyarrow"),
    ("scipy without scipy.stats", "import scipy.sparse, scipy.linalg, scipy.special"),
    ("scipy.stats (gensim and scikit-learn both import it)", "import scipy.stats"),
    ("gensim (the rest)", "import gensim"),
    ("scikit-learn's PCA (the rest)", "import sklearn.decomposition"),
    ("PIL, safetensors, sentencepiece", "import PIL.Image, safetensors.torch, sentencepiece"),
    ("no longer: sacrebleu", "import sacrebleu"),
    ("no longer: pandas' Styler (jinja2)", "import pandas.io.formats.style"),
]
LIBRARY_SCRIPT = RSS + """
rows, before = [], rss()
for name, statement in %r:
    exec(statement)
    now = rss()
    rows.append((name, now - before, now))
    before = now
print(json.dumps(rows))
"""


def run_fresh(script: str):
    """Run ``script`` in a fresh Python process; its last printed line, read as JSON."""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=600)
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def library_rows() -> list[tuple[str, float, float]]:
    return run_fresh(LIBRARY_SCRIPT % (LIBRARIES,))


def measure(code: str) -> dict:
    return run_fresh(PRELUDE + code + REPORT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="write the table into the README")
    args = parser.parse_args()
    lines = ["| what the server does | how | memory it keeps (MB) | seconds | imports torch._dynamo |",
             "|---|---|---|---|---|"]
    for (what, how), code in CASES.items():
        row = measure(code)
        lines.append(f"| {what} | {how} | {row['mb']:+.0f} | {row['s']:.2f} | {'yes' if row['dynamo'] else 'no'} |")
    text = "\n".join(lines)
    print(text)
    libraries = ["| library (imported after the rows above, in one fresh process) | memory it adds (MB) "
                 "| process RSS (MB) |", "|---|---|---|"]
    libraries += [f"| {name} | {added:+.0f} | {total:.0f} |" for name, added, total in library_rows()]
    print("\n" + "\n".join(libraries))
    if args.readme:
        write_readme("memory causes", "benchmarks/bench_memory_causes.py", text)
        write_readme("library memory", "benchmarks/bench_memory_causes.py", "\n".join(libraries))


if __name__ == "__main__":
    main()
