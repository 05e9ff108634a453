"""The lecture's RNN and LSTM, one line of code per equation.

These hand-written cells are for teaching and display: every step returns its intermediates
(pre-activations, gates, cell and hidden states) so pages can show them. They equal
``torch.nn.RNNCell`` / ``nn.LSTMCell`` / ``nn.LSTM`` with copied weights (see the oracle tests);
where speed matters, use the fused ``nn.LSTM`` (it is 10-100x faster on a CPU).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

ACTIVATIONS = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "identity": lambda z: z,
}


class RNNStep(NamedTuple):
    a_t: torch.Tensor   # (B, H) pre-activation U x_t + W s_{t-1} + b_s
    s_t: torch.Tensor   # (B, H) hidden state
    o_t: torch.Tensor   # (B, O) output


class LSTMStep(NamedTuple):
    f_t: torch.Tensor       # (B, H) forget gate
    i_t: torch.Tensor       # (B, H) input gate
    c_tilde: torch.Tensor   # (B, H) candidate cell state
    C_t: torch.Tensor       # (B, H) cell state
    o_t: torch.Tensor       # (B, H) output gate
    h_t: torch.Tensor       # (B, H) hidden state


class RNNCell(nn.Module):
    EQUATIONS = {
        "s_t": r"s_t = \sigma_s\left(U x_t + W s_{t-1} + b_s\right)",
        "o_t": r"o_t = \sigma_o\left(V s_t + b_y\right)",
    }

    def __init__(self, input_size: int, hidden_size: int, output_size: int | None = None,
                 activation: str = "tanh", output_activation: str = "identity",
                 generator: torch.Generator | None = None):
        super().__init__()
        if activation not in ACTIVATIONS or output_activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}")
        output_size = output_size or hidden_size
        self.input_size, self.hidden_size, self.output_size = input_size, hidden_size, output_size
        self.activation, self.output_activation = activation, output_activation
        self.U = nn.Parameter(torch.empty(hidden_size, input_size))     # (H, I)
        self.W = nn.Parameter(torch.empty(hidden_size, hidden_size))    # (H, H)
        self.b_s = nn.Parameter(torch.zeros(hidden_size))               # (H,)
        self.V = nn.Parameter(torch.empty(output_size, hidden_size))    # (O, H)
        self.b_y = nn.Parameter(torch.zeros(output_size))               # (O,)
        bound = hidden_size ** -0.5
        with torch.no_grad():   # a private generator keeps seeded weights exact when threads share torch's RNG
            for weight in (self.U, self.W, self.V):
                weight.uniform_(-bound, bound, generator=generator)

    def forward(self, x_t: torch.Tensor, s_prev: torch.Tensor) -> RNNStep:
        sigma_s, sigma_o = ACTIVATIONS[self.activation], ACTIVATIONS[self.output_activation]
        a_t = x_t @ self.U.T + s_prev @ self.W.T + self.b_s    # (B, H)
        s_t = sigma_s(a_t)                                     # (B, H)
        o_t = sigma_o(s_t @ self.V.T + self.b_y)               # (B, O)
        return RNNStep(a_t, s_t, o_t)


class LSTMCell(nn.Module):
    EQUATIONS = {
        "f_t": r"f_t = \sigma\left(W_f \cdot [h_{t-1}, x_t] + b_f\right)",
        "i_t": r"i_t = \sigma\left(W_i \cdot [h_{t-1}, x_t] + b_i\right)",
        "c_tilde": r"\tilde{C}_t = \tanh\left(W_C \cdot [h_{t-1}, x_t] + b_C\right)",
        "C_t": r"C_t = f_t * C_{t-1} + i_t * \tilde{C}_t",
        "o_t": r"o_t = \sigma\left(W_o \cdot [h_{t-1}, x_t] + b_o\right)",
        "h_t": r"h_t = o_t * \tanh\left(C_t\right)",
    }
    GATES = ("f", "i", "C", "o")

    def __init__(self, input_size: int, hidden_size: int, forget_bias: float = 0.0,
                 generator: torch.Generator | None = None):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        bound = hidden_size ** -0.5
        for gate in self.GATES:   # W_gate acts on the concatenation [h_{t-1}, x_t]
            W = torch.empty(hidden_size, hidden_size + input_size).uniform_(-bound, bound, generator=generator)
            self.register_parameter(f"W_{gate}", nn.Parameter(W))                               # (H, H+I)
            self.register_parameter(f"b_{gate}", nn.Parameter(torch.zeros(hidden_size)))      # (H,)
        with torch.no_grad():
            self.b_f.fill_(forget_bias)

    def forward(self, x_t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]) -> LSTMStep:
        h_prev, C_prev = state                              # (B, H), (B, H)
        hx = torch.cat([h_prev, x_t], dim=-1)               # (B, H+I)
        f_t = torch.sigmoid(hx @ self.W_f.T + self.b_f)     # (B, H)
        i_t = torch.sigmoid(hx @ self.W_i.T + self.b_i)     # (B, H)
        c_tilde = torch.tanh(hx @ self.W_C.T + self.b_C)    # (B, H)
        C_t = f_t * C_prev + i_t * c_tilde                  # (B, H)
        o_t = torch.sigmoid(hx @ self.W_o.T + self.b_o)     # (B, H)
        h_t = o_t * torch.tanh(C_t)                         # (B, H)
        return LSTMStep(f_t, i_t, c_tilde, C_t, o_t, h_t)


def _doc(cell: type) -> None:
    cell.__doc__ = "The lecture's equations, rendered as they are by the Equation Playground:\n\n" + \
        "\n".join(f"    :math:`{latex}`" for latex in cell.EQUATIONS.values())


_doc(RNNCell)
_doc(LSTMCell)


def _stack(steps: list[NamedTuple]) -> dict[str, torch.Tensor]:
    """A list of per-step tuples -> one (B, T, ...) tensor per field."""
    return {name: torch.stack([getattr(s, name) for s in steps], dim=1) for name in steps[0]._fields}


class RNNLayer(nn.Module):
    """Stacked ``RNNCell``s unrolled over a sequence; returns every intermediate.

    ``forward(x)`` with ``x`` of shape (B, T, I) gives ``(outputs, trace)``: the top layer's
    hidden states (B, T, H) and, per layer, ``{"a_t", "s_t", "o_t"}`` each (B, T, ...).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 activation: str = "tanh", output_size: int | None = None, output_activation: str = "identity",
                 generator: torch.Generator | None = None):
        super().__init__()
        self.hidden_size = hidden_size
        self.cells = nn.ModuleList(
            RNNCell(input_size if layer == 0 else hidden_size, hidden_size,
                    output_size if layer == num_layers - 1 else None, activation,
                    output_activation if layer == num_layers - 1 else "identity", generator)
            for layer in range(num_layers))

    def forward(self, x: torch.Tensor, s_0: torch.Tensor | None = None) -> tuple[torch.Tensor, list[dict]]:
        B, T, _ = x.shape
        trace, inputs = [], x                                            # (B, T, I)
        for layer, cell in enumerate(self.cells):
            s_t = x.new_zeros(B, self.hidden_size) if s_0 is None else s_0[layer]
            steps = []
            for t in range(T):
                step = cell(inputs[:, t], s_t)
                steps.append(step)
                s_t = step.s_t                                           # (B, H)
            trace.append(_stack(steps))
            inputs = trace[-1]["s_t"]                                    # (B, T, H)
        return inputs, trace


