"""The adding problem's regressor: (value, marker) per step through a fused RNN, GRU or LSTM, read at the last step."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

INPUTS = 2          # per step: a value in [0, 1] and a marker (1 at the two steps to add, else 0)
CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


@dataclass
class ModelConfig:
    """The adding problem's architecture."""

    cell: str = "lstm"           # "lstm", "gru" or "rnn" (vanilla, tanh)
    hidden_size: int = 32        # recurrent units
    gate_biases: bool = True     # LSTM only: start b_f and b_i at the two values below; false = torch's default init
    forget_bias: float = 4.0     # LSTM b_f: f_t starts near 1, so the cell state keeps what it stored
    input_bias: float = -3.0     # LSTM b_i: i_t starts near 0, so unmarked steps do not flood the cell


class MemoryNet(nn.Module):
    """(B, T, 2) values and markers -> fused ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` -> (B,) the predicted sum.

    With ``gate_biases`` the LSTM's input-gate and forget-gate biases start at ``input_bias`` and
    ``forget_bias`` (torch orders the gates i, f, g, o; its two bias vectors are added, so the
    hidden-to-hidden half is zeroed); otherwise every bias keeps torch's U(-1/sqrt(H), 1/sqrt(H)).
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        if config.cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}")
        hidden = config.hidden_size
        self.recurrent = CELLS[config.cell](INPUTS, hidden, batch_first=True)
        self.readout = nn.Linear(hidden, 1)
        if config.cell == "lstm" and config.gate_biases:
            with torch.no_grad():
                self.recurrent.bias_ih_l0[:hidden].fill_(config.input_bias)
                self.recurrent.bias_ih_l0[hidden:2 * hidden].fill_(config.forget_bias)
                self.recurrent.bias_hh_l0[:2 * hidden].zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.recurrent(x)                    # (B, T, H)
        return self.readout(states[:, -1]).squeeze(-1)   # (B,) many-to-one: read the last state
