"""The playground's predict-then-see questions: their answers are what the settings and the benchmark give,
and the page holds each measurement until the visitor has answered."""

from streamlit.testing.v1 import AppTest

from rnnkit import ROOT
from rnnkit.playground import measured as M
from rnnkit.playground.gradients import rnn_gradient_norms
from rnnkit.playground.questions import LEARNS, WHO, gradient_question, memory_question


def test_the_gradient_question_follows_the_spectral_radius():
    answers = {rho: gradient_question(rnn_gradient_norms(40, 8, rho), rho).answer for rho in (0.7, 1.0, 1.3)}
    assert answers == {0.7: "vanishes", 1.0: "roughly holds", 1.3: "explodes"}


def test_the_memory_question_reads_the_benchmarks_medians():
    measured = M.load()
    for length in sorted({row["seq_len"] for row in measured["table"]}):
        question = memory_question(measured, length, "lstm")
        rnn, lstm = (M.lookup(measured, v, length)["accuracy"]["median"] >= LEARNS for v in ("rnn", "lstm"))
        assert question.answer == WHO[[(True, True), (False, True), (True, False), (False, False)].index((rnn, lstm))]
    assert memory_question(measured, 100, "lstm").answer == "only the LSTM"
    assert memory_question(measured, 5, "lstm").answer == "both"
    assert memory_question(measured, 30, "lstm") is None and memory_question(None, 100, "lstm") is None


def test_page_in_quiz_mode_holds_the_gradient_until_answered():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)           # through app.py: page links resolve
    at.switch_page("pages/playground.py")
    at.query_params["quiz"] = "true"
    at.session_state["playground_tab"] = "Vanishing & exploding gradients"      # hidden tabs compute nothing
    at.run()
    assert not at.exception and not any("Across 50 steps" in i.value for i in at.info)
    question = next(r for r in at.radio if r.label.startswith("With ρ"))
    question.set_value("roughly holds").run()
    assert not at.exception and any(s.value.startswith("Right") for s in at.success)
    assert any("Across 50 steps" in i.value for i in at.info)
