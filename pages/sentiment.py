"""Sentiment: a many-to-one LSTM reads a sentence word by word and rates it."""

from dataclasses import dataclass
from typing import Any

import streamlit as st

from pages._common import (
    CHART_ENTRIES,
    Field,
    lazy_tabs,
    load_service,
    predict_first,
    require_service,
    save_url_state,
    show_chart,
    show_model_card,
    url_state,
)
from pages._live import Busy, draw_now, training_slot
from rnnkit.core.inputs import InputError, escape_markdown
from rnnkit.sentiment import own, plots
from rnnkit.sentiment.baselines import Baselines
from rnnkit.sentiment.classifier import (
    LECTURE_EXAMPLE,
    SentimentClassifier,
    challenge_rows,
    choice_rows,
    data_sentence,
    evaluation_rows,
    presets,
    score_batch,
)
from rnnkit.sentiment.data import BINARY_NAMES, FINE_NAMES, MAX_COLUMNS, MAX_ROWS, read_upload
from rnnkit.sentiment.questions import questions

FIELDS = (Field("text", LECTURE_EXAMPLE, max_chars=2000), Field("quiz", False, bool),
          Field("vs", "", max_chars=2000))


@st.cache_resource(show_spinner="Loading the baselines…")
def load_baselines() -> Baselines:
    """The TF-IDF and VADER baselines (not rnnkit models, so not from load_model), shared by every visitor."""
    return Baselines.load()


VS_KEY = "sentiment_vs"        # the second sentence's box: a key keeps it one widget when its default changes


@dataclass(frozen=True)
class Reading:
    """Everything the page shows of one sentence: the model's answers and the charts drawn from them."""
    rating: Any
    importance: Any
    bars: tuple                 # the binary and the 5-class probability charts
    importance_chart: Any
    baselines: tuple            # (rows, VADER compound)


@st.cache_resource(max_entries=CHART_ENTRIES, show_spinner=False)
def rate_sentence(text: str) -> tuple:
    """The model's rating of a sentence and its answer after every word (all a compared sentence needs)."""
    classifier = load_service("sentiment", SentimentClassifier)
    rating = classifier.rate(text)
    return rating, classifier.prefix_scores(rating.tokens)


@st.cache_resource(max_entries=CHART_ENTRIES, show_spinner=False)
def read_sentence(text: str) -> Reading:
    """One sentence read once per server for every visitor (a class types the lecture's sentence and the presets),
    charts included: building them took more of the server's time than the model. Shared read-only; an
    ``InputError`` is raised again on every call, not cached."""
    rating = rate_sentence(text)[0]
    importance = load_service("sentiment", SentimentClassifier).importance(rating.tokens)
    bars = (plots.probability_bars(BINARY_NAMES, rating.binary, (plots.NEGATIVE, plots.POSITIVE),
                                   "negative / positive"),
            plots.probability_bars(FINE_NAMES, rating.fine, plots.FINE_COLOURS, "5 classes"))
    return Reading(rating, importance, bars, plots.importance_figure(importance), load_baselines().table(rating))


@st.cache_resource(max_entries=CHART_ENTRIES, show_spinner=False)
def prefix_chart(text: str, other: str | None):
    return plots.prefix_figure(rate_sentence(text)[1], rate_sentence(other)[1] if other else None)


@st.fragment
def word_by_word(text: str, values: dict) -> None:
    """The trajectory, and a second sentence beside it. A fragment: typing the second sentence reruns this part."""
    vs = st.text_input("Compare with another sentence (optional)", values["vs"], max_chars=2000, key=VS_KEY,
                       help="Its answer after every word is drawn beside yours, e.g. a negation.")
    save_url_state(FIELDS, values | {"vs": vs})
    try:
        other = rate_sentence(vs)[0] if vs.strip() else None
    except InputError as error:
        st.info(escape_markdown(str(error)))
        other = None
    show_chart(st, prefix_chart(text, vs if other else None), width="stretch")
    if other:
        st.caption(f"The other sentence: {escape_markdown(other.verdict)}.")


st.title("🎭 Sentiment: many-to-one")
st.markdown(
    "The lecture's **many-to-one** model: a bidirectional LSTM reads a sentence one word at a time, the "
    "strongest evidence of each unit over all words ($\\max_t h_t$) becomes one sentence vector, and a softmax "
    "rates it in 5 classes. P(positive) is the mass of the positive side (half of neutral), so the two answers "
    "never disagree."
)
state = url_state(FIELDS)

