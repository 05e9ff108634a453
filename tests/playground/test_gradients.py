import numpy as np
import torch

from rnnkit.playground.gradients import lstm_gradient_norms, orthogonal, rnn_gradient_norms, rnn_gradient_sentence


def test_orthogonal_has_unit_singular_values():
    q = orthogonal(8, torch.Generator().manual_seed(1))
    assert torch.allclose(torch.linalg.svdvals(q), torch.ones(8), atol=1e-5)


def test_rnn_gradient_vanishes_below_one_and_explodes_above():
    small, one, large = (rnn_gradient_norms(40, 8, r) for r in (0.7, 1.0, 1.3))
    assert small.shape == (40,)
    assert small[0] < 1e-4 * small[-1]           # 40 steps back: vanished
    assert large[0] > 100 * large[-1]            # 40 steps back: exploded
    assert 0.5 < one[0] / one[-1] < 2            # ρ = 1 near the linear regime: preserved


def test_rnn_linear_gradient_is_radius_power():
    norms = rnn_gradient_norms(10, 4, 0.9, activation="identity")
    # identity activation: ∂s_T/∂s_t = W^(T-t), an orthogonal matrix times 0.9^(T-t): ||.||_F = 2 * 0.9^(T-t)
    expected = 2 * 0.9 ** np.arange(10, 0, -1)
    assert np.allclose(norms, expected, rtol=1e-4)


def test_lstm_open_forget_gate_keeps_gradient():
    closed, open_ = lstm_gradient_norms(40, 8, forget_bias=-2.0), lstm_gradient_norms(40, 8, forget_bias=4.0)
    assert closed[0] < 1e-10 * closed[-1] + 1e-12
    assert open_[0] > 0.1 * open_[-1]


def test_the_sentence_names_what_the_gradient_did():
    assert "gradient vanishes" in rnn_gradient_sentence(rnn_gradient_norms(40, 8, 0.7))
    assert "gradient explodes" in rnn_gradient_sentence(rnn_gradient_norms(40, 8, 1.3))
    held = rnn_gradient_sentence(rnn_gradient_norms(40, 8, 1.0))
    assert held.startswith("Across 40 steps the RNN's gradient roughly holds")
