"""Named entities: a bidirectional LSTM tags every word of a sentence (synced many-to-many)."""

import streamlit as st

from pages._common import (
    Field,
    lazy_tabs,
    predict_first,
    require_service,
    save_url_state,
    show_chart,
    show_model_card,
    url_state,
)
from rnnkit.core.inputs import InputError, escape_markdown
from rnnkit.ner import plots
from rnnkit.ner import tagger as T
from rnnkit.ner.questions import questions

FIELDS = (Field("text", T.LECTURE_SENTENCE, max_chars=2000),
          Field("word", 0, int, low=0, high=200),      # 1-based position of the word opened up; 0 = the first entity's
          Field("quiz", False, bool))

st.title("🏷️ Named entities: one tag per word")
st.markdown(
    "The lecture's **synced many-to-many** case: every input word gets its own output at the same step — "
    "person (PER), location (LOC), organisation (ORG), miscellaneous (MISC) or none, in BIO tags "
    "(B- begins an entity, I- continues it). A **bidirectional** LSTM reads the sentence both ways, so the "
    "tag of word $t$ comes from $s_t = W_\\rightarrow \\overrightarrow{h}_t + W_\\leftarrow \\overleftarrow{h}_t + b$: "
    "“Potter” is a name because of “Harry” before it; “Harry” is one because of “Potter” after it.")
st.caption("A student of a teacher: most training labels are spaCy's small English model's output on "
           "Wikipedia and movie-review sentences (silver labels, not human ones), plus human-labelled "
           "tweets (WNUT-2016). It learned the teacher's conventions and some of its mistakes.")
state = url_state(FIELDS)

bi = require_service(T.MODELS["bi"], "bidirectional tagger", T.Tagger, T.TRAIN_COMMANDS["bi"])
forward = require_service(T.MODELS["forward"], "forward-only tagger", T.Tagger, T.TRAIN_COMMANDS["forward"])

single, batch, about = lazy_tabs(["One sentence", "Batch (file)", "Model cards"], key="ner_tab")

with single:
    preset = st.selectbox("Examples", ["(your own)"] + list(T.PRESETS),
                          index=1 + T.PRESETS.index(state["text"]) if state["text"] in T.PRESETS else 0)
    text = st.text_area("An English sentence", value=state["text"] if preset == "(your own)" else preset,
                        height=80, max_chars=20000, help="Try names from anywhere, a lowercase sentence, or "
                                                         "a word that is a name in one place and not in another.")
    quiz = st.toggle("Predict first", value=state["quiz"], help="Answer two questions before the tags are shown.")
    try:
        tagged, tagged_forward = bi.tag(text), forward.tag(text)
    except InputError as error:
        st.info(escape_markdown(str(error)))
        save_url_state(FIELDS, {"text": state["text"], "word": 0, "quiz": quiz})
        tagged = None
    if tagged and quiz and not predict_first(questions(tagged, tagged_forward), "ner-quiz"):
        save_url_state(FIELDS, {"text": text if len(text) <= 2000 else state["text"], "word": state["word"],
                                "quiz": quiz})
        tagged = None                                    # the tags wait for the visitor's predictions
    if tagged:
        for note in tagged.notes:
            st.warning(escape_markdown(note))
        left, right = st.columns(2)
        left.markdown("**Bidirectional LSTM** (reads both ways)")
        left.markdown(plots.highlighted(tagged))
        right.markdown("**Forward-only LSTM** (has seen only the words before each one)")
        right.markdown(plots.highlighted(tagged_forward))
        st.caption(plots.legend())
        if not tagged.entities:
            st.caption("No entity found in this sentence.")
        if tagged.unknown:
            st.caption("Words without a word vector, read by their spelling alone: "
                       + ", ".join(escape_markdown(tagged.tokens[i]) for i in tagged.unknown[:20]) + ".")

        st.subheader("Every word's tag probabilities")
        show_chart(st, plots.probability_heatmap(tagged), width="stretch")
        st.caption("Each column is one word: p(tag | the whole sentence) from the bidirectional tagger's CRF "
                   "(summed over every tag path that gives the word that tag); the red circle is the tag of the "
                   "best path, the one shown above.")

        st.subheader("Why bidirectional helps: what each direction added")
        first_entity = tagged.entities[0].start + 1 if tagged.entities else 1
        default_word = state["word"] if 1 <= state["word"] <= len(tagged.tokens) else first_entity
        labels = [f"{i + 1}. {token}" for i, token in enumerate(tagged.tokens)]
        chosen = labels.index(st.selectbox("Word", labels, index=default_word - 1))
        word = escape_markdown(tagged.tokens[chosen])
        left, right = st.columns(2)
        show_chart(left, plots.contribution_chart(bi.contribution(tagged, chosen), tagged.tokens[chosen]),
                          width="stretch")
        left.caption(f"Bidirectional: “{word}” tagged **{tagged.tags[chosen]}**. Blue: $W_\\rightarrow "
                     "\\overrightarrow{h}_t$ (the words up to it); orange: $W_\\leftarrow \\overleftarrow{h}_t$ "
                     "(the words from it to the end).")
        forward_part = forward.contribution(tagged_forward, chosen)
        show_chart(right, plots.contribution_chart(forward_part, tagged.tokens[chosen]), width="stretch")
        right.caption(f"Forward-only: “{word}” tagged **{tagged_forward.tags[chosen]}**, from the words up to it "
                      "alone. On “Harry” it cannot know that “Potter” follows.")
        save_url_state(FIELDS, {"text": text if len(text) <= 2000 else state["text"],
                                "word": chosen + 1 if chosen + 1 != first_entity else 0, "quiz": quiz})
        if len(text) > 2000:
            st.caption("This text is too long to put in the page's link; the link keeps the previous sentence.")

