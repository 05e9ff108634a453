"""Forecasting: a many-to-many LSTM trained live on a stock (or an uploaded CSV), against baselines."""

import pandas as pd
import streamlit as st

from pages._common import Field, advanced, end_page, predict_first, save_url_state, show_chart, url_state
from pages._live import Busy, draw_now, training_slot
from rnnkit.core.inputs import InputError, escape_markdown
from rnnkit.core.plots import line_chart
from rnnkit.forecasting import data as D
from rnnkit.forecasting import forecaster as fc
from rnnkit.forecasting.baselines import LSTM_NAME, baseline_forecasts, metric_table
from rnnkit.forecasting.plots import forecast_figure, per_step_figure
from rnnkit.forecasting.questions import questions
from rnnkit.forecasting.task import Config, ModelConfig

UPLOAD = "upload"
ROW_NUMBER = "(row number)"
DEFAULTS = Config()
FIELDS = (
    Field("series", DEFAULTS.stock, str, choices=D.STOCKS + (UPLOAD,)),
    Field("window", DEFAULTS.window, int, *fc.WINDOW_RANGE),
    Field("horizon", DEFAULTS.model.horizon, int, *fc.HORIZON_RANGE),
    Field("hidden", DEFAULTS.model.hidden_size, int, choices=fc.HIDDEN_SIZES),
    Field("epochs", DEFAULTS.epochs, int, *fc.EPOCHS_RANGE),
    Field("seed", DEFAULTS.seed, int, 0, 9999),
    Field("quiz", False, bool),
)


