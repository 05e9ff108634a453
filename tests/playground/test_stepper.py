"""The playground's computations: typed sequences, the stepped cells, the memory task's settings."""

import subprocess

import numpy as np
import pytest
import torch

from rnnkit import ROOT
from rnnkit.core.inputs import InputError
from rnnkit.core.runner import make_config
from rnnkit.playground import stepper as pg
from rnnkit.playground import task as memory
from rnnkit.playground.model import ModelConfig
from rnnkit.playground.plots import LSTM_TRACES, lstm_trace_figures


def test_sequences_are_parsed_with_any_separator():
    assert pg.parse_sequence(" 0.5, -1 2;3e-1 ") == [0.5, -1.0, 2.0, 0.3]


@pytest.mark.parametrize("text, words", [
    ("", "Type a sequence"), ("1, two, 3", "'two' is not a number"), ("1, nan", "finite"),
    ("1, 1e7", "too large"), (",".join(["1"] * (pg.MAX_STEPS + 1)), "at most"),
])
def test_bad_sequences_raise_input_error_with_a_sentence(text, words):
    with pytest.raises(InputError, match=words):
        pg.parse_sequence(text)


def test_out_of_range_settings_raise_input_error():
    with pytest.raises(InputError, match="hidden size"):
        pg.run_rnn([1.0, 2.0], hidden_size=99)
    with pytest.raises(InputError, match="sequence length"):
        pg.train_memory("lstm", seq_len=1000)


def test_stepped_lstm_has_one_trace_per_equation_and_a_figure_each():
    run = pg.run_lstm([0.5, -1.0, 2.0], hidden_size=3, seed=1, forget_bias=2.0)
    assert set(run.trace) == set(LSTM_TRACES) and run.trace["h_t"].shape == (3, 3)
    figures = lstm_trace_figures(run.trace, highlight=1)
    assert list(figures) == list(LSTM_TRACES)
    np.testing.assert_allclose(np.asarray(figures["f_t"].data[0].z), run.trace["f_t"].T)
    assert figures["f_t"].data[0].zmin == 0.0 and figures["C_t"].data[0].zmin == -1.0


def test_memory_architecture_is_its_model_config():
    cfg = make_config(memory, {"cell": "lstm", "hidden_size": 5, "symbols": 3, "distractors": 2, "seq_len": 7})
    assert cfg.model == ModelConfig(cell="lstm", hidden_size=5, symbols=3, distractors=2) and cfg.seq_len == 7
    model = memory.build_model(cfg.model, {})
    bias = model.recurrent.bias_ih_l0 + model.recurrent.bias_hh_l0            # torch's gate order: i, f, g, o
    assert torch.all(bias[:5] == cfg.model.input_bias) and torch.all(bias[5:10] == cfg.model.forget_bias)
    x, y = memory.prepare(cfg).train.tensors
    assert x.shape == (cfg.train_size, 7) and torch.equal(y, x[:, 0]) and int(x[:, 1:].min()) >= 3
    assert model(x[:4]).shape == (4, 3)


def test_memory_training_writes_outside_the_checkout_by_default():
    out = memory.Config().out
    assert out.startswith(str(ROOT / "build")), out
    ignored = subprocess.run(["git", "check-ignore", "-q", out], cwd=ROOT)
    assert ignored.returncode == 0, f"{out} is not ignored by git"
