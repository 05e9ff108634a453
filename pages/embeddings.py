"""Word Embeddings: real GloVe vectors — analogies, neighbours, PCA, one-hot vs dense, benchmark."""

import numpy as np
import pandas as pd
import streamlit as st

from pages._common import Field, save_url_state, url_state
from rnnkit.embeddings import vectors as emb
from rnnkit.embeddings import word2vec as w2v
from rnnkit.embeddings.plots import benchmark_figure, pca_figure, similarity_heatmap
from pages._live import Busy, training_slot
from rnnkit.core.inputs import escape_markdown as plain

INPUT_CHARS, LIST_CHARS = 200, 600     # what a widget accepts = what the link may carry
FIELDS = (
    Field("preset", "king", choices=("custom",) + tuple(emb.PRESET_BY_KEY)),
    Field("a", "king", max_chars=INPUT_CHARS),
    Field("b", "man", max_chars=INPUT_CHARS),
    Field("c", "woman", max_chars=INPUT_CHARS),
    Field("expect", "queen", max_chars=INPUT_CHARS),
    Field("k", 10, int, 1, 50),
    Field("method", "add", choices=tuple(emb.METHODS)),
    Field("proj", "2d", choices=("2d", "3d")),
    Field("word", "frog", max_chars=INPUT_CHARS),
    Field("pair", "cat, dog", max_chars=INPUT_CHARS),
    Field("words", ", ".join(emb.LECTURE_WORDS), max_chars=LIST_CHARS),
    Field("dims", "", max_chars=LIST_CHARS),
)
REFERENCE_ACCURACY = 0.497       # GloVe 6B 50d, restrict_vocab=30000 (DATA.md)


@st.cache_resource(show_spinner="Loading 50,000 GloVe vectors…")
def load_glove():
    return emb.load_glove()


@st.cache_data(show_spinner="Running the questions-words benchmark (a few minutes, once per server)…")
def glove_benchmark() -> dict:
    """The precomputed result, or computed once (on a read-only view of the shared vectors)."""
    return emb.load_benchmark() or emb.analogy_benchmark(load_glove())


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
    for column, p in zip(st.columns(2) * 2, emb.PRESETS):
        column.button(p.label, key=f"preset_{p.key}", on_click=use_preset, args=(p.key,), width="stretch")
    col_a, col_b, col_c, col_e = st.columns(4)
    col_a.text_input("a", key="emb_a", max_chars=INPUT_CHARS, help="a − b + c, e.g. king")
    col_b.text_input("− b", key="emb_b", max_chars=INPUT_CHARS, help="subtracted, e.g. man")
    col_c.text_input("+ c", key="emb_c", max_chars=INPUT_CHARS, help="added, e.g. woman")
    col_e.text_input("expected answer (optional)", key="emb_expect", max_chars=INPUT_CHARS,
                     help="its rank is shown, e.g. queen")
    col_k, col_m, col_p = st.columns(3)
    k = col_k.slider("answers shown (k)", 1, 50, key="emb_k")
    method = col_m.radio("method", list(emb.METHODS), format_func=emb.METHODS.get, key="emb_method", horizontal=True)
    projection = col_p.radio("PCA projection", ["2d", "3d"], format_func=str.upper, key="emb_proj", horizontal=True)

    try:
        a, b, c = emb.check_analogy(kv, st.session_state.emb_a, st.session_state.emb_b, st.session_state.emb_c)
    except emb.WordError as error:
        a = b = c = None
        st.error(plain(str(error)))
    if a:
        answers = emb.analogy(kv, a, b, c, topn=k, method=method)
        expected = emb.clean_word(st.session_state.emb_expect)
        st.subheader(f"{plain(a)} − {plain(b)} + {plain(c)} ≈ **{plain(answers[0][0])}**")
        score_name = "cosine" if method == "add" else "3CosMul score"
        st.dataframe(pd.DataFrame([(i + 1, w, round(s, 4)) for i, (w, s) in enumerate(answers)],
                                  columns=["rank", "word", score_name]), hide_index=True, height=min(38 + 35 * k, 400))
        if expected:
            if expected not in kv.key_to_index:
                st.warning(f"The expected answer “{plain(expected)}” is not among the {len(kv):,} words, so it has no rank.")
            elif expected in (a, b, c):
                st.warning(f"The expected answer “{plain(expected)}” is one of the inputs, which gensim always excludes.")
            else:
                rank = emb.analogy_rank(kv, a, b, c, expected, method=method)
                if rank == 1:
                    st.success(f"“{plain(expected)}” is the top answer (rank 1 of {len(kv) - 3:,}).")
                else:
                    why = ("Here “windows” is mostly the plural of “window” (see the top answer), and Android "
                           "was only a few years old in the 2014 corpus. " if (a, b, c, expected) == (
                               "windows", "microsoft", "google", "android") else "")
                    st.warning(f"“{plain(expected)}” is only at rank {rank:,} of {len(kv) - 3:,}. {why}50 dimensions "
                               "trained on Wikipedia and news cannot hold every relation; bigger vectors (300 dims) "
                               "and bigger, newer corpora get more of them right.")
        answer = answers[0][0]
        target = expected if expected in kv.key_to_index and expected not in (a, b, c) else answer
        words = emb.analogy_picture_words(kv, a, b, c, answer, expected=target)
        coords, explained = emb.pca(kv, words, 3 if projection == "3d" else 2)
        roles = {w: "input" for w in (a, b, c)} | {target: "expected", answer: "answer"}
        st.plotly_chart(pca_figure(words, coords, roles, [(b, c), (a, target)], explained), width="stretch")
        st.caption(f"PCA (scikit-learn) of the four words and their nearest neighbours, fitted on these "
                   f"{len(words)} words. The arrows {plain(b)} → {plain(c)} and {plain(a)} → {plain(target)} are the same offset if the "
                   "analogy holds: a parallelogram. A projection loses most of the 50 dimensions, so trust "
                   "the cosines above more than distances in the picture.")

