"""Named entities: CoNLL reading, the tagger's shapes and CRF against brute force, strict cards, the service,
the CLI, the shipped model on the lecture's sentence, any text, and the page."""

import gzip
import itertools
import json
import subprocess
import sys

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnkit import PRETRAINED, ROOT
from rnnkit.core import checkpoint, registry
from rnnkit.core.inputs import InputError
from rnnkit.core.runner import run
from rnnkit.ner import data
from rnnkit.ner.baseline import GazetteerBaseline
from rnnkit.ner.model import CRF, ModelConfig, NERTagger
from rnnkit.ner.tagger import LECTURE_SENTENCE, Tagger

SHIPPED = all((PRETRAINED / name / "model.safetensors").exists() for name in ("ner", "ner_forward"))
needs_model = pytest.mark.skipif(not SHIPPED, reason="pretrained/ner and pretrained/ner_forward are not trained")

CONLL = """# id = h1
# text = Yesterday, Harry Potter met Hermione Granger.
Yesterday\tO
,\tO
Harry\tB-PER
Potter\tI-PER
met\tO
Hermione\tB-PER
Granger\tI-PER
.\tO

# id = h2
Ford\tB-ORG
left\tO
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A dry-run tagger (tiny, untrained) and its folder: fast, and it exercises the whole training path."""
    out = tmp_path_factory.mktemp("ner")
    run("ner", {"dry_run": True, "out": str(out)})
    return Tagger.load(str(out)), out


def test_read_conll_plain_and_gzip_with_comments(tmp_path):
    (tmp_path / "a.conll").write_text(CONLL, encoding="utf-8")
    with gzip.open(tmp_path / "b.conll.gz", "wt", encoding="utf-8") as f:
        f.write(CONLL)
    for name in ("a.conll", "b.conll.gz"):
        first, second = data.read_conll(tmp_path / name)
        assert first.tokens == data.tokens_of(first.meta["text"])
        assert first.tags[2:4] == ["B-PER", "I-PER"] and first.meta["id"] == "h1"
        assert second.tokens == ["Ford", "left"] and second.tags == ["B-ORG", "O"]
        assert data.entities(first.tokens, first.tags) == [("PER", 2, 4), ("PER", 5, 7)]


def test_read_conll_refuses_unknown_tags(tmp_path):
    (tmp_path / "bad.conll").write_text("Paris\tB-GPE\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.conll:1"):
        data.read_conll(tmp_path / "bad.conll")


def test_shipped_data_splits_read_and_human_set_is_the_documented_size():
    human = data.read_split("human_test")
    assert len(human) == 271 and sum(len(data.entities(s.tokens, s.tags)) for s in human) == 466
    assert all(s.tokens == data.tokens_of(s.meta["text"]) for s in human)


def test_entities_reads_a_stray_inside_tag_as_a_start():
    assert data.entities(["a", "b", "c"], ["I-LOC", "I-LOC", "B-PER"]) == [("LOC", 0, 2), ("PER", 2, 3)]
    assert data.entities(["a", "b"], ["B-LOC", "I-PER"]) == [("LOC", 0, 1), ("PER", 1, 2)]


def test_casing_features():
    assert [data.CASINGS[data.casing(t)] for t in ("harry", "Harry", "NASA", "iPhone", "1999", ",", "I")] == \
        ["lower", "Title", "UPPER", "mIxed", "digits", "other", "Title"]


@pytest.mark.parametrize("bidirectional", [True, False])
def test_tagger_shapes_and_contributions_add_up_to_the_scores(bidirectional):
    torch.manual_seed(0)
    model = NERTagger(ModelConfig(hidden_size=6, char_filters=5, bidirectional=bidirectional), 30, 20, 9, 7).eval()
    words, chars, casing, lengths, tags = data.collate([data.Encoded([5, 6, 7], [[4, 5], [6], [7, 8, 9]], [1, 2, 3],
                                                                     [0, 1, 2]),
                                                        data.Encoded([8], [[4]], [2], [0])])
    assert words.shape == (2, 3) and chars.shape == (2, 3, 3) and tags[1].tolist() == [0, data.IGNORE, data.IGNORE]
    states = model.states(words, chars, casing, lengths)
    assert states.shape == (2, 3, 6 * (2 if bidirectional else 1))
    scores = model(words, chars, casing, lengths)
    assert scores.shape == (2, 3, 9)
    forward, backward = model.contributions(states)
    total = forward + (backward if bidirectional else 0) + model.output.bias
    assert torch.allclose(total, scores, atol=1e-6)
    assert (backward is None) == (not bidirectional)


