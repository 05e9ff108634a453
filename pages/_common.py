"""What every page shares: URL state, the page header and model loading.

Pages import this as ``from pages._common import ...``. Keep it small: model code lives in
``rnnkit/``, and each page stays a short straight-line script.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from typing import Any, NoReturn, Sequence

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from pages import _urlstate as urlstate
from pages._server import return_freed_memory
from pages._urlstate import Field
from rnnkit.core.inputs import escape_markdown

__all__ = ["INFERENCE_ENTRIES", "Field", "advanced", "view", "show_chart", "teacher_tools", "show_share_link",
           "url_state", "save_url_state", "load_model", "require_model", "load_service", "require_service",
           "show_problems",
           "freeze_what_is_loaded", "show_model_card", "load_glove", "lesson_footer", "rnn_types", "predict_first",
           "end_page", "PageEnd", "under_app"]


def _run_through_app_navigation() -> None:
    # The one workaround for pages/' legacy meaning: Streamlit serves a deep link on a fresh server as a
    # v1 page until st.navigation has run once, so the first visit switches modes and reruns through app.py.
    if PagesManager.uses_pages_directory and not _SWITCHED:
        _SWITCHED.append(True)          # once per process (AppTest sets the flag again before each of its runs)
        PagesManager.uses_pages_directory = False
        st.rerun()


_SWITCHED: list[bool] = []


def url_state(fields: Sequence[Field]) -> dict[str, Any]:
    """The page's state from the link; a malformed parameter becomes its default plus a warning.

    Call once at the top of a page, use the values as widget defaults, and call
    ``save_url_state`` with the widgets' values at the end so a copied link reproduces the page.
    """
    _run_through_app_navigation()
    key = "_url_state_" + "|".join(f.name for f in fields)
    if key not in st.session_state:           # read the link once per page visit, not on every rerun
        values, problems = urlstate.decode(fields, st.query_params.to_dict())
        st.session_state[key] = (values, problems)
    values, problems = st.session_state[key]
    for problem in problems:
        st.warning(f"The shared link was not quite right: {escape_markdown(problem)}")
    return dict(values)


# The page style (teacher_tools) has two fixes from axe-core (benchmarks/accessibility.py): captions' faded grey
# had contrast 2.9:1 on white (6.4 now), and wide equations were scroll boxes a keyboard cannot reach (they now
# overflow visibly instead).
VIEWS = {"class": "Class view: hide the advanced controls", "present": "Presentation view: large type"}
CHART_FORMATS = ("png", "svg")


def view(flag: str) -> bool:
    """A teacher's view flag (``VIEWS``): ``?class=true`` hides advanced controls, ``?present=true`` enlarges the
    type. Read from the link whenever it carries one, then remembered for the session (a page switch drops the
    link's parameters) and written back into every page's link by ``save_url_state``."""
    key = f"_view_{flag}"
    value = st.query_params.get(flag)
    if value is not None and f"{key}_read" not in st.session_state:     # the link, once: then the sidebar's toggle
        st.session_state[key] = value.lower() in ("true", "1", "yes")
        st.session_state[f"{key}_read"] = True
    return bool(st.session_state.get(key, False))


def advanced() -> bool:
    """Whether to draw the advanced controls (not in a teacher's class view: the link's values are used)."""
    return not view("class")


def view_params() -> dict[str, str]:
    return {flag: "true" for flag in VIEWS if view(flag)}


def save_url_state(fields: Sequence[Field], values: dict[str, Any]) -> None:
    """Write this page's own parameters (and only those, plus the teacher's view flags) into the URL."""
    wanted = urlstate.encode(fields, values) | view_params()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# Results of pure inference (a translation, a caption) are cached by input for every visitor (``st.cache_data``):
# a class opens the same presets within the same minute. Inputs are capped (2,000 characters, 10 MB images) and
# the results are small (a few kB to ~100 kB), so this many entries per cached function bounds their memory.
INFERENCE_ENTRIES = 256
# Charts kept per input (a sentence's reading, an analogy, an attention map, each shared read-only by every visitor)
# hold plotly figures: 0.08-0.29 MB an entry (tracemalloc: an analogy 0.08, an attention map 0.17, a sentence's
# reading with its four charts 0.21-0.29), so 32 entries bound each page's to ~10 MB whatever visitors type. A
# class's presets fit.
CHART_ENTRIES = 32


@st.cache_resource(show_spinner="Loading the trained model…")
def load_model(name: str):
    """A pretrained rnnkit model, loaded once per server process and shared read-only."""
    from rnnkit.core.registry import load_pretrained  # on first use: the home page never imports torch
    return load_pretrained(name)


@st.cache_resource(show_spinner="Loading 50,000 GloVe vectors…")
def load_glove():
    """The GloVe vectors and their benchmark (pretrained vectors, not a trained task), shared read-only."""
    from rnnkit.embeddings.vectors import load_glove_and_benchmark
    return load_glove_and_benchmark()


_RUN = threading.local()          # per script run (each session's script runs in its own thread)


class PageEnd(Exception):
    """Raised by ``end_page`` under app.py's navigation; app.py catches it and still draws the page's foot."""


@contextlib.contextmanager
def under_app():
    """app.py runs the page inside this: ``end_page`` may then end it without stopping app.py."""
    _RUN.under_app = True
    try:
        yield
    finally:
        _RUN.under_app = False


def end_page() -> NoReturn:
    """Stop the page here (missing input, a question to answer first). Under app.py the lesson's foot is still
    drawn; a page run on its own (a test, a first deep-link visit) stops with ``st.stop()``."""
    if getattr(_RUN, "under_app", False):
        raise PageEnd
    st.stop()


def require_model(name: str, what: str, train_command: str = ""):
    """``(model, card)`` of a pretrained model; if it is missing, say how to train it and stop the page."""
    try:
        return load_model(name)
    except FileNotFoundError:
        st.info(f"The {what} model is not trained yet: run `{train_command or f'rnnkit train {name}'}`.")
        end_page()


def load_service(name: str, make):
    """``make(model, card)`` (a SentimentClassifier, a Tagger, a Translator, a Captioner) once per pretrained model
    and server process, shared read-only like the model: building one makes its vocabularies (dicts of up to
    58,000 words), which every rerun of every visitor used to redo."""
    return _service(name, f"{make.__module__}.{make.__qualname__}", make)


@st.cache_resource(show_spinner=False)
def _service(name: str, kind: str, _make):
    return _make(*load_model(name))


def require_service(name: str, what: str, make, train_command: str = ""):
    """``load_service`` for a page; if the model is missing, say how to train it and stop the page."""
    require_model(name, what, train_command)
    return load_service(name, make)


def lazy_tabs(labels: list[str], key: str):
    """``st.tabs`` whose hidden tabs skip their work: each tab's ``.open`` says whether it is the one shown, and
    switching tabs reruns the page. Pages put a tab's results (charts, tables, model calls) under ``if tab.open``
    and keep its widgets outside, so a visitor's values (and the link's) survive a switch: Streamlit forgets a
    widget that a run does not draw. Every rerun of every visitor computed and sent every tab before."""
    return st.tabs(labels, key=key, on_change="rerun")


def show_chart(where, figure, **kwargs) -> None:
    """Every chart goes through here: plotly's camera button downloads it as PNG or SVG (the sidebar's choice),
    at twice the screen's resolution, named after the page."""
    name = (st.session_state.get("_page_title") or "rnnkit").lower().replace(" ", "-")
    config = {"displaylogo": False, "toImageButtonOptions": {
        "format": st.session_state.get("_chart_format", "png"), "scale": 2, "filename": f"rnnkit-{name}"}}
    where.plotly_chart(figure, config=config, **kwargs)


