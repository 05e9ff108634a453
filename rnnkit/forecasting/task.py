"""Many-to-many forecasting of one series, the Forecasting page's model, through the training CLI.

The page trains this model live per visitor; this task trains the same model (same data windows,
loss and defaults, from ``rnnkit.forecasting``) from the command line, so a reference checkpoint
has a model card and a test can check it::

    python -m rnnkit.train forecasting --stock=GOOG
    python -m rnnkit.train forecasting --csv=my.csv --value_column=price --date_column=date

The held-out tail (the last ``test_fraction`` of the series) is both ``dev`` and ``test``: a
105-week series has no room for a third split, so the card says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from torch import nn

from rnnkit.forecasting import forecaster as fc
from rnnkit.core.training import Prepared

DESCRIPTION = ("A many-to-many LSTM that reads a window of weekly prices and, at every step, predicts the "
               "next k values; compared on the held-out tail with the last-value forecast.")
LIMITS = ("Trained on about 84 weeks of one stock (2018-2019). Stock prices are close to a random walk: "
          "any edge over 'last value' on an 18-forecast tail is small and may be luck. Not investment advice.")


@dataclass
class Config(fc.ForecastConfig):
    stock: str = "GOOG"          # one of rnnkit.forecasting.STOCKS, unless csv is given
    csv: str = ""                # path to a CSV file instead of a bundled stock
    value_column: str = "value"
    date_column: str = ""        # "" = rows in file order
    time_limit: float = 0.0      # no time limit from the command line (the page has one)


def dry_run(cfg: Config) -> Config:
    cfg.epochs, cfg.max_steps, cfg.hidden_size = 1, 3, 8
    return cfg


def load_series(cfg: Config) -> fc.Series:
    if cfg.csv:
        frame = fc.read_csv(Path(cfg.csv).read_bytes())
        return fc.series_from_frame(frame, cfg.value_column, cfg.date_column or None)
    return fc.load_stock(cfg.stock)


def prepare(cfg: Config) -> Prepared:
    series = load_series(cfg)
    data = fc.split(series.values, cfg.window, cfg.horizon, cfg.test_fraction)
    train = fc.training_windows(data.scaler.transform(data.values[:data.n_train]), cfg.window, cfg.horizon)
    source = f"CSV file {cfg.csv} (column {cfg.value_column})" if cfg.csv else f"{fc.STOCKS_SOURCE}; stock {cfg.stock}"
    return Prepared(train=train, dev=data, test=data,
                    extras={"scaler_mean": data.scaler.mean, "scaler_std": data.scaler.std},
                    data={"source": source,
                          "split": f"{len(series.values)} points: first {data.n_train} train (and fit the scaler), "
                                   f"last {len(series.values) - data.n_train} held out ({len(data.origins)} "
                                   f"forecasts of {cfg.horizon} steps); dev = test = the held-out tail",
                          **({"notes": " ".join(series.notes)} if series.notes else {})})


def build_model(cfg: Config, extras: dict) -> nn.Module:
    return fc.build_model(cfg)


loss = fc.loss


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    data: fc.Split = getattr(prepared, split)
    forecasts = {fc.LSTM_NAME: fc.lstm_forecasts(model, data), **fc.baseline_forecasts(data)}
    table = fc.metric_table(forecasts, data.truth)
    return {f"{split}_mae": float(table.loc[fc.LSTM_NAME, "MAE"]),
            f"{split}_rmse": float(table.loc[fc.LSTM_NAME, "RMSE"]),
            f"{split}_last_value_mae": float(table.loc["Last value", "MAE"]),
            f"{split}_mae_over_last_value": float(table.loc[fc.LSTM_NAME, "MAE / last value"])}
