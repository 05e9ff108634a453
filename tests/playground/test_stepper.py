"""The playground's computations: typed sequences, the stepped cells and their LaTeX (the memory task: test_memory)."""

from datetime import timedelta

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

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


NUMBER_TEXT = st.one_of(
    st.floats().map(str), st.integers(-10**7, 10**7).map(str), st.floats(-2, 2).map("{:.3g}".format),
    st.sampled_from(["1e309", "-1e-400", "0x10", "1_000", "+.5", "5.", "١٢", "nan", "-inf", "½", "-"]))
SEQUENCES = st.one_of(
    st.lists(st.floats(-1e6, 1e6).map(str), min_size=1, max_size=pg.MAX_STEPS).map(", ".join),
    st.builds(lambda numbers, separator: separator.join(numbers),
              st.lists(NUMBER_TEXT, max_size=pg.MAX_STEPS + 3),
              st.sampled_from([",", ", ", ";", " ", "\t", "\n", ",,"])),
    st.text(max_size=80),
    st.text(alphabet="0123456789.,;-+eE \t", max_size=120),
    st.builds(lambda text, n: text * n, st.text(min_size=1, max_size=4), st.integers(400, 700)),   # near the limit
)


@settings(max_examples=100, deadline=timedelta(seconds=10), derandomize=True, database=None)
@given(text=SEQUENCES, hidden_size=st.integers(*pg.HIDDEN_RANGE),
       activation=st.sampled_from(["tanh", "relu", "sigmoid"]))
def test_any_typed_sequence_steps_both_cells_or_gets_a_sentence(text, hidden_size, activation):
    """What the page does with the sequence box: parse it, run both cells, write the last step's equations."""
    try:
        xs = pg.parse_sequence(text)
    except InputError as error:
        event("refused with a sentence")
        assert str(error).strip()
        return
    event("stepped")
    assert 1 <= len(xs) <= pg.MAX_STEPS and all(np.isfinite(xs)) and max(map(abs, xs)) <= 1e6
    rnn = pg.run_rnn(xs, hidden_size, activation, seed=0)
    lstm = pg.run_lstm(xs, hidden_size, seed=0, forget_bias=1.0)
    for run in (rnn, lstm):
        assert all(trace.shape[0] == len(xs) and np.isfinite(trace).all() for trace in run.trace.values())
    assert pg.rnn_step_latex(rnn, len(xs) - 1, activation) and pg.lstm_step_latex(lstm, len(xs) - 1)
