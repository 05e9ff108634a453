"""Many-to-many forecasting of one series: the Forecasting page's model, its settings and its loss.

The page (and ``rnnkit forecast``) train this model live with these defaults through
``rnnkit.forecasting.forecaster.train``; ``rnnkit train forecasting`` trains the same model on the
same windows so that a reference checkpoint has a model card and a test can check it::

    rnnkit train forecasting --stock=GOOG
    rnnkit train forecasting --csv=my.csv --value_column=price --date_column=date

The held-out tail (the last ``test_fraction`` of the series) is both ``dev`` and ``test``: a
105-week series has no room for a third split, so the card says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from rnnkit.core.training import Prepared, TrainConfig
from rnnkit.forecasting import data as D
from rnnkit.forecasting.baselines import LSTM_NAME, baseline_forecasts, metric_table
from rnnkit.forecasting.model import Forecaster, ModelConfig, lstm_forecasts

DESCRIPTION = ("A many-to-many LSTM that reads a window of weekly prices and, at every step, predicts the "
               "next k values; compared on the held-out tail with the last-value forecast.")
LIMITS = ("Trained on about 84 weeks of one stock (2018-2019). Stock prices are close to a random walk: "
          "any edge over 'last value' on an 18-forecast tail is small and may be luck. Not investment advice.")


@dataclass
class Config(TrainConfig):
    """The forecaster's training settings; the defaults are the page's."""

    model: ModelConfig = field(default_factory=ModelConfig)
    window: int = 12             # T: steps the LSTM reads
    test_fraction: float = 0.2   # the held-out tail of the series
    epochs: int = 50             # passes over the training windows
    batch_size: int = 64         # windows per optimiser step
    lr: float = 1e-2             # AdamW learning rate (cosine decay to 0 over the run)
    time_limit: float = 30.0     # seconds; training stops there and keeps what it learned (live on the page); 0 = none
    stock: str = "GOOG"          # one of rnnkit.forecasting.data.STOCKS, unless csv is given
    csv: str = ""                # path to a CSV file instead of a bundled stock
    value_column: str = "value"  # the CSV column to forecast
    date_column: str = ""        # the CSV column of dates; "" = rows in file order


def dry_run(cfg: Config) -> Config:
    cfg.epochs, cfg.max_steps, cfg.model.hidden_size = 1, 3, 8
    return cfg


def load_series(cfg: Config) -> D.Series:
    if cfg.csv:
        frame = D.read_csv(Path(cfg.csv).read_bytes())
        return D.series_from_frame(frame, cfg.value_column, cfg.date_column or None)
    return D.load_stock(cfg.stock)


def prepare(cfg: Config) -> Prepared:
    series = load_series(cfg)
    horizon = cfg.model.horizon
    data = D.split(series.values, cfg.window, horizon, cfg.test_fraction)
    train = D.training_windows(data.scaler.transform(data.values[:data.n_train]), cfg.window, horizon)
    source = f"CSV file {cfg.csv} (column {cfg.value_column})" if cfg.csv else f"{D.STOCKS_SOURCE}; stock {cfg.stock}"
    return Prepared(train=train, dev=data, test=data,
                    extras={"scaler_mean": data.scaler.mean, "scaler_std": data.scaler.std},
                    data={"source": source,
                          "split": f"{len(series.values)} points: first {data.n_train} train (and fit the scaler), "
                                   f"last {len(series.values) - data.n_train} held out ({len(data.origins)} "
                                   f"forecasts of {horizon} steps); dev = test = the held-out tail",
                          **({} if cfg.csv else {"licence": "the series ship in plotly (MIT), "
                                                            "plotly.express.data.stocks()"}),
                          **({"notes": " ".join(series.notes)} if series.notes else {})})


def build_model(model_config: ModelConfig, extras: dict) -> Forecaster:
    return Forecaster(model_config.hidden_size, model_config.horizon)


def loss(model: nn.Module, batch, cfg: Config) -> torch.Tensor:
    inputs, targets = batch                # (B, T, 1), (B, T, k)
    return F.mse_loss(model(inputs), targets)


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    data: D.Split = getattr(prepared, split)
    forecasts = {LSTM_NAME: lstm_forecasts(model, data.inputs, data.scaler), **baseline_forecasts(data)}
    table = metric_table(forecasts, data.truth)
    return {f"{split}_mae": float(table.loc[LSTM_NAME, "MAE"]),
            f"{split}_rmse": float(table.loc[LSTM_NAME, "RMSE"]),
            f"{split}_last_value_mae": float(table.loc["Last value", "MAE"]),
            f"{split}_mae_over_last_value": float(table.loc[LSTM_NAME, "MAE / last value"])}
