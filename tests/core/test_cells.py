"""Oracle tests: the lecture's hand-written cells equal torch's fused ones (values and gradients)."""

import pytest
import torch
from torch import nn

from rnnkit.core.cells import (
    LSTMCell,
    LSTMLayer,
    RNNCell,
    RNNLayer,
    copy_lstm_weights,
    copy_rnn_weights,
    lstm_layer_from_torch,
    rnn_layer_from_torch,
)

TOL = dict(atol=1e-5, rtol=1e-5)


@pytest.fixture(autouse=True)
def seed():
    torch.manual_seed(0)


def params(module):
    return [p for p in module.parameters()]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_rnn_cell_matches_torch(activation):
    oracle = nn.RNNCell(3, 5, nonlinearity=activation)
    cell = copy_rnn_weights(RNNCell(3, 5, activation=activation), oracle.weight_ih, oracle.weight_hh,
                            oracle.bias_ih, oracle.bias_hh)
    x, s = torch.randn(4, 3, requires_grad=True), torch.randn(4, 5)
    ours, theirs = cell(x, s).s_t, oracle(x, s)
    assert torch.allclose(ours, theirs, **TOL)
    (g_ours,) = torch.autograd.grad(ours.pow(2).sum(), x)
    (g_theirs,) = torch.autograd.grad(theirs.pow(2).sum(), x)
    assert torch.allclose(g_ours, g_theirs, **TOL)


def test_rnn_cell_output_equation():
    cell = RNNCell(2, 3, output_size=4, activation="sigmoid", output_activation="sigmoid")
    x, s = torch.randn(1, 2), torch.randn(1, 3)
    step = cell(x, s)
    s_t = torch.sigmoid(cell.U @ x[0] + cell.W @ s[0] + cell.b_s)
    assert torch.allclose(step.s_t[0], s_t, **TOL)
    assert torch.allclose(step.o_t[0], torch.sigmoid(cell.V @ s_t + cell.b_y), **TOL)
    assert step.o_t.shape == (1, 4)


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError):
        RNNCell(2, 3, activation="softsign")


def test_lstm_cell_matches_torch_values_and_gradients():
    oracle = nn.LSTMCell(3, 6)
    cell = copy_lstm_weights(LSTMCell(3, 6), oracle.weight_ih, oracle.weight_hh, oracle.bias_ih, oracle.bias_hh)
    x, h, c = torch.randn(4, 3), torch.randn(4, 6), torch.randn(4, 6)
    step = cell(x, (h, c))
    h_ref, c_ref = oracle(x, (h, c))
    assert torch.allclose(step.h_t, h_ref, **TOL) and torch.allclose(step.C_t, c_ref, **TOL)
    loss_ours, loss_theirs = (step.h_t.sum() + step.C_t.pow(2).sum()), (h_ref.sum() + c_ref.pow(2).sum())
    ours = torch.autograd.grad(loss_ours, [cell.W_f, cell.W_i, cell.W_C, cell.W_o])
    theirs_ih, theirs_hh = torch.autograd.grad(loss_theirs, [oracle.weight_ih, oracle.weight_hh])
    H = 6
    for k, grad in enumerate([ours[1], ours[0], ours[2], ours[3]]):       # torch order: i, f, g, o
        rows = slice(k * H, (k + 1) * H)
        assert torch.allclose(grad, torch.cat([theirs_hh[rows], theirs_ih[rows]], 1), **TOL)


def test_lstm_cell_gates_follow_the_equations():
    cell = LSTMCell(2, 3, forget_bias=1.0)
    x, h, c = torch.randn(1, 2), torch.randn(1, 3), torch.randn(1, 3)
    step = cell(x, (h, c))
    hx = torch.cat([h, x], 1)[0]
    assert torch.allclose(step.f_t[0], torch.sigmoid(cell.W_f @ hx + cell.b_f), **TOL)
    assert torch.allclose(step.C_t, step.f_t * c + step.i_t * step.c_tilde, **TOL)
    assert torch.allclose(step.h_t, step.o_t * torch.tanh(step.C_t), **TOL)
    assert torch.all(cell.b_f == 1.0)