with batch:
    st.markdown(f"Upload a `.txt` file, one sentence per line: every line is tagged by the bidirectional "
                f"tagger (at most {T.MAX_LINES:,} lines).")
    upload = st.file_uploader("Sentences to tag", type=["txt"])
    if upload is None:
        st.info("No file yet: upload a .txt to tag many sentences at once.")
    elif batch.open:
        try:
            bar = st.progress(0.0, text="Tagging…")
            progress = lambda done, total: bar.progress(done / total, text=f"{done:,} / {total:,}")
            rows, notes = bi.tag_file(upload.getvalue(), progress=progress)
            bar.empty()
        except InputError as error:
            bar.empty()
            st.error(escape_markdown(str(error)))
            rows, notes = None, []
        for note in notes:
            st.warning(escape_markdown(note))
        if rows is not None:
            st.success(f"{int(rows['tagged'].ne('').sum()):,} of {len(rows):,} lines tagged; the others say why "
                       "in `note`.")
            st.dataframe(rows.head(1000), hide_index=True, width="stretch")
            st.download_button("Download the results (CSV)", rows.to_csv(index=False).encode("utf-8"),
                               file_name="entities.csv", mime="text/csv")

with about:
    if about.open:
        evaluation = T.load_evaluation()
        if evaluation:
            st.markdown("**Entity F1 (%)** on sets never trained on (seqeval, entity level). The human-checked set was "
                        "written by hand for rnnkit; on the silver test set the teacher made the labels, so it is not "
                        "scored there. Produced by `python scripts/eval_ner.py`.")
            st.dataframe(T.evaluation_rows(evaluation), hide_index=True, width="stretch")
            gap = evaluation.get("bi_minus_forward_f1", {}).get("human_test")
            if gap:
                low, high = (100 * end for end in gap["ci95"])
                st.caption(f"Bidirectional minus forward-only on the human-checked set: "
                           f"{100 * gap['difference']:+.1f} F1 points "
                           f"(95 % bootstrap interval {low:+.1f} to {high:+.1f}): "
                           "most names here are clear from the words before them; the backward half matters on the "
                           "first word of a name and on a word whose meaning comes after it.")
        for name, card in (("bidirectional", bi.card), ("forward-only", forward.card)):
            with st.expander(f"Model card: the {name} tagger"):
                show_model_card(card)
