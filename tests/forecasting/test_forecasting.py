"""Forecasting: data windows, baselines against oracles, live training, CSV validation, the CLI, the page."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pytest
import torch
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pages._live import LIVE_TRAINING, Busy, SlotLimiter
from rnnkit import ROOT
from rnnkit.core.inputs import InputError
from rnnkit.forecasting import baselines as B
from rnnkit.forecasting import data as D
from rnnkit.forecasting import forecaster as fc
from rnnkit.forecasting.model import Forecaster
from rnnkit.forecasting.task import Config, ModelConfig

PAGE = str(ROOT / "pages/forecasting.py")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny LSTMs train 10-100x faster on one thread when the CPU is shared; restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def sine_series(n: int = 240) -> D.Series:
    t = np.arange(n)
    noise = 0.05 * np.random.default_rng(0).standard_normal(n)
    return D.Series("sine", 10 + np.sin(2 * np.pi * t / 12) + noise)


# --- data, split, windows ---------------------------------------------------------------------

def test_bundled_stocks_are_the_plotly_series():
    series = D.load_stock("AAPL")
    assert len(series.values) == len(series.dates) == 105
    assert series.values[0] == pytest.approx(1.0)                    # each divided by its first value
    assert np.all(np.diff(series.dates.astype("int64")) > 0)
    with pytest.raises(InputError, match="Unknown stock"):
        D.load_stock("TSLA")


def test_split_holds_out_the_tail_and_fits_the_scaler_on_train_only():
    values = np.arange(100, dtype=float) ** 1.5
    data = D.split(values, window=10, horizon=3, test_fraction=0.2)
    assert data.n_train == 80
    assert data.origins[0] == 80 and data.origins[-1] == 97           # last forecast ends at the last value
    assert data.inputs.shape == (18, 10) and data.truth.shape == (18, 3)
    np.testing.assert_array_equal(data.inputs[0], values[70:80])
    np.testing.assert_array_equal(data.truth[-1], values[97:100])
    assert data.scaler.mean == pytest.approx(values[:80].mean())
    assert data.scaler.std == pytest.approx(values[:80].std())
    z = data.scaler.transform(values)
    np.testing.assert_allclose(data.scaler.inverse(z), values)


def test_too_short_series_says_how_many_points_are_needed():
    need = D.min_rows(12, 4)
    D.split(np.arange(need, dtype=float), 12, 4)                       # just enough
    with pytest.raises(InputError, match=f"need at least {need}"):
        D.split(np.arange(need - 1, dtype=float), 12, 4)


def test_training_windows_match_a_loop_oracle():
    z = np.random.default_rng(1).standard_normal(30)
    window, horizon = 5, 3
    data = D.training_windows(z, window, horizon)
    inputs, targets = data.tensors
    assert inputs.shape == (30 - 8 + 1, 5, 1) and targets.shape == (23, 5, 3)
    for n in (0, 7, 22):
        for t in range(window):
            for j in range(horizon):
                expected = z[n + t + 1 + j] - z[n + t]
                assert targets[n, t, j].item() == pytest.approx(expected, abs=1e-6)
        np.testing.assert_allclose(inputs[n, :, 0].numpy(), z[n:n + window], atol=1e-6)


# --- baselines and metrics ---------------------------------------------------------------------

def test_baselines_against_oracles():
    inputs = np.random.default_rng(2).standard_normal((6, 8))
    np.testing.assert_array_equal(B.last_value(inputs, 3), np.repeat(inputs[:, -1:], 3, axis=1))
    np.testing.assert_allclose(B.moving_average(inputs, 2)[:, 1], inputs.mean(axis=1))
    for row, forecast in zip(inputs, B.linear_trend(inputs, 4)):
        slope, intercept = np.polyfit(np.arange(8), row, 1)
        np.testing.assert_allclose(forecast, intercept + slope * np.arange(8, 12), atol=1e-10)


def test_linear_trend_is_exact_on_a_line_and_metrics_are_right():
    data = D.split(3.0 + 0.5 * np.arange(60), 10, 4)
    forecasts = B.baseline_forecasts(data)
    assert B.mae(forecasts["Linear trend"], data.truth) == pytest.approx(0, abs=1e-9)
    assert B.mae(forecasts["Last value"], data.truth) == pytest.approx(0.5 * np.mean([1, 2, 3, 4]))
    assert B.rmse(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]])) == pytest.approx(np.sqrt(12.5))
    table = B.metric_table(forecasts, data.truth)
    assert list(table.index) == list(B.BASELINES)
    assert table.loc["Last value", "MAE / last value"] == 1.0
    assert "Train the LSTM" in fc.verdict(table)


# --- the model and live training ---------------------------------------------------------------

def test_forecaster_shapes_and_shift_invariance():
    torch.manual_seed(0)
    model = Forecaster(hidden_size=8, horizon=3).eval()
    z = torch.randn(4, 10, 1)
    assert model(z).shape == (4, 10, 3)
    forecast = model.forecast(z)
    assert forecast.shape == (4, 3)
    torch.testing.assert_close(forecast, z[:, -1] + model(z)[:, -1])
    torch.testing.assert_close(model.forecast(z + 5.0), forecast + 5.0)   # reads changes, not levels


def test_training_learns_a_seasonal_series_that_last_value_cannot():
    steps = []
    result = fc.train(sine_series(), Config(epochs=20, model=ModelConfig(hidden_size=16)),
                      on_step=lambda step, total, loss: steps.append((step, total)))
    data = result.data
    assert steps[0] == (1, result.total_steps) and steps[-1][0] == result.total_steps == len(result.steps)
    assert not result.stopped_early
    assert result.losses[-1] < result.losses[0]
    table = result.table
    assert list(table.index) == [B.LSTM_NAME, *B.BASELINES]
    assert table.loc[B.LSTM_NAME, "MAE"] < 0.5 * table.loc["Last value", "MAE"]
    assert result.forecasts[B.LSTM_NAME].shape == data.truth.shape
    assert "beat the last value" in result.verdict
    assert result.next_values.shape == (4,) and np.isfinite(result.next_values).all()


def test_training_is_bounded_in_steps_and_seconds():
    cfg = Config(epochs=400, batch_size=1, model=ModelConfig(hidden_size=8))
    assert fc.total_steps(10_000, cfg) == fc.MAX_STEPS
    cfg.time_limit = 1e-9                                               # fit's own time limit
    result = fc.train(sine_series(), cfg)
    assert result.stopped_early and len(result.steps) == 1 < result.total_steps
    assert np.isfinite(result.table.to_numpy()).all()
    with pytest.raises(InputError, match="hidden size"):
        fc.train(sine_series(), Config(model=ModelConfig(hidden_size=1000)))


def test_verdict_says_plainly_when_the_lstm_loses():
    truth = np.ones((5, 2))
    forecasts = {B.LSTM_NAME: truth + 0.2, "Last value": truth + 0.1}
    assert fc.verdict(B.metric_table(forecasts, truth)).startswith("The LSTM did not beat the last value")


# --- the training CLI task and the committed reference checkpoint --------------------------------

def test_cli_dry_run_writes_a_card(tmp_path):
    from rnnkit.core.runner import run
    card = run("forecasting", {"dry_run": True, "out": str(tmp_path)})
    assert (tmp_path / "model.safetensors").exists() and 1 <= card["steps"] <= 3
    assert set(card["metrics"]) == {"test_mae", "test_rmse", "test_last_value_mae", "test_mae_over_last_value"}
    assert card["metrics"]["test_last_value_mae"] == pytest.approx(0.02939, abs=1e-4)   # GOOG's tail


def test_committed_checkpoint_reproduces_its_card():
    from rnnkit.core.registry import load_pretrained
    from rnnkit.core.runner import make_config
    from rnnkit.forecasting import task
    model, card = load_pretrained("forecasting")
    cfg = make_config(task, {**card["config"], **card["model_config"]})
    prepared = task.prepare(cfg)
    assert prepared.test.scaler.mean == pytest.approx(card["extras"]["scaler_mean"])
    metrics = task.evaluate(model, prepared, cfg, "test")
    for name, value in card["metrics"].items():
        assert metrics[name] == pytest.approx(value, rel=1e-4)


def test_the_committed_card_is_loaded_strictly(tmp_path):
    from rnnkit.core.checkpoint import CheckpointError, load_card
    from rnnkit.core.registry import build_from_card
    card = load_card("forecasting")
    assert card["model_config"] == {"hidden_size": 32, "horizon": 4}
    assert "hidden_size" not in card["config"] and "horizon" not in card["config"]
    assert card["reproduce"].startswith("rnnkit train forecasting")
    assert isinstance(build_from_card(card), Forecaster)
    with pytest.raises(CheckpointError, match="unknown keys \\['layers'\\]"):
        build_from_card({**card, "model_config": {**card["model_config"], "layers": 2}})
    with pytest.raises(CheckpointError, match="missing keys \\['horizon'\\]"):
        build_from_card({**card, "model_config": {"hidden_size": 32}})


# --- the command line: rnnkit forecast ------------------------------------------------------------

def forecast_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnnkit", "forecast", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})


def test_forecast_command_trains_as_the_page_does():
    run = forecast_command("--stock", "MSFT", "--epochs", "10", "--hidden", "8", "--seed", "3", "--json")
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    result = fc.train(D.load_stock("MSFT"), Config(epochs=10, seed=3, model=ModelConfig(hidden_size=8)))
    assert answer["input"] == {"series": "MSFT", "csv": None, "window": 12, "horizon": 4, "hidden_size": 8,
                               "epochs": 10, "seed": 3}
    np.testing.assert_allclose(answer["forecast"], result.next_values, rtol=1e-6)
    assert list(answer["metrics"]) == [B.LSTM_NAME, *B.BASELINES]
    for method, errors in answer["metrics"].items():
        assert errors["MAE"] == pytest.approx(result.table.loc[method, "MAE"], rel=1e-6)
        assert errors["RMSE"] == pytest.approx(result.table.loc[method, "RMSE"], rel=1e-6)
    assert answer["verdict"] == result.verdict and answer["after"] == "2019-12-30"
    assert answer["steps"] == len(result.steps)


def test_forecast_command_reads_a_csv_like_the_page(tmp_path):
    rows = [f"{np.datetime64('2020-01-01') + i},{i},{10 + np.sin(2 * np.pi * i / 12):.5f}" for i in range(120)]
    path = tmp_path / "series.csv"
    path.write_text("day,count,level\n" + "\n".join(rows) + "\n")
    run = forecast_command("--csv", str(path), "--value_column", "level", "--epochs", "10", "--hidden", "8")
    assert run.returncode == 0, run.stderr
    series = D.csv_series(path.read_bytes(), "level")
    assert series.dates is not None and series.dates[-1] == np.datetime64("2020-04-29")   # the first date column
    result = fc.train(series, Config(epochs=10, model=ModelConfig(hidden_size=8)))
    first, errors, verdict = run.stdout.strip().splitlines()
    assert first.startswith("level: the next 4 values after 2020-04-29: ")
    np.testing.assert_allclose([float(v) for v in first.split(": ")[-1].split()], result.next_values, rtol=1e-3)
    assert f"LSTM {result.table.loc[B.LSTM_NAME, 'MAE']:.4g} / " in errors and verdict == result.verdict
    assert D.csv_series(path.read_bytes()).name == "count"                                 # the first numeric column


@pytest.mark.parametrize("args, sentence", [
    (("--window", "0"), "The window must be between 4 and 52."),
    (("--hidden", "5"), "The hidden size must be one of 8, 16, 32, 64."),
    (("--stock", "TSLA"), "Unknown stock 'TSLA'"),
    (("--csv", "no/such/file.csv"), "cannot be read"),
])
def test_forecast_command_answers_bad_settings_with_a_sentence(args, sentence):
    run = forecast_command(*args)
    assert run.returncode == 1 and sentence in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""


# --- CSV input ---------------------------------------------------------------------------------

def csv_series(text: bytes, value: str = "value", date: str | None = "date") -> D.Series:
    return D.series_from_frame(D.read_csv(text), value, date)


def test_good_csv_with_semicolons_and_unsorted_dates():
    text = b"date;price;note\n2020-01-03;3.5;c\n2020-01-01;1.5;a\n2020-01-02;2;b\n"
    frame = D.read_csv(text)
    assert D.value_columns(frame) == ["price"]
    assert D.date_columns(frame) == ["date"]
    series = D.series_from_frame(frame, "price", "date")
    np.testing.assert_array_equal(series.values, [1.5, 2.0, 3.5])
    assert any("sorted" in note for note in series.notes)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"date,value\n", "no data rows"),
    ("date,value\n2020-01-01,caf\xe9\n".encode("latin-1"), "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b"a,b\n1,2\n3,4,5,6\n", "could not be read as CSV"),
])
def test_unreadable_files_get_a_sentence(data, message):
    with pytest.raises(InputError, match=message):
        D.read_csv(data)


def test_no_numeric_column_and_bad_dates_and_constant():
    frame = D.read_csv(b"name,colour\nann,red\nbob,blue\n")
    assert D.value_columns(frame) == []
    with pytest.raises(InputError, match="holds no numbers"):
        D.series_from_frame(frame, "name")
    with pytest.raises(InputError, match=r"not dates, the first in data row 2 \('yesterday'\)"):
        csv_series(b"date,value\n2020-01-01,1\nyesterday,2\n2020-01-03,3\n")
    with pytest.raises(InputError, match="constant"):
        csv_series(b"value\n" + b"7\n" * 50, date=None)


def test_missing_values_are_filled_when_few_and_their_rows_dropped_when_many():
    rows = [f"{i},{'' if i == 5 else i}" for i in range(40)]
    series = csv_series(("t,value\n" + "\n".join(rows)).encode(), date=None)
    assert series.values[5] == pytest.approx(5.0)                        # interpolated between 4 and 6
    assert "1 of 40 values" in series.notes[0] and "1 blank" in series.notes[0]
    rows = [f"{i},{'n/a' if i % 3 == 0 else i}" for i in range(40)]
    series = csv_series(("t,value\n" + "\n".join(rows)).encode(), date=None)
    np.testing.assert_array_equal(series.values, [i for i in range(40) if i % 3])
    assert "14 of 40 rows were dropped" in series.notes[0] and "14 nan or n/a" in series.notes[0]


def test_mixed_numbers_blanks_nan_inf_and_huge_say_what_was_dropped_and_go_on():
    cells = [str(i) if i % 2 else ("", "nan", "inf", "-inf", "1e308")[i // 2 % 5] for i in range(300)]
    frame = D.read_csv(("t,value\n" + "\n".join(f"{i},{c}" for i, c in enumerate(cells))).encode())
    assert D.value_columns(frame) == ["t", "value"]
    series = D.series_from_frame(frame, "value")
    np.testing.assert_array_equal(series.values, [i for i in range(300) if i % 2])
    note = series.notes[0]
    assert "150 of 300 rows were dropped" in note and "150 numbers left" in note
    assert all(f"30 {reason}" in note for reason in ("blank", "nan or n/a", "beyond")) and "60 infinite" in note


def test_one_row_says_it_has_one_row():
    with pytest.raises(InputError, match="one data row"):
        D.read_csv(b"date,value\n2020-01-01,1\n")
    with pytest.raises(InputError, match="holds one number only"):
        csv_series(b"date,value\n2020-01-01,1\n2020-01-02,\n2020-01-03,x\n")


def test_wide_and_long_lined_files_are_refused_before_parsing():
    wide = ",".join(f"c{i}" for i in range(50_000)) + "\n" + ",".join("1" for _ in range(50_000))
    with pytest.raises(InputError, match="50,000 columns; the limit is 100"):
        D.read_csv(wide.encode())
    with pytest.raises(InputError, match="the limit is 20,000"):
        D.read_csv(b"a,b\n1,\"" + b"x" * 30_000 + b"\"\n2,3\n")


def test_a_million_rows_are_thinned_with_a_note():
    values = np.arange(1_000_000) % 97
    text = b"value\n" + "\n".join(map(str, values)).encode()
    series = csv_series(text, date=None)
    assert len(series.values) <= D.MAX_POINTS
    assert series.values[-1] == values[-1]                                # ends at the last row
    assert "1,000,000 rows" in series.notes[0]


def test_too_big_file_is_refused():
    with pytest.raises(InputError, match="limit"):
        D.read_csv(b"value\n" + b"1\n" * (D.MAX_UPLOAD_BYTES // 2 + 1))


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%b %d %Y", "%Y%m%d", "%d.%m.%y", "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S+05:30")
ODD_CELLS = st.one_of(
    st.sampled_from(["", " ", "nan", "N/A", "-", "?", "null", "inf", "-inf", "1e308", "-0", "0x10", "１２", "$12.5",
                     "7%", "€3", "1,5", "true", "2020-02-30", "0001-01-01", "2020-01-01T00:00:00-08:00", '"', '""',
                     "'", "#"]),
    st.text(max_size=10), st.floats().map(repr), st.integers(-10**20, 10**20).map(str))
NUMBER_CELLS = st.one_of(st.floats(-1e6, 1e6).map(repr), st.integers(-1000, 1000).map(str),
                         st.floats(0, 100).map("{:.2f}".format))


def date_cells(fmt: str) -> st.SearchStrategy[str]:
    return (st.dates(date(1900, 1, 1), date(2100, 12, 31)) | st.dates()).map(lambda day: day.strftime(fmt))


@st.composite
def csv_files(draw) -> bytes:
    """A table as a spreadsheet may export it: a header, columns of numbers, of dates (one format each) or of text,
    odd cells among them, a row too long or too short, any of four delimiters, a byte-order mark, Windows line
    ends."""
    width = draw(st.integers(1, 3))
    columns = [draw(st.sampled_from([NUMBER_CELLS, NUMBER_CELLS, NUMBER_CELLS, st.text(max_size=10),
                                     date_cells(draw(st.sampled_from(DATE_FORMATS)))])) for _ in range(width)]
    rows = [[draw(column) for column in columns] for _ in range(draw(st.integers(15, 45) | st.integers(0, 3)))]
    for _ in range(draw(st.integers(0, 4)) if rows else 0):
        rows[draw(st.integers(0, len(rows) - 1))][draw(st.integers(0, width - 1))] = draw(ODD_CELLS)
    ragged = draw(st.sampled_from([None] * 8 + ["long", "short"]))
    if rows and ragged == "long":
        rows[draw(st.integers(0, len(rows) - 1))].append(draw(ODD_CELLS))
    elif rows and ragged == "short":
        rows[-1].pop()
    names = st.sampled_from(["date", "value", "price", "", " value ", "Unnamed: 0"]) | st.text(max_size=8)
    header = draw(st.lists(names, min_size=width, max_size=width))
    delimiter, newline = draw(st.sampled_from(",;\t|")), draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(delimiter.join(row) for row in [header, *rows])
    return (draw(st.sampled_from(["", "\ufeff"])) + text).encode()


@settings(max_examples=100, deadline=timedelta(seconds=10), derandomize=True, database=None)
@given(data=st.one_of(csv_files(), csv_files(), csv_files(), st.binary(max_size=300)),
       window=st.integers(4, 12) | st.integers(*fc.WINDOW_RANGE), horizon=st.integers(*fc.HORIZON_RANGE))
@example(data=b"d,v\n-0,1\n,2\n,3\n", window=4, horizon=1)             # read as year 0: OutOfBoundsDatetime
@example(data=b"d,v\n2020-01-01T00:00:00+05:30,1\n2020-01-02T00:00:00-08:00,2\n2020-01-03T00:00:00Z,3\n",
         window=4, horizon=1)                                           # mixed offsets: pandas' ValueError
@example(data=b"v, v \n1,2\n3,4\n", window=4, horizon=1)               # two columns named v: AttributeError
def test_any_csv_gives_series_the_page_can_train_on_or_a_sentence(data, window, horizon):
    """What the page does with an upload: the table, its column choices, every series they offer, the split and
    the training windows; each step gives a value or an InputError with a sentence, never another exception."""
    try:
        frame = D.read_csv(data)
        numeric, dated = D.columns(frame)
    except InputError as error:
        event("refused with a sentence")
        assert str(error).strip()
        return
    assert numeric and not set(numeric) & set(dated) and set(numeric + dated) <= set(frame.columns)
    for value_column in numeric:
        for date_column in [*dated, None]:
            try:
                series = D.series_from_frame(frame, value_column, date_column, name=value_column)
                split = D.split(series.values, window, horizon)
            except InputError as error:
                event("a series refused with a sentence")
                assert str(error).strip()
                continue
            event("a series split" + (" by date" if date_column else ""))
            assert 2 <= len(series.values) <= D.MAX_POINTS and np.isfinite(series.values).all()
            assert series.dates is None or (len(series.dates) == len(series.values)
                                            and (np.diff(series.dates) >= np.timedelta64(0)).all())
            z = split.scaler.transform(split.values[:split.n_train])
            inputs, targets = D.training_windows(z, window, horizon).tensors
            assert torch.isfinite(inputs).all() and torch.isfinite(targets).all() and len(inputs) >= 1


# --- the live-training limiter -----------------------------------------------------------------

def test_slot_limiter_refuses_when_full_and_releases_on_error():
    limiter = SlotLimiter(1)
    with limiter.slot():
        assert limiter.in_use == 1
        with pytest.raises(Busy, match="try again in a moment"):
            with limiter.slot(timeout=0.01):
                pass
    with pytest.raises(ZeroDivisionError):
        with limiter.slot():
            raise ZeroDivisionError("an error inside the slot")
    assert limiter.in_use == 0
    with limiter.slot():                                                  # free again
        pass


# --- the page ----------------------------------------------------------------------------------

def unescaped(markdown: str) -> str:
    """What the visitor reads: the page shows error sentences through escape_markdown."""
    return markdown.replace("\\", "")


def page(**params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_page_shows_baselines_then_trains_the_lstm():
    at = page(epochs="10", hidden="8", series="MSFT")
    assert not at.exception
    assert at.selectbox[0].value == "MSFT"
    assert list(at.dataframe[0].value.index) == list(B.BASELINES)
    assert "Train the LSTM" in at.info[0].value
    at.button[0].click().run()
    assert not at.exception
    assert list(at.dataframe[0].value.index) == [B.LSTM_NAME, *B.BASELINES]
    verdicts = [e.value for e in (*at.success, *at.warning)]
    assert any("last value" in v for v in verdicts)
    assert any("Trained" in c.value for c in at.caption)
    at.slider[0].set_value(20).run()                                      # a new window: the LSTM is stale
    assert list(at.dataframe[0].value.index) == list(B.BASELINES)
    assert at.query_params["window"] == "20"


def test_page_tells_the_visitor_when_the_server_is_busy(monkeypatch):
    from pages import _live as live
    monkeypatch.setattr(live, "QUEUE_SECONDS", 0.2)       # the queue's wait, shortened for the test
    at = page(epochs="10", hidden="8")
    with LIVE_TRAINING.slot(), LIVE_TRAINING.slot():
        at.button[0].click().run()
    assert not at.exception
    assert any("busy" in w.value for w in at.warning)
    assert LIVE_TRAINING.in_use == 0


def test_page_with_bad_link_and_bad_uploads():
    at = page(window="500", series="nope")
    assert not at.exception
    problems = " ".join(unescaped(w.value) for w in at.warning)
    assert len(at.warning) == 2 and "`window`" in problems and "`series`" in problems
    at = page(series="upload")
    assert "Upload a CSV" in at.info[0].value
    at.file_uploader[0].set_value(("x.csv", "a,b\nx,\xe9\n".encode("latin-1"), "text/csv")).run()
    assert not at.exception and "not UTF-8" in unescaped(at.error[0].value)
    at.file_uploader[0].set_value(("x.csv", b"name,colour\nann,red\nbob,blue\n", "text/csv")).run()
    assert "No column" in at.error[0].value
    short = "date,price\n" + "\n".join(f"2020-01-{d:02d},{d}" for d in range(1, 11))
    at.file_uploader[0].set_value(("x.csv", short.encode(), "text/csv")).run()
    assert not at.exception and "need at least" in at.error[0].value
    good = "date,price\n" + "\n".join(f"2020-{m:02d}-{d:02d},{m * 31 + d}" for m in range(1, 6) for d in range(1, 29))
    at.file_uploader[0].set_value(("x.csv", good.encode(), "text/csv")).run()
    assert not at.exception and not at.error
    assert at.selectbox[1].value == "price" and at.selectbox[2].value == "date"


def test_the_questions_answers_are_what_the_forecasts_give():
    from rnnkit.forecasting.questions import questions
    cfg = Config()
    data = D.split(D.load_stock("GOOG").values, cfg.window, cfg.model.horizon, cfg.test_fraction)
    forecasts = B.baseline_forecasts(data)
    best, horizon = questions(forecasts, data.truth)                # before training: the baselines only
    table = B.metric_table(forecasts, data.truth)
    assert best.options == tuple(B.BASELINES) and best.answer == table["MAE"].idxmin()
    errors = np.abs(forecasts["Last value"] - data.truth).mean(axis=0)         # (k,) by steps ahead
    assert horizon.answer == ("yes" if errors[-1] > errors[0] else "no")
    with_lstm = {B.LSTM_NAME: forecasts["Last value"] * 1.01, **forecasts}     # a stand-in LSTM, 1 % above
    best, _, beats = questions(with_lstm, data.truth)
    ratio = B.metric_table(with_lstm, data.truth).loc[B.LSTM_NAME, "MAE / last value"]
    assert beats.answer == ("yes" if ratio < 1 else "no") and B.LSTM_NAME in best.options


def test_page_in_quiz_mode_holds_the_errors_until_answered():
    at = page(quiz="true")
    assert not at.exception and not at.dataframe                   # no table of errors yet
    question = next(r for r in at.radio if r.label.startswith("Which forecaster"))
    question.set_value("Linear trend").run()
    assert not at.exception and not at.dataframe                   # one of two answered: still held
    next(r for r in at.radio if r.label.startswith("Is ")).set_value("yes").run()
    assert not at.exception and at.dataframe and (at.success or at.warning)
