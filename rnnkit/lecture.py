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
)

# The lecture's topics, in its order, and the url_path of the pages that demonstrate each.
TOPICS = (
    ("Why sequence models", ("forecasting", "sentiment", "playground")),
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
