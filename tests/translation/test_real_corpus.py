"""Translation on the real corpus: reading pairs.tsv.gz, the bidirectional encoder and input feeding,
sentencepiece pieces grouped into words, both directions, resumable training, and the translator's
input handling for any text (Hypothesis)."""

from __future__ import annotations

import time

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit import ROOT
from rnnkit.core.inputs import InputError
from rnnkit.core.text import Vocabulary, tokenize
from rnnkit.translation import data as translation_data
from rnnkit.translation import task
from rnnkit.translation.model import Encoder, ModelConfig, Seq2Seq, join_directions
from rnnkit.translation.subwords import Language, Segmenter, group_columns, group_rows
from rnnkit.translation.translator import MODELS, Translator

HAS_CORPUS = translation_data.PREPARED.exists()
BOS = Vocabulary.bos_id


# --- the model ------------------------------------------------------------------------------
def test_bidirectional_encoder_is_both_lstms_concatenated():
    """Oracle: h̄_s = [forward LSTM state; backward LSTM state], the final state both ends joined."""
    torch.manual_seed(0)
    encoder = Encoder(12, 6, 8, 1, 0.0, bidirectional=True).eval()
    src, lengths = torch.tensor([[4, 5, 6, 7], [8, 9, 10, 0]]), torch.tensor([4, 3])
    h_s, (h_n, c_n) = encoder(src, lengths)
    assert h_s.shape == (2, 4, 8) and h_n.shape == (1, 2, 8) and c_n.shape == (1, 2, 8)
    lstm = encoder.lstm
    forward = torch.nn.LSTM(6, 4, batch_first=True)
    backward = torch.nn.LSTM(6, 4, batch_first=True)
    forward.load_state_dict({k: v for k, v in lstm.state_dict().items() if "reverse" not in k})
    backward.load_state_dict({k.replace("_reverse", ""): v for k, v in lstm.state_dict().items() if "reverse" in k})
    x = encoder.embedding(src[1:, :3])                                       # the 3 real words of sentence 2
    fwd, (fwd_h, _) = forward(x)
    bwd, (bwd_h, _) = backward(x.flip(1))
    assert torch.allclose(h_s[1, :3, :4], fwd[0], atol=1e-6)
    assert torch.allclose(h_s[1, :3, 4:], bwd[0].flip(0), atol=1e-6)
    assert torch.allclose(h_n[0, 1], torch.cat([fwd_h[0, 0], bwd_h[0, 0]]), atol=1e-6)
    assert torch.all(h_s[1, 3] == 0)                                         # padding stays zero


def test_join_directions_orders_layers_then_directions():
    state = torch.arange(2 * 2 * 3 * 1.0).view(4, 3, 1).expand(4, 3, 2)      # (2 layers x 2 directions, B, H/2)
    joined = join_directions(state)
    assert joined.shape == (2, 3, 4)
    assert torch.equal(joined[1, :, :2], state[2]) and torch.equal(joined[1, :, 2:], state[3])


@pytest.mark.parametrize("bidirectional, input_feeding", [(True, True), (False, True), (True, False)])
def test_teacher_forcing_equals_decoding_step_by_step(bidirectional, input_feeding):
    torch.manual_seed(1)
    config = ModelConfig("general", 8, 16, 1, 0.0, False, bidirectional, input_feeding)
    model = Seq2Seq(config, 20, 15).eval()
    src, lengths = torch.tensor([[4, 5, 6, 7], [8, 9, 0, 0]]), torch.tensor([4, 2])
    target = torch.tensor([[BOS, 4, 5, 6], [BOS, 7, 8, 0]])
    logits, alpha = model(src, lengths, target)
    assert logits.shape == (2, 3, 15) and alpha.shape == (2, 3, 4)
    assert torch.allclose(alpha.sum(-1), torch.ones(2, 3)) and torch.all(alpha[1, :, 2:] == 0)
    h_s, state, mask = model.encode(src, lengths)
    assert len(state) == (3 if input_feeding else 2)
    steps = []
    for t in range(3):
        step_logits, state, _ = model.decoder.forward_step(target[:, t:t + 1], state, h_s, mask)
        steps.append(step_logits)
    assert torch.allclose(torch.cat(steps, 1), logits, atol=1e-5)
    best = model.beam_search([4, 5, 6, 7], beam_size=1, max_len=8)[0]
    greedy, = model.greedy(torch.tensor([[4, 5, 6, 7]]), torch.tensor([4]), 8)
    assert best.tokens == greedy.tokens and best.log_prob == pytest.approx(greedy.log_prob, abs=1e-5)