def test_crf_decoding_likelihood_and_marginals_match_brute_force_over_every_path():
    torch.manual_seed(1)
    crf = CRF(3)
    with torch.no_grad():
        for p in crf.parameters():
            p.normal_()
    scores = torch.randn(2, 4, 3)
    lengths = torch.tensor([4, 2])
    mask = torch.arange(4).unsqueeze(0) < lengths.unsqueeze(1)

    def path_score(b, path):
        s = crf.start[path[0]] + scores[b, 0, path[0]] + crf.end[path[-1]]
        return s + sum(crf.transitions[path[t - 1], path[t]] + scores[b, t, path[t]] for t in range(1, len(path)))

    decoded = crf.decode(scores, mask)
    for b, n in enumerate(lengths.tolist()):
        paths = list(itertools.product(range(3), repeat=n))
        values = torch.stack([path_score(b, p) for p in paths])
        assert tuple(decoded[b, :n].tolist()) == paths[int(values.argmax())]
        marginals = crf.marginals(scores[b, :n])                                   # (n, K)
        weights = (values - torch.logsumexp(values, 0)).exp()
        for t in range(n):
            brute = torch.stack([weights[[i for i, p in enumerate(paths) if p[t] == k]].sum() for k in range(3)])
            assert torch.allclose(marginals[t], brute, atol=1e-5)
        gold = torch.tensor(list(paths[5]) + [0] * (4 - n))
        nll = crf.nll(scores[b:b + 1], gold.unsqueeze(0), mask[b:b + 1])
        assert torch.allclose(nll, torch.logsumexp(values, 0) - path_score(b, paths[5]), atol=1e-5)


def test_a_card_with_a_wrong_model_config_fails_clearly(tiny):
    card = checkpoint.load_card(tiny[1])
    card["model_config"]["layers"] = 2
    with pytest.raises(checkpoint.CheckpointError, match="rnnkit train ner"):
        registry.build_from_card(card)


def test_service_tags_files_line_by_line(tiny):
    tagger = tiny[0]
    rows, notes = tagger.tag_file("Harry met Sally.\n\n???\nParis".encode("utf-8"))
    assert rows["line"].tolist() == [1, 3, 4] and not notes
    assert rows["tagged"].iloc[1] == "" and "words" in rows["note"].iloc[1]
    with pytest.raises(InputError):
        tagger.tag_file(b"")
    with pytest.raises(InputError, match="binary"):
        tagger.tag_file(b"\x00\x01PDF")


def test_baseline_uses_its_gazetteer_and_capitals():
    sentences = [data.Sentence(["Paris", "is", "big"], ["B-LOC", "O", "O"]),
                 data.Sentence(["Yesterday", "Bob", "Smith", "left"], ["O", "B-PER", "I-PER", "O"]),
                 data.Sentence(["yesterday", "it", "rained"], ["O", "O", "O"]),
                 data.Sentence(["we", "left", "yesterday"], ["O", "O", "O"])]
    baseline = GazetteerBaseline.fit(sentences)
    assert baseline.tag(["Yesterday", "I", "saw", "Paris", "and", "Zork"]) == \
        ["O", "B-PER", "O", "B-LOC", "O", "B-PER"]


@settings(max_examples=60, deadline=2000)
@given(st.text(max_size=300))
def test_any_text_gives_tags_or_the_one_input_error(tiny, text):
    try:
        tagged = tiny[0].tag(text)
    except InputError as error:
        assert str(error)
        return
    assert len(tagged.tags) == len(tagged.tokens) <= data.MAX_TOKENS
    assert tagged.probabilities.shape == (len(tagged.tokens), len(data.TAGS))
    assert all(tag in data.TAGS for tag in tagged.tags)


