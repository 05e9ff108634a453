"""Sentiment: labels and split, the LSTM (padding oracle, dry run, shipped weights), the inference
service, the baselines, batch mode, the command line and the page."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch

from rnnkit import ROOT
from rnnkit.core.inputs import InputError
from rnnkit.core.registry import load_pretrained
from rnnkit.core.text import Vocabulary, normalize, tokenize
from rnnkit.sentiment import baselines as B
from rnnkit.sentiment import classifier as S
from rnnkit.sentiment import data as D
from rnnkit.sentiment import plots, task
from rnnkit.sentiment.model import NEGATION_SCALE, BiLanguageModel, ModelConfig, SentimentLSTM, consistent_answers

SHIPPED = (ROOT / "pretrained" / "sentiment" / "model.safetensors").exists()
needs_model = pytest.mark.skipif(not SHIPPED, reason="pretrained/sentiment is not trained")


# ----------------------------------------------------------------------------- labels and data

@pytest.mark.parametrize("mean, label", [(-4, 0), (-2.0, 0), (-1.99, 1), (-0.5, 1), (-0.49, 2), (0.0, 2),
                                         (0.49, 2), (0.5, 3), (1.99, 3), (2.0, 4), (4, 4)])
def test_fine_label_bins(mean, label):
    assert D.fine_label(mean) == label


def test_committed_split_is_disjoint_complete_and_labelled_from_the_mean():
    frames = {name: D.read_split(name) for name in ("train", "dev", "test")}
    assert sum(len(f) for f in frames.values()) == 10_603          # 10,605 minus 2 duplicates
    texts = [set(f["text"]) for f in frames.values()]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    for frame in frames.values():
        assert (frame["fine"] == frame["mean"].map(D.fine_label)).all()
        assert (frame["binary"] == np.where(frame["mean"] > 0, 1, np.where(frame["mean"] < 0, 0, -1))).all()
    shares = [frames[n]["fine"].value_counts(normalize=True).sort_index() for n in ("train", "test")]
    assert np.allclose(shares[0], shares[1], atol=0.01)             # stratified


def test_every_domain_has_its_own_split_and_extra_data_stays_away_from_held_out_sentences():
    held_out = set()
    for domain in D.DOMAINS:
        parts = {part: D.read_split(D.split_name(domain, part)) for part in ("train", "dev", "test")}
        assert all(len(frame) > 300 for frame in parts.values()), domain
        texts = [set(frame["text"].map(normalize)) for frame in parts.values()]
        assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2]), domain
        held_out |= texts[1] | texts[2]
    held_out |= set(D.read_challenge()["text"].map(normalize))
    for name in D.EXTRA:
        extra = D.read_split(name)
        assert len(extra) > 2000 and set(extra["binary"]) == {0, 1} and set(extra["fine"]) == {-1}
        assert not set(extra["text"].map(normalize)) & held_out, name


def test_challenge_set_is_balanced_and_labelled():
    challenge = D.read_challenge()
    assert len(challenge) >= 120 and set(challenge["label"]) == {"positive", "negative"}
    assert abs(challenge["binary"].mean() - 0.5) < 0.05
    assert {"negated_negative", "negated_positive", "double_negation"} <= set(challenge["phenomenon"])


def test_glove_subset_matches_training_words():
    glove = D.load_glove()
    assert glove is not None and len(glove) > 10_000
    assert glove["good"].shape == (50,)
    good, great, awful = glove["good"], glove["great"], glove["awful"]
    cosine = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)   # noqa: E731
    assert cosine(good, great) > cosine(good, awful) - 0.3 and cosine(good, great) > 0.7


# ----------------------------------------------------------------------------- the model

def test_padding_does_not_change_the_answer():
    """Oracle: a sentence scored inside a padded batch equals the sentence scored alone."""
    torch.manual_seed(0)
    for pooling, head in (("last", "softmax"), ("max", "softmax"), ("max", "ordinal")):
        model = SentimentLSTM(ModelConfig(8, 6, bidirectional=True, pooling=pooling, dropout=0.0, head=head),
                              30).eval()
        sentences = [torch.tensor([5, 6, 7, 8, 9]), torch.tensor([10, 11]), torch.tensor([12, 13, 14])]
        batch = D.collate([(s.tolist(), 1, 2) for s in sentences])
        score = model(batch[0], batch[1])
        binary, fine = model.probabilities(score)
        assert score.shape == ((3,) if head == "ordinal" else (3, 5)) and binary.shape == (3, 2)
        assert fine.shape == (3, 5)
        for row, sentence in enumerate(sentences):
            alone = model(sentence[None], torch.tensor([len(sentence)]))
            assert torch.allclose(score[row], alone[0], atol=1e-6)


@pytest.mark.parametrize("head", ["ordinal", "softmax"])
def test_the_binary_verdict_and_the_five_classes_never_disagree(head):
    """P(positive) > 0.5 exactly when the 5-class answer is neutral or above, never below (and the reverse),
    for both heads; the ordinal head's cut points stay ordered whatever its parameters."""
    torch.manual_seed(0)
    model = SentimentLSTM(ModelConfig(4, 3, dropout=0.0, head=head), 20)
    if head == "ordinal":
        with torch.no_grad():
            model.cut_gaps.copy_(torch.tensor([0.3, -2.0, 1.5, 0.1]))  # uneven, still ordered by softplus
        fine_cuts, binary_cut = model.cutpoints()
        assert torch.all(fine_cuts[1:] >= fine_cuts[:-1]) and fine_cuts[1] <= binary_cut <= fine_cuts[2]
        scores = torch.linspace(-8, 8, 2001)
    else:
        scores = 3 * torch.randn(2001, 5)
    with torch.no_grad():
        binary, fine = model.probabilities(scores)
        verdict, classes = model.answers(scores)
    assert torch.allclose(fine.sum(-1), torch.ones(len(scores)), atol=1e-6) and bool((fine >= 0).all())
    assert torch.allclose(binary.sum(-1), torch.ones(len(scores)), atol=1e-6)
    assert torch.equal(verdict, (binary[:, 1] > 0.5).long()) and 0 < verdict.float().mean() < 1
    assert bool((classes[verdict == 1] >= 2).all()) and bool((classes[verdict == 0] <= 2).all())
    numpy_verdict, numpy_classes = consistent_answers(binary.numpy(), fine.numpy())    # the service's path
    assert np.array_equal(numpy_verdict, verdict.numpy()) and np.array_equal(numpy_classes, classes.numpy())


