"""The lecture's topics and the pages that demonstrate them (plain data; imports nothing heavy)."""

from __future__ import annotations

from dataclasses import dataclass

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
             "Type a movie review and watch an LSTM read it word by word; see which words decided."),
    PageInfo("pages/captioning.py", "Image Captioning", "🖼️", "captioning",
             "Upload a photo; a CNN encoder and an LSTM decoder with attention caption it word by word."),
    PageInfo("pages/translation.py", "Translation", "🌍", "translation",
             "Translate English to French with an encoder-decoder LSTM and see its attention map."),
    PageInfo("pages/forecasting.py", "Forecasting", "📈", "forecasting",
             "Train a many-to-many LSTM on real stock prices in seconds and compare it with honest baselines."),
    PageInfo("pages/ner.py", "Named entities", "🏷️", "ner",
             "Tag every word of a sentence as a person, place or organisation; see what the forward and the "
             "backward LSTM each contributed."),
)

# The lecture's topics, in its order, and the url_path of the pages that demonstrate each.
TOPICS = (
    ("Why sequence models", ("forecasting", "sentiment", "ner", "playground")),
    ("Mapping time into state", ("playground",)),
    ("The RNN unrolled in time", ("playground",)),
    ("RNN and LSTM equations", ("playground",)),
    ("The four types of RNN models", ("playground", "sentiment", "captioning", "translation", "forecasting")),
    ("LSTM cell and layer", ("playground",)),
    ("Word embeddings", ("embeddings",)),
    ("Sentiment classification (many-to-one)", ("sentiment",)),
    ("Image captioning (one-to-many)", ("captioning",)),
    ("Neural machine translation (many-to-many)", ("translation",)),
    ("Attention", ("translation", "captioning")),
)


def available_pages() -> list[PageInfo]:
    """Only the pages that exist: a page not yet built is simply absent."""
    return [page for page in PAGES if (ROOT / page.file).exists()]


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