# --- Neighbours ------------------------------------------------------------------------------
with tab_near:
    col_w, col_s = st.columns(2)
    with col_w:
        st.text_input("nearest neighbours of", key="emb_word", max_chars=INPUT_CHARS)
        try:
            word = emb.check_word(kv, st.session_state.emb_word)
            near = emb.neighbours(kv, word, topn=k)
            st.dataframe(pd.DataFrame(near, columns=["word", "cosine"]).round(4), hide_index=True)
        except emb.WordError as error:
            st.error(plain(str(error)))
    with col_s:
        st.text_input("similarity of two words (comma between)", key="emb_pair", max_chars=INPUT_CHARS)
        pair = emb.split_words(st.session_state.emb_pair)
        if len(pair) != 2:
            st.info("Type exactly two different words separated by a comma, e.g. “cat, dog”.")
        else:
            try:
                first, second = (emb.check_word(kv, w) for w in pair)
                st.metric(f"cos({plain(first)}, {plain(second)})", f"{emb.similarity(kv, first, second):.3f}")
                st.caption("1 = same direction, 0 = unrelated (orthogonal), −1 = opposite.")
            except emb.WordError as error:
                st.error(plain(str(error)))

    st.subheader("Your own word list")
    st.text_input("words (commas or spaces between; up to 30)", key="emb_words", max_chars=LIST_CHARS)
    listed = emb.split_words(st.session_state.emb_words)
    known = [w for w in listed if w in kv.key_to_index]
    unknown = [w for w in listed if w not in kv.key_to_index]
    for word in unknown:
        try:
            emb.check_word(kv, word)
        except emb.WordError as error:
            st.warning(plain(f"{error} It is left out."))
    if len(known) < 2:
        st.info("Type at least two known words to compare them, e.g. “man, woman, king, queen, apple, orange”.")
    else:
        coords, explained = emb.pca(kv, known, 3 if projection == "3d" else 2)
        st.plotly_chart(pca_figure(known, coords, {w: "input" for w in known}, [], explained), width="stretch")

# --- One-hot vs dense ------------------------------------------------------------------------
with tab_onehot:
    st.markdown(
        f"With **one-hot** vectors every word is a {len(kv):,}-dimensional vector with a single 1: any two "
        "different words are orthogonal (cosine 0), so *king* is as far from *queen* as from *orange*. "
        f"**Dense** GloVe vectors have {kv.vector_size} dimensions and put related words close. "
        "The words come from *Your own word list* (Neighbours tab)."
    )
    if len(known) < 2:
        st.info("Type at least two known words in the word list on the Neighbours tab.")
    else:
        col_1, col_2 = st.columns(2)
        col_1.plotly_chart(similarity_heatmap(emb.one_hot_matrix(kv, known), known,
                                              f"one-hot: cosine (dimension {len(kv):,})"), width="stretch")
        col_2.plotly_chart(similarity_heatmap(emb.cosine_matrix(kv, known), known,
                                              f"dense GloVe: cosine (dimension {kv.vector_size})"), width="stretch")
        size = emb.bytes_per_word(kv)
        st.dataframe(pd.DataFrame([
            ("one-hot", f"{size['one_hot_dims']:,}", f"{size['one_hot']:,} B", "always 0 between different words"),
            ("dense (GloVe)", f"{size['dense_dims']}", f"{size['dense']:,} B", "high for related words"),
        ], columns=["vectors", "dimensions", "memory per word (float32)", "similarity of two different words"]),
            hide_index=True)
        st.caption(f"A dense vector is {size['one_hot'] // size['dense']:,}× smaller. (A one-hot vector can be "
                   "stored as just its index, but then it carries no meaning at all to compare.)")