def test_last_pooling_reads_the_final_states_of_both_directions():
    torch.manual_seed(0)
    model = SentimentLSTM(ModelConfig(4, 3, bidirectional=True, pooling="last", dropout=0.0), 20).eval()
    ids = torch.tensor([[4, 5, 6]])
    states, _ = model.lstm(model.embedding(ids))                     # (1, 3, 2H)
    expected = torch.cat([states[0, -1, :3], states[0, 0, 3:]])      # forward at T, backward at 1
    assert torch.allclose(model.encode(ids, torch.tensor([3]))[0], expected, atol=1e-6)


def test_loss_ignores_neutral_binary_labels_and_binary_only_rows_in_the_fine_term():
    torch.manual_seed(0)
    model = SentimentLSTM(ModelConfig(4, 3, dropout=0.0), 20)
    batch = D.collate([([4, 5], -1, 2), ([6], 1, 3), ([7, 8], 0, -1)])
    binary, fine = model.probabilities(model(batch[0], batch[1]))
    expected_binary = -(binary[1, 1].log() + binary[2, 0].log()) / 2
    expected_fine = -(fine[0, 2].log() + fine[1, 3].log()) / 2
    assert torch.allclose(task.loss(model, batch, task.Config(word_dropout=0.0, fine_weight=0.0)), expected_binary)
    assert torch.allclose(task.loss(model, batch, task.Config(word_dropout=0.0, fine_weight=1.0)),
                          expected_binary + expected_fine, atol=1e-6)


def test_loss_settings_come_from_the_config_not_the_model():
    torch.manual_seed(0)
    model = SentimentLSTM(ModelConfig(4, 3, dropout=0.0), 20).eval()
    batch = D.collate([([4, 5], 0, 2), ([6], 1, 3)])
    binary, fine = model.probabilities(model(batch[0], batch[1]))
    nll_binary = -binary.gather(1, batch[2][:, None]).log().mean()
    nll_fine = -fine.gather(1, batch[3][:, None]).log().mean()
    for weight in (0.0, 1.0, 2.5):
        cfg = task.Config(word_dropout=0.0, fine_weight=weight)
        assert torch.allclose(task.loss(model, batch, cfg), nll_binary + weight * nll_fine, atol=1e-6)
    model.train()                                                       # word dropout only while training
    all_unknown = D.collate([([1, 1], 0, 2), ([1], 1, 3)])
    assert torch.allclose(task.loss(model, batch, task.Config(word_dropout=1.0, fine_weight=1.0)),
                          task.loss(model, all_unknown, task.Config(word_dropout=0.0, fine_weight=1.0)))
    assert not hasattr(model, "word_dropout") and not hasattr(model, "fine_weight")