@pytest.mark.parametrize("layers", [1, 2])
def test_one_decoder_step_is_the_lstm_step_on_its_own_weights(layers):
    """Decoding runs ``nn.LSTM``'s cell op on its weights (a one-step ``nn.LSTM`` call was 4x slower)."""
    torch.manual_seed(2)
    decoder = Seq2Seq(ModelConfig("general", 8, 16, layers, 0.3), 20, 15).decoder.eval()
    x, h, c = torch.randn(3, 8), torch.randn(layers, 3, 16), torch.randn(layers, 3, 16)
    expected, (h_n, c_n) = decoder.lstm(x[:, None], (h, c))
    new_h, new_c = decoder._lstm_step(x, h, c)
    assert torch.allclose(new_h, h_n, atol=1e-6) and torch.allclose(new_c, c_n, atol=1e-6)
    assert torch.allclose(new_h[-1], expected[:, 0], atol=1e-6)


def test_input_feeding_changes_what_the_decoder_reads():
    config = ModelConfig("general", 8, 16, 1, 0.0, False, True, True)
    model = Seq2Seq(config, 20, 15)
    assert model.decoder.lstm.input_size == 8 + 16                           # [y_{t-1}; a_{t-1}]
    with pytest.raises(ValueError, match="needs attention"):
        Seq2Seq(ModelConfig("none", 8, 16, input_feeding=True), 20, 15)
    with pytest.raises(ValueError, match="even hidden_size"):
        Seq2Seq(ModelConfig("general", 8, 15, bidirectional=True), 20, 15)


# --- subwords -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    sentences = [tokenize(en) for en, _, _ in translation_data.read_everyday()] * 5
    return Segmenter.train(sentences, 300)


def test_pieces_round_trip_to_words_and_group_attention(segmenter):
    words = tokenize("Do you want to sing with me? Unbelievable 1234")
    pieces, owners = segmenter.split(words)
    assert len(pieces) > len(words) and owners == sorted(owners) and owners[-1] == len(words) - 1
    joined, joined_owners = segmenter.join(pieces)
    assert joined == words and joined_owners == owners
    again = Segmenter(segmenter.model)                                       # from the card's base64 alone
    assert again.split(words) == (pieces, owners)
    alpha = torch.softmax(torch.randn(5, len(pieces)), -1).numpy()
    by_word = group_columns(alpha, owners, len(words))
    assert by_word.shape == (5, len(words)) and abs(by_word.sum(1) - 1).max() < 1e-5
    rows = group_rows(by_word, [0, 0, 1, 2, 2], 3)
    assert rows.shape == (3, len(words)) and abs(rows.sum(1) - 1).max() < 1e-5


def test_words_mode_is_the_identity():
    language = Language(Segmenter(None), Vocabulary(["<pad>", "<unk>", "<bos>", "<eos>", "the", "cat"]))
    ids, owners = language.encode(["the", "dog"])
    assert ids == [4, Vocabulary.unk_id] and owners == [0, 1]
    assert language.unknown_words(["the", "dog"]) == [1]
    assert language.decode([4, 5]) == (["the", "cat"], [0, 1])


