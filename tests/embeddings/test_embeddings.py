"""Word embeddings: the committed GloVe subset, gensim-backed maths checked against numpy, the page."""

import json
import subprocess
import sys
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from rnnkit import ROOT
from rnnkit.core.inputs import InputError
from rnnkit.core.text import tokenize
from rnnkit.embeddings import explain
from rnnkit.embeddings import vectors as emb
from rnnkit.embeddings import word2vec as w2v

PAGE = str(ROOT / "pages" / "embeddings.py")


@pytest.fixture(scope="module")
def kv():
    return emb.load_glove()


# --- the committed vectors ---------------------------------------------------------------------

def test_committed_vectors_load_as_keyed_vectors(kv):
    assert kv.vectors.shape == (50_000, 50) and kv.vectors.dtype == np.float32
    assert kv.index_to_key[:4] == ["the", ",", ".", "of"]             # GloVe's frequency order
    assert kv.norms is not None and np.all(kv.norms > 0)
    assert (emb.GLOVE_DIR / "PROVENANCE.md").exists() and (emb.GLOVE_DIR / "README.md").exists()
    assert emb.memory_bytes(kv) < 20e6


def test_vectors_are_glove_not_scrambled(kv):
    # The .npy in the wheel is Fortran-ordered; a wrong copy scrambles rows. Real GloVe knows these.
    assert kv.most_similar("frog", topn=5)[0][0] in {"snake", "toad", "frogs"}
    assert kv.similarity("cat", "dog") > 0.85 > kv.similarity("cat", "parliament") + 0.5


def test_analogy_matches_numpy_3cosadd(kv):
    a, b, c = "paris", "france", "italy"
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)           # (V, D)
    target = unit[kv.key_to_index[a]] - unit[kv.key_to_index[b]] + unit[kv.key_to_index[c]]
    scores = unit @ (target / np.linalg.norm(target))                                 # (V,)
    order = [kv.index_to_key[i] for i in np.argsort(-scores) if kv.index_to_key[i] not in (a, b, c)][:10]
    got = emb.analogy(kv, a, b, c, topn=10)
    assert [w for w, _ in got] == order
    np.testing.assert_allclose([s for _, s in got], sorted(scores[[kv.key_to_index[w] for w in order]], reverse=True),
                               atol=1e-5)


@pytest.mark.parametrize("method", ["add", "mul"])
def test_lecture_presets_and_ranks(kv, method):
    ranks = {p.key: emb.analogy_rank(kv, p.a, p.b, p.c, p.expected, method) for p in emb.PRESETS}
    assert ranks["king"] == ranks["his"] == ranks["paris"] == 1
    assert ranks["windows"] > 10                       # honest: 50 dims miss android (DATA.md)
    answers = emb.analogy(kv, "king", "man", "woman", topn=5, method=method)
    for position, (word, _) in enumerate(answers, start=1):
        assert emb.analogy_rank(kv, "king", "man", "woman", word, method) == position
    assert emb.analogy_rank(kv, "king", "man", "woman", "king") is None


def test_bad_words_get_sentences(kv):
    assert emb.check_word(kv, "  King ") == "king"
    with pytest.raises(InputError, match="king"):
        emb.check_word(kv, "kinng")
    with pytest.raises(InputError, match="empty"):
        emb.check_word(kv, "   ")
    with pytest.raises(InputError, match="English"):
        emb.check_word(kv, "король")
    with pytest.raises(InputError, match="single word"):
        emb.check_word(kv, "new york")
    with pytest.raises(InputError, match="three different"):
        emb.check_analogy(kv, "king", "King", " king")
    assert emb.split_words("Man, woman;; KING king  queen") == ["man", "woman", "king", "queen"]


def test_one_hot_is_orthogonal_and_dense_is_not(kv):
    words = ["king", "queen", "apple"]
    assert np.array_equal(emb.one_hot_matrix(kv, words), np.eye(3))
    dense = emb.cosine_matrix(kv, words)
    np.testing.assert_allclose(dense, dense.T, atol=1e-6)
    np.testing.assert_allclose(np.diag(dense), 1.0, atol=1e-5)
    assert dense[0, 1] == pytest.approx(kv.similarity("king", "queen"), abs=1e-5) and dense[0, 1] > dense[0, 2]
    assert emb.bytes_per_word(kv) == {"one_hot": 200_000, "dense": 200, "one_hot_dims": 50_000, "dense_dims": 50}