classifier = require_service("sentiment", "sentiment", SentimentClassifier)
card = classifier.card
st.caption(data_sentence(card))
examples = presets()

single, batch, yours, about = lazy_tabs(["One sentence", "Batch (file)", "Train on your data", "Model card"],
                                         key="sentiment_tab")

with single:
    preset = st.selectbox("Examples", ["(your own)"] + list(examples),
                          help="Challenge sentences were written by hand and never trained on.")
    text = st.text_area("An English sentence (a review works best)", value=examples.get(preset, state["text"]),
                        height=90, help="Try a negation: 'not bad at all', 'nothing to like'.")
    quiz = st.toggle("Predict first", value=state["quiz"],
                     help="Answer two questions about this sentence before the model's answer is shown.")
    values = {"text": text if len(text) <= 2000 else state["text"], "quiz": quiz,
              "vs": st.session_state.get(VS_KEY, state["vs"])}
    if len(text) > 2000:
        st.caption("This text is too long to put in the page's link; the link keeps the previous sentence.")
    try:
        reading = read_sentence(text)
    except InputError as error:
        st.info(escape_markdown(str(error)))
        reading = None
    rating, importance = (reading.rating, reading.importance) if reading else (None, None)
    if rating and quiz and not predict_first(questions(rating, importance), "sentiment-quiz"):
        rating = None                                    # the model's answer waits for the visitor's
    if rating:
        for note in rating.notes:
            st.warning(escape_markdown(note))
        st.subheader(f"The LSTM says: {rating.verdict}")
        for column, chart in zip(st.columns(2), reading.bars):
            show_chart(column, chart, width="stretch")

        st.subheader("Read word by word")
        st.caption("Each point is what the model would answer if the sentence ended at that word: watch "
                   "'nothing' flip the lecture's sentence. It is not always right: try 'not bad at all'.")
        word_by_word(text, values)

        st.subheader("Which words decided")
        st.markdown(plots.coloured_tokens(importance))
        st.caption("Leave-one-out: each word is removed in turn and the change in P(positive) measured. "
                   "Green words pushed towards positive, red towards negative.")
        show_chart(st, reading.importance_chart, width="stretch")

        st.subheader("The same sentence, scored by the baselines")
        rows, compound = reading.baselines
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(f"VADER compound score {compound:+.2f} (−1..+1). TF-IDF + LR sees word pairs but not order "
                   "beyond them; the LSTM reads the whole sequence.")
    save_url_state(FIELDS, values)

with batch:
    st.markdown("Upload a `.txt` file (one sentence per line) or a `.csv` (choose the text column; at most "
                f"{MAX_COLUMNS} columns), up to 10 MB. Every row gets a result or a reason; at most {MAX_ROWS:,} "
                "rows are scored.")
    upload = st.file_uploader("Sentences to score", type=["txt", "csv"])
    table = None
    if upload is None:
        st.info("No file yet: upload a .txt or .csv to score many sentences at once.")
    elif batch.open:
        try:
            table = read_upload(upload.name, upload.getvalue())
        except InputError as error:
            st.error(escape_markdown(str(error)))
    if table:
        for note in table.notes:
            st.warning(escape_markdown(note))
        column = st.selectbox("Text column", table.columns) if len(table.columns) > 1 else table.columns[0]
        texts = table.frame[column].tolist()
        bar = st.progress(0.0, text=f"Scoring {len(texts):,} rows…")
        results = score_batch(classifier, texts,
                              progress=lambda done, total: bar.progress(done / total, text=f"{done:,} / {total:,}"))
        bar.empty()
        scored = int(results["label"].ne("").sum())
        st.success(f"{scored:,} of {len(results):,} rows scored; the others say why in `note`.")
        st.dataframe(results.head(1000), hide_index=True, width="stretch")
        st.caption("`p_positive`: probability of positive; `fine_score`: the 5-class probabilities averaged "
                   "on −2 (very negative) … +2 (very positive); `note`: why a row was not scored, or words "
                   "the model never saw.")
        if len(results) > 1000:
            st.caption("The table shows the first 1,000 rows; the download has all of them.")
        st.download_button("Download the results (CSV)", results.to_csv(index=False).encode("utf-8"),
                           file_name="sentiment_scores.csv", mime="text/csv")

