"""Equation Playground: the lecture's RNN and LSTM equations with live numbers, gradients, memory."""

import streamlit as st

from pages._common import Field, advanced, lazy_tabs, predict_first, rnn_types, save_url_state, show_chart, url_state
from pages._live import Busy, training_slot
from rnnkit.core.inputs import InputError, escape_markdown
from rnnkit.core.plots import line_chart
from rnnkit.playground import measured as M
from rnnkit.playground import stepper as pg
from rnnkit.playground.gradients import lstm_gradient_norms, rnn_gradient_norms, rnn_gradient_sentence
from rnnkit.playground.plots import lstm_trace_figures, measured_chart, unrolled_heatmap
from rnnkit.playground.questions import gradient_question, memory_question

ACTIVATION_CHOICES = ("tanh", "relu", "sigmoid")
FIELDS = [
    Field("seq", "0.5, -1, 2, 0, 1, -0.5"),
    Field("hidden", 3, int, *pg.HIDDEN_RANGE),
    Field("act", "tanh", choices=ACTIVATION_CHOICES),
    Field("seed", 0, int, 0, 9999),
    Field("t", 1, int, 1, pg.MAX_STEPS),
    Field("fb", 1.0, float, -5.0, 5.0),
    Field("rho", 1.0, float, 0.5, 1.5),
    Field("glen", 50, int, 10, 100),
    Field("mlen", pg.memory.Config.seq_len, int, *pg.MEMORY_LENGTHS),
    Field("gates", True, bool),
    Field("quiz", False, bool),
]

st.title("🧮 Equation Playground")
st.markdown("Feed a short sequence to a vanilla RNN and an LSTM and step through time: every equation of "
            "the lecture is shown with the numbers of this step. Every setting is in the link, so a copied "
            "URL reopens exactly this view.")
state = url_state(FIELDS)

with st.sidebar:
    st.header("Settings")
    seq_text = st.text_input("Input sequence x₁ … x_T", state["seq"], max_chars=2000,
                             help=f"Up to {pg.MAX_STEPS} numbers separated by commas or spaces.")
    hidden, activation, seed, forget_bias = state["hidden"], state["act"], state["seed"], state["fb"]
    if advanced():                                  # a teacher's class view keeps the link's settings
        hidden = st.slider("Hidden size", *pg.HIDDEN_RANGE, state["hidden"])
        activation = st.selectbox("RNN activation σₛ", ACTIVATION_CHOICES, ACTIVATION_CHOICES.index(state["act"]))
        seed = st.number_input("Weight seed", 0, 9999, state["seed"], help="The random weights of both networks.")
        forget_bias = st.slider("LSTM forget-gate bias b_f", -5.0, 5.0, state["fb"], 0.5,
                                help="Large b_f keeps the forget gate open: C_t remembers.")
    quiz = st.toggle("Predict first", state["quiz"], help="Answer a question before each measurement is shown.")

values = dict(state, seq=seq_text, hidden=hidden, act=activation, seed=int(seed), fb=forget_bias, quiz=quiz)
try:
    xs, sequence_error = pg.parse_sequence(seq_text), ""
except InputError as error:
    xs, sequence_error = None, escape_markdown(str(error))
step = 1
if xs is not None and len(xs) > 1:
    step = st.slider("Time step t", 1, len(xs), min(state["t"], len(xs)),
                     help="Step through time: the equations below show this step's numbers.")
values["t"] = step
tab_rnn, tab_lstm, tab_grad, tab_memory, tab_types = lazy_tabs(
    ["RNN step by step", "LSTM step by step", "Vanishing & exploding gradients", "Memory over long gaps",
     "Four types of RNN models"], key="playground_tab")

if xs is None:
    for tab in (tab_rnn, tab_lstm):
        tab.error(sequence_error)
if xs is not None and tab_rnn.open:
    rnn = pg.run_rnn(xs, hidden, activation, int(seed))
    with tab_rnn:
        st.caption(f"Input x_{step} = {xs[step - 1]:g}. U, W, V are random (seed {int(seed)}); b_s = b_y = 0.")
        for latex in pg.rnn_step_latex(rnn, step - 1, activation):
            st.latex(latex)
        zmin = 0.0 if activation in ("relu", "sigmoid") else -1.0
        show_chart(st, unrolled_heatmap(rnn.trace["s_t"], "Hidden state s_t, unrolled in time", "s_t",
                                         zmin=zmin, zmax=1.0, highlight=step - 1), key="rnn_s")
        show_chart(st, unrolled_heatmap(rnn.trace["o_t"], "Output o_t", "o_t", highlight=step - 1), key="rnn_o")