def test_pca_shapes(kv):
    coords, ratio = emb.pca(kv, ["man", "woman", "king", "queen", "apple"], 3)
    assert coords.shape == (5, 3) and ratio.shape == (3,) and 0 < ratio.sum() <= 1
    coords, ratio = emb.pca(kv, ["man", "woman"], 3)                # fewer words than components: padded
    assert coords.shape == (2, 3) and ratio[2] == 0
    words = emb.analogy_picture_words(kv, "king", "man", "woman", "queen")
    assert words[:4] == ["man", "king", "woman", "queen"] and len(set(words)) == len(words) > 4


def test_interpretable_directions(kv):
    table, problems = emb.projection_table(kv, list(emb.LECTURE_WORDS), list(emb.LECTURE_DIRECTIONS))
    score = {d.name: dict(zip(emb.LECTURE_WORDS, row)) for d, row in zip(emb.LECTURE_DIRECTIONS, table)}
    assert problems == []
    assert score["Gender"]["woman"] > 0 > score["Gender"]["man"] and score["Gender"]["queen"] > score["Gender"]["king"]
    assert min(score["Royal"]["king"], score["Royal"]["queen"]) > max(score["Royal"][w]
                                                                      for w in ("man", "woman", "apple"))
    assert min(score["Food"]["apple"], score["Food"]["orange"]) > max(score["Food"][w] for w in ("man", "king"))
    size = emb.parse_direction("Size: big huge qqqzzz | small")
    assert size == emb.Direction("Size", ("big", "huge", "qqqzzz"), ("small",))
    assert emb.direction_vector(kv, size)[1] == ["qqqzzz"]
    with pytest.raises(InputError, match="Name: positive"):
        emb.parse_direction("no colon here")


def test_benchmark_precomputed_and_recomputable(kv, tmp_path):
    bench = emb.load_benchmark()
    assert bench["restrict_vocab"] == 30_000 and bench["questions"] == 19_544
    assert bench["covered"] == 14_877 and bench["accuracy"] == pytest.approx(0.497, abs=0.001)
    assert sum(s["total"] for s in bench["sections"]) == bench["covered"] and len(bench["sections"]) == 14
    questions = tmp_path / "q.txt"
    questions.write_text(": family\nking queen man woman\nboy girl brother sister\n"
                         ": capitals\nparis france rome italy\nqqq zzz paris france\n", encoding="utf-8")
    small = emb.analogy_benchmark(kv, path=str(questions))
    assert small["questions"] == 4 and small["covered"] == 3 and [s["total"] for s in small["sections"]] == [2, 1]
    # the shared object is left as it was (gensim swaps key_to_index while it evaluates)
    before = kv.key_to_index
    emb.analogy_benchmark(kv, path=str(questions))
    assert kv.key_to_index is before


def test_the_pages_analogy_explains_the_expected_answer(kv):
    found = emb.solve_analogy(kv, " King", "man", "WOMAN", "Queen", topn=5)
    assert (found.a, found.b, found.c, found.expected) == ("king", "man", "woman", "queen")
    assert found.answers == emb.analogy(kv, "king", "man", "woman", topn=5) and found.answer == "queen"
    assert found.rank == 1 and found.target == "queen" and found.verdict[0] == "success"
    windows = emb.solve_analogy(kv, "windows", "microsoft", "google", "android")
    assert windows.rank == emb.analogy_rank(kv, "windows", "microsoft", "google", "android") > 10
    assert windows.target == "android" and "plural" in windows.verdict[1] and windows.verdict[0] == "warning"
    for expected, words in (("qqqzzz", "no rank"), ("man", "one of the inputs")):
        found = emb.solve_analogy(kv, "king", "man", "woman", expected)
        assert found.rank is None and found.target == found.answer and words in found.verdict[1]
    assert emb.solve_analogy(kv, "king", "man", "woman").verdict is None
    with pytest.raises(InputError, match="three different"):
        emb.solve_analogy(kv, "king", "king", "king")
    words, coords, _, roles, arrows = emb.analogy_picture(kv, windows, 3)
    assert words[:5] == ["microsoft", "windows", "google", "window", "android"] and coords.shape == (len(words), 3)
    assert roles["android"] == "expected" and roles["window"] == "answer" and arrows[1] == ("windows", "android")


