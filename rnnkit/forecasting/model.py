"""The many-to-many LSTM forecaster: at every step of a window it predicts the next k values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from rnnkit.forecasting.data import Scaler


@dataclass
class ModelConfig:
    """The forecaster's architecture (the page's defaults)."""

    hidden_size: int = 32        # LSTM units
    horizon: int = 4             # k: steps predicted at every step of the window


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


def lstm_forecasts(model: Forecaster, inputs: np.ndarray, scaler: Scaler) -> np.ndarray:
    """(M, T) windows in original units -> (M, k) forecasts in original units."""
    z = torch.tensor(scaler.transform(inputs)[..., None], dtype=torch.float32)              # (M, T, 1)
    model.eval()
    return scaler.inverse(model.forecast(z).double().numpy())                                # (M, k)
