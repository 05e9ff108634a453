"""The series a forecaster learns from: the bundled stocks, CSV uploads checked row by row, the split.

Every problem a visitor can cause (a file that is not CSV, a column of words, too few points)
raises ``InputError`` with a sentence that says what to fix. The tail of the series is held out;
the scaler is fitted on the training part only, and the training windows carry a target at
every step (many-to-many).
"""

from __future__ import annotations

import csv
import functools
import io
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch.utils.data import TensorDataset

from rnnkit.core.inputs import InputError

STOCKS = ("GOOG", "AAPL", "AMZN", "FB", "NFLX", "MSFT")
STOCKS_SOURCE = "plotly.express.data.stocks(): weekly closing prices 2018-2019, each divided by its first value"

MAX_UPLOAD_BYTES = 10 * 1024 * 1024    # the page's upload limit; files are checked again here
MAX_ROWS = 2_000_000                   # refuse above this many rows
MAX_COLUMNS = 100                      # refuse wider tables before parsing (the page says so by the uploader)
MAX_LINE_BYTES = 20_000                # refuse longer lines before parsing: a row is a date and a few numbers
MAX_ABS = 1e15                         # larger numbers are not measurements (and overflow the scaler's square)
MAX_MIXED_DATES = 5_000                # dates not in the first cell's format are read one by one up to this many
MAX_POINTS = 2_000                     # longer series are thinned to this many points
MAX_MISSING_FRACTION = 0.1             # fill up to 10 % missing values, refuse more


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
# The bundled stocks and CSV files
# ---------------------------------------------------------------------------------------------

def load_stock(ticker: str) -> Series:
    """One of the six weekly closing-price series bundled with plotly (105 weeks)."""
    if ticker not in STOCKS:
        raise InputError(f"Unknown stock {ticker!r}; choose one of {', '.join(STOCKS)}.")
    values, dates = _stocks()[ticker]
    return Series(ticker, values.copy(), dates.copy())


@functools.lru_cache(maxsize=1)
def _stocks() -> dict[str, tuple[np.ndarray, np.ndarray]]:   # read from plotly's package once per process
    import plotly.express as px
    frame = px.data.stocks()
    dates = pd.to_datetime(frame["date"]).to_numpy(dtype="datetime64[ns]")
    return {ticker: (frame[ticker].to_numpy(dtype=np.float64), dates) for ticker in STOCKS}


def read_csv(data: bytes) -> pd.DataFrame:
    """The uploaded bytes as a table of strings; raises ``InputError`` for files that are not CSV.

    What can be checked cheaply is checked before parsing: bytes, binary content, encoding, the
    number of lines, the longest line and the header's number of columns.
    """
    if not data or not data.strip():
        raise InputError("The file is empty. Upload a CSV with a header row and one row per time step.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(f"The file is {len(data) / 2**20:.1f} MB; the limit is "
                         f"{MAX_UPLOAD_BYTES // 2**20} MB. Keep fewer rows or columns.")
    if b"\x00" in data[:65536]:
        raise InputError("This looks like a binary file, not a CSV text file. Export your data as CSV and upload that.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}). "
                         "Save it as 'CSV UTF-8' in your spreadsheet program and upload it again.") from None
    head = "\n".join(text[:65536].lstrip("\r\n").splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    first_line = text.lstrip("\r\n").split("\n", 1)[0]                 # the whole header, however long
    try:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
    except csv.Error:                              # a cell over csv's field limit: the line check names the reason
        header = []
    if len(header) > MAX_COLUMNS:
        raise InputError(f"The file has {len(header):,} columns; the limit is {MAX_COLUMNS}. A series needs one "
                         "row per time step (values down a column, not across a row): keep the date column and "
                         "the columns you want to forecast.")
    _check_lines(data)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, skipinitialspace=True,
                            keep_default_na=False, on_bad_lines="error")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as error:
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else "unreadable"
        raise InputError(f"The file could not be read as CSV ({reason}). Check that every row has the same "
                         "number of columns as the header.") from None
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise InputError("The file has a header but no data rows.")
    if frame.shape[1] > MAX_COLUMNS:
        raise InputError(f"The file has {frame.shape[1]:,} columns; the limit is {MAX_COLUMNS}.")
    if len(frame) > MAX_ROWS:
        raise InputError(f"The file has {len(frame):,} rows; the limit is {MAX_ROWS:,}. "
                         "Aggregate it (e.g. daily or weekly values) and upload again.")
    if len(frame) == 1:
        raise InputError(f"The file has one data row (under its header, {frame.shape[1]:,} column(s)): a series "
                         "needs one row per time step. If your values run across the row, put them down a column.")
    frame.columns = _unique([str(c).strip() or f"column {i + 1}" for i, c in enumerate(frame.columns)])
    return frame


