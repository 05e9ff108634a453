"""Many-to-many forecasting: an LSTM reads a window of a series and predicts the next k values.

The page trains it live for one visitor on one series (a bundled stock or an uploaded CSV), then
holds it against honest baselines on the held-out tail of the series. Top to bottom:

1. data: the bundled stocks, CSV reading and validation (every problem a visitor can cause is a
   ``SeriesError`` whose message is a sentence to show);
2. split and scaling: the tail is held out, the scaler is fitted on the training part only;
3. the model: many-to-many — at *every* step :math:`t` of the window the LSTM predicts the next
   :math:`k` values as changes from :math:`z_t`, so a window of :math:`T` steps gives :math:`T`
   training targets; the forecast is the output at the last step;
4. baselines (last value, moving average, linear trend on the window) and MAE / RMSE;
5. ``train``: training through the one training loop ``rnnkit.training.fit``, bounded in steps
   and seconds, and the comparison table with a plain verdict.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset

from rnnkit.core.training import TrainConfig, fit

STOCKS = ("GOOG", "AAPL", "AMZN", "FB", "NFLX", "MSFT")
STOCKS_SOURCE = "plotly.express.data.stocks(): weekly closing prices 2018-2019, each divided by its first value"

MAX_UPLOAD_BYTES = 10 * 1024 * 1024    # the page's upload limit; files are checked again here
MAX_ROWS = 2_000_000                   # refuse above this many rows
MAX_POINTS = 2_000                     # longer series are thinned to this many points
MAX_MISSING_FRACTION = 0.1             # fill up to 10 % missing values, refuse more

WINDOW_RANGE = (4, 52)
HORIZON_RANGE = (1, 13)
HIDDEN_SIZES = (8, 16, 32, 64)
EPOCHS_RANGE = (10, 400)
MAX_STEPS = 3000                       # live training never takes more optimiser steps than this
MAX_SECONDS = 30.0                     # ... nor more seconds (fit's time_limit: it keeps what it learned)

BASELINES = ("Last value", "Moving average", "Linear trend")
LSTM_NAME = "LSTM"


class SeriesError(ValueError):
    """A problem with the visitor's data or settings; ``str(error)`` is a sentence for them."""


@dataclass
class Series:
    """A univariate series in time order; ``dates`` is None when rows are just numbered."""

    name: str
    values: np.ndarray                 # (N,) float64, finite, not constant
    dates: np.ndarray | None = None    # (N,) datetime64[ns]
    notes: list[str] = field(default_factory=list)   # what was changed on the way in

    @property
    def index(self) -> np.ndarray:
        return self.dates if self.dates is not None else np.arange(len(self.values))


# ---------------------------------------------------------------------------------------------
# 1. Data
# ---------------------------------------------------------------------------------------------

def load_stock(ticker: str) -> Series:
    """One of the six weekly closing-price series bundled with plotly (105 weeks)."""
    if ticker not in STOCKS:
        raise SeriesError(f"Unknown stock {ticker!r}; choose one of {', '.join(STOCKS)}.")
    import plotly.express as px
    frame = px.data.stocks()
    return Series(ticker, frame[ticker].to_numpy(dtype=np.float64),
                  pd.to_datetime(frame["date"]).to_numpy(dtype="datetime64[ns]"))


def read_csv(data: bytes) -> pd.DataFrame:
    """The uploaded bytes as a table of strings; raises ``SeriesError`` for files that are not CSV."""
    if not data or not data.strip():
        raise SeriesError("The file is empty. Upload a CSV with a header row and one row per time step.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise SeriesError(f"The file is {len(data) / 2**20:.1f} MB; the limit is "
                          f"{MAX_UPLOAD_BYTES // 2**20} MB. Keep fewer rows or columns.")
    if b"\x00" in data[:65536]:
        raise SeriesError("This looks like a binary file, not a CSV text file. Export your data as CSV and upload that.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SeriesError(f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}). "
                          "Save it as 'CSV UTF-8' in your spreadsheet program and upload it again.") from None
    try:
        delimiter = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, skipinitialspace=True,
                            keep_default_na=False, on_bad_lines="error")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as error:
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else "unreadable"
        raise SeriesError(f"The file could not be read as CSV ({reason}). Check that every row has the same "
                          "number of columns as the header.") from None
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise SeriesError("The file has a header but no data rows.")
    if len(frame) > MAX_ROWS:
        raise SeriesError(f"The file has {len(frame):,} rows; the limit is {MAX_ROWS:,}. "
                          "Aggregate it (e.g. daily or weekly values) and upload again.")
    frame.columns = [str(c).strip() or f"column {i + 1}" for i, c in enumerate(frame.columns)]
    return frame


