import ast
from datetime import timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pages._lecture import PAGES
from pages._urlstate import Field, decode, encode
from rnnkit import ROOT
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


# ---------------------------------------------------------------------------------- any link, every page's fields

def page_fields(page_file: str) -> list[Field]:
    """A page's link fields, built as the page builds them: its imports and assignments up to ``FIELDS`` are run,
    nothing after them (no Streamlit call)."""
    tree = ast.parse((ROOT / page_file).read_text(encoding="utf-8"))
    prefix = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign)):
            prefix.append(node)
            if any(getattr(target, "id", "") == "FIELDS" for target in getattr(node, "targets", ())):
                namespace: dict = {}
                exec(compile(ast.Module(prefix, type_ignores=[]), page_file, "exec"), namespace)
                return list(namespace["FIELDS"])
    return []


LINK_PAGES = {page.url_path: fields for page in PAGES if (fields := page_fields(page.file))}
NAMES = sorted({f.name for fields in LINK_PAGES.values() for f in fields} | {"unknown", "embed"})
CHOICES = sorted({f.format(choice) for fields in LINK_PAGES.values() for f in fields for choice in f.choices or ()})
LINK_VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.-+eE_xinfatrue ", max_size=24),                # almost numbers, almost booleans
    st.sampled_from(CHOICES),
    st.floats(-10, 10_010).map(str), st.integers(-10, 10_010).map(str),          # around every field's bounds
    st.floats().map(str), st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["", " ", "nan", "-inf", "1e309", "4.0", "0x10", "1_000", "١٢", "１２", "TRUE", "0", "-0",
                     "<script>alert(1)</script>", "\x00", "\u202e"]),
    st.builds(lambda text, n: text * n, st.text(min_size=1, max_size=3), st.integers(300, 2100)),   # near the limit
)


@pytest.mark.parametrize("url_path", list(LINK_PAGES))
def test_every_pages_defaults_are_values_its_fields_allow(url_path):
    fields = LINK_PAGES[url_path]
    defaults = {f.name: f.default for f in fields}
    assert decode(fields, {f.name: f.format(f.default) for f in fields}) == (defaults, [])


@pytest.mark.parametrize("url_path", list(LINK_PAGES))
@settings(max_examples=60, deadline=timedelta(seconds=10), derandomize=True, database=None)
@given(params=st.dictionaries(st.sampled_from(NAMES), LINK_VALUES))
@example(params={"fb": "1.171875", "rho": "0.6000000000000001"})      # were written back as 1.17188 and 0.6
def test_any_link_gives_allowed_values_and_a_sentence_per_problem(url_path, params):
    """Whatever a link carries, every field gets a value it allows, or its default and a sentence that names it;
    and the link the page writes back reads as the same values with no problem (a copied link reproduces the
    page)."""
    fields = LINK_PAGES[url_path]
    values, problems = decode(fields, params)
    assert list(values) == [f.name for f in fields]
    named = [p.split("`")[1] for p in problems]
    assert all(p.startswith("`") and p.endswith("instead.") and len(p.split()) > 5 for p in problems), problems
    assert len(set(named)) == len(named) and set(named) <= set(params)
    assert all(values[f.name] == f.default for f in fields if f.name in named)
    assert decode(fields, encode(fields, values)) == (values, [])