@st.cache_data(max_entries=4, show_spinner="Reading the file…")
def read_upload(data: bytes) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The table and its numeric and date columns (cached per file content: a rerun re-reads nothing)."""
    frame = D.read_csv(data)
    return frame, *D.columns(frame)


@st.cache_data(max_entries=8, show_spinner="Preparing the series…")
def upload_series(data: bytes, value_column: str, date_column: str | None) -> D.Series:
    frame, _, _ = read_upload(data)
    return D.series_from_frame(frame, value_column, date_column, name=value_column)


def stop_with(error: InputError) -> None:
    st.error(escape_markdown(str(error)))
    end_page()


st.title("📈 Forecasting stock prices with a many-to-many LSTM")
st.markdown(
    "A **many-to-many** recurrent network: the LSTM reads a window of the series and, at every step, "
    "predicts the next *k* values. Train it here on real weekly stock prices (or your own CSV), then see "
    "whether it beats the simplest forecast of all — *next week looks like this week*."
)
state = url_state(FIELDS)

# A bound method, not a lambda: the selectbox keeps its format_func for the session, and a lambda's globals would
# keep the page's last run (a visitor's series, model and charts) alive with it.
SOURCE_LABELS = {**{s: f"{s} (weekly, 2018–2019)" for s in D.STOCKS}, UPLOAD: "Upload my own CSV…"}
sources = list(SOURCE_LABELS)
source = st.selectbox("Series", sources, index=sources.index(state["series"]), format_func=SOURCE_LABELS.__getitem__)
window, horizon, hidden, epochs, seed = (state[k] for k in ("window", "horizon", "hidden", "epochs", "seed"))
if advanced():                                      # a teacher's class view keeps the link's settings
    columns = st.columns(5)
    window = columns[0].slider("Window T (steps read)", *fc.WINDOW_RANGE, value=state["window"])
    horizon = columns[1].slider("Horizon k (steps predicted)", *fc.HORIZON_RANGE, value=state["horizon"])
    hidden = columns[2].select_slider("Hidden size", fc.HIDDEN_SIZES, value=state["hidden"])
    epochs = columns[3].slider("Epochs", *fc.EPOCHS_RANGE, value=state["epochs"], step=10)
    seed = columns[4].number_input("Seed", 0, 9999, value=state["seed"])
quiz = st.toggle("Predict first", state["quiz"], help="Answer before the errors on the held-out tail are shown.")
save_url_state(FIELDS, {"series": source, "window": window, "horizon": horizon, "hidden": hidden,
                        "epochs": epochs, "seed": seed, "quiz": quiz})

if source == UPLOAD:
    upload = st.file_uploader(f"CSV file (UTF-8, one row per time step, at most {D.MAX_COLUMNS} columns, up to "
                              f"{D.MAX_UPLOAD_BYTES // 2**20} MB)", type=["csv", "txt", "tsv"],
                              max_upload_size=D.MAX_UPLOAD_BYTES // 2**20)
    if upload is None:
        st.info("Upload a CSV with a header row, a column of numbers and (optionally) a date column.")
        end_page()
    try:
        frame, numeric, dated = read_upload(upload.getvalue())
    except InputError as error:
        stop_with(error)
    pick = st.columns(2)
    value_column = pick[0].selectbox("Value column", numeric)
    date_column = pick[1].selectbox("Date column", dated + [ROW_NUMBER])
    series_key = (UPLOAD, upload.file_id, value_column, date_column)
    try:
        series = upload_series(upload.getvalue(), value_column, None if date_column == ROW_NUMBER else date_column)
    except InputError as error:
        stop_with(error)
else:
    series_key = (source,)
    series = D.load_stock(source)
for note in series.notes:
    st.warning(escape_markdown(note))

cfg = Config(window=window, epochs=epochs, seed=int(seed), model=ModelConfig(hidden_size=hidden, horizon=horizon))
try:
    data = D.split(series.values, window, horizon, cfg.test_fraction)
except InputError as error:
    stop_with(error)
st.caption(fc.split_sentence(data))

run_key = series_key + (window, horizon, hidden, epochs, int(seed))
if st.button("Train the LSTM", type="primary"):
    progress = st.progress(0.0, text="Waiting for a free training slot…")
    live_chart = st.empty()
    steps, losses, due = [], [], draw_now()

    def show_step(step: int, total: int, loss: float) -> None:
        steps.append(step)
        losses.append(loss)
        if due(step, total):
            progress.progress(step / total, text=f"Step {step} of {total} · training loss {loss:.4f}")
            show_chart(live_chart, line_chart({"training loss": losses}, "Training loss (live)", "step",
                                               "MSE of scaled changes", x=steps))

    try:
        with training_slot():
            progress.progress(0.0, text="Training…")
            result = fc.train(series, cfg, show_step)
    except Busy as busy:
        progress.empty()
        st.warning(str(busy))
    else:
        progress.empty()
        live_chart.empty()
        st.session_state["forecast_result"] = (run_key, result)

stored = st.session_state.get("forecast_result")
result = stored[1] if stored and stored[0] == run_key else None
if result is None:
    forecasts = baseline_forecasts(data)
    st.info("The baselines need no training and are shown below. Press **Train the LSTM** to add it "
            "(a few seconds).")
else:
    forecasts = result.forecasts
    st.caption(result.summary)
if quiz and not predict_first(questions(forecasts, data.truth), "forecasting-quiz"):
    end_page()                                            # the errors wait for the visitor's predictions
if result is not None:
    (st.warning if result.table.loc[LSTM_NAME, "MAE / last value"] >= 0.95 else st.success)(result.verdict)

show_chart(st, forecast_figure(series, data, forecasts))
left, right = st.columns(2)
left.markdown("**Error on the held-out tail** (lower is better)")
table = metric_table(forecasts, data.truth)        # formatted by the browser: a pandas Styler cost ~4 ms a rerun
left.dataframe(table, column_config={column: st.column_config.NumberColumn(format="%.4f") for column in table.columns})
right.markdown("**Error by steps ahead** (MAE on the held-out tail)")
show_chart(right, per_step_figure(forecasts, data.truth))
if result is not None:
    with st.expander("Training loss"):
        show_chart(st, line_chart({"training loss": result.losses}, "Training loss", "step",
                                   "MSE of scaled changes", x=result.steps))

with st.expander("How this works"):
    st.markdown(fc.how_it_works(cfg))
st.caption(f"Data: {D.STOCKS_SOURCE}." if source != UPLOAD else "Data: your uploaded file (kept in memory only).")