def _as_numbers(column: pd.Series) -> pd.Series:
    cleaned = column.astype(str).str.strip().str.replace(r"^[$€£]|%$", "", regex=True)
    numbers = pd.to_numeric(cleaned, errors="coerce")
    return numbers.where(np.isfinite(numbers))


def _as_dates(column: pd.Series) -> pd.Series:
    text = column.astype(str).str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dates = pd.to_datetime(text, errors="coerce")          # one format, inferred: fast
        if dates.isna().any():                                  # several formats: slower, row by row
            dates = pd.to_datetime(text, errors="coerce", format="mixed")
    return dates


def _filled(column: pd.Series) -> pd.Series:
    return column[column.astype(str).str.strip() != ""]


def value_columns(frame: pd.DataFrame) -> list[str]:
    """Columns whose non-empty cells are at least 90 % numbers."""
    out = []
    for name in frame.columns:
        filled = _filled(frame[name].head(10_000))
        if len(filled) and _as_numbers(filled).notna().mean() >= 0.9:
            out.append(name)
    return out


def date_columns(frame: pd.DataFrame) -> list[str]:
    """Non-numeric columns whose non-empty cells mostly parse as dates."""
    numeric = set(value_columns(frame))
    out = []
    for name in frame.columns:
        filled = _filled(frame[name].head(2_000))
        if name not in numeric and len(filled) and _as_dates(filled).notna().mean() >= 0.5:
            out.append(name)
    return out


def series_from_frame(frame: pd.DataFrame, value_column: str, date_column: str | None = None,
                      name: str | None = None) -> Series:
    """The chosen columns as a clean ``Series``, or a ``SeriesError`` that says what to fix.

    Rows are sorted by date; up to 10 % missing values are filled by linear interpolation;
    series longer than ``MAX_POINTS`` are thinned to every n-th point (ending at the last).
    """
    if value_column not in frame.columns:
        raise SeriesError(f"There is no column {value_column!r} in the file.")
    notes: list[str] = []
    values = _as_numbers(frame[value_column])
    if values.notna().sum() == 0:
        raise SeriesError(f"Column {value_column!r} holds no numbers. Choose a column of numbers.")
    dates = None
    if date_column:
        if date_column not in frame.columns:
            raise SeriesError(f"There is no column {date_column!r} in the file.")
        dates = _as_dates(frame[date_column])
        bad = dates.isna().to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise SeriesError(f"{int(bad.sum()):,} value(s) in column {date_column!r} are not dates, the first in "
                              f"data row {row + 1} ({str(frame[date_column].iloc[row])[:40]!r}). Fix them, or "
                              "choose 'row number' as the time axis.")
        if not dates.is_monotonic_increasing:
            order = np.argsort(dates.to_numpy(), kind="stable")
            dates, values = dates.iloc[order], values.iloc[order]
            notes.append(f"The rows were not in date order; they were sorted by {date_column!r}.")
    missing = int(values.isna().sum())
    if missing:
        if missing > MAX_MISSING_FRACTION * len(values):
            raise SeriesError(f"{missing:,} of {len(values):,} values in {value_column!r} are missing or not numbers "
                              f"(more than {MAX_MISSING_FRACTION:.0%}). Fill them in or choose another column.")
        values = values.reset_index(drop=True).interpolate(limit_direction="both")
        notes.append(f"{missing:,} missing or non-numeric value(s) in {value_column!r} were filled by linear "
                     "interpolation between their neighbours.")
    array = values.to_numpy(dtype=np.float64)
    date_array = None if dates is None else dates.to_numpy(dtype="datetime64[ns]")
    if len(array) > MAX_POINTS:
        step = math.ceil(len(array) / MAX_POINTS)
        keep = np.arange((len(array) - 1) % step, len(array), step)
        notes.append(f"The series has {len(array):,} rows; every {step}th row was kept ({len(keep):,} points, "
                     "ending at the last row) so that training takes seconds.")
        array = array[keep]
        date_array = None if date_array is None else date_array[keep]
    if np.ptp(array) <= 1e-12 * max(1.0, float(np.abs(array).max())):
        raise SeriesError(f"Column {value_column!r} is constant ({array[0]:g}): there is nothing to forecast.")
    return Series(name or value_column, array, date_array, notes)


# ---------------------------------------------------------------------------------------------
# 2. Split and scaling
# ---------------------------------------------------------------------------------------------