def test_huge_and_empty_text_get_a_sentence(tiny):
    for bad in ("", "   ", "?!", "a" * (data.MAX_CHARS + 1)):
        with pytest.raises(InputError):
            tiny[0].tag(bad)
    tagged = tiny[0].tag("word " * (data.MAX_TOKENS + 5))
    assert len(tagged.tokens) == data.MAX_TOKENS and tagged.notes


@needs_model
def test_shipped_taggers_on_the_lecture_sentence():
    for which in ("bi", "forward"):
        card = checkpoint.load_card(PRETRAINED / ("ner" if which == "bi" else "ner_forward"))
        assert card["model_config"]["bidirectional"] == (which == "bi")
    tagged = Tagger.load("bi").tag(LECTURE_SENTENCE)
    entities = {(e.text, e.kind) for e in tagged.entities}
    assert {("Harry Potter", "PER"), ("Hermione Granger", "PER")} <= entities
    assert tagged.tags[0] not in ("B-PER", "I-PER")
    assert (PRETRAINED / "ner" / "model.safetensors").stat().st_size <= 30 * 2**20


@needs_model
def test_cli_gives_the_services_tags():
    sentences = [LECTURE_SENTENCE, "i met john in london yesterday"]
    for which in ("bi", "forward"):
        result = subprocess.run([sys.executable, "-m", "rnnkit", "tag", "--json", "--model", which, *sentences],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        tagger = Tagger.load(which)
        assert [line["tags"] for line in lines] == [tagger.tag(s).tags for s in sentences]
    bad = subprocess.run([sys.executable, "-m", "rnnkit", "tag", "?!"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1 and "Type a sentence with words" in bad.stderr and "Traceback" not in bad.stderr


@needs_model
def test_page_tags_the_lecture_sentence_and_keeps_the_word_in_the_link():
    from streamlit.testing.v1 import AppTest
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page("pages/ner.py")
    app.run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "Harry Potter **PER**" in text and "Hermione Granger **PER**" in text
    assert len(app.get("plotly_chart")) >= 3
    word = next(s for s in app.selectbox if s.label == "Word")
    assert word.value == "3. Harry"                              # the first entity's first word
    word.set_value(word.options[3]).run()                        # "4. Potter"
    assert not app.exception and app.query_params["word"] in (["4"], "4")
    app.text_area[0].set_value("?!").run()
    assert not app.exception and any("Type a sentence with words" in i.value for i in app.info)


@needs_model
def test_the_questions_answers_are_what_the_taggers_do():
    from rnnkit.ner.questions import KINDS, NONE, kind_of, questions
    bi, forward = Tagger.load("bi"), Tagger.load("forward")
    for sentence in (LECTURE_SENTENCE, "i went to paris with maria", "the cat sleeps"):
        tagged, tagged_forward = bi.tag(sentence), forward.tag(sentence)
        call, agree = questions(tagged, tagged_forward)
        word = call.prompt.split("“")[1].split("”")[0]
        assert call.options == KINDS and call.answer == kind_of(tagged.tags[tagged.tokens.index(word)])
        assert agree.answer == ("yes" if tagged.tags == tagged_forward.tags else "no")
    call, _ = questions(bi.tag(LECTURE_SENTENCE), forward.tag(LECTURE_SENTENCE))
    assert call.answer == "person" and kind_of("O") == NONE


@needs_model
def test_page_in_quiz_mode_waits_for_the_visitors_answers():
    from streamlit.testing.v1 import AppTest

    from rnnkit.ner.questions import questions
    app = AppTest.from_file(str(ROOT / "pages/ner.py"), default_timeout=60)
    app.query_params["quiz"] = "true"
    app.run()
    assert not app.exception and "Harry Potter **PER**" not in " ".join(m.value for m in app.markdown)
    expected = questions(Tagger.load("bi").tag(LECTURE_SENTENCE), Tagger.load("forward").tag(LECTURE_SENTENCE))
    for radio, question in zip(app.radio, expected):
        radio.set_value(question.answer)
    app.run()
    assert not app.exception and len(app.success) == 2
    assert "Harry Potter **PER**" in " ".join(m.value for m in app.markdown)