def test_the_pages_lists_and_links(kv):
    known, problems = emb.known_words(kv, "Man, qqqzzz; king")
    assert known == ["man", "king"] and len(problems) == 1 and "qqqzzz" in problems[0] and "left out" in problems[0]
    usable, problems = emb.directions_from_text(kv, "Size: big huge | small\nnonsense\nEmpty: qqqzzz")
    assert [d.name for d in usable] == [d.name for d in emb.LECTURE_DIRECTIONS] + ["Size"]
    assert "not a direction" in problems[0] and "no known positive word" in problems[1]
    assert emb.link_values({"preset": "paris", "a": "king"}, {}) == {"preset": "paris", "a": "paris", "b": "france",
                                                                      "c": "italy", "expect": "rome"}
    assert emb.link_values({"preset": "paris", "a": "cat"}, {"a": "cat"})["a"] == "cat"    # the link's own word wins
    assert emb.preset_of(" Paris", "france", "italy", "rome") == "paris"
    assert emb.preset_of("paris", "france", "italy", "") == "custom"
    rows = emb.preset_table(emb.load_benchmark())
    assert [r["analogy"] for r in rows] == [p.label for p in emb.PRESETS] and rows[0]["add: rank"] == 1


WORDS = st.one_of(
    st.sampled_from(["king", "Queen ", " MAN", "woman", "paris", "france", "café", "windows", "the", ",", "qqqzzz",
                     "kinng", "", " ", "a b", "日本", "\u200b", "king\x00", "İstanbul"]),
    st.text(max_size=12), st.text(min_size=35, max_size=60))
WORD_LISTS = st.builds(lambda words, separator: separator.join(words),
                       st.lists(WORDS, max_size=6) | st.lists(st.sampled_from(["king", "queen", "cat", "dog", "paris",
                                                                              "Rome", "the", "1990"]), max_size=40),
                       st.sampled_from([", ", " ", ";", "\n"]))
DIRECTIONS = st.lists(st.one_of(
    st.builds("{}: {} | {}".format, st.text(max_size=8), WORD_LISTS, WORD_LISTS),
    st.builds("{}: {}".format, WORDS, WORD_LISTS), st.text(max_size=40)), max_size=12).map("\n".join)
KNOWN = st.sampled_from(["king", "Man", " woman ", "queen", "paris", "france", "italy", "rome", "windows", "google",
                         "microsoft", "android", "cat", "dog", "the", ",", "1990", "café"])
SETTINGS = settings(max_examples=60, deadline=timedelta(seconds=10), derandomize=True, database=None)


@SETTINGS
@given(a=st.one_of(KNOWN, KNOWN, KNOWN, WORDS), b=KNOWN, c=st.one_of(KNOWN, KNOWN, KNOWN, WORDS),
       expected=st.one_of(KNOWN, WORDS), k=st.integers(1, 50),
       method=st.sampled_from(list(emb.METHODS)), dims=st.sampled_from([2, 3]))
def test_any_typed_analogy_gives_answers_and_a_picture_or_a_sentence(kv, a, b, c, expected, k, method, dims):
    """What the analogy tab does with the four boxes: answers, their table, the PCA picture and its caption."""
    try:
        found = emb.solve_analogy(kv, a, b, c, expected, topn=k, method=method)
    except InputError as error:
        event("refused with a sentence")
        assert str(error).strip()
        return
    event("answered")
    answers = [word for word, _ in found.answers]
    assert len(answers) == k and not set(answers) & {found.a, found.b, found.c}
    assert np.isfinite([score for _, score in found.answers]).all() and len(emb.answer_table(found, method)) == k
    assert (found.verdict is None) == (found.expected == "") and (found.rank is None or 1 <= found.rank <= len(kv))
    words, coords, explained, roles, arrows = emb.analogy_picture(kv, found, dims)
    assert coords.shape == (len(words), dims) and np.isfinite(coords).all() and np.isfinite(explained).all()
    assert explain.picture(found.b, found.c, found.a, found.target, len(words))