# --- data -----------------------------------------------------------------------------------
@pytest.mark.skipif(not HAS_CORPUS, reason="data/translation/pairs.tsv.gz not prepared")
def test_prepared_corpus_is_read_by_source_and_split():
    splits = translation_data.read_prepared("games,bible,stamps,dictionary")
    assert set(splits) == {"train", "dev", "test"}
    assert {row[2] for row in splits["test"]} == {"games", "bible", "stamps", "dictionary"}
    train_english = {row[0].lower() for row in splits["train"]}
    assert not train_english & {row[0].lower() for row in splits["test"]}   # split by sentence
    everyday = {en.lower() for en, _, _ in translation_data.read_everyday()}
    assert len(everyday) >= 150 and len(everyday & train_english) == 9      # "how are you?" is game dialogue too
    cfg = task.Config(dev_size=5, test_size=5)
    trained = {" ".join(tokenize(source)) for source, _ in task.load_splits(cfg)[0]}
    assert not {" ".join(tokenize(en)) for en in everyday} & trained          # ... and dropped from training
    only = translation_data.read_prepared("stamps")
    assert {row[2] for split in only.values() for row in split} == {"stamps"}
    with pytest.raises(ValueError, match="has no source"):
        translation_data.read_prepared("games,tatoeba")
    dictionary = translation_data.dictionary_from_pairs(splits["train"][-2000:] + splits["train"][:10])
    assert dictionary and all(" " not in key for key in dictionary)


@pytest.mark.skipif(not HAS_CORPUS, reason="data/translation/pairs.tsv.gz not prepared")
@pytest.mark.parametrize("direction", ["en-fr", "fr-en"])
def test_dry_run_on_the_real_corpus_both_directions(tmp_path, direction):
    from rnnkit.core.runner import run
    card = run("translation", {"dry_run": True, "direction": direction, "subwords": 8000, "bidirectional": True,
                               "input_feeding": True, "out": str(tmp_path)})
    assert card["steps"] == 3 and card["extras"]["direction"] == direction
    assert card["model_config"]["bidirectional"] and card["model_config"]["input_feeding"]
    assert "pairs.tsv.gz" in card["data"]["source"] and card["extras"]["src_spm"]
    translator = Translator(*load(tmp_path))
    assert translator.direction == direction and translator.src.segmenter.subwords
    result = translator.translate("Voulez-vous chanter avec moi ?" if direction == "fr-en" else "I sing.")
    assert result.alpha.shape == (len(result.output), len(result.source))


def load(directory):
    from rnnkit.core.registry import load_pretrained
    return load_pretrained(directory)


def test_training_resumes_from_its_checkpoint(tmp_path):
    """Stopped after one step and resumed, a run ends with the weights of one uninterrupted run."""
    from rnnkit.core import checkpoint
    from rnnkit.core.runner import run
    common = {"dry_run": True, "sources": "", "dropout": 0.0, "checkpoint_minutes": 60.0}
    run("translation", {**common, "out": str(tmp_path / f"whole-{tmp_path.name}")})           # 3 steps
    parts = tmp_path / f"parts-{tmp_path.name}"
    run("translation", {**common, "out": str(parts), "time_limit": 1e-9})                       # stops after 1
    card = run("translation", {**common, "out": str(parts), "resume": True})                    # steps 2 and 3
    whole, _ = checkpoint.load(tmp_path / f"whole-{tmp_path.name}")
    resumed, _ = checkpoint.load(parts)
    assert card["steps"] == 2
    assert all(torch.allclose(whole[k], resumed[k], atol=1e-6) for k in whole)


# --- the translator on any input --------------------------------------------------------------
@pytest.fixture(scope="module")
def translator() -> Translator:
    name = MODELS[("attention", "en-fr")]
    if not (ROOT / "pretrained" / name / "model.safetensors").exists():
        pytest.skip("no trained model")
    return Translator.load("attention", "en-fr")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400) | st.sampled_from(["<b>x</b>", "🙂" * 50, "?!", "Der Hund schläft", "word " * 300]))
def test_any_text_gets_a_translation_or_a_sentence(translator, text):
    start = time.perf_counter()
    try:
        result = translator.translate(text, beam_size=2)
    except InputError as error:
        assert str(error).endswith(".") and len(str(error)) > 20
        return
    assert isinstance(result.text, str) and len(result.source) <= 50
    assert result.alpha is None or result.alpha.shape == (len(result.output), len(result.source))
    assert time.perf_counter() - start < 30                                  # bounded: the input is cut
