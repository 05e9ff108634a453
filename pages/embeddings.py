"""Word Embeddings: real GloVe vectors — analogies, neighbours, PCA, one-hot vs dense, benchmark."""

import pandas as pd
import streamlit as st

from pages._common import Field, save_url_state, url_state
from rnnkit import embeddings as emb
from rnnkit.embeddings_plots import pca_figure

FIELDS = (
    Field("preset", "king", choices=("custom",) + tuple(emb.PRESET_BY_KEY)),
    Field("a", "king", max_chars=emb.MAX_WORD_CHARS),
    Field("b", "man", max_chars=emb.MAX_WORD_CHARS),
    Field("c", "woman", max_chars=emb.MAX_WORD_CHARS),
    Field("expect", "queen", max_chars=emb.MAX_WORD_CHARS),
    Field("k", 10, int, 1, 50),
    Field("method", "add", choices=tuple(emb.METHODS)),
    Field("proj", "2d", choices=("2d", "3d")),
    Field("word", "frog", max_chars=emb.MAX_WORD_CHARS),
    Field("pair", "cat, dog", max_chars=2 * emb.MAX_WORD_CHARS + 2),
    Field("words", ", ".join(emb.LECTURE_WORDS), max_chars=600),
)


@st.cache_resource(show_spinner="Loading 50,000 GloVe vectors…")
def load_glove():
    return emb.load_glove()


def use_preset(key: str) -> None:
    p = emb.PRESET_BY_KEY[key]
    st.session_state.update(emb_a=p.a, emb_b=p.b, emb_c=p.c, emb_expect=p.expected)


st.title("🔤 Word Embeddings")
st.markdown(
    "A word becomes a vector of 50 numbers — real **GloVe** vectors trained on 6 billion words of "
    "Wikipedia and news (Stanford, 2014), the 50,000 most frequent words. Related words end up close "
    "together, and some relations become directions: **king − man + woman ≈ queen**."
)

state = url_state(FIELDS)
if "emb_a" not in st.session_state:                 # first visit: the link decides the widgets
    preset = emb.PRESET_BY_KEY.get(state["preset"])
    link = st.query_params.to_dict()
    if preset and not any(name in link for name in ("a", "b", "c", "expect")):
        state.update(a=preset.a, b=preset.b, c=preset.c, expect=preset.expected)
    for name, value in state.items():
        st.session_state[f"emb_{name}"] = value

kv = load_glove()
tab_analogy, tab_near, tab_onehot, tab_dims, tab_bench, tab_train = st.tabs(
    ["Analogies & PCA", "Neighbours", "One-hot vs dense", "Interpretable dimensions", "Benchmark", "Train your own"])