with yours:
    st.markdown("Upload a **labelled CSV**: a column of sentences and a column with two label values (positive / "
                "negative, 1 / 0, fresh / rotten). A small LSTM of the same kind trains on it here, for at most "
                f"{own.TIME_LIMIT:.0f} seconds; {own.HELD_OUT:.0%} of your rows are held out, and your LSTM, the "
                "shipped one and the majority class are scored on them. Your file stays in this server's memory only.")
    own_upload = st.file_uploader("Labelled CSV (text, label)", type=["csv"], key="own_upload")
    rows = None
    if own_upload is None:
        st.info("No file yet: upload a CSV with a text column and a label column.")
    else:
        try:
            own_table = read_upload(own_upload.name, own_upload.getvalue())
            left, middle, right = st.columns(3)
            text_column = left.selectbox("Text column", own_table.columns, key="own_text")
            label_column = middle.selectbox("Label column", [c for c in own_table.frame.columns if c != text_column],
                                            key="own_label")
            if label_column is None:
                raise InputError("The file has one column: it needs a text column and a label column.")
            label_values = own.label_values(own_table.frame, label_column)
            positive = right.selectbox("Which value means positive?", label_values, key="own_positive",
                                       index=label_values.index(own.guess_positive(label_values)))
            rows = own.labelled(own_table.frame, text_column, label_column, positive)
        except InputError as error:
            st.error(escape_markdown(str(error)))
    if rows:
        for note in own_table.notes + rows.notes:
            st.warning(escape_markdown(note))
        st.caption(f"{len(rows.train_texts):,} rows to train on, {len(rows.test_texts):,} held out.")
        own_key = (own_upload.file_id, text_column, label_column, positive)
        if st.button("Train an LSTM on my rows", type="primary", key="own_train"):
            progress, due = st.progress(0.0, text="Waiting for a free training slot…"), draw_now()

            def show_step(step: int, total: int, loss: float) -> None:
                if due(step, total):
                    progress.progress(step / total, text=f"Step {step} of {total} · training loss {loss:.3f}")

            try:
                with training_slot():
                    st.session_state["own_result"] = (own_key, own.train_own(rows, classifier, show_step))
            except Busy as busy:
                st.warning(str(busy))
            progress.empty()
        stored = st.session_state.get("own_result")
        if stored and stored[0] == own_key:
            result = stored[1]
            st.subheader("On your held-out rows")
            st.dataframe(result.table.assign(accuracy=result.table["accuracy"].map("{:.1%}".format)),
                         hide_index=True, width="stretch")
            st.markdown(escape_markdown(result.verdict))
            st.caption(f"{result.steps} training steps in {result.seconds:.1f} s"
                       + (" (stopped by the time limit)." if result.stopped_early else "."))
            st.dataframe(result.examples.head(200), hide_index=True, width="stretch")
        else:
            st.info("Press **Train an LSTM on my rows**.")

with about:
    if about.open:
        show_model_card(card)
        if evaluation_rows(card):
            st.markdown("**Held-out results**: each domain's test sentences and the hand-written negation and "
                        "contrast challenge set, none of them trained on (the challenge set has binary labels "
                        "only). Produced by `python scripts/eval_sentiment.py`.")
            st.dataframe(evaluation_rows(card), hide_index=True, width="stretch")
        if challenge_rows(card):
            written = sum(row["sentences"] for row in challenge_rows(card))
            st.markdown(f"**The negation and contrast challenge**, binary accuracy by phenomenon: {written} sentences "
                        "written by hand before training, never trained on. Negated negatives (\"never boring\") are "
                        "rare in the training sentences: compare the systems there.")
            st.dataframe(challenge_rows(card), hide_index=True, width="stretch")
        if choice_rows(card):
            st.markdown("**How this model was chosen**: runs compared on the dev splits, never on the test splits "
                        "or the challenge (`python scripts/sentiment_choices.py`).")
            st.dataframe(choice_rows(card), hide_index=True, width="stretch")
        metrics = card["metrics"]
        left, right = st.columns(2)
        binary_title = f"movie test, binary: {metrics['test_binary_accuracy']:.1%} correct"
        show_chart(left, plots.confusion_figure(metrics["test_binary_confusion"], BINARY_NAMES, binary_title),
                   width="stretch")
        fine_title = f"movie test, 5 classes: {metrics['test_fine_accuracy']:.1%} correct"
        show_chart(right, plots.confusion_figure(metrics["test_fine_confusion"], FINE_NAMES, fine_title),
                   width="stretch")