@dataclass
class ForecastConfig(TrainConfig):
    """The live forecaster's settings (defaults: the page's defaults)."""

    window: int = 12             # T: steps the LSTM reads
    horizon: int = 4             # k: steps it predicts
    hidden_size: int = 32
    test_fraction: float = 0.2   # the held-out tail
    epochs: int = 50
    batch_size: int = 64
    lr: float = 1e-2
    time_limit: float = MAX_SECONDS   # seconds; 0 = none (the CLI and the benchmark lift it)


def check_config(cfg: ForecastConfig) -> None:
    for name, (low, high) in (("window", WINDOW_RANGE), ("horizon", HORIZON_RANGE), ("epochs", EPOCHS_RANGE)):
        if not low <= getattr(cfg, name) <= high:
            raise SeriesError(f"The {name} must be between {low} and {high}.")
    if cfg.hidden_size not in HIDDEN_SIZES:
        raise SeriesError(f"The hidden size must be one of {', '.join(map(str, HIDDEN_SIZES))}.")


@dataclass
class Scaler:
    """z = (x - mean) / std, with mean and std from the training part only."""

    mean: float
    std: float

    @classmethod
    def fit(cls, values: np.ndarray) -> "Scaler":
        std = float(values.std())
        return cls(float(values.mean()), std if std > 1e-12 else max(abs(float(values.mean())), 1.0))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return z * self.std + self.mean


@dataclass
class Split:
    """Train part, held-out tail and the test windows, in original units."""

    values: np.ndarray        # (N,) the whole series
    n_train: int              # values[:n_train] train; values[n_train:] the held-out tail
    origins: np.ndarray       # (M,) forecast origins o: input values[o-T:o], truth values[o:o+k]
    inputs: np.ndarray        # (M, T)
    truth: np.ndarray         # (M, k)
    scaler: Scaler


def min_rows(window: int, horizon: int, test_fraction: float = 0.2) -> int:
    """The shortest series that leaves one training window and one test window."""
    n = window + horizon
    while _split_sizes(n, window, horizon, test_fraction)[1] < 1:
        n += 1
    return n


def _split_sizes(n: int, window: int, horizon: int, test_fraction: float) -> tuple[int, int, int]:
    n_test = max(horizon, round(test_fraction * n))
    n_train = n - n_test
    return n_train, n_train - window - horizon + 1, n_test - horizon + 1   # train part, train windows, test windows


def split(values: np.ndarray, window: int, horizon: int, test_fraction: float = 0.2) -> Split:
    n_train, train_windows, _ = _split_sizes(len(values), window, horizon, test_fraction)
    if train_windows < 1:
        raise SeriesError(f"The series has {len(values):,} points, but window {window} and horizon {horizon} need at "
                          f"least {min_rows(window, horizon, test_fraction):,} (the last {test_fraction:.0%} are held "
                          "out for testing). Shorten the window or horizon, or use a longer series.")
    origins = np.arange(n_train, len(values) - horizon + 1)                                   # (M,)
    inputs = np.stack([values[o - window:o] for o in origins])                                 # (M, T)
    truth = np.stack([values[o:o + horizon] for o in origins])                                 # (M, k)
    return Split(values, n_train, origins, inputs, truth, Scaler.fit(values[:n_train]))


def training_windows(z_train: np.ndarray, window: int, horizon: int) -> TensorDataset:
    """Inputs (N, T, 1) and many-to-many targets (N, T, k): at step t, z[t+1..t+k] - z[t]."""
    span = window + horizon
    segments = np.lib.stride_tricks.sliding_window_view(z_train, span)                        # (N, T+k)
    inputs = segments[:, :window]                                                              # (N, T)
    ahead = np.lib.stride_tricks.sliding_window_view(segments[:, 1:], horizon, axis=1)[:, :window]  # (N, T, k)
    targets = ahead - inputs[..., None]                                                        # (N, T, k)
    return TensorDataset(torch.tensor(inputs[..., None], dtype=torch.float32),
                         torch.tensor(targets, dtype=torch.float32))


# ---------------------------------------------------------------------------------------------
# 3. The model
# ---------------------------------------------------------------------------------------------