# --- Interpretable dimensions ----------------------------------------------------------------
with tab_dims:
    st.markdown(
        "The lecture's table gives each word a score on *Gender*, *Royal*, *Age* and *Food*. GloVe's 50 "
        "dimensions have no such names, but a direction can be **built from words**: Gender = mean(woman, "
        "she, her, …) − mean(man, he, his, …). A word's score is the cosine between it and that direction."
    )
    st.text_area("your own directions, one a line: `Name: positive words | negative words`", key="emb_dims", max_chars=LIST_CHARS,
                 placeholder="Size: big large huge giant | small tiny little\nSport: football tennis game | music art",
                 height=90)
    directions, dim_words = list(emb.LECTURE_DIRECTIONS), known or list(emb.LECTURE_WORDS)
    for line in st.session_state.emb_dims.splitlines()[:10]:
        if line.strip():
            try:
                directions.append(emb.parse_direction(line))
            except emb.WordError as error:
                st.warning(plain(str(error)))
    usable = []
    for direction in directions:
        try:
            emb.direction_vector(kv, direction)
            usable.append(direction)
        except emb.WordError as error:
            st.warning(plain(f"{error} Add a known word before the “|”."))
    table, problems = emb.projection_table(kv, dim_words, usable)
    for problem in problems:
        st.caption(plain(problem))
    st.plotly_chart(similarity_heatmap(table, dim_words, "cosine of each word with each direction",
                                       rows=[d.name for d in usable], zmax=0.6), width="stretch")
    with st.expander("the words that build each direction"):
        st.dataframe(pd.DataFrame([(d.name, ", ".join(d.positive), ", ".join(d.negative) or "(vocabulary mean)")
                                   for d in usable], columns=["direction", "positive", "negative"]), hide_index=True)
    st.caption("Scores are real cosines (of the word, centred on the vocabulary mean, with the direction), so they "
               "are smaller than the lecture's tidy ±1. Gender and Royal come out clearly (king and queen are royal, "
               "woman and queen lean female), Food separates apple and orange from people, and Age is weak — "
               "the corpus seldom says that kings are old. Real dimensions are not this tidy.")

# --- Benchmark -------------------------------------------------------------------------------
with tab_bench:
    bench = glove_benchmark()
    st.markdown(
        "gensim's `questions-words.txt`: 19,544 analogies in 14 sections (capitals, currencies, family, "
        "plurals, tenses, …), answered with 3CosAdd among the 30,000 most frequent words (`restrict_vocab=30000`); "
        "questions with a word outside those are skipped, so coverage is stated."
    )
    col_1, col_2, col_3 = st.columns(3)
    col_1.metric("accuracy (GloVe 6B 50d)", f"{bench['accuracy']:.1%}")
    col_2.metric("questions covered", f"{bench['coverage']:.0%}", f"{bench['covered']:,} of {bench['questions']:,}",
                 delta_color="off", delta_arrow="off")
    col_3.metric("reference for these vectors", f"{REFERENCE_ACCURACY:.1%}")
    st.caption("Published on the same questions with bigger vectors: GloVe 300d (6B tokens) 71.7 %, word2vec "
               "skip-gram 300d (783M words) 53.3 % — more dimensions hold more relations.")
    st.plotly_chart(benchmark_figure([bench["sections"]], ["GloVe 6B 50d"]), width="stretch")
    if bench.get("presets"):
        st.markdown("**The lecture's four analogies** (rank of the expected answer among 50,000 words):")
        rows = [{"analogy": r["analogy"], **{f"{m}: top": next(x for x in bench["presets"][m] if x["analogy"] == r["analogy"])["top"]
                                             for m in emb.METHODS},
                 **{f"{m}: rank": next(x for x in bench["presets"][m] if x["analogy"] == r["analogy"])["rank"]
                    for m in emb.METHODS}} for r in bench["presets"]["add"]]
        st.dataframe(pd.DataFrame(rows), hide_index=True)