@SETTINGS
@given(word=WORDS, pair=WORD_LISTS, listed=WORD_LISTS, directions=DIRECTIONS, k=st.integers(1, 50),
       dims=st.sampled_from([2, 3]))
@example(word="king", pair="king, queen", listed="king, queen", directions="Same: king | king", k=1, dims=2)
def test_any_typed_words_and_directions_give_pictures_or_sentences(kv, word, pair, listed, directions, k, dims):
    """The neighbours tab (a word, a pair, a word list with its PCA and one-hot matrices) and the interpretable
    dimensions (the visitor's directions, one a line): values with finite numbers, or sentences."""
    try:
        near = emb.neighbours(kv, emb.check_word(kv, word), topn=k)
        assert len(near) == k and np.isfinite([score for _, score in near]).all()
    except InputError as error:
        assert str(error).strip()
    two = emb.split_words(pair)
    if len(two) == 2:
        try:
            assert -1.0001 <= emb.similarity(kv, *(emb.check_word(kv, w) for w in two)) <= 1.0001
        except InputError as error:
            assert str(error).strip()
    known, problems = emb.known_words(kv, listed)
    assert len(set(known)) == len(known) <= emb.MAX_WORDS and all(w in kv.key_to_index for w in known)
    assert all(problem.strip() for problem in problems)
    if len(known) >= 2:
        coords, explained = emb.pca(kv, known, dims)
        assert coords.shape == (len(known), dims) and np.isfinite(coords).all() and np.isfinite(explained).all()
        assert all(m.shape == (len(known),) * 2 and np.isfinite(m).all() for m, _ in emb.one_hot_and_dense(kv, known))
    usable, problems = emb.directions_from_text(kv, directions)
    assert len(usable) <= len(emb.LECTURE_DIRECTIONS) + emb.MAX_DIRECTIONS and all(p.strip() for p in problems)
    shown = known or list(emb.LECTURE_WORDS)
    table, notes = emb.projection_table(kv, shown, usable)
    assert table.shape == (len(usable), len(shown)) and np.isfinite(table).all(), directions
    event(f"{len(usable) - len(emb.LECTURE_DIRECTIONS)} own directions")