class Forecaster(nn.Module):
    r"""Many-to-many LSTM forecaster.

    .. math::
        \Delta z_t = z_t - z_{t-1}, \qquad
        h_t, c_t = \mathrm{LSTM}(\Delta z_t, h_{t-1}, c_{t-1}), \qquad
        \hat z_{t+j} = z_t + (W h_t + b)_j, \quad j = 1..k

    It reads step-to-step changes, not levels, so a price that has drifted out of the training
    range (as stock prices do) does not throw it off.

    Args:
        z: (B, T, 1) scaled values. Returns (B, T, k): at every step, the predicted changes of
        the next k values from the current one.
    """

    def __init__(self, hidden_size: int, horizon: int):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, horizon)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        dz = torch.diff(z, dim=1, prepend=z[:, :1])      # (B, T, 1) step changes, 0 at t = 1
        states, _ = self.lstm(dz)     # (B, T, H)
        return self.head(states)                         # (B, T, k)

    @torch.no_grad()
    def forecast(self, z: torch.Tensor) -> torch.Tensor:
        """(B, T, 1) scaled window -> (B, k) scaled forecasts of the next k values."""
        return z[:, -1] + self(z)[:, -1]   # (B, k)


def build_model(cfg: ForecastConfig) -> Forecaster:
    return Forecaster(cfg.hidden_size, cfg.horizon)


def loss(model: nn.Module, batch) -> torch.Tensor:
    inputs, targets = batch                # (B, T, 1), (B, T, k)
    return F.mse_loss(model(inputs), targets)


def lstm_forecasts(model: Forecaster, data: Split) -> np.ndarray:
    """(M, k) forecasts in original units for every test origin."""
    z = torch.tensor(data.scaler.transform(data.inputs)[..., None], dtype=torch.float32)    # (M, T, 1)
    model.eval()
    return data.scaler.inverse(model.forecast(z).double().numpy())                           # (M, k)


# ---------------------------------------------------------------------------------------------
# 4. Baselines and metrics
# ---------------------------------------------------------------------------------------------

