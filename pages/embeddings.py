"""Word Embeddings: real GloVe vectors — analogies, neighbours, PCA, one-hot vs dense, benchmark."""

import pandas as pd
import streamlit as st

from pages._common import (
    CHART_ENTRIES,
    Field,
    lazy_tabs,
    load_glove,
    predict_first,
    save_url_state,
    show_chart,
    url_state,
)
from pages._live import Busy, training_slot
from rnnkit.core.inputs import InputError
from rnnkit.core.inputs import escape_markdown as plain
from rnnkit.embeddings import explain
from rnnkit.embeddings import vectors as emb
from rnnkit.embeddings import word2vec as w2v
from rnnkit.embeddings.plots import benchmark_figure, pca_figure, similarity_heatmap
from rnnkit.embeddings.questions import questions

INPUT_CHARS, LIST_CHARS = 200, 600     # what a widget accepts = what the link may carry
CORPUS_LABELS = {**w2v.BUILTIN, "upload": "your own .txt file"}     # the corpus radio's options and labels
FIELDS = (
    Field("preset", "king", choices=("custom",) + tuple(emb.PRESET_BY_KEY)),
    Field("a", "king", max_chars=INPUT_CHARS), Field("b", "man", max_chars=INPUT_CHARS),
    Field("c", "woman", max_chars=INPUT_CHARS), Field("expect", "queen", max_chars=INPUT_CHARS),
    Field("k", 10, int, 1, 50), Field("method", "add", choices=tuple(emb.METHODS)),
    Field("proj", "2d", choices=("2d", "3d")), Field("word", "frog", max_chars=INPUT_CHARS),
    Field("pair", "cat, dog", max_chars=INPUT_CHARS),
    Field("words", ", ".join(emb.LECTURE_WORDS), max_chars=LIST_CHARS), Field("dims", "", max_chars=LIST_CHARS),
    Field("quiz", False, bool), Field("vs", "", max_chars=LIST_CHARS),
)


@st.cache_resource(max_entries=CHART_ENTRIES, show_spinner=False)
def analogy(a: str, b: str, c: str, expected: str, k: int, method: str, dims: int):
    """An analogy's answers, their table and its PCA picture, once per input for every visitor (a class clicks
    the lecture's presets): the picture took more of the server's time than the search. Shared read-only; an
    ``InputError`` is raised again on every call, not cached."""
    kv = load_glove()[0]
    found = emb.solve_analogy(kv, a, b, c, expected, topn=k, method=method)
    words, coords, explained, roles, arrows = emb.analogy_picture(kv, found, dims)
    return found, emb.answer_table(found, method), pca_figure(words, coords, roles, arrows, explained), len(words)


st.title("🔤 Word Embeddings")
st.markdown(explain.INTRO)

state = url_state(FIELDS)
if "emb_a" not in st.session_state:                 # first visit: the link decides the widgets
    st.session_state.update({f"emb_{name}": value
                             for name, value in emb.link_values(state, st.query_params.to_dict()).items()})

kv, bench = load_glove()
tab_analogy, tab_near, tab_onehot, tab_dims, tab_bench, tab_train = lazy_tabs(
    ["Analogies & PCA", "Neighbours", "One-hot vs dense", "Interpretable dimensions", "Benchmark", "Train your own"],
    key="emb_tab")