def rnnkit_command(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnnkit", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_analogy_command_answers_as_the_page_does(kv):
    done = rnnkit_command("analogy", "King", "man", "woman", "--json", "--topn", "5", "--expected", "queen")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    found = emb.solve_analogy(kv, "King", "man", "woman", "queen", topn=5)
    assert (answer["a"], answer["b"], answer["c"], answer["answer"]) == ("king", "man", "woman", "queen")
    assert [a["word"] for a in answer["answers"]] == [w for w, _ in found.answers]
    assert [a["score"] for a in answer["answers"]] == pytest.approx([s for _, s in found.answers], abs=1e-6)
    assert answer["rank"] == 1 and answer["verdict"] == found.verdict[1]
    lines = rnnkit_command("analogy", "--method", "mul", stdin="paris france italy\n\nkinng man woman\nking man\n")
    assert lines.returncode == 1                                 # bad lines reported, the good one answered
    assert "Did you mean: king" in lines.stderr and "three words" in lines.stderr and "Traceback" not in lines.stderr
    expected = emb.solve_analogy(kv, "paris", "france", "italy", method="mul")
    assert lines.stdout.splitlines() == [f"paris − france + italy ≈ {expected.answer}\t"
                                         + ", ".join(f"{w} {s:.4f}" for w, s in expected.answers)]
    assert rnnkit_command("analogy", "king", "man").returncode == 2


# --- train your own ------------------------------------------------------------------------------

def test_upload_checks():
    for data, message in ((b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
                          (b"a" * (w2v.MAX_UPLOAD_BYTES + 1), "limit"), (b"\x01\x02\x03\x04 abc" * 100, "control")):
        with pytest.raises(InputError, match=message):
            w2v.read_upload(data)
    assert w2v.read_upload("Héllo wörld".encode("utf-8")) == "Héllo wörld"
    with pytest.raises(InputError, match="at least"):
        w2v.sentences("just a few words here")
    with pytest.raises(InputError, match="Choose a .txt file"):
        w2v.corpus_text("upload", None)
    assert w2v.corpus_text("upload", b"plain words") == "plain words"
    assert w2v.corpus_text("lee") == w2v.builtin_text("lee")


CORPORA = st.one_of(
    st.builds(lambda lines, newline, n: ((newline.join(lines) + newline) * n).encode(),
              st.lists(st.text(max_size=40) | st.sampled_from(["the cat sat on the mat.", "-- ... !!", "_a_ b"]),
                       min_size=1, max_size=5),
              st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x1c"]), st.integers(1, 700)),
    st.binary(max_size=300),
    st.builds(lambda text, n: (text * n).encode(), st.text(max_size=5), st.integers(0, 20_000)))


def plain_sentences(text: str, max_tokens: int) -> list[list[str]]:
    """The definition ``sentences`` implements faster: each line's word tokens, empty lines left out, cut at
    ``max_tokens`` in all."""
    out, count = [], 0
    for line in text.splitlines():
        words = [t for t in tokenize(line) if any(ch.isalnum() for ch in t)][:max_tokens - count]
        if words and count < max_tokens:
            out.append(words)
            count += len(words)
    return out


@SETTINGS
@given(data=CORPORA, max_tokens=st.integers(w2v.MIN_TOKENS, 3 * w2v.MIN_TOKENS))
@example(data=b".,;!? " * 50_000, max_tokens=w2v.MIN_TOKENS)      # one long line of punctuation (was quadratic)
def test_any_uploaded_corpus_gives_the_sentences_of_its_lines_or_a_sentence(data, max_tokens):
    try:
        found, count = w2v.sentences(w2v.read_upload(data), max_tokens)
    except InputError as error:
        event("refused with a sentence")
        assert str(error).strip()
        return
    event("sentences")
    assert found == plain_sentences(w2v.read_upload(data), max_tokens)
    assert count == sum(map(len, found)) and w2v.MIN_TOKENS <= count <= max_tokens


def test_word2vec_trains_and_compares(kv):
    sentences, tokens = w2v.sentences(w2v.builtin_text("lee"))
    assert 55_000 < tokens < 65_000
    seen = []
    own = w2v.train(sentences, w2v.Word2VecConfig(epochs=2), on_epoch=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)] and own.vector_size == 50 and "government" in own.key_to_index
    result = w2v.compare(own, kv)
    assert 0 < result["own"]["covered"] == result["glove_same_questions"]["covered"]
    assert result["glove_same_questions"]["accuracy"] > result["own"]["accuracy"]
    run = w2v.OwnRun.of(own, tokens, kv)
    assert run.result == result and run.words == list(own.index_to_key) and run.tokens == tokens
    assert run.keyed_vectors().most_similar("government", topn=3) == own.most_similar("government", topn=3)


# --- the page ------------------------------------------------------------------------------------

def texts(elements, raw: bool = False):
    """The elements' Markdown; by default with the escaping backslashes of user text removed."""
    text = " ".join(str(e.value) for e in elements)
    return text if raw else text.replace("\\", "")


def test_page_default_preset_and_bad_input():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert "queen" in at.subheader[0].value and "rank 1" in texts(at.success)
    assert len(at.tabs) == 6 and at.get("plotly_chart")
    at.button(key="preset_windows").click().run()
    assert "window" in at.subheader[0].value and "android" in texts(at.warning)
    assert at.query_params["preset"] in ("windows", ["windows"])
    at.text_input(key="emb_expect").set_value("[click](http://x.example) **b**").run()
    assert "\\[click\\]" in texts(at.warning, raw=True) and "no rank" in texts(at.warning)     # shown, never rendered
    at.text_input(key="emb_a").set_value(" Kinng ").run()
    assert "Did you mean: king" in texts(at.error) and not at.exception
    at.text_input(key="emb_a").set_value("").run()
    assert "empty" in texts(at.error)
    for key in ("emb_a", "emb_b", "emb_c"):
        at.text_input(key=key).set_value("King")
    at.run()
    assert "three different" in texts(at.error)
    at.text_input(key="emb_words").set_value("man, женщина, king").run()
    assert "English" in texts(at.warning) and not at.exception
    at.text_area(key="emb_dims").set_value("Size: big huge | small tiny\nnonsense").run()
    assert "not a direction" in texts(at.warning) and not at.exception
    at.text_input(key="emb_pair").set_value("cat").run()
    assert "exactly two" in texts(at.info)


def test_page_reads_link_and_survives_malformed_params():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"preset": "paris", "k": "abc", "method": "nope", "proj": "3d", "word": "x" * 500,
                            "words": "Cat, dog, 猫"})
    at.run()
    assert not at.exception
    assert "rome" in at.subheader[0].value
    warnings = texts(at.warning)
    assert "must be a number" in warnings and "must be one of" in warnings and "longer than" in warnings
    assert "“猫” is not among" in warnings and at.text_input(key="emb_words").value == "Cat, dog, 猫"
    assert at.radio(key="emb_proj").value == "3d" and at.slider(key="emb_k").value == 10