def last_value(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """(M, T) windows -> (M, k): tomorrow looks like today."""
    return np.repeat(inputs[:, -1:], horizon, axis=1)


def moving_average(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """(M, T) -> (M, k): the mean of the window."""
    return np.repeat(inputs.mean(axis=1, keepdims=True), horizon, axis=1)


def linear_trend(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """(M, T) -> (M, k): a least-squares line through the window, extended k steps."""
    window = inputs.shape[1]
    t = np.arange(window, dtype=np.float64)
    t_centred = t - t.mean()
    slope = (inputs - inputs.mean(axis=1, keepdims=True)) @ t_centred / (t_centred @ t_centred)   # (M,)
    ahead = np.arange(window, window + horizon) - t.mean()                                        # (k,)
    return inputs.mean(axis=1, keepdims=True) + slope[:, None] * ahead[None, :]                   # (M, k)


def baseline_forecasts(data: Split) -> dict[str, np.ndarray]:
    horizon = data.truth.shape[1]
    return {name: fn(data.inputs, horizon)
            for name, fn in zip(BASELINES, (last_value, moving_average, linear_trend))}


def mae(forecast: np.ndarray, truth: np.ndarray) -> float:
    return float(np.abs(forecast - truth).mean())


def rmse(forecast: np.ndarray, truth: np.ndarray) -> float:
    return float(np.sqrt(((forecast - truth) ** 2).mean()))


def metric_table(forecasts: dict[str, np.ndarray], truth: np.ndarray) -> pd.DataFrame:
    """MAE and RMSE over every test origin and step ahead, and MAE relative to last value."""
    reference = mae(forecasts["Last value"], truth)
    rows = [{"method": name, "MAE": mae(f, truth), "RMSE": rmse(f, truth),
             "MAE / last value": mae(f, truth) / reference if reference > 0 else float("nan")}
            for name, f in forecasts.items()]
    return pd.DataFrame(rows).set_index("method")


def per_step_mae(forecasts: dict[str, np.ndarray], truth: np.ndarray) -> pd.DataFrame:
    """MAE for each step ahead (rows 1..k), one column per method."""
    return pd.DataFrame({name: np.abs(f - truth).mean(axis=0) for name, f in forecasts.items()},
                        index=pd.RangeIndex(1, truth.shape[1] + 1, name="steps ahead"))


def verdict(table: pd.DataFrame) -> str:
    """One plain sentence: did the LSTM beat the last value?"""
    if LSTM_NAME not in table.index:
        return "Train the LSTM to compare it with the baselines."
    ratio = table.loc[LSTM_NAME, "MAE / last value"]
    best = table["MAE"].idxmin()
    if ratio >= 1.0:
        return (f"The LSTM did not beat the last value: its error is {ratio:.2f}× that of simply repeating the "
                f"last price (best here: {best}). That is the usual result for stock prices — past prices say "
                "little about the next ones, so the last value is very hard to beat.")
    if ratio > 0.95:
        return (f"The LSTM is about as good as the last value ({ratio:.2f}× its error): a difference this small "
                "on a short held-out tail is within noise, so do not read it as skill.")
    return (f"The LSTM beat the last value on this tail ({ratio:.2f}× its error; best here: {best}). On a short "
            "held-out tail this can be luck, or a trend in the training weeks that happened to go on: try other "
            "seeds and series before believing it.")


# ---------------------------------------------------------------------------------------------
# 5. Live training and the comparison
# ---------------------------------------------------------------------------------------------

@dataclass
class Result:
    """Everything the page shows after training: plain arrays and tables, no model."""

    data: Split
    forecasts: dict[str, np.ndarray]    # method -> (M, k), LSTM first
    table: pd.DataFrame
    steps: list[int]
    losses: list[float]
    seconds: float
    total_steps: int
    stopped_early: bool

    @property
    def verdict(self) -> str:
        return verdict(self.table)


def total_steps(n_windows: int, cfg: ForecastConfig) -> int:
    return min(cfg.epochs * math.ceil(n_windows / cfg.batch_size), MAX_STEPS)


def train(series: Series, cfg: ForecastConfig,
          on_step: Callable[[int, int, float], None] | None = None) -> tuple[Forecaster, Split, Result]:
    """Train a forecaster on the series' training part with ``fit`` and compare it on the tail.

    Training stops after ``MAX_STEPS`` steps or ``cfg.time_limit`` seconds, whichever first,
    and keeps the weights it has. ``on_step(step, total, loss)`` feeds a progress bar.
    """
    check_config(cfg)
    data = split(series.values, cfg.window, cfg.horizon, cfg.test_fraction)
    dataset = training_windows(data.scaler.transform(data.values[:data.n_train]), cfg.window, cfg.horizon)
    cfg.max_steps = total_steps(len(dataset), cfg)
    torch.manual_seed(cfg.seed)
    model = build_model(cfg)
    history = fit(model, loss, dataset, cfg, on_step=on_step, progress=False)
    forecasts = {LSTM_NAME: lstm_forecasts(model, data), **baseline_forecasts(data)}
    result = Result(data, forecasts, metric_table(forecasts, data.truth), history.steps, history.losses,
                    history.seconds, cfg.max_steps, stopped_early=len(history.steps) < cfg.max_steps)
    return model, data, result


STYLES = {LSTM_NAME: dict(color="#d62728", width=3), "Last value": dict(color="#1f77b4", dash="dash"),
          "Moving average": dict(color="#2ca02c", dash="dot"), "Linear trend": dict(color="#9467bd", dash="dashdot")}


def forecast_figure(series: Series, data: Split, forecasts: dict[str, np.ndarray]):
    """The series, the held-out truth and each method's forecasts from every k-th origin."""
    import plotly.graph_objects as go
    index = series.index
    horizon = data.truth.shape[1]
    figure = go.Figure()
    figure.add_scatter(x=index[:data.n_train], y=data.values[:data.n_train], name="training part",
                       line=dict(color="#9e9e9e"))
    figure.add_scatter(x=index[data.n_train - 1:], y=data.values[data.n_train - 1:], name="held-out truth",
                       line=dict(color="black", width=3))
    shown = range(0, len(data.origins), horizon)            # non-overlapping forecasts tile the tail
    for name, forecast in forecasts.items():
        xs, ys = [], []
        for m in shown:
            origin = data.origins[m]
            xs += list(index[origin - 1:origin + horizon]) + [None]
            ys += [data.values[origin - 1]] + list(forecast[m]) + [None]
        figure.add_scatter(x=xs, y=ys, name=name, line=STYLES.get(name, {}), mode="lines")
    figure.add_vline(x=index[data.n_train], line=dict(color="#bdbdbd", dash="dot"))
    figure.update_layout(height=420, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h"),
                         yaxis_title=series.name, hovermode="x unified")
    return figure


def per_step_figure(forecasts: dict[str, np.ndarray], truth: np.ndarray):
    """MAE against steps ahead, one line per method, in the same styles as ``forecast_figure``."""
    import plotly.graph_objects as go
    table = per_step_mae(forecasts, truth)
    figure = go.Figure()
    for name in table.columns:
        figure.add_scatter(x=table.index, y=table[name], name=name, line=STYLES.get(name, {}), mode="lines+markers")
    figure.update_layout(height=280, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=1.18),
                         xaxis=dict(title="steps ahead", dtick=1), yaxis_title="MAE")
    return figure