def test_glove_initialises_the_embeddings_and_freezing_keeps_them():
    extras = {"itos": ["<pad>", "<unk>", "<bos>", "<eos>", "good", "film"],
              "_glove": {"good": np.full(4, 0.5, np.float32)}, "_freeze_embeddings": True}
    model = task.build_model(ModelConfig(4, 3), extras)
    assert torch.equal(model.embedding.weight[4], torch.full((4,), 0.5))
    assert not model.embedding.weight.requires_grad and model.lstm.weight_ih_l0.requires_grad
    assert set(extras) == {"itos"}                                       # training-only keys never reach the card


def test_the_lexicon_gives_each_word_its_vader_valence_beside_its_embedding():
    extras = {"itos": ["<pad>", "<unk>", "<bos>", "<eos>", "good", "bad", "film"],
              "_lexicon": B.vader_analyzer().lexicon}                        # as training prepares it
    model = task.build_model(ModelConfig(4, 8, lexicon=True), extras).eval()
    valence = model.valence.tolist()
    assert valence[4] > 0 > valence[5] and valence[6] == 0 and all(-1 <= v <= 1 for v in valence)
    assert set(extras) == {"itos"}                                       # the lexicon never reaches the card
    x = model.inputs(torch.tensor([[4, 5, 6]]))
    assert x.shape == (1, 3, 5) and x[0, :, -1].tolist() == pytest.approx(valence[4:7])
    assert model.lstm.input_size == 5 and "valence" in model.state_dict()          # saved with the weights
    lm = BiLanguageModel(model, len(extras["itos"]), cutoffs=(5,))                  # pretraining reads it too
    assert torch.isfinite(lm(torch.tensor([[4, 5, 6]]), torch.tensor([3])))



def test_negation_turns_the_valence_of_the_three_words_after_a_negator():
    itos = ["<pad>", "<unk>", "<bos>", "<eos>", "not", "bad", "never", "boring", "a", "film", "isn't", "good"]
    extras = {"itos": itos, "_lexicon": B.vader_analyzer().lexicon}
    model = task.build_model(ModelConfig(4, 8, lexicon=True, negation=3), extras).eval()
    assert model.negator.tolist() == [0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0] and "negator" in model.state_dict()
    assert model.lstm.input_size == 4 + 3
    ids = {token: i for i, token in enumerate(itos)}

    def context(*tokens):                          # (scope flag, valence in context) of each token
        x = model.inputs(torch.tensor([[ids[t] for t in tokens]]))[0]
        return x[:, -2].tolist(), x[:, -1].tolist()

    bad = model.valence[ids["bad"]].item()
    assert context("bad") == ([0.0], pytest.approx([bad]))
    assert context("not", "bad") == ([0.0, 1.0], pytest.approx([0.0, bad * NEGATION_SCALE]))        # "not bad": > 0
    assert context("not", "a", "film", "bad")[1][-1] == pytest.approx(bad * NEGATION_SCALE)        # 3 words back
    assert context("not", "a", "film", "a", "bad") == ([0, 1, 1, 1, 0], pytest.approx([0, 0, 0, 0, bad]))  # 4: out
    flag, turned = context("isn't", "never", "bad")                                       # two negators flip twice
    assert flag[-1] == 1 and turned[-1] == pytest.approx(bad * NEGATION_SCALE ** 2) and turned[-1] < 0
    with pytest.raises(ValueError, match="lexicon"):
        SentimentLSTM(ModelConfig(4, 8, negation=3), len(itos))