def test_page_trains_word2vec():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["emb_tab"] = "Train your own"              # the visitor is on the tab: it shows its results
    at.run()
    at.slider(key="emb_epochs").set_value(1)
    at.button(key="emb_train").click().run()
    assert not at.exception and not at.error
    assert any("Your word2vec" in s.value for s in at.subheader)


def test_page_rejects_bad_uploads():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.radio(key="emb_corpus").set_value("upload").run()
    at.button(key="emb_train").click().run()
    assert "Choose a .txt file" in texts(at.error)
    for content, message in ((b"\x00\x01binary\x00" * 50, "binary"), (b"   \n", "empty"),
                             (b"Too short a story to learn from.", "at least")):
        at.file_uploader(key="emb_upload").set_value(("corpus.txt", content, "text/plain"))
        at.run()
        at.button(key="emb_train").click().run()
        assert message in texts(at.error) and not at.exception


def test_the_questions_answers_are_what_the_vectors_give(kv):
    from rnnkit.embeddings.questions import RIVAL_RANKS, questions
    found = emb.solve_analogy(kv, "king", "man", "woman", "queen")
    analogy, nearest = questions(kv, found)
    assert analogy.answer == found.answer == "queen" and set(analogy.options) == {w for w, _ in found.answers[:4]}
    near = emb.neighbours(kv, "king", topn=max(RIVAL_RANKS))
    assert nearest.answer == near[0][0] and set(nearest.options) == {near[0][0], *(near[r - 1][0] for r in RIVAL_RANKS)}
    only = questions(kv, emb.solve_analogy(kv, "paris", "france", "italy", topn=1))
    shown_one, _ = only                                       # k = 1 on the page: rivals from the next best answers
    assert shown_one.answer == "rome" and len(shown_one.options) == 4 and "rome" in shown_one.options


def test_page_in_quiz_mode_waits_for_the_visitors_answers(kv):
    from rnnkit.embeddings.questions import questions
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["quiz"] = "true"
    at.run()
    assert not at.exception and not any("≈" in h.value for h in at.subheader)      # the answers wait
    expected = questions(kv, emb.solve_analogy(kv, "king", "man", "woman", "queen"))
    for radio, question in zip([r for r in at.radio if r.label.startswith(("What", "Which"))], expected):
        radio.set_value(question.answer)
    at.run()
    assert not at.exception and "Right" in texts(at.success)
    assert any("≈" in h.value and "queen" in h.value for h in at.subheader)