with tab_analogy:
    st.markdown("**The lecture's analogies** — one click:")
    for column, p in zip(st.columns(2) * 2, emb.PRESETS):
        column.button(p.label, key=f"preset_{p.key}", on_click=st.session_state.update,
                      kwargs=dict(emb_a=p.a, emb_b=p.b, emb_c=p.c, emb_expect=p.expected), width="stretch")
    for column, (name, label, hint) in zip(st.columns(4), (
            ("a", "a", "a − b + c, e.g. king"), ("b", "− b", "subtracted, e.g. man"), ("c", "+ c", "added, e.g. woman"),
            ("expect", "expected answer (optional)", "its rank is shown, e.g. queen"))):
        column.text_input(label, key=f"emb_{name}", max_chars=INPUT_CHARS, help=hint)
    col_k, col_m, col_p = st.columns(3)
    k = col_k.slider("answers shown (k)", 1, 50, key="emb_k")
    method = col_m.radio("method", list(emb.METHODS), format_func=emb.METHODS.get, key="emb_method", horizontal=True)
    dims = 3 if col_p.radio("PCA projection", ["2d", "3d"], format_func=str.upper, key="emb_proj",
                            horizontal=True) == "3d" else 2
    quiz = st.toggle("Predict first", key="emb_quiz", help="Answer two questions before the answers are shown.")
    try:
        found, answers, picture, shown = analogy(st.session_state.emb_a, st.session_state.emb_b,
                                                 st.session_state.emb_c, st.session_state.emb_expect, k, method, dims)
    except InputError as error:
        found = None
        st.error(plain(str(error)))
    if found and quiz and not predict_first(questions(kv, found), "embeddings-quiz"):
        found = None                                     # the answers wait for the visitor's predictions
    if found and tab_analogy.open:
        st.subheader(f"{plain(found.a)} − {plain(found.b)} + {plain(found.c)} ≈ **{plain(found.answer)}**")
        st.dataframe(answers, hide_index=True, height=min(38 + 35 * k, 400))
        if found.verdict:
            (st.success if found.verdict[0] == "success" else st.warning)(plain(found.verdict[1]))
        show_chart(st, picture, width="stretch")
        st.caption(plain(explain.picture(found.b, found.c, found.a, found.target, shown)))
    if found:
        st.text_input("compare with a second analogy (optional), e.g. paris − france + italy", key="emb_vs",
                      max_chars=LIST_CHARS, help="Both parallelograms are drawn in one PCA: do the offsets agree?")
        if st.session_state.emb_vs.strip() and tab_analogy.open:
            try:
                second = emb.solve_analogy(kv, *emb.parse_analogy(st.session_state.emb_vs), topn=k, method=method)
            except InputError as error:
                st.info(plain(str(error)))
            else:
                st.markdown(f"Second: {plain(second.a)} − {plain(second.b)} + {plain(second.c)} ≈ "
                            f"**{plain(second.answer)}**")
                words, coords, explained, roles, arrows = emb.analogies_picture(kv, [found, second], dims)
                show_chart(st, pca_figure(words, coords, roles, arrows, explained), width="stretch",
                           key="two-analogies")
                st.caption("Both analogies in one PCA of their words: where the offsets (b → c, a → answer) point "
                           "the same way and have the same length, the vectors encode one relation; a projection "
                           "of 50 dimensions onto a few can also hide or fake that.")

with tab_near:
    col_w, col_s = st.columns(2)
    with col_w:
        st.text_input("nearest neighbours of", key="emb_word", max_chars=INPUT_CHARS)
        try:
            if tab_near.open:
                near = emb.neighbours(kv, emb.check_word(kv, st.session_state.emb_word), topn=k)
                st.dataframe(pd.DataFrame(near, columns=["word", "cosine"]).round(4), hide_index=True)
        except InputError as error:
            st.error(plain(str(error)))
    with col_s:
        st.text_input("similarity of two words (comma between)", key="emb_pair", max_chars=INPUT_CHARS)
        pair = emb.split_words(st.session_state.emb_pair)
        if len(pair) != 2:
            st.info("Type exactly two different words separated by a comma, e.g. “cat, dog”.")
        elif tab_near.open:
            try:
                first, second = (emb.check_word(kv, w) for w in pair)
                st.metric(f"cos({plain(first)}, {plain(second)})", f"{emb.similarity(kv, first, second):.3f}")
                st.caption("1 = same direction, 0 = unrelated (orthogonal), −1 = opposite.")
            except InputError as error:
                st.error(plain(str(error)))
    st.subheader("Your own word list")
    st.text_input("words (commas or spaces between; up to 30)", key="emb_words", max_chars=LIST_CHARS)
    known, problems = emb.known_words(kv, st.session_state.emb_words)
    for problem in problems:
        st.warning(plain(problem))
    if len(known) < 2:
        st.info("Type at least two known words to compare them, e.g. “man, woman, king, queen, apple, orange”.")
    elif tab_near.open:
        coords, explained = emb.pca(kv, known, dims)
        show_chart(st, pca_figure(known, coords, {w: "input" for w in known}, [], explained), width="stretch")

with tab_onehot:
    st.markdown(explain.one_hot(len(kv), kv.vector_size))
    if len(known) < 2:
        st.info("Type at least two known words in the word list on the Neighbours tab.")
    elif tab_onehot.open:
        for column, (matrix, title) in zip(st.columns(2), emb.one_hot_and_dense(kv, known)):
            show_chart(column, similarity_heatmap(matrix, known, title), width="stretch")
        st.dataframe(emb.memory_table(kv), hide_index=True)
        st.caption(explain.memory(len(kv), kv.vector_size))

