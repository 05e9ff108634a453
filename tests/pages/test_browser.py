"""End to end in a real headless Chromium against `streamlit run app.py`: every page opens, shows
its title and no error; screenshots land in build/screenshots/ (a CI artifact, not committed)."""

import os
import shutil

import pytest

from harness.browser import CHROMIUM, SCREENSHOTS, browser_page, error_texts, streamlit_server, wait_for_idle
from pages._lecture import available_pages, lesson

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
                                reason="Debian chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def page():
    with browser_page() as page:
        yield page


def test_shared_deep_link_on_a_fresh_server_opens_inside_the_app(server, page):
    # Runs first: the server has served nobody yet, as when a teacher shares a link to a new deployment.
    page.goto(f"{server}/playground?seq=1,2,3&t=2")
    wait_for_idle(page)
    nav = page.inner_text("[data-testid='stSidebarNav']")
    assert "Home" in nav and "Equation Playground" in nav and "common" not in nav
    assert "Input x_2 = 2" in page.inner_text("[data-testid='stMain']")
    assert "t=2" in page.url


def test_home_page_in_chromium(server, page):
    page.goto(server + "/")
    wait_for_idle(page)
    assert "recurrent neural networks you can use" in page.inner_text("h1")
    assert not error_texts(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)


@pytest.mark.parametrize("info", available_pages(), ids=lambda p: p.url_path)
def test_every_page_opens_with_its_title_and_no_error(server, page, info):
    page.goto(f"{server}/{info.url_path}")
    wait_for_idle(page, timeout_ms=120_000)
    assert info.title.lower() in page.inner_text("h1").lower()
    assert not error_texts(page)
    page.screenshot(path=str(SCREENSHOTS / f"{info.url_path}.png"), full_page=True)


def test_the_lesson_walks_from_the_first_page_to_the_last_with_next_alone(server, page):
    """Issue 17: a visitor at the home page reaches every page of the lecture, in order, by clicking 'Next'."""
    page.goto(server + "/")
    wait_for_idle(page)
    seen = [page.inner_text("h1")]
    for _ in range(len(lesson()) - 1):
        page.locator("a", has_text="Next:").last.click()
        page.wait_for_timeout(300)
        wait_for_idle(page, timeout_ms=120_000)
        seen.append(page.inner_text("h1"))
        assert not error_texts(page), seen[-1]
    expected = [info.title for _, info in lesson()]
    assert "recurrent neural networks you can use" in seen[0]
    assert all(title.lower() in heading.lower() for title, heading in zip(expected[1:], seen[1:])), seen
    assert page.locator("a", has_text="Next:").count() == 0                  # the last step has no next
    assert f"step {len(expected)} of {len(expected)}" in page.inner_text("[data-testid='stMain']")


def test_a_student_predicts_then_sees_on_the_sentiment_page(server, page):
    """Issue 17's predict-then-reveal, in the browser: with ?quiz=true the answer waits; a choice gets its verdict."""
    page.goto(f"{server}/sentiment?quiz=true")
    wait_for_idle(page, timeout_ms=120_000)
    main = page.locator("[data-testid='stMain']")
    assert "The LSTM says" not in main.inner_text() and "Predict first" in main.inner_text()
    page.get_by_text("negative", exact=True).first.click()            # the lecture's sentence: it is negative
    wait_for_idle(page)
    assert "Right: P(positive) =" in main.inner_text()
    page.get_by_text("Show the model's answer now").click()
    wait_for_idle(page)
    assert "The LSTM says: negative" in main.inner_text() and not error_texts(page)
    page.screenshot(path=str(SCREENSHOTS / "sentiment-quiz.png"), full_page=True)


QUIZ = {"playground": ("Vanishing & exploding gradients", "With ρ"), "embeddings": (None, "What will"),
        "sentiment": (None, "Will the LSTM"), "captioning": (None, "Which caption"),
        "translation": (None, "Which French"), "ner": (None, "What will"),
        "forecasting": (None, "Which forecaster")}


@pytest.mark.parametrize("url_path", [p.url_path for p in available_pages() if p.url_path in QUIZ])
def test_every_page_asks_before_it_shows_and_gives_a_verdict(server, page, url_path):
    """Issue 17: with ?quiz=true a student answers one question on each page and gets the model's verdict."""
    tab, prompt = QUIZ[url_path]
    page.goto(f"{server}/{url_path}?quiz=true")
    wait_for_idle(page, timeout_ms=120_000)
    if tab:
        page.get_by_role("tab", name=tab).click()
    assert "The lecture, step" in page.locator("[data-testid='stMain']").inner_text()   # the foot, while it waits
    question = page.locator("[data-testid='stRadio']", has_text=prompt).first
    question.locator("label[data-testid='stRadioOption']").first.click()
    wait_for_idle(page, timeout_ms=120_000)
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "Right:" in text or "Not this time: the model says" in text, text[-800:]
    assert not error_texts(page)