# --- Analogies -------------------------------------------------------------------------------
with tab_analogy:
    st.markdown("**The lecture's analogies** — one click:")
    for column, p in zip(st.columns(len(emb.PRESETS)), emb.PRESETS):
        column.button(p.label, key=f"preset_{p.key}", on_click=use_preset, args=(p.key,), width="stretch")
    col_a, col_b, col_c, col_e = st.columns(4)
    col_a.text_input("a", key="emb_a", help="a − b + c, e.g. king")
    col_b.text_input("− b", key="emb_b", help="subtracted, e.g. man")
    col_c.text_input("+ c", key="emb_c", help="added, e.g. woman")
    col_e.text_input("expected answer (optional)", key="emb_expect", help="its rank is shown, e.g. queen")
    col_k, col_m, col_p = st.columns(3)
    k = col_k.slider("answers shown (k)", 1, 50, key="emb_k")
    method = col_m.radio("method", list(emb.METHODS), format_func=emb.METHODS.get, key="emb_method", horizontal=True)
    projection = col_p.radio("PCA projection", ["2d", "3d"], format_func=str.upper, key="emb_proj", horizontal=True)

    try:
        a, b, c = emb.check_analogy(kv, st.session_state.emb_a, st.session_state.emb_b, st.session_state.emb_c)
    except emb.WordError as error:
        a = b = c = None
        st.error(str(error))
    if a:
        answers = emb.analogy(kv, a, b, c, topn=k, method=method)
        expected = emb.clean_word(st.session_state.emb_expect)
        st.subheader(f"{a} − {b} + {c} ≈ **{answers[0][0]}**")
        score_name = "cosine" if method == "add" else "3CosMul score"
        st.dataframe(pd.DataFrame([(i + 1, w, round(s, 4)) for i, (w, s) in enumerate(answers)],
                                  columns=["rank", "word", score_name]), hide_index=True, height=min(38 + 35 * k, 400))
        if expected:
            if expected not in kv.key_to_index:
                st.warning(f"The expected answer “{expected}” is not among the {len(kv):,} words, so it has no rank.")
            elif expected in (a, b, c):
                st.warning(f"The expected answer “{expected}” is one of the inputs, which gensim always excludes.")
            else:
                rank = emb.analogy_rank(kv, a, b, c, expected, method=method)
                if rank == 1:
                    st.success(f"“{expected}” is the top answer (rank 1 of {len(kv) - 3:,}).")
                else:
                    st.warning(f"“{expected}” is only at rank {rank:,} of {len(kv) - 3:,}. 50 dimensions trained on "
                               "2014 news and Wikipedia cannot hold every relation: the vectors know Windows, "
                               "Microsoft and Google, but Android was young then. Bigger vectors (300 dims) and "
                               "newer corpora do better.")
        answer = expected if expected in kv.key_to_index and expected not in (a, b, c) else answers[0][0]
        words = emb.analogy_picture_words(kv, a, b, c, answer)
        coords, explained = emb.pca(kv, words, 3 if projection == "3d" else 2)
        roles = {w: "input" for w in (a, b, c)} | {answer: "answer"}
        st.plotly_chart(pca_figure(words, coords, roles, [(b, c), (a, answer)], explained), width="stretch")
        st.caption(f"PCA (scikit-learn) of the four words and their nearest neighbours, fitted on these "
                   f"{len(words)} words. The arrows {b} → {c} and {a} → {answer} are the same offset if the "
                   "analogy holds: a parallelogram. A projection loses most of the 50 dimensions, so trust "
                   "the cosines above more than distances in the picture.")

# --- Neighbours ------------------------------------------------------------------------------
with tab_near:
    col_w, col_s = st.columns(2)
    with col_w:
        st.text_input("nearest neighbours of", key="emb_word")
        try:
            word = emb.check_word(kv, st.session_state.emb_word)
            near = emb.neighbours(kv, word, topn=k)
            st.dataframe(pd.DataFrame(near, columns=["word", "cosine"]).round(4), hide_index=True)
        except emb.WordError as error:
            st.error(str(error))
    with col_s:
        st.text_input("similarity of two words (comma between)", key="emb_pair")
        pair = emb.split_words(st.session_state.emb_pair)
        if len(pair) != 2:
            st.info("Type exactly two different words separated by a comma, e.g. “cat, dog”.")
        else:
            try:
                first, second = (emb.check_word(kv, w) for w in pair)
                st.metric(f"cos({first}, {second})", f"{emb.similarity(kv, first, second):.3f}")
                st.caption("1 = same direction, 0 = unrelated (orthogonal), −1 = opposite.")
            except emb.WordError as error:
                st.error(str(error))

save_url_state(FIELDS, {
    "preset": next((p.key for p in emb.PRESETS if (p.a, p.b, p.c, p.expected) == tuple(
        emb.clean_word(st.session_state[f"emb_{n}"]) for n in ("a", "b", "c", "expect"))), "custom"),
    **{name: st.session_state[f"emb_{name}"] for name in ("a", "b", "c", "expect", "k", "method", "proj", "word", "pair")},
    "words": st.session_state.get("emb_words", state["words"]),
})