with tab_dims:
    st.markdown(explain.DIMENSIONS)
    st.text_area("your own directions, one a line: `Name: positive words | negative words`", key="emb_dims",
                 max_chars=LIST_CHARS, height=90,
                 placeholder="Size: big large huge giant | small tiny little\nSport: football tennis game | music art")
    usable, problems = emb.directions_from_text(kv, st.session_state.emb_dims)
    for problem in problems:
        st.warning(plain(problem))
    if tab_dims.open:
        dim_words = known or list(emb.LECTURE_WORDS)
        table, problems = emb.projection_table(kv, dim_words, usable)
        for problem in problems:
            st.caption(plain(problem))
        show_chart(st, similarity_heatmap(table, dim_words, "cosine of each word with each direction",
                                           rows=[d.name for d in usable], zmax=0.6), width="stretch")
        with st.expander("the words that build each direction"):
            st.dataframe(emb.direction_table(usable), hide_index=True)
        st.caption(explain.DIMENSIONS_CAPTION)

with tab_bench:
    st.markdown(explain.BENCHMARK)
    if tab_bench.open:
        for column, (label, value, note) in zip(st.columns(3), explain.benchmark_metrics(bench,
                                                                                         emb.REFERENCE_ACCURACY)):
            column.metric(label, value, note, delta_color="off", delta_arrow="off")
        st.caption(explain.PUBLISHED)
        show_chart(st, benchmark_figure([bench["sections"]], ["GloVe 6B 50d"]), width="stretch")
        if emb.preset_table(bench):
            st.markdown("**The lecture's four analogies** (rank of the expected answer among 50,000 words):")
            st.dataframe(pd.DataFrame(emb.preset_table(bench)), hide_index=True)

with tab_train:
    st.markdown(explain.TRAIN)
    source = st.radio("corpus", list(CORPUS_LABELS), horizontal=True, key="emb_corpus",
                      format_func=CORPUS_LABELS.__getitem__)
    upload = st.file_uploader(f"a plain-text file (UTF-8, at most {w2v.MAX_UPLOAD_BYTES // 1_000_000} MB)",
                              type=["txt"], key="emb_upload") if source == "upload" else None
    col_1, col_2, col_3 = st.columns(3)
    epochs = col_1.slider("epochs", 1, 10, w2v.Word2VecConfig.epochs, key="emb_epochs")
    min_count = col_2.slider("minimum count of a word", 1, 10, w2v.Word2VecConfig.min_count, key="emb_min_count")
    skip_gram = col_3.radio("architecture", ["skip-gram", "CBOW"], horizontal=True, key="emb_arch") == "skip-gram"
    if w2v.reference_note(bench, source):
        st.caption(w2v.reference_note(bench, source))
    if st.button("Train word2vec", type="primary", key="emb_train"):
        cfg = w2v.Word2VecConfig(epochs=epochs, min_count=min_count, sg=int(skip_gram))
        try:
            text = w2v.corpus_text(source, upload.getvalue() if upload else None)
            sentences, tokens = w2v.sentences(text, cfg.max_tokens)
            bar = st.progress(0.0, text="Waiting for a free training slot…")
            with training_slot():
                own = w2v.train(sentences, cfg, on_epoch=lambda done, total: bar.progress(
                    done / total, text=f"epoch {done} of {total}"))
            with st.spinner("Running questions-words on your vectors and on GloVe…"):
                st.session_state.emb_own = w2v.OwnRun.of(own, tokens, kv)
        except (InputError, Busy) as error:
            st.error(plain(str(error)))
    own_run = st.session_state.get("emb_own")
    if own_run and tab_train.open:
        mine, same = own_run.result["own"], own_run.result["glove_same_questions"]
        st.subheader(f"Your word2vec: {len(own_run.words):,} words from {own_run.tokens:,} tokens")
        for column, (label, value, note) in zip(st.columns(3), explain.own_metrics(own_run.result, bench)):
            column.metric(label, value, note, delta_color="off", delta_arrow="off")
        if same:
            show_chart(st, benchmark_figure([mine["sections"], same["sections"]],
                                             ["your word2vec", "GloVe, same questions"]), width="stretch")
    if own_run:
        probe = st.text_input("nearest neighbours in your vectors", "government", key="emb_probe")
    if own_run and tab_train.open:
        try:
            for column, table in zip(st.columns(2), w2v.neighbour_tables(own_run.keyed_vectors(), kv, probe)):
                column.dataframe(table, hide_index=True)
        except InputError as error:
            st.info(plain(str(error)))

values = {field.name: st.session_state.get(f"emb_{field.name}", state[field.name])    # a widget not drawn this run
          for field in FIELDS if field.name != "preset"}                                 # (no analogy) keeps the link's
save_url_state(FIELDS, values | {"preset": emb.preset_of(values["a"], values["b"], values["c"], values["expect"])})