# --- Train your own --------------------------------------------------------------------------
with tab_train:
    st.markdown(
        "Train **word2vec** (gensim, skip-gram) yourself on a small corpus and run the same benchmark. "
        "GloVe saw 6 billion words; here you have thousands to half a million — which is why the lecture "
        "says embeddings are trained on huge corpora (and why we usually download them)."
    )
    source = st.radio("corpus", list(w2v.BUILTIN) + ["upload"], horizontal=True, key="emb_corpus",
                      format_func=lambda s: w2v.BUILTIN.get(s, "your own .txt file"))
    upload = None
    if source == "upload":
        upload = st.file_uploader(f"a plain-text file (UTF-8, at most {w2v.MAX_UPLOAD_BYTES // 1_000_000} MB)",
                                  type=["txt"], key="emb_upload")
    col_1, col_2, col_3 = st.columns(3)
    epochs = col_1.slider("epochs", 1, 10, w2v.Word2VecConfig.epochs, key="emb_epochs")
    min_count = col_2.slider("minimum count of a word", 1, 10, w2v.Word2VecConfig.min_count, key="emb_min_count")
    skip_gram = col_3.radio("architecture", ["skip-gram", "CBOW"], horizontal=True, key="emb_arch") == "skip-gram"
    reference = (emb.load_benchmark() or {}).get("word2vec", {}).get(source)
    if reference:
        same = reference["glove_same_questions"]
        st.caption(f"Measured when the data was prepared, default settings: {reference['own']['accuracy']:.1%} on the "
                   f"{reference['own']['covered']:,} questions this corpus covers ({reference['tokens']:,} tokens, "
                   f"{reference['train_seconds']:.0f} s); GloVe on the same questions: "
                   f"{same['accuracy'] if same else 0:.1%}.")
    if st.button("Train word2vec", type="primary", key="emb_train"):
        cfg = w2v.Word2VecConfig(epochs=epochs, min_count=min_count, sg=int(skip_gram))
        try:
            if source == "upload":
                if upload is None:
                    raise w2v.CorpusError("Choose a .txt file to upload first.")
                text = w2v.read_upload(upload.getvalue())
            else:
                text = w2v.builtin_text(source)
            sentences, tokens = w2v.sentences(text, cfg.max_tokens)
            bar = st.progress(0.0, text="Waiting for a free training slot…")
            with training_slot():
                own = w2v.train(sentences, cfg, on_epoch=lambda done, total: bar.progress(
                    done / total, text=f"epoch {done} of {total}"))
            with st.spinner("Running questions-words on your vectors and on GloVe…"):
                result = w2v.compare(own, kv)
            st.session_state.emb_own = {"words": list(own.index_to_key), "vectors": np.asarray(own.vectors),
                                        "tokens": tokens, "source": w2v.BUILTIN.get(source, "your file"),
                                        "result": result}
        except (w2v.CorpusError, Busy) as error:
            st.error(plain(str(error)))
    own_run = st.session_state.get("emb_own")
    if own_run:
        mine, same = own_run["result"]["own"], own_run["result"]["glove_same_questions"]
        st.subheader(f"Your word2vec: {len(own_run['words']):,} words from {own_run['tokens']:,} tokens")
        col_1, col_2, col_3 = st.columns(3)
        col_1.metric("your word2vec", f"{mine['accuracy']:.1%}", f"{mine['covered']:,} questions covered",
                     delta_color="off", delta_arrow="off")
        col_2.metric("GloVe on the same questions", f"{same['accuracy']:.1%}" if same else "—")
        col_3.metric("GloVe on its 30k words", f"{bench['accuracy']:.1%}", f"{bench['covered']:,} questions",
                     delta_color="off", delta_arrow="off")
        if same:
            st.plotly_chart(benchmark_figure([mine["sections"], same["sections"]],
                                             ["your word2vec", "GloVe, same questions"]), width="stretch")
        own_kv = emb.keyed_vectors(own_run["words"], own_run["vectors"])
        probe = emb.clean_word(st.text_input("nearest neighbours in your vectors", "government", key="emb_probe"))
        if probe in own_kv.key_to_index:
            col_1, col_2 = st.columns(2)
            col_1.dataframe(pd.DataFrame(emb.neighbours(own_kv, probe, 8), columns=["your word2vec", "cosine"]).round(3),
                            hide_index=True)
            if probe in kv.key_to_index:
                col_2.dataframe(pd.DataFrame(emb.neighbours(kv, probe, 8), columns=["GloVe", "cosine"]).round(3),
                                hide_index=True)
        else:
            st.info(f"“{plain(probe)}” is not in your vectors; try a frequent word of your corpus.")

save_url_state(FIELDS, {
    "preset": next((p.key for p in emb.PRESETS if (p.a, p.b, p.c, p.expected) == tuple(
        emb.clean_word(st.session_state[f"emb_{n}"]) for n in ("a", "b", "c", "expect"))), "custom"),
    **{name: st.session_state[f"emb_{name}"] for name in ("a", "b", "c", "expect", "k", "method", "proj", "word", "pair")},
    "words": st.session_state.emb_words, "dims": st.session_state.emb_dims,
})