if xs is not None and tab_lstm.open:
    lstm = pg.run_lstm(xs, hidden, int(seed), forget_bias)
    with tab_lstm:
        st.caption(f"Input x_{step} = {xs[step - 1]:g}; h₀ = C₀ = 0; weights random (seed {int(seed)}).")
        left, right = st.columns(2)
        lines = pg.lstm_step_latex(lstm, step - 1)
        for k, latex in enumerate(lines):
            (left if k < 6 else right).latex(latex)
        columns = st.columns(2)
        for k, (name, figure) in enumerate(lstm_trace_figures(lstm.trace, highlight=step - 1).items()):
            show_chart(columns[k % 2], figure, key=f"lstm_{name}")

with tab_grad:
    st.markdown(r"How much does the last state still depend on an early one? Autograd measures "
                r"$\lVert \partial s_T / \partial s_t \rVert$ through the RNN's equations, with the recurrent "
                r"matrix $W$ scaled to spectral radius $\rho$, and $\lVert \partial C_T / \partial C_t \rVert$ "
                r"through the LSTM's.")
    c1, c2 = st.columns(2)
    radius = c1.slider("Spectral radius ρ of W", 0.5, 1.5, state["rho"], 0.05)
    length = c2.slider("Sequence length T", 10, 100, state["glen"], 5)
    values.update(rho=radius, glen=length)
    if tab_grad.open:
        rnn_norms = rnn_gradient_norms(length, 16, radius, activation, seed=int(seed))
        lstm_norms = lstm_gradient_norms(length, 16, forget_bias, seed=int(seed))
        back = list(range(length, 0, -1))      # T - t for t = 0..T-1
        if not quiz or predict_first([gradient_question(rnn_norms, radius)], "playground-gradient"):
            show_chart(st, line_chart({f"RNN ({activation}, ρ = {radius:g})": rnn_norms,
                                        f"LSTM (b_f = {forget_bias:g})": lstm_norms},
                                       "Gradient norm against distance in time", "T − t (steps back)",
                                       "‖∂state_T / ∂state_t‖ (log scale)", x=back, log_y=True), key="grad")
            st.info(rnn_gradient_sentence(rnn_norms))

with tab_memory:
    st.markdown(f"**The adding problem** (Hochreiter & Schmidhuber 1997). Each step shows a number in [0, 1] and a "
                "marker; two steps are marked, one in each half, and the answer is the sum of their numbers, so the "
                f"network must carry the first one across half the sequence. Solved: within ±{pg.memory.TOLERANCE:g}. "
                f"Both networks train here, now, for at most {pg.memory.Config.time_limit:g} s each.")
    left, right = st.columns(2)
    mem_len = left.slider("Sequence length T", *pg.MEMORY_LENGTHS, state["mlen"], 5)
    gate_biases = right.toggle("LSTM starts with b_f = 4, b_i = −3", state["gates"], help="On: f_t starts open "
                               "(≈ 1), i_t nearly shut (≈ 0), so C_t keeps what it stores. Off: torch's random biases.")
    values.update(mlen=mem_len, gates=gate_biases)
    measured, variants = M.load(), ("rnn", "lstm" if gate_biases else "lstm_torch_init")
    right.caption(M.init_sentence(measured, mem_len))
    if st.button("Train a vanilla RNN and an LSTM", type="primary"):
        bar, chart = st.progress(0.0, "Waiting for a free training slot…"), st.empty()
        show = lambda fraction, text, curves: (bar.progress(fraction, text), show_chart(chart,
            line_chart(curves, "Training loss (live)", "step", "MSE", log_y=True)))
        try:
            with training_slot():
                st.session_state["memory"] = pg.train_memory_variants(variants, mem_len, int(seed), show)
            bar.progress(1.0, "Done.")
            chart.empty()
        except Busy as busy:
            st.warning(str(busy))
    results = st.session_state.get("memory", [])
    if results and tab_memory.open:
        show_chart(st, line_chart({M.VARIANTS[r["variant"]][0]: r["losses"] for r in results},
                                   f"Training loss, sequence length {results[0]['seq_len']}", "step", "MSE",
                                   log_y=True), key="memory_loss")
        for col, r in zip(st.columns(2), results):
            col.metric(f"{M.VARIANTS[r['variant']][0]}: held-out accuracy", M.percent(r["test_accuracy"]),
                       help=pg.memory_note(r))
        st.caption(f"Always answering 1 (input-blind) solves {M.percent(results[0]['chance'])} of the same test "
                   f"sequences, MSE {results[0]['baseline_mse']:.3f}. Short gaps: both learn. Long gaps: the RNN's "
                   "gradient fades before the first marked step; the LSTM's cell state carries it.")
    question = memory_question(measured, mem_len, variants[1]) if quiz else None
    if measured and tab_memory.open and (question is None or predict_first([question], "playground-memory")):
        show_chart(st, measured_chart(measured, results), key="memory_measured")

if tab_types.open:
    with tab_types:
        rnn_types()

save_url_state(FIELDS, values)