def teacher_tools(title: str) -> None:
    """The sidebar's "Teach with it": the class and presentation views, the charts' format, and a link that
    reopens this page as it is now (with the class view) in a fresh browser."""
    st.session_state["_page_title"] = title
    with st.sidebar.expander("🧑‍🏫 Teach with it"):
        for flag, label in VIEWS.items():
            view(flag)                                 # the link's flag first, then the toggle keeps it
            st.toggle(label, key=f"_view_{flag}")
        st.radio("Charts download as", CHART_FORMATS, key="_chart_format", horizontal=True, format_func=str.upper,
                 help="The camera icon above each chart saves it; every table's toolbar saves it as CSV.")
    # Literal strings only: st.html never carries computed text (tests/test_safety.py).
    st.html("<style>[data-testid='stCaptionContainer'] { opacity: 1; color: #5c5e66; } "
            ".katex-display { overflow: visible !important; }</style>")
    if view("present"):
        st.html("<style>html { font-size: 22px; } .stMain h1 { font-size: 2.6rem; }</style>")


def share_link(base: str) -> str:
    """The link a teacher hands to a class: this page with everything the link holds now, in class view."""
    params = {key: st.query_params.get(key) for key in st.query_params} | {"class": "true"}
    import urllib.parse
    return base.split("?", 1)[0] + "?" + urllib.parse.urlencode(params)


