"""AppTests of the home page and the Equation Playground (the foundation's pages)."""

from streamlit.testing.v1 import AppTest

from pages._lecture import TOPICS, available_pages, lesson, lesson_place
from rnnkit import ROOT


def page(name: str, open_tab: tuple[str, str] | None = None, **params) -> AppTest:
    """Open ``pages/<name>`` through app.py (so page links resolve), with a shared link's params; ``open_tab``
    (the tabs' key, a label) is the tab the visitor has open: the others compute nothing (``lazy_tabs``)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page(f"pages/{name}")
    for key, value in params.items():
        app.query_params[key] = value
    if open_tab:
        app.session_state[open_tab[0]] = open_tab[1]
    return app.run()


def test_app_navigation_starts():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not app.exception
    assert app.title[0].value.startswith("rnnkit")


def test_home_links_every_existing_page():
    app = page("home.py")
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "Mapping time into state" in text and "Attention" in text or len(available_pages()) == 1
    assert len(app.caption) >= len(available_pages())


def test_the_lesson_is_every_page_once_in_the_lectures_order_with_its_neighbours():
    """The foot app.py draws under each page comes from ``lesson_place`` (walked with 'Next' in Chromium by
    tests/pages/test_browser.py)."""
    steps = lesson()
    assert steps[0][1].file == "pages/home.py" and steps[1][1].url_path == "playground"
    assert sorted(page.url_path for _, page in steps[1:]) == sorted(page.url_path for page in available_pages())
    topics = [topic for step, _ in steps for topic in step.topics]
    assert list(dict.fromkeys(topics)) == list(TOPICS)                     # every topic, in the lecture's order
    for number, (step, page) in enumerate(steps, start=1):
        place = lesson_place(page.title)
        assert place[:3] == (number, len(steps), step)
        assert place[3] == (steps[number - 2][1] if number > 1 else None)
        assert place[4] == (steps[number][1] if number < len(steps) else None)
    assert lesson_place("Not a page") is None


def test_playground_renders_equations_and_heatmaps():
    app = page("playground.py")
    assert not app.exception
    assert app.title[0].value.endswith("Equation Playground")
    assert any(r"s_{1} = \tanh" in l.value for l in app.latex)
    assert not any(r"C_{1} =" in l.value for l in app.latex)               # the LSTM's tab is not open
    assert len(app.tabs) == 5
    app.session_state["playground_tab"] = "LSTM step by step"
    app.run()
    assert any(r"C_{1} =" in l.value for l in app.latex) and not any(r"s_{1} = \tanh" in l.value for l in app.latex)


def test_playground_step_slider_and_hidden_size_go_to_the_url():
    app = page("playground.py")
    step = next(s for s in app.slider if s.label == "Time step t")
    step.set_value(3).run()
    assert not app.exception
    assert any(r"s_{3} =" in l.value for l in app.latex)
    assert app.query_params["t"] == ["3"] or app.query_params["t"] == "3"
    next(s for s in app.slider if s.label == "Hidden size").set_value(5).run()
    assert any(l.value.count(r"\\") >= 4 and r"s_{3}" in l.value for l in app.latex)


def test_playground_bad_sequences_get_a_sentence_and_the_rest_works():
    for bad, words in [("", "Type a sequence"), ("1, two, 3", "not a number"), ("1, nan", "finite"),
                       (",".join(["1"] * 10_000), "at most")]:
        app = page("playground.py", ("playground_tab", "Vanishing & exploding gradients"))
        app.text_input[0].set_value(bad).run()
        assert not app.exception
        assert any(words in e.value for e in app.error), (bad[:20], [e.value for e in app.error])
        assert app.get("plotly_chart"), "the gradient tab must still render"


def test_playground_malformed_link_falls_back_with_warning():
    app = page("playground.py", hidden="99", act="<script>alert(1)</script>", rho="abc", seq="1,2")
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert "between 1 and 8" in warnings and "must be one of" in warnings and "must be a number" in warnings
    assert next(s for s in app.slider if s.label == "Hidden size").value == 3


def test_playground_trains_rnn_and_lstm_live_as_the_command_line_does(monkeypatch):
    from rnnkit.playground import stepper
    # Shorter runs with no time limit, so the machine's load cannot cut one run earlier than the other.
    shorter = lambda task, values: make_config(task, {**values, "epochs": 2, "time_limit": 0.0})
    make_config = stepper.make_config
    monkeypatch.setattr(stepper, "make_config", shorter)
    app = page("playground.py", ("playground_tab", "Memory over long gaps"), mlen="5", seed="2", gates="false")
    app.button[0].click().run(timeout=180)
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert list(metrics) == ["vanilla RNN: held-out accuracy", "LSTM, torch's default biases: held-out accuracy"]
    assert all(v.endswith(" %") for v in metrics.values())
    rnn = stepper.train_memory("rnn", 5, seed=2)           # the page's code path and settings: the same accuracy
    assert app.session_state["memory"][0]["test_accuracy"] == rnn["test_accuracy"]
    measured = app.get("plotly_chart")[-1].proto.spec                   # the benchmark's chart, with this run
    assert "What we measured" in measured and "LSTM, torch's default biases: your run" in measured


def test_home_page_renders_without_importing_torch():
    import subprocess
    import sys
    code = ("import sys; from streamlit.testing.v1 import AppTest; "
            "app = AppTest.from_file('app.py', default_timeout=30).run(); "
            "assert not app.exception; print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"
