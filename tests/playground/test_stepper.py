"""The playground's computations: typed sequences, the stepped cells and their LaTeX (the memory task: test_memory)."""

import numpy as np
import pytest

from rnnkit.core.inputs import InputError
from rnnkit.playground import stepper as pg
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