def test_contrast_weighs_the_words_after_but_more_than_those_before():
    itos = ["<pad>", "<unk>", "<bos>", "<eos>", "good", "but", "not", "bad", "."]
    extras = {"itos": itos, "_lexicon": B.vader_analyzer().lexicon}
    model = task.build_model(ModelConfig(4, 8, lexicon=True, negation=3, contrast=True), extras).eval()
    assert model.but.tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0] and model.lstm.input_size == 4 + 4
    good, bad = model.valence[4].item(), model.valence[7].item()
    x = model.inputs(torch.tensor([[4, 5, 7, 8], [4, 8, 0, 0]]))                  # "good but bad ." / "good ."
    assert x[0, :, -3].tolist() == [-1, 0, 1, 1] and x[1, :2, -3].tolist() == [0, 0]      # the side of "but"
    assert x[0, :, -1].tolist() == pytest.approx([good / 2, 0, bad * 1.5, 0])         # VADER: x0.5 before, x1.5 after
    assert x[1, 0, -1].item() == pytest.approx(good)
    assert model.inputs(torch.tensor([[6, 5, 7]]))[0, 2, -1].item() == pytest.approx(bad * NEGATION_SCALE * 1.5)
    with pytest.raises(ValueError, match="negation"):
        SentimentLSTM(ModelConfig(4, 8, lexicon=True, contrast=True), len(itos))


@pytest.mark.parametrize("options", [{}, {"lexicon": True, "negation": 5, "contrast": True}],
                         ids=["defaults", "shipped inputs"])
def test_dry_run_writes_a_checkpoint_that_loads(tmp_path, options):
    from rnnkit.core.runner import run
    card = run("sentiment", {"dry_run": True, "out": str(tmp_path), **options})
    assert (tmp_path / "model.safetensors").exists() and (tmp_path / "README.md").exists()
    assert {"test_binary_accuracy", "test_fine_accuracy", "test_fine_confusion"} <= set(card["metrics"])
    assert "_glove" not in card["extras"] and card["extras"]["itos"][:4] == ["<pad>", "<unk>", "<bos>", "<eos>"]
    model, loaded = load_pretrained(tmp_path)
    binary, fine = S.SentimentClassifier(model, loaded).predict(["a fine film", ""])
    assert set(loaded["model_config"]) == {"embedding_dim", "hidden_size", "bidirectional", "pooling", "dropout",
                                           "fine_classes", "head", "lexicon", "negation", "contrast"}
    assert loaded["model_config"]["hidden_size"] == 16 and options.items() <= loaded["model_config"].items()
    assert model.lstm.input_size == loaded["model_config"]["embedding_dim"] + (4 if options else 0)
    if options:                                                  # the rules' word lists travel with the weights
        assert model.negator.sum() > 0 and model.but.sum() == 1 and model.valence.count_nonzero() > 0
    assert binary.shape == (2, 2) and np.allclose(binary.sum(1), 1) and np.allclose(fine.sum(1), 1)


LM_VOCAB = 4 + 12          # the special tokens and 12 words