class LSTMLayer(nn.Module):
    """Stacked ``LSTMCell``s unrolled over a sequence (batch first), like ``nn.LSTM``.

    ``forward(x)`` with ``x`` (B, T, I) gives ``(outputs, (h_n, C_n), trace)``: the top layer's
    h_t (B, T, H), the final states (L, B, H), and per layer every gate and state (B, T, H).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, forget_bias: float = 0.0,
                 generator: torch.Generator | None = None):
        super().__init__()
        self.hidden_size = hidden_size
        self.cells = nn.ModuleList(
            LSTMCell(input_size if layer == 0 else hidden_size, hidden_size, forget_bias, generator)
            for layer in range(num_layers))

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None):
        B, T, _ = x.shape
        trace, inputs, h_n, C_n = [], x, [], []                          # (B, T, I)
        for layer, cell in enumerate(self.cells):
            h_t, C_t = ((x.new_zeros(B, self.hidden_size),) * 2 if state is None
                        else (state[0][layer], state[1][layer]))
            steps = []
            for t in range(T):
                step = cell(inputs[:, t], (h_t, C_t))
                steps.append(step)
                h_t, C_t = step.h_t, step.C_t                            # (B, H)
            trace.append(_stack(steps))
            h_n.append(h_t)
            C_n.append(C_t)
            inputs = trace[-1]["h_t"]                                    # (B, T, H)
        return inputs, (torch.stack(h_n), torch.stack(C_n)), trace


# --- Copying weights from torch's fused modules (torch orders gates i, f, g, o) ---------------

@torch.no_grad()
def copy_rnn_weights(cell: RNNCell, weight_ih: torch.Tensor, weight_hh: torch.Tensor,
                     bias_ih: torch.Tensor, bias_hh: torch.Tensor) -> RNNCell:
    cell.U.copy_(weight_ih)
    cell.W.copy_(weight_hh)
    cell.b_s.copy_(bias_ih + bias_hh)
    return cell


@torch.no_grad()
def copy_lstm_weights(cell: LSTMCell, weight_ih: torch.Tensor, weight_hh: torch.Tensor,
                      bias_ih: torch.Tensor, bias_hh: torch.Tensor) -> LSTMCell:
    H = cell.hidden_size
    for k, gate in enumerate(("i", "f", "C", "o")):
        rows = slice(k * H, (k + 1) * H)
        getattr(cell, f"W_{gate}").copy_(torch.cat([weight_hh[rows], weight_ih[rows]], dim=1))
        getattr(cell, f"b_{gate}").copy_(bias_ih[rows] + bias_hh[rows])
    return cell


def lstm_layer_from_torch(lstm: nn.LSTM) -> LSTMLayer:
    """A hand-written ``LSTMLayer`` computing exactly what ``lstm`` (batch_first) computes."""
    layer = LSTMLayer(lstm.input_size, lstm.hidden_size, lstm.num_layers)
    for k, cell in enumerate(layer.cells):
        copy_lstm_weights(cell, *(getattr(lstm, f"{name}_l{k}") for name in
                                  ("weight_ih", "weight_hh", "bias_ih", "bias_hh")))
    return layer


def rnn_layer_from_torch(rnn: nn.RNN) -> RNNLayer:
    layer = RNNLayer(rnn.input_size, rnn.hidden_size, rnn.num_layers, activation=rnn.nonlinearity)
    for k, cell in enumerate(layer.cells):
        copy_rnn_weights(cell, *(getattr(rnn, f"{name}_l{k}") for name in
                                 ("weight_ih", "weight_hh", "bias_ih", "bias_hh")))
    return layer
