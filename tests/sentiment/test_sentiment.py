"""Sentiment: labels and split, the LSTM (padding oracle, dry run, shipped weights), the inference
helpers, the baselines, batch mode and the page."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from rnnkit.sentiment import classifier as S
from rnnkit.sentiment import plots
from rnnkit.core.registry import load_pretrained
from rnnkit.sentiment import task
from rnnkit.core.text import Vocabulary, tokenize

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = (ROOT / "pretrained" / "sentiment" / "model.safetensors").exists()
needs_model = pytest.mark.skipif(not SHIPPED, reason="pretrained/sentiment is not trained")


# ----------------------------------------------------------------------------- labels and data

@pytest.mark.parametrize("mean, label", [(-4, 0), (-2.0, 0), (-1.99, 1), (-0.5, 1), (-0.49, 2), (0.0, 2),
                                         (0.49, 2), (0.5, 3), (1.99, 3), (2.0, 4), (4, 4)])
def test_fine_label_bins(mean, label):
    assert S.fine_label(mean) == label


def test_committed_split_is_disjoint_complete_and_labelled_from_the_mean():
    frames = {name: S.read_split(name) for name in ("train", "dev", "test")}
    assert sum(len(f) for f in frames.values()) == 10_603          # 10,605 minus 2 duplicates
    texts = [set(f["text"]) for f in frames.values()]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    for frame in frames.values():
        assert (frame["fine"] == frame["mean"].map(S.fine_label)).all()
        assert (frame["binary"] == np.where(frame["mean"] > 0, 1, np.where(frame["mean"] < 0, 0, -1))).all()
    shares = [frames[n]["fine"].value_counts(normalize=True).sort_index() for n in ("train", "test")]
    assert np.allclose(shares[0], shares[1], atol=0.01)             # stratified
    assert len(S.read_split("ood_amazon")) > 3000 and len(S.read_split("ood_nyt")) > 5000


def test_glove_subset_matches_training_words():
    glove = S.load_glove()
    assert glove is not None and len(glove) > 10_000
    assert glove["good"].shape == (50,)
    good, great, awful = glove["good"], glove["great"], glove["awful"]
    cosine = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)   # noqa: E731
    assert cosine(good, great) > cosine(good, awful) - 0.3 and cosine(good, great) > 0.7


# ----------------------------------------------------------------------------- the model

def test_padding_does_not_change_the_answer():
    """Oracle: a sentence scored inside a padded batch equals the sentence scored alone."""
    torch.manual_seed(0)
    for pooling in ("last", "max"):
        model = task.SentimentLSTM(30, 8, 6, bidirectional=True, pooling=pooling, dropout=0.0).eval()
        sentences = [torch.tensor([5, 6, 7, 8, 9]), torch.tensor([10, 11]), torch.tensor([12, 13, 14])]
        batch = task.collate([(s.tolist(), 1, 2) for s in sentences])
        binary, fine = model(batch[0], batch[1])
        assert binary.shape == (3, 2) and fine.shape == (3, 5)
        for row, sentence in enumerate(sentences):
            alone_binary, alone_fine = model(sentence[None], torch.tensor([len(sentence)]))
            assert torch.allclose(binary[row], alone_binary[0], atol=1e-6)
            assert torch.allclose(fine[row], alone_fine[0], atol=1e-6)


def test_last_pooling_reads_the_final_states_of_both_directions():
    torch.manual_seed(0)
    model = task.SentimentLSTM(20, 4, 3, bidirectional=True, pooling="last", dropout=0.0).eval()
    ids = torch.tensor([[4, 5, 6]])
    states, _ = model.lstm(model.embedding(ids))                     # (1, 3, 2H)
    expected = torch.cat([states[0, -1, :3], states[0, 0, 3:]])      # forward at T, backward at 1
    assert torch.allclose(model.encode(ids, torch.tensor([3]))[0], expected, atol=1e-6)


def test_loss_ignores_neutral_binary_labels():
    torch.manual_seed(0)
    model = task.SentimentLSTM(20, 4, 3, dropout=0.0)
    model.word_dropout, model.fine_weight = 0.0, 0.0
    batch = task.collate([([4, 5], -1, 2), ([6], 1, 3)])
    binary, _ = model(batch[0], batch[1])
    expected = torch.nn.functional.cross_entropy(binary[1:], torch.tensor([1]))
    assert torch.allclose(task.loss(model, batch), expected)


def test_dry_run_writes_a_checkpoint_that_loads(tmp_path):
    from rnnkit.core.runner import run
    card = run("sentiment", {"dry_run": True, "out": str(tmp_path)})
    assert (tmp_path / "model.safetensors").exists() and (tmp_path / "README.md").exists()
    assert {"test_binary_accuracy", "test_fine_accuracy", "test_fine_confusion"} <= set(card["metrics"])
    assert "_glove" not in card["extras"] and card["extras"]["itos"][:4] == ["<pad>", "<unk>", "<bos>", "<eos>"]
    model, loaded = load_pretrained(tmp_path)
    binary, fine = S.SentimentClassifier(model, loaded).predict(["a fine film", ""])
    assert binary.shape == (2, 2) and np.allclose(binary.sum(1), 1) and np.allclose(fine.sum(1), 1)


# ----------------------------------------------------------------------------- the shipped model

@needs_model
def test_shipped_model_reads_the_lecture_sentence_and_matches_its_card():
    model, card = load_pretrained("sentiment")
    classifier = S.SentimentClassifier(model, card)
    binary, _ = classifier.predict(["There is nothing to like in this movie.",
                                    "A wonderful, moving film with a superb cast."])
    assert binary[0, 1] < 0.5 < binary[1, 1]
    test = S.read_split("test")
    binary, fine = classifier.predict(test["text"].tolist())
    scores = S.classification_scores(test["binary"], binary.argmax(-1), test["fine"], fine.argmax(-1))
    assert scores["binary_accuracy"] == pytest.approx(card["metrics"]["test_binary_accuracy"], abs=2e-3)
    assert scores["fine_accuracy"] == pytest.approx(card["metrics"]["test_fine_accuracy"], abs=2e-3)
    assert scores["binary_accuracy"] > 0.75 and scores["fine_accuracy"] > 0.40


@needs_model
def test_prefixes_end_at_the_full_prediction_and_importance_is_leave_one_out():
    classifier = S.SentimentClassifier(*load_pretrained("sentiment"))
    tokens = tokenize("There is nothing to like in this movie.")
    prefixes = classifier.prefix_scores(tokens)
    full, _ = classifier.predict_tokens([tokens])
    assert list(prefixes["token"]) == tokens
    assert prefixes["p_positive"].iloc[-1] == pytest.approx(full[0, 1], abs=1e-5)
    importance = classifier.importance(tokens)
    without_nothing, _ = classifier.predict_tokens([tokens[:2] + tokens[3:]])
    assert importance["importance"].iloc[2] == pytest.approx(full[0, 1] - without_nothing[0, 1], abs=1e-5)
    assert importance["importance"].iloc[2] < 0                          # "nothing" pushes towards negative


# ----------------------------------------------------------------------------- input checks, batch, baselines

def test_check_text_says_what_is_wrong():
    vocab = Vocabulary(list(Vocabulary().itos) + ["good", "film"])
    assert S.check_text("   \n ").problem and S.check_text("").problem
    assert "punctuation" in S.check_text("?!... ;-)").problem
    assert S.check_text(None).problem
    long = S.check_text("good " * 30_000)
    assert not long.problem and len(long.text) == S.MAX_CHARS and len(long.tokens) == S.MAX_TOKENS
    assert any("first 5,000" in n for n in long.notes)
    foreign = S.check_text("这部电影 😀 très", vocab)
    assert not foreign.problem and any("unknown" in n for n in foreign.notes)
    html = S.check_text("<script>alert(1)</script> good film", vocab)
    assert html.tokens[:2] == ["<", "script"]


def test_markdown_escaping_keeps_user_text_inert():
    frame = pd.DataFrame({"token": ["<", "script", ">", "[x](javascript:1)", "$x$"], "importance": [0.5, 0, -0.5, 0, 0]})
    markdown = plots.coloured_tokens(frame)
    assert ":green-background[\\<]" in markdown and ":red-background[\\>]" in markdown
    assert "\\[x\\]\\(javascript\\:1\\)" in markdown and "\\$x\\$" in markdown


def test_read_upload_handles_bad_files():
    assert "empty" in S.read_upload("a.txt", b"").problem
    assert "binary" in S.read_upload("a.txt", b"\x89PNG\x00\x00").problem
    assert "No column" in S.read_upload("a.csv", b"a,b\n1,2\n3,4\n").problem
    latin = S.read_upload("a.txt", "un film très réussi\n\nnul".encode("latin-1"))
    assert not latin.problem and "UTF-8" in latin.notes[0] and len(latin.frame) == 3
    table = S.read_upload("r.csv", b"id,review\n1,great film\n2,\n3,awful acting\n")
    assert table.columns == ["review"] and len(table.frame) == 3


@needs_model
def test_score_batch_gives_every_row_a_result_or_a_reason():
    classifier = S.SentimentClassifier(*load_pretrained("sentiment"))
    texts = ["a great film", "", "!!!", "a dull, lifeless mess", "x" * 10, "beyond the limit"]
    seen = []
    out = S.score_batch(classifier, texts, progress=lambda done, total: seen.append((done, total)), max_rows=5)
    assert list(out["row"]) == [1, 2, 3, 4, 5, 6] and list(out["text"]) == texts
    assert out.loc[0, "label"] == "positive" and out.loc[3, "label"] == "negative"
    assert out.loc[1, "label"] == "" and "no text" in out.loc[1, "note"]
    assert "punctuation" in out.loc[2, "note"] and "beyond" in out.loc[5, "note"]
    assert seen[-1] == (3, 3)


def test_tfidf_baseline_round_trips_through_plain_arrays(tmp_path):
    train = S.read_split("train").iloc[:600]
    baseline = S.TfidfBaseline(1.0, 1.0).fit(train)
    baseline.save(tmp_path / "b.npz")
    loaded = S.TfidfBaseline.load(tmp_path / "b.npz")
    texts = S.read_split("dev")["text"].iloc[:50].tolist()
    for a, b in zip(baseline.predict(texts), loaded.predict(texts)):
        assert np.allclose(a, b, atol=1e-5)


def test_vader_and_majority_baselines():
    compound = S.vader_compound(["This movie is wonderful and moving.", "A terrible, boring film.", "The film."])
    binary, fine = S.vader_labels(compound, majority_binary=0)
    assert list(binary) == [1, 0, 0] and fine[0] >= 3 and fine[1] <= 1 and fine[2] == 2
    assert S.majority_labels(S.read_split("train")) == (0, 1)


# ----------------------------------------------------------------------------- the page

@needs_model
def test_page_scores_the_lecture_sentence_and_survives_bad_input():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "pages/sentiment.py"), default_timeout=120)
    at.query_params["text"] = "x" * 3000                              # malformed link: too long
    at.run()
    assert not at.exception
    assert any("link" in w.value for w in at.warning)
    assert at.text_area[0].value == "There is nothing to like in this movie."
    assert "negative" in at.subheader[0].value
    assert len(at.get("plotly_chart")) >= 4 and len(at.tabs) == 3
    at.text_area[0].set_value("<script>alert('hi')</script> 😀 你好").run()
    assert not at.exception
    assert not any("<script>" in m.value for m in at.markdown)
    at.text_area[0].set_value("   ").run()
    assert not at.exception and any("no text" in i.value for i in at.info)
    at.file_uploader[0].set_value(("r.csv", b"id,review\n1,great fun\n2,\n3,boring and flat\n", "text/csv")).run()
    assert not at.exception and any("2 of 3 rows scored" in s.value for s in at.success)
    at.file_uploader[0].set_value(("n.csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not at.exception and any("No column" in e.value for e in at.error)