def _unique(names: list[str]) -> list[str]:
    """Column names made unique as pandas makes a header's (``value``, ``value.1``): stripped of their spaces, two
    may have become alike (``value`` and `` value ``)."""
    out: list[str] = []
    for name in names:
        unique, k = name, 0
        while unique in out:
            k += 1
            unique = f"{name}.{k}"
        out.append(unique)
    return out


def _check_lines(data: bytes) -> None:
    """Refuse, before parsing, a file with too many lines or a line too long for a table of numbers."""
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)                 # (L,)
    if len(newlines) > MAX_ROWS + 1:
        raise InputError(f"The file has {len(newlines):,} lines; the limit is {MAX_ROWS:,} rows. "
                         "Aggregate it (e.g. daily or weekly values) and upload again.")
    longest = int(np.diff(newlines, prepend=-1, append=len(data)).max())
    if longest > MAX_LINE_BYTES:
        raise InputError(f"A line of the file is {longest:,} bytes long; the limit is {MAX_LINE_BYTES:,}. A series "
                         "needs one row per time step with a few columns (a date and numbers).")


_MISSING_WORDS = ("nan", "-nan", "+nan", "na", "n/a", "null", "none", "missing", "-", "?")


@dataclass
class Parsed:
    """A column's cells as numbers: ``values`` (NaN where not usable) and why each unusable cell is not."""
    values: pd.Series
    reasons: dict[str, int]          # reason -> count, only reasons that occur

    def sentence(self) -> str:
        return ", ".join(f"{count:,} {reason}" for reason, count in self.reasons.items())


def parse_numbers(column: pd.Series) -> Parsed:
    """Every cell of a column as a finite number of sensible size, or NaN with a counted reason (vectorised)."""
    cleaned = column.astype(str).str.strip()
    numbers = pd.to_numeric(cleaned, errors="coerce").astype(np.float64)
    if numbers.isna().any():                       # "$12.5", "7%": the currency or per cent sign dropped
        unparsed = numbers.isna()
        cleaned = cleaned.where(~unparsed, cleaned.str.replace(r"^[$€£]|%$", "", regex=True))
        numbers = numbers.where(~unparsed, pd.to_numeric(cleaned.where(unparsed, ""), errors="coerce"))
    blank = (cleaned == "").to_numpy()
    said_missing = cleaned.str.lower().isin(_MISSING_WORDS).to_numpy()
    unparsed = numbers.isna().to_numpy()
    infinite = np.isinf(numbers.to_numpy())
    huge = (np.abs(numbers.to_numpy()) > MAX_ABS) & ~infinite
    reasons = {"blank": blank, "nan or n/a": unparsed & said_missing & ~blank,
               "not a number (text)": unparsed & ~said_missing & ~blank, "infinite": infinite,
               f"beyond ±{MAX_ABS:.0e}": huge}
    usable = ~(unparsed | infinite | huge)
    return Parsed(numbers.where(usable), {name: int(mask.sum()) for name, mask in reasons.items() if mask.any()})


def _as_dates(column: pd.Series) -> pd.Series:
    """Dates (datetime64[ns]) in the format guessed from the first filled cell (vectorised); cells in another
    format are read one by one only when they are few. Dates outside datetime64[ns] (1677-2262) are NaT."""
    from pandas.tseries.api import guess_datetime_format
    text = column.astype(str).str.strip()
    filled = text[text != ""]
    fmt = guess_datetime_format(filled.iloc[0]) if len(filled) else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt is not None:
            dates = _read_dates(text, fmt)
        else:
            dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        bad = dates.isna() & (text != "")
        if bad.any() and bad.sum() <= MAX_MIXED_DATES:                 # several formats: slower, row by row
            dates[bad] = _read_dates(text[bad], "mixed")
    return dates


def _read_dates(text: pd.Series, fmt: str) -> pd.Series:
    """Cells in ``fmt`` ("mixed": each its own) as datetime64[ns], NaT where they are not dates. Times with an offset
    (+05:30, Z) are taken to UTC; dates datetime64[ns] cannot hold (pandas reads years 1 to 9999) become NaT."""
    dates = pd.to_datetime(text, errors="coerce", format=fmt, utc=True).dt.tz_localize(None)
    return dates.where(dates.between(pd.Timestamp.min, pd.Timestamp.max)).astype("datetime64[ns]")


def _filled(column: pd.Series) -> pd.Series:
    return column[column.astype(str).str.strip() != ""]