def test_playground_step_and_bad_input_in_chromium(server, page):
    page.goto(f"{server}/playground?seq=1,2,3&t=2")
    wait_for_idle(page)
    assert "Input x_2 = 2" in page.inner_text("[data-testid='stMain']")
    box = page.get_by_label("Input sequence x₁ … x_T", exact=True).and_(page.get_by_test_id("stTextInputField"))
    box.fill("1, banana")
    box.press("Enter")
    wait_for_idle(page)
    assert "is not a number" in page.inner_text("[data-testid='stMain']")
    assert not error_texts(page)
    page.screenshot(path=str(SCREENSHOTS / "playground-bad-input.png"), full_page=True)


def test_a_teachers_link_opens_in_a_fresh_browser_with_the_controls_hidden_and_the_same_view(server, page):
    """Issue 17: the sidebar's "Share with a class" link holds the page's state and the class view."""
    page.goto(f"{server}/translation?text=The+cat+is+black.&beam=3")
    wait_for_idle(page, timeout_ms=120_000)
    main = page.inner_text("[data-testid='stMain']")
    assert "Beam size" in main
    french = page.inner_text("[data-testid='stMain'] h3")
    page.get_by_text("Share with a class").click()
    link = page.locator("[data-testid='stSidebar'] [data-testid='stCode'] code").inner_text().strip()
    assert "class=true" in link and "beam=3" in link and "cat" in link
    student = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})   # nothing shared
    try:
        fresh = student.new_page()
        fresh.goto(link)
        wait_for_idle(fresh, timeout_ms=120_000)
        shown = fresh.inner_text("[data-testid='stMain']")
        assert "Beam size" not in shown and "Model" not in [e.inner_text() for e in fresh.query_selector_all("label")]
        assert fresh.inner_text("[data-testid='stMain'] h3") == french
        assert "The cat is black." in fresh.input_value("textarea")
        assert not error_texts(fresh)
        fresh.screenshot(path=str(SCREENSHOTS / "class-view.png"), full_page=True)
    finally:
        student.close()


def test_presentation_view_enlarges_the_type(server, page):
    page.goto(f"{server}/sentiment?present=true")
    wait_for_idle(page, timeout_ms=120_000)
    size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
    assert size == "22px"
    assert "present=true" in page.url


def test_axe_core_finds_no_serious_violation_on_any_page(server, page):
    """Issue 17: axe-core's WCAG 2.1 A/AA rules in Chromium (benchmarks/accessibility.py prints them all)."""
    from benchmarks.accessibility import SERIOUS, axe_source, violations
    source, found = axe_source(), {}
    for path in ["", *(info.url_path for info in available_pages())]:
        page.goto(f"{server}/{path}")
        wait_for_idle(page, timeout_ms=120_000)
        found[path or "home"] = [v for v in violations(page, source) if v["impact"] in SERIOUS]
    assert not any(found.values()), found


def test_a_visitor_trains_on_their_own_labelled_file_and_compares(server, page, tmp_path):
    """Issue 17, "your own data": upload a labelled CSV on the sentiment page, train, see both models scored."""
    lines = ["text,label"] + [f"\"{'a lovely warm film' if i % 2 else 'a dull boring mess'} number {i}\","
                              f"{'fresh' if i % 2 else 'rotten'}" for i in range(40)]
    page.goto(f"{server}/sentiment")
    wait_for_idle(page, timeout_ms=120_000)
    page.get_by_role("tab", name="Train on your data").click()
    page.locator("[data-testid='stFileUploader'] input[type='file']").nth(1).set_input_files(
        {"name": "mine.csv", "mimeType": "text/csv", "buffer": "\n".join(lines).encode()})
    page.get_by_text("32 rows to train on, 8 held out").wait_for(timeout=60_000)
    page.get_by_role("button", name="Train an LSTM on my rows").click()
    page.get_by_text("On your held-out rows", exact=True).wait_for(timeout=120_000)
    wait_for_idle(page, timeout_ms=60_000)
    shown = page.inner_text("[data-testid='stMain']")
    assert ("beats" in shown or "level" in shown) and "training steps in" in shown   # the tables are canvases
    assert not error_texts(page)
    page.screenshot(path=str(SCREENSHOTS / "sentiment-own-data.png"), full_page=True)


def test_two_translations_attention_maps_side_by_side(server, page):
    """Issue 17, compare two inputs: the second sentence's attention map beside the first, kept in the link."""
    page.goto(f"{server}/translation?text=The+cat+is+black.&vs=The+small+dog+is+not+black.")
    wait_for_idle(page, timeout_ms=120_000)
    assert page.get_by_label("Compare with another English sentence (optional)", exact=True).input_value() \
        == "The small dog is not black."
    assert len(page.query_selector_all(".js-plotly-plot")) >= 4     # the map, the two side by side, the step
    assert "vs=The" in page.url and not error_texts(page)


def test_two_analogies_in_one_pca_plot(server, page):
    """Issue 17, compare two inputs: a second analogy drawn in the same PCA as the first, kept in the link."""
    page.goto(f"{server}/embeddings?vs=paris+france+italy")
    wait_for_idle(page, timeout_ms=120_000)
    page.get_by_text("Second: paris − france + italy").scroll_into_view_if_needed(timeout=60_000)
    wait_for_idle(page)
    shown = page.inner_text("[data-testid='stMain']")
    assert "Second: paris − france + italy ≈ rome" in shown and not error_texts(page)
    assert len(page.query_selector_all(".js-plotly-plot")) >= 2 and "vs=paris" in page.url
