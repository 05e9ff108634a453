"""The lecture's topics and the pages that demonstrate them (plain data; imports nothing heavy)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rnnkit import ROOT


@dataclass(frozen=True)
class PageInfo:
    file: str          # path relative to the repository root
    title: str
    icon: str
    url_path: str
    summary: str       # one line: what the visitor can do there


PAGES = (
    PageInfo("pages/playground.py", "Equation Playground", "🧮", "playground",
             "Step an RNN and an LSTM through your own sequence with the equations' numbers filled in; "
             "watch gradients vanish or explode; train both live on a memory task."),
    PageInfo("pages/embeddings.py", "Word Embeddings", "🔤", "embeddings",
             "Solve king − man + woman with real GloVe vectors, explore neighbours and PCA plots, "
             "compare one-hot with dense vectors."),
    PageInfo("pages/sentiment.py", "Sentiment", "🎭", "sentiment",
             "Type a review and watch an LSTM read it word by word; see which words decided, and where it fails."),
    PageInfo("pages/captioning.py", "Image Captioning", "🖼️", "captioning",
             "Upload a photo; a CNN encoder and an LSTM decoder with attention caption it word by word."),
    PageInfo("pages/translation.py", "Translation", "🌍", "translation",
             "Translate English to French with an encoder-decoder LSTM and see its attention map."),
    PageInfo("pages/ner.py", "Named entities", "🏷️", "ner",
             "Tag every word of a sentence as a person, place or organisation; see what the forward and the "
             "backward LSTM each contributed."),
    PageInfo("pages/forecasting.py", "Forecasting", "📈", "forecasting",
             "Train a many-to-many LSTM on real stock prices in seconds and compare it with honest baselines."),
)

# The lecture's topics, in its order (the lesson below covers each).
TOPICS = ("Why sequence models", "Mapping time into state", "The RNN unrolled in time", "RNN and LSTM equations",
          "The four types of RNN models", "LSTM cell and layer", "Word embeddings",
          "Sentiment classification (many-to-one)", "Image captioning (one-to-many)",
          "Neural machine translation (many-to-many)", "Attention")


@dataclass(frozen=True)
class Step:
    """One step of the lecture's path through the pages."""
    url_path: str      # "" for the home page
    topics: tuple      # the lecture's topics this step covers
    paragraph: str     # what to look for there, in two or three sentences


HOME = PageInfo("pages/home.py", "Home", "🏠", "", "The lecture's map: where each topic is shown.")

# The lecture as a path: each page once, in the lecture's order, then the two other sequence tasks.
LESSON = (
    Step("", ("Why sequence models",),
         "Text, speech, prices and video are sequences: what comes next depends on what came before, and "
         "inputs have no fixed length. A recurrent network reads them one step at a time and keeps a state."),
    Step("playground", ("Mapping time into state", "The RNN unrolled in time", "RNN and LSTM equations",
                        "The four types of RNN models", "LSTM cell and layer"),
         "Type a sequence and step through it: the state s_t = tanh(W x_t + U s_{t-1} + b) carries the past. "
         "Watch the gradient vanish through a vanilla RNN and survive through the LSTM's cell path, then train "
         "both on a task with a long gap."),
    Step("embeddings", ("Word embeddings",),
         "Before an RNN can read words it needs numbers: one-hot vectors know no similarity, dense vectors "
         "learned from text do (king − man + woman ≈ queen)."),
    Step("sentiment", ("Sentiment classification (many-to-one)",),
         "Many-to-one: the LSTM reads a whole sentence and answers once at the end. Watch its answer after "
         "every word, and find the sentences it gets wrong."),
    Step("captioning", ("Image captioning (one-to-many)",),
         "One-to-many: a CNN turns a photo into features and an LSTM writes a sentence word by word, looking "
         "at a different part of the picture for each word."),
    Step("translation", ("Neural machine translation (many-to-many)", "Attention"),
         "Many-to-many with an encoder and a decoder: without attention the whole sentence must fit in one "
         "vector; with attention each output word looks back at every input word."),
    Step("ner", ("Why sequence models",),
         "Synced many-to-many: one tag per word, at the same step. A bidirectional LSTM reads both ways, so "
         "'Potter' is a name because of 'Harry' before it."),
    Step("forecasting", ("Why sequence models",),
         "A sequence of numbers: an LSTM trained live on real prices, judged against the honest baseline "
         "'tomorrow equals today'."),
)


@lru_cache(maxsize=1)
def available_pages() -> tuple[PageInfo, ...]:
    """Only the pages that exist: a page not yet built is simply absent. Looked up once per process (app.py
    asks on every rerun, and a class's reruns queued on the file-system calls)."""
    return tuple(page for page in PAGES if (ROOT / page.file).exists())


def _diagram(inputs: int, outputs: str, steps: int = 3) -> str:
    """A small unrolled diagram in Graphviz DOT: inputs (bottom) -> states -> outputs (top)."""
    lines = ["digraph { rankdir=BT; node [shape=box, style=rounded, fontsize=11, height=0.3];"]
    for t in range(steps):
        lines.append(f's{t} [label="h{t + 1}", style="rounded,filled", fillcolor="#d6e9f8"];')
        if t < inputs:
            lines.append(f'x{t} [label="x{t + 1}", style="rounded,filled", fillcolor="#fde2c8"]; x{t} -> s{t};')
        if outputs == "all" or (outputs == "last" and t == steps - 1):
            lines.append(f'y{t} [label="y{t + 1}", style="rounded,filled", fillcolor="#d8f0d2"]; s{t} -> y{t};')
        if t:
            lines.append(f"s{t - 1} -> s{t} [constraint=false];")
    lines.append("{rank=same; " + " ".join(f"s{t}" for t in range(steps)) + "}}")
    return "\n".join(lines)


# The lecture's four types of RNN models: (name, example, url_path of the page that shows it, DOT).
RNN_TYPES = (
    ("one-to-one", "a plain network: one input, one output (no recurrence needed)", None,
     _diagram(1, "all", steps=1)),
    ("one-to-many", "image captioning: one image in, a sentence out", "captioning", _diagram(1, "all")),
    ("many-to-one", "sentiment: read a review word by word, classify at the end", "sentiment",
     _diagram(3, "last")),
    ("many-to-many", "translation and forecasting: a sequence in, a sequence out", "translation",
     _diagram(3, "all")),
)


def lesson() -> list[tuple[Step, PageInfo]]:
    """The lesson's steps whose page exists, each with its page."""
    pages = {page.url_path: page for page in available_pages()} | {"": HOME}
    return [(step, pages[step.url_path]) for step in LESSON if step.url_path in pages]


def lesson_place(title: str) -> tuple[int, int, Step, PageInfo | None, PageInfo | None] | None:
    """Where the page titled ``title`` sits in the lesson: (its step number from 1, the number of steps, the
    step, the previous page, the next page); None for a page that is not on the path."""
    steps = lesson()
    for index, (step, page) in enumerate(steps):
        if page.title == title:
            previous = steps[index - 1][1] if index > 0 else None
            following = steps[index + 1][1] if index + 1 < len(steps) else None
            return index + 1, len(steps), step, previous, following
    return None
