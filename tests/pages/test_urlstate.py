from pages._urlstate import Field, decode, encode
from rnnkit.core.text import Vocabulary, tokenize

FIELDS = [Field("seq", "1,2,3"), Field("hidden", 3, int, 1, 8), Field("scale", 1.0, float, 0.1, 2.0),
          Field("act", "tanh", choices=("tanh", "relu")), Field("lstm", False, bool)]


def test_round_trip_keeps_only_changed_values():
    values = {"seq": "0.5,1", "hidden": 5, "scale": 1.0, "act": "relu", "lstm": True}
    params = encode(FIELDS, values)
    assert params == {"seq": "0.5,1", "hidden": "5", "act": "relu", "lstm": "true"}
    assert decode(FIELDS, params) == (values, [])


def test_malformed_params_fall_back_with_a_sentence():
    values, problems = decode(FIELDS, {"hidden": "99", "scale": "nan", "act": "<script>", "lstm": "maybe",
                                       "seq": "x" * 5000})
    assert values == {f.name: f.default for f in FIELDS}
    assert len(problems) == 5
    assert any("between 1 and 8" in p for p in problems)
    assert all(p.endswith("instead.") for p in problems)


def test_integer_written_as_float_is_accepted():
    assert decode(FIELDS, {"hidden": "4.0"})[0]["hidden"] == 4
    assert decode(FIELDS, {"hidden": "4.5"})[1]


def test_tokenizer_and_vocabulary():
    tokens = tokenize("  There is NOTHING to like in this movie. It's <b>bad</b>!")
    assert tokens[:4] == ["there", "is", "nothing", "to"]
    assert "it's" in tokens and "<" in tokens and "!" == tokens[-1]
    vocab = Vocabulary.build([tokens, ["movie", "movie"]], min_freq=2)
    assert vocab.itos[:4] == ["<pad>", "<unk>", "<bos>", "<eos>"] and vocab.itos[4] == "movie"
    assert vocab.encode(["movie", "zebra"], add_bos=True, add_eos=True) == [2, 4, 1, 3]
    assert vocab.decode([2, 4, 1, 3]) == ["movie"]
    assert vocab.unknown(["movie", "zebra"]) == ["zebra"]
    assert tokenize("") == [] and tokenize("日本語のテキスト") == ["日本語のテキスト"]