def value_columns(frame: pd.DataFrame) -> list[str]:
    """Columns whose filled cells (among the first 2,000) are mostly numbers or missing-value marks (nan, inf,
    ...), with at least two usable numbers."""
    out = []
    for name in frame.columns:                     # at most MAX_COLUMNS; each column's scan is vectorised
        filled = _filled(frame[name].head(2_000))
        if not len(filled):
            continue
        parsed = parse_numbers(filled)
        number_like = len(filled) - parsed.reasons.get("not a number (text)", 0)
        if number_like >= 0.5 * len(filled) and parsed.values.notna().sum() >= 2:
            out.append(name)
    return out


def date_columns(frame: pd.DataFrame, numeric: list[str] | None = None) -> list[str]:
    """Non-numeric columns whose first filled cells mostly parse as dates."""
    numeric = set(value_columns(frame) if numeric is None else numeric)
    out = []
    for name in frame.columns:
        filled = _filled(frame[name].head(200))
        if name not in numeric and len(filled) and _as_dates(filled).notna().mean() >= 0.5:
            out.append(name)
    return out


def columns(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The numeric columns and the date columns of a table; ``InputError`` when no column holds numbers."""
    numeric = value_columns(frame)
    if not numeric:
        raise InputError("No column of this file holds numbers. Upload a CSV with at least one numeric column.")
    return numeric, date_columns(frame, numeric)


def series_from_frame(frame: pd.DataFrame, value_column: str, date_column: str | None = None,
                      name: str | None = None) -> Series:
    """The chosen columns as a clean ``Series``, or an ``InputError`` that says what to fix.

    Rows are sorted by date. Cells that are blank, not numbers, nan, infinite or huge are filled by linear
    interpolation when they are at most 10 % of the rows, and their rows dropped when more (a note says how
    many and why); series longer than ``MAX_POINTS`` are thinned to every n-th point (ending at the last).
    """
    if value_column not in frame.columns:
        raise InputError(f"There is no column {value_column!r} in the file.")
    notes: list[str] = []
    parsed = parse_numbers(frame[value_column])
    values = parsed.values
    usable = int(values.notna().sum())
    if usable == 0:
        raise InputError(f"Column {value_column!r} holds no numbers ({parsed.sentence()}). "
                         "Choose a column of numbers.")
    if usable == 1:
        row = int(np.argmax(values.notna().to_numpy()))
        raise InputError(f"Column {value_column!r} holds one number only (data row {row + 1}"
                         + (f"; the other rows: {parsed.sentence()}" if parsed.reasons else "")
                         + "): a series needs one number per time step, many rows of them.")
    dates = None
    if date_column:
        if date_column not in frame.columns:
            raise InputError(f"There is no column {date_column!r} in the file.")
        dates = _as_dates(frame[date_column])
        bad = dates.isna().to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(f"{int(bad.sum()):,} value(s) in column {date_column!r} are not dates, the first in "
                             f"data row {row + 1} ({str(frame[date_column].iloc[row])[:40]!r}). Fix them (dates from "
                             "1678 to 2261), or choose 'row number' as the time axis.")
        if not dates.is_monotonic_increasing:
            order = np.argsort(dates.to_numpy(), kind="stable")
            dates, values = dates.iloc[order], values.iloc[order]
            notes.append(f"The rows were not in date order; they were sorted by {date_column!r}.")
    missing = len(values) - usable
    if missing and missing <= MAX_MISSING_FRACTION * len(values):
        values = values.reset_index(drop=True).interpolate(limit_direction="both")
        notes.append(f"{missing:,} of {len(values):,} values in {value_column!r} were not usable "
                     f"({parsed.sentence()}); they were filled by linear interpolation between their neighbours.")
    elif missing:
        keep = values.notna().to_numpy()
        values = values[keep]
        dates = None if dates is None else dates[keep]
        notes.append(f"{missing:,} of {len(keep):,} rows were dropped because their {value_column!r} is not a "
                     f"usable number ({parsed.sentence()}); the series goes on with the {usable:,} numbers left.")
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
        raise InputError(f"Column {value_column!r} is constant ({array[0]:g} in all {len(array):,} rows): "
                         "there is nothing to forecast.")
    return Series(name or value_column, array, date_array, notes)


def csv_series(data: bytes, value_column: str | None = None, date_column: str | None = None) -> Series:
    """A CSV file's series with the page's default choices: the first numeric column, the first date column.

    ``date_column=""`` numbers the rows instead of reading dates.
    """
    frame = read_csv(data)
    numeric, dated = columns(frame)
    value_column = value_column or numeric[0]
    if date_column is None:
        date_column = dated[0] if dated else ""
    return series_from_frame(frame, value_column, date_column or None, name=value_column)


# ---------------------------------------------------------------------------------------------
# Split, scaling and training windows
# ---------------------------------------------------------------------------------------------

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
        raise InputError(f"The series has {len(values):,} points, but window {window} and horizon {horizon} need at "
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