def show_share_link() -> None:
    """Under the teacher's tools (drawn after the page, so the link holds the page's final state)."""
    base = getattr(st.context, "url", None) or "http://localhost:8501/"
    with st.sidebar.expander("🔗 Share with a class"):
        st.caption("Copy this link (button at its right): it opens this page as it is now, with the advanced "
                   "controls hidden.")
        st.code(share_link(base), language=None, wrap_lines=True)


def show_model_card(card: dict) -> None:
    """The model card as pretrained/<name>/README.md shows it: data, metrics, speed, limits, how to reproduce."""
    from rnnkit.core.checkpoint import render_card  # the page has loaded its model (and torch) already
    st.markdown(render_card(card))


def show_problems(problems: Sequence[str]) -> None:
    for problem in problems:
        st.warning(escape_markdown(problem))


_MODULES_AT_LAST_FREEZE = [0]


def lesson_footer(title: str) -> None:
    """The foot of the page titled ``title``: where it sits in the lecture, what to look for, previous and next."""
    from pages._lecture import lesson_place
    place = lesson_place(title)
    if place is None:
        return
    number, count, step, previous, following = place
    st.divider()
    st.markdown(f"**The lecture, step {number} of {count}:** " + " · ".join(step.topics))
    st.progress(number / count)
    st.caption(step.paragraph)
    left, right = st.columns(2)
    if previous:
        left.page_link(previous.file, label=f"Previous: {previous.title}", icon="⬅️")
    if following:
        right.page_link(following.file, label=f"Next: {following.title}", icon="➡️")


def predict_first(questions: Sequence, key: str) -> bool:
    """Predict, then see: ask ``questions`` (``rnnkit.core.questions.Question``) before the model's answer.

    Each is a radio with no choice made; an answer gets its verdict and the model's reason at once. Returns
    True when the page may reveal the model's answer: every question answered, or the visitor asked to see it.
    """
    import hashlib
    st.markdown("**Predict first**, then see what the model does:")
    tokens = [hashlib.sha1("|".join((q.prompt, *q.options)).encode()).hexdigest()[:12] for q in questions]
    answered = 0
    for question, token in zip(questions, tokens):
        choice = st.radio(escape_markdown(question.prompt), question.options, index=None, horizontal=True,
                          key=f"{key}-{token}", format_func=escape_markdown)
        if choice is not None:
            right, sentence = question.verdict(choice)
            (st.success if right else st.warning)(escape_markdown(sentence))
            answered += 1
    revealed = f"{key}-revealed-{'-'.join(tokens)}"      # these questions' answer stays shown once asked for
    if answered < len(questions) and not st.session_state.get(revealed):
        st.button("Show the model's answer now", key=f"{key}-reveal",
                  on_click=st.session_state.__setitem__, args=(revealed, True))
    return answered == len(questions) or bool(st.session_state.get(revealed))


def rnn_types() -> None:
    """The lecture's four types of RNN models side by side: an unrolled diagram each, linked to its page."""
    from pages._lecture import RNN_TYPES, available_pages
    pages = {page.url_path: page for page in available_pages()}
    for column, (name, example, url_path, dot) in zip(st.columns(4), RNN_TYPES):
        with column:
            st.markdown(f"**{name}**")
            st.graphviz_chart(dot)
            st.caption(example)
            if url_path in pages:
                page = pages[url_path]
                st.page_link(page.file, label=f"Try it: {page.title}", icon=page.icon)


def freeze_what_is_loaded() -> None:
    """After a run that imported modules (a page's first visit, which loads its model), hide every object
    alive now from the cyclic garbage collector, so its collections walk only what sessions made since.

    Streamlit's own collection after every run is off (.streamlit/config.toml): with torch and the models
    loaded it held the interpreter lock for a long time on every rerun of every visitor.
    """
    if len(sys.modules) > _MODULES_AT_LAST_FREEZE[0]:
        gc.collect()
        gc.freeze()
        return_freed_memory()           # what loading the model allocated and dropped (a safetensors copy, a trace)
        _MODULES_AT_LAST_FREEZE[0] = len(sys.modules)