@pytest.mark.parametrize("num_layers", [1, 2])
def test_lstm_layer_matches_nn_lstm(num_layers):
    oracle = nn.LSTM(3, 5, num_layers, batch_first=True)
    layer = lstm_layer_from_torch(oracle)
    x = torch.randn(2, 9, 3)
    out_ref, (h_ref, c_ref) = oracle(x)
    out, (h_n, C_n), trace = layer(x)
    assert torch.allclose(out, out_ref, **TOL)
    assert torch.allclose(h_n, h_ref, **TOL) and torch.allclose(C_n, c_ref, **TOL)
    assert len(trace) == num_layers
    assert set(trace[0]) == {"f_t", "i_t", "c_tilde", "C_t", "o_t", "h_t"}
    assert trace[-1]["h_t"].shape == (2, 9, 5)
    ours = dict(zip([n for n, _ in layer.named_parameters()],
                    torch.autograd.grad(out.pow(2).sum(), params(layer))))
    theirs = dict(zip([n for n, _ in oracle.named_parameters()],
                      torch.autograd.grad(out_ref.pow(2).sum(), params(oracle))))
    H = 5
    for k in range(num_layers):
        for g, gate in enumerate(("i", "f", "C", "o")):                     # torch order: i, f, g, o
            rows = slice(g * H, (g + 1) * H)
            expected_W = torch.cat([theirs[f"weight_hh_l{k}"][rows], theirs[f"weight_ih_l{k}"][rows]], 1)
            assert torch.allclose(ours[f"cells.{k}.W_{gate}"], expected_W, **TOL)
            assert torch.allclose(ours[f"cells.{k}.b_{gate}"], theirs[f"bias_ih_l{k}"][rows], **TOL)


def test_lstm_layer_input_gradient_matches():
    oracle = nn.LSTM(3, 4, 2, batch_first=True)
    layer = lstm_layer_from_torch(oracle)
    x = torch.randn(2, 6, 3, requires_grad=True)
    (g,) = torch.autograd.grad(layer(x)[0].sum(), x)
    (g_ref,) = torch.autograd.grad(oracle(x)[0].sum(), x)
    assert torch.allclose(g, g_ref, **TOL)


@pytest.mark.parametrize("num_layers", [1, 2])
def test_rnn_layer_matches_nn_rnn(num_layers):
    oracle = nn.RNN(3, 5, num_layers, batch_first=True)
    layer = rnn_layer_from_torch(oracle)
    x = torch.randn(2, 7, 3, requires_grad=True)
    out, trace = layer(x)
    out_ref, _ = oracle(x)
    assert torch.allclose(out, out_ref, **TOL)
    assert trace[0]["s_t"].shape == (2, 7, 5)
    (g,), (g_ref,) = torch.autograd.grad(out.sum(), x), torch.autograd.grad(out_ref.sum(), x)
    assert torch.allclose(g, g_ref, **TOL)


def test_rnn_layer_output_projection_on_last_layer():
    layer = RNNLayer(2, 4, num_layers=2, output_size=3)
    _, trace = layer(torch.randn(1, 5, 2))
    assert trace[-1]["o_t"].shape == (1, 5, 3) and trace[0]["o_t"].shape == (1, 5, 4)


def test_lstm_layer_keeps_given_state():
    layer = LSTMLayer(2, 3)
    h0, c0 = torch.randn(1, 1, 3), torch.randn(1, 1, 3)
    _, _, trace = layer(torch.randn(1, 1, 2), (h0, c0))
    step = trace[0]
    assert torch.allclose(step["C_t"][:, 0], step["f_t"][:, 0] * c0[0] + step["i_t"][:, 0] * step["c_tilde"][:, 0])