def trained_language_model(batch) -> tuple[BiLanguageModel, float]:
    """A small ``BiLanguageModel`` trained 150 Adam steps on ``batch()`` (ids (B, 10), every word real), and its
    last training loss."""
    torch.manual_seed(0)
    lm = BiLanguageModel(SentimentLSTM(ModelConfig(embedding_dim=16, hidden_size=32, dropout=0.0), LM_VOCAB), LM_VOCAB)
    optimizer = torch.optim.Adam(lm.parameters(), lr=1e-2)
    for _ in range(150):
        ids = batch()
        loss = lm(ids, torch.full((len(ids),), ids.shape[1]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return lm, loss.item()


def test_the_language_model_cannot_see_the_word_it_predicts():
    """Random words carry no information about their neighbours: a language model whose forward states predict
    the next word and backward states the previous one cannot beat log(V) per word on them. One that peeked at its
    target (an off-by-one in the shifts) would drive the loss towards 0."""
    lm, _ = trained_language_model(lambda: torch.randint(4, LM_VOCAB, (32, 10)))
    ids = torch.randint(4, LM_VOCAB, (256, 10))
    with torch.no_grad():
        assert lm(ids, torch.full((256,), 10)).item() > 0.95 * np.log(LM_VOCAB - 4)


def test_the_language_model_learns_word_order_and_skips_padding_and_unknown_words():
    torch.manual_seed(0)
    counting = (torch.arange(10)[None] + torch.randint(0, 12, (64, 1))) % 12 + 4     # each word follows the last
    lm, loss = trained_language_model(lambda: counting)
    assert loss < 0.3
    padded = torch.tensor([[5, 6, 1, 7, 0, 0]])                      # <unk> and <pad> are never targets
    assert torch.isfinite(lm(padded, torch.tensor([4]))) and lm(torch.tensor([[1, 0]]), torch.tensor([1])) == 0


def test_language_model_pretraining_runs_before_the_classifier(tmp_path):
    from rnnkit.core.runner import run
    card = run("sentiment", {"dry_run": True, "lm_epochs": 1, "out": str(tmp_path)})
    assert card["config"]["lm_epochs"] == 1 and "_pretrain" not in card["extras"]
    model, loaded = load_pretrained(tmp_path)                         # the classifier alone was saved
    assert not any(name.startswith(("next_word", "previous_word")) for name in model.state_dict())


# ----------------------------------------------------------------------------- the shipped model

@needs_model
def test_shipped_model_reads_the_lecture_sentence_and_matches_its_card():
    model, card = load_pretrained("sentiment")
    classifier = S.SentimentClassifier(model, card)
    binary, _ = classifier.predict(["There is nothing to like in this movie.",
                                    "A wonderful, moving film with a superb cast."])
    assert binary[0, 1] < 0.5 < binary[1, 1]
    test = D.read_split("test")
    binary, fine = classifier.predict(test["text"].tolist())
    verdict, fine_answer = consistent_answers(binary, fine)
    scores = D.classification_scores(test["binary"], verdict, test["fine"], fine_answer)
    assert scores["binary_accuracy"] == pytest.approx(card["metrics"]["test_binary_accuracy"], abs=2e-3)
    assert scores["fine_accuracy"] == pytest.approx(card["metrics"]["test_fine_accuracy"], abs=2e-3)
    assert scores["binary_accuracy"] > 0.78 and scores["fine_accuracy"] > 0.45
    positive = verdict == 1                                        # the two answers never disagree
    assert (fine_answer[positive] >= 2).all() and (fine_answer[~positive] <= 2).all()


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


# Recorded from the shipped weights when they were trained (softmax head, four domains + extra data, each word's
# VADER rating beside its vector, turned after a negator and weighed by its side of "but"): the committed weights
# must keep giving exactly these probabilities.
RECORDED = [
    ("There is nothing to like in this movie.", 0.13457044959068298, "very negative"),
    ("A wonderful, moving film with a superb cast.", 0.9996309876441956, "very positive"),
    ("not bad at all", 0.23326869308948517, "negative"),
    ("I can't say I didn't enjoy it; the ending, however, was awful.", 0.06329502910375595, "negative"),
]


@needs_model
@pytest.mark.parametrize("text, p_positive, fine", RECORDED)
def test_shipped_model_gives_the_answers_it_gave(text, p_positive, fine):
    rating = S.SentimentClassifier.load().rate(text)
    assert rating.p_positive == pytest.approx(p_positive, abs=1e-6) and rating.fine_label == fine
    assert rating.label == ("positive" if p_positive > 0.5 else "negative")
    assert rating.verdict == f"{rating.label} ({max(p_positive, 1 - p_positive):.0%}), 5 classes: {fine}"


@needs_model
def test_card_model_config_is_read_strictly():
    from rnnkit.core import checkpoint, registry
    card = checkpoint.load_card("sentiment")
    assert card["model_config"] == {**vars(ModelConfig()), "embedding_dim": card["model_config"]["embedding_dim"],
                                    "lexicon": True, "negation": 8, "contrast": True}    # as shipped
    assert not set(card["model_config"]) & set(card["config"])              # architecture apart from training
    assert card["reproduce"].startswith("rnnkit train sentiment")
    model = registry.build_from_card(card)
    assert model.score.out_features == 5 and model.lstm.hidden_size == 128 and model.lstm.bidirectional
    for broken, words in (({**card["model_config"], "layers": 2}, "unknown keys \\['layers'\\]"),
                          ({k: v for k, v in card["model_config"].items() if k != "pooling"},
                           "missing keys \\['pooling'\\]")):
        with pytest.raises(checkpoint.CheckpointError, match=words):
            registry.build_from_card({**card, "model_config": broken})
    with pytest.raises(checkpoint.CheckpointError, match="no model_config"):
        registry.build_from_card({k: v for k, v in card.items() if k != "model_config"})


def rnnkit_command(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnnkit", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


@needs_model
def test_classify_command_answers_as_the_service_does():
    sentences = [RECORDED[0][0], "", "!!!", "qqqzzz is a great film"]
    done = rnnkit_command("classify", "--json", *sentences)
    assert done.returncode == 1                                  # bad inputs: reported, the others rated
    assert "no text to score" in done.stderr and "punctuation" in done.stderr and "Traceback" not in done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    classifier = S.SentimentClassifier.load()
    assert [a["input"] for a in answers] == [sentences[0], sentences[3]]
    for answer in answers:
        rating = classifier.rate(answer["input"])
        assert answer["label"] == rating.label and answer["fine"] == rating.fine_label
        assert answer["p_positive"] == pytest.approx(rating.p_positive, abs=1e-6)
        assert answer["binary"] == pytest.approx(dict(zip(D.BINARY_NAMES, rating.binary.tolist())), abs=1e-6)
        assert answer["fine_probabilities"] == pytest.approx(dict(zip(D.FINE_NAMES, rating.fine.tolist())), abs=1e-6)
        assert answer["notes"] == rating.notes
    assert "qqqzzz" in answers[1]["notes"][0]
    plain = rnnkit_command("classify", stdin=f"{RECORDED[1][0]}\n\n{RECORDED[2][0]}\n")
    assert plain.returncode == 0, plain.stderr                   # blank lines are skipped
    lines = plain.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(classifier.rate(RECORDED[1][0]).verdict)
    assert f"P(positive) {RECORDED[2][1]:.3f}" in lines[1] and "negative 47%" in lines[1]


# ----------------------------------------------------------------------------- input checks, batch, baselines

def test_check_text_says_what_is_wrong():
    vocab = Vocabulary(list(Vocabulary().itos) + ["good", "film"])
    for nothing in ("   \n ", "", None):
        with pytest.raises(InputError):
            S.check_text(nothing)
    with pytest.raises(InputError, match="punctuation"):
        S.check_text("?!... ;-)")
    long = S.check_text("good " * 30_000)
    assert len(long.text) == D.MAX_CHARS and len(long.tokens) == D.MAX_TOKENS
    assert any("first 5,000" in n for n in long.notes)
    foreign = S.check_text("这部电影 😀 très", vocab)
    assert any("unknown" in n for n in foreign.notes)
    html = S.check_text("<script>alert(1)</script> good film", vocab)
    assert html.tokens[:2] == ["<", "script"]


def test_markdown_escaping_keeps_user_text_inert():
    frame = pd.DataFrame({"token": ["<", "script", ">", "[x](javascript:1)", "$x$"],
                          "importance": [0.5, 0, -0.5, 0, 0]})
    markdown = plots.coloured_tokens(frame)
    assert ":green-background[\\<]" in markdown and ":red-background[\\>]" in markdown
    assert "\\[x\\]\\(javascript\\:1\\)" in markdown and "\\$x\\$" in markdown


def test_read_upload_handles_bad_files():
    for name, raw, words in (("a.txt", b"", "empty"), ("a.txt", b" \n\n", "empty"),
                             ("a.txt", b"\x89PNG\x00\x00", "binary"), ("a.csv", b"a,b\n1,2\n3,4\n", "No column"),
                             ("a.csv", b'a,b\n"1,2\n', "could not be read"),
                             ("a.txt", b"x" * (D.MAX_FILE_BYTES + 1), "the limit is 10 MB")):
        with pytest.raises(InputError, match=words):
            D.read_upload(name, raw)
    latin = D.read_upload("a.txt", "un film très réussi\n\nnul".encode("latin-1"))
    assert "UTF-8" in latin.notes[0] and len(latin.frame) == 3
    table = D.read_upload("r.csv", b"id,review\n1,great film\n2,\n3,awful acting\n")
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
    train = D.read_split("train").iloc[:600]
    baseline = B.TfidfBaseline(1.0, 1.0).fit(train)
    baseline.save(tmp_path / "b.npz")
    loaded = B.TfidfBaseline.load(tmp_path / "b.npz")
    texts = D.read_split("dev")["text"].iloc[:50].tolist()
    for a, b in zip(baseline.predict(texts), loaded.predict(texts)):
        assert np.allclose(a, b, atol=1e-5)


def test_tfidf_baseline_computes_what_scikit_learn_computes():
    """The compact predict (hashed terms, plain arrays) against TfidfVectorizer + LogisticRegression.predict_proba."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    train = D.read_split("train").iloc[:600]
    vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, ngram_range=(1, 2),
                                 sublinear_tf=True)
    x = vectorizer.fit_transform(train["text"])
    binary, fine = (train["binary"] >= 0).to_numpy(), (train["fine"] >= 0).to_numpy()
    heads = [LogisticRegression(C=1.0, max_iter=3000).fit(x[rows], train[column].to_numpy()[rows])
             for rows, column in ((binary, "binary"), (fine, "fine"))]
    texts = D.read_split("dev")["text"].iloc[:100].tolist() + ["", "!!!", "zzz qqq", "good good good"]
    ours = B.TfidfBaseline(1.0, 1.0).fit(train).predict(texts)
    for head, mine in zip(heads, ours):
        assert np.allclose(head.predict_proba(vectorizer.transform(texts)), mine, atol=1e-6)


def test_vader_and_majority_baselines():
    compound = B.vader_compound(["This movie is wonderful and moving.", "A terrible, boring film.", "The film."])
    binary, fine = B.vader_labels(compound, majority_binary=0)
    assert list(binary) == [1, 0, 0] and fine[0] >= 3 and fine[1] <= 1 and fine[2] == 2
    assert B.majority_labels(D.read_split("train")) == (0, 1)


@needs_model
def test_the_baselines_table_scores_the_sentence_the_lstm_read():
    classifier = S.SentimentClassifier(*load_pretrained("sentiment"))
    baselines = B.Baselines.load()
    rating = classifier.rate("A terrible, boring film.")
    rows, compound = baselines.table(rating)
    assert [row["system"] for row in rows] == ["LSTM (this page)", "TF-IDF + logistic regression",
                                               "VADER lexicon (rules)"]
    assert rows[0]["answer"] == rating.label == "negative" and rows[0]["P(positive)"] == round(rating.p_positive, 3)
    tfidf_binary, _ = baselines.tfidf.predict([rating.text])
    assert rows[1]["P(positive)"] == round(float(tfidf_binary[0, 1]), 3)
    assert compound == pytest.approx(B.vader_compound([rating.text])[0]) and compound < -0.05
    assert rows[2]["answer"] == "negative"


# ----------------------------------------------------------------------------- the page

def test_presets_start_with_the_lecture_sentence_then_one_challenge_sentence_per_phenomenon():
    examples = S.presets()
    assert list(examples.items())[0] == ("The lecture's example", S.LECTURE_EXAMPLE)
    challenge = D.read_challenge()
    assert len(examples) == 1 + challenge["phenomenon"].nunique()
    assert set(list(examples.values())[1:]) <= set(challenge["text"])



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
    assert any(c.value == S.data_sentence(load_pretrained("sentiment")[1]) for c in at.caption)
    at.selectbox[0].set_value("Challenge: negated negative").run()
    assert not at.exception and at.text_area[0].value == S.presets()["Challenge: negated negative"]
    assert len(at.get("plotly_chart")) >= 4 and len(at.tabs) == 4      # one sentence, batch, your data, card
    at.session_state["sentiment_tab"] = "Model card"                   # a hidden tab computes nothing
    at.run()
    tables = [frame.value for frame in at.dataframe]             # baselines, held-out, challenge, choices
    assert any("phenomenon" in table.columns and len(table) == D.read_challenge()["phenomenon"].nunique()
               for table in tables)
    assert any("mean dev binary (the choice)" in table.columns for table in tables)
    at.session_state["sentiment_tab"] = "One sentence"
    at.text_area[0].set_value("<script>alert('hi')</script> 😀 你好").run()
    assert not at.exception
    assert not any("<script>" in m.value for m in at.markdown)
    at.text_area[0].set_value("   ").run()
    assert not at.exception and any("no text" in i.value for i in at.info)
    at.session_state["sentiment_tab"] = "Batch (file)"
    at.file_uploader[0].set_value(("r.csv", b"id,review\n1,great fun\n2,\n3,boring and flat\n", "text/csv")).run()
    assert not at.exception and any("2 of 3 rows scored" in s.value for s in at.success)
    at.file_uploader[0].set_value(("n.csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not at.exception and any("No column" in e.value for e in at.error)


# ----------------------------------------------------------------------------- predict, then see

def test_question_checks_its_options_and_says_why():
    from rnnkit.core.questions import Question, options_around
    question = Question("Which?", ("a", "b"), "b", "Because.")
    assert question.verdict("b") == (True, "Right: Because.")
    assert question.verdict("a") == (False, "Not this time: the model says b. Because.")
    with pytest.raises(ValueError):
        Question("Which?", ("a", "b"), "c", "")
    assert options_around("c", ["a", "b", "c", "d", "e"]) == ("a", "b", "c", "d")
    assert options_around("z", ["a", "a", "b"], count=3) == ("z", "a", "b")


@needs_model
def test_the_questions_answers_are_what_the_model_does():
    from rnnkit.sentiment.questions import questions
    classifier = S.SentimentClassifier.load()
    for text in ("There is nothing to like in this movie.", "A warm, funny and moving film.",
                 "Not a single scene felt wasted.", "good"):
        rating = classifier.rate(text)
        asked = questions(rating, classifier.importance(rating.tokens))
        assert asked[0].answer == rating.label and asked[0].options == ("negative", "positive")
        for question in asked[1:]:
            importance = classifier.importance(rating.tokens)
            sign = 1 if rating.label == "positive" else -1
            strongest = importance.loc[(sign * importance["importance"]).idxmax(), "token"]
            assert question.answer == strongest and question.answer in question.options
            assert set(question.options) <= set(rating.tokens) and 2 <= len(question.options) <= 4
    lecture_rating = classifier.rate(S.LECTURE_EXAMPLE)
    lecture = questions(lecture_rating, classifier.importance(lecture_rating.tokens))
    assert len(lecture) == 2 and lecture[1].answer == "nothing"


@needs_model
def test_page_in_quiz_mode_waits_for_the_visitors_answers():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "pages/sentiment.py"), default_timeout=120)
    at.query_params["quiz"] = "true"
    at.run()
    assert not at.exception and not any("The LSTM says" in h.value for h in at.subheader)
    at.radio[0].set_value("positive").run()                     # the wrong answer: the model says negative
    shown = lambda elements: [e.value.replace("\\", "") for e in elements]     # noqa: E731 (escaped markdown)
    assert any("Not this time: the model says negative" in w for w in shown(at.warning))
    assert not any("The LSTM says" in h.value for h in at.subheader)
    at.radio[1].set_value("nothing").run()
    assert any(s.startswith("Right: Without “nothing”") for s in shown(at.success))
    assert any("The LSTM says" in h.value for h in at.subheader)


@needs_model
def test_page_compares_two_sentences_read_word_by_word():
    import json as json_module

    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "pages/sentiment.py"), default_timeout=120).run()
    compare = next(t for t in at.text_input if t.label.startswith("Compare"))
    compare.set_value("There is nothing not to like in this movie.").run()
    assert not at.exception and at.query_params["vs"] in (["There is nothing not to like in this movie."],
                                                         "There is nothing not to like in this movie.")
    other = S.SentimentClassifier.load().rate("There is nothing not to like in this movie.")
    assert any(c.value.replace("\\", "") == f"The other sentence: {other.verdict}." for c in at.caption)
    traces = [len(json_module.loads(chart.proto.spec)["data"]) for chart in at.get("plotly_chart")]
    assert 2 in traces                                           # both sentences on the word-by-word chart
    next(t for t in at.text_input if t.label.startswith("Compare")).set_value("?!").run()
    assert not at.exception and any("punctuation" in i.value for i in at.info)


def labelled_file(n: int = 60) -> pd.DataFrame:
    rows = D.read_split("tweets_train")
    rows = rows[rows["binary"] >= 0].head(n)
    return pd.DataFrame({"review": rows["text"].tolist(), "label": rows["binary"].map({1: "pos", 0: "neg"}).tolist()})


def test_own_data_is_split_and_bad_label_columns_get_a_sentence():
    from rnnkit.sentiment import own
    frame = labelled_file()
    assert own.label_values(frame, "label") == ["neg", "pos"] and own.guess_positive(["neg", "pos"]) == "pos"
    rows = own.labelled(frame, "review", "label", "pos")
    assert len(rows.test_texts) == 12 and len(rows.train_texts) == 48
    assert not set(rows.test_texts) & set(rows.train_texts)
    with pytest.raises(InputError, match="two"):
        own.label_values(frame, "review")                          # every value different: not a label column
    with pytest.raises(InputError, match="at least 20"):
        own.labelled(frame.head(10), "review", "label", "pos")
    with pytest.raises(InputError, match="different columns"):
        own.labelled(frame, "label", "label", "pos")


@needs_model
def test_own_data_trains_live_and_is_compared_with_the_shipped_model_on_held_out_rows():
    from rnnkit.sentiment import own
    rows = own.labelled(labelled_file(), "review", "label", "pos")
    seen = []
    result = own.train_own(rows, S.SentimentClassifier(*load_pretrained("sentiment")),
                           on_step=lambda step, total, loss: seen.append(step), time_limit=5.0)
    assert seen and result.steps == len(seen)
    assert list(result.table["system"]) == ["your LSTM (trained here)", "the shipped LSTM", "majority class"]
    assert result.table["accuracy"].between(0, 1).all() and len(result.examples) == len(rows.test_texts)
    assert result.shipped_rows > 40_000 and str(result.shipped_rows)[:2] in result.table["trained on"].iloc[1]
