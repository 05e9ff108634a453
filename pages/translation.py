"""Translation: an encoder-decoder LSTM with Luong attention translates English <-> French."""

import pandas as pd
import streamlit as st

from pages._common import (
    CHART_ENTRIES,
    INFERENCE_ENTRIES,
    Field,
    advanced,
    end_page,
    load_service,
    predict_first,
    require_service,
    save_url_state,
    show_chart,
    show_model_card,
    url_state,
)
from rnnkit.core.attention import EQUATIONS
from rnnkit.core.inputs import InputError, escape_markdown
from rnnkit.translation import plots
from rnnkit.translation import translator as T
from rnnkit.translation.questions import questions

DIRECTIONS = {"en-fr": "English → French", "fr-en": "French → English"}
FIELDS = (Field("text", T.LECTURE_EXAMPLE["en-fr"], max_chars=2000),
          Field("direction", "en-fr", choices=tuple(DIRECTIONS)),
          Field("model", "attention", choices=("attention", "plain")),
          Field("beam", T.BEAM_SIZE, int, low=1, high=10),
          Field("step", 1, int, low=1, high=200),
          Field("quiz", False, bool),
          Field("vs", "", max_chars=2000))
VS_KEY = "translation_vs"      # the second sentence's box: a key keeps it one widget when its default changes



@st.cache_data(max_entries=INFERENCE_ENTRIES, show_spinner=False)
def translate(name: str, text: str, beam: int) -> T.Translation:
    """A translation per (model, sentence, beam), shared by every visitor: a class types the same presets."""
    return load_service(name, T.Translator).translate(text, beam_size=beam)


@st.cache_resource(max_entries=CHART_ENTRIES, show_spinner=False)
def attention_chart(name: str, text: str, beam: int, source_name: str, target_name: str):
    """A translation's attention map, drawn once per input for every visitor (shared read-only)."""
    result = translate(name, text, beam)
    return plots.attention_heatmap(result.alpha, result.source, result.output, None, source_name, target_name)


@st.cache_resource(show_spinner=False)
def evaluation_of(name: str):
    """A model's evaluation (read-only) and its table: the same for every visitor and rerun."""
    evaluation = T.load_evaluation(name)
    return evaluation, (pd.DataFrame(evaluation["overall"]).T.round(1) if evaluation else None)


@st.cache_resource(show_spinner=False)
def length_chart(name: str, metric: str, source_name: str):
    """A model's BLEU or chrF by sentence length, drawn once per metric."""
    return plots.bleu_by_length(evaluation_of(name)[0]["by_length"], metric, source_name)


@st.fragment
def opened_step(translator: T.Translator, result: T.Translation, steps: int, first: int, values: dict) -> None:
    """One decoding step's numbers. A fragment: moving its slider reruns this part only, not the translation."""
    step = st.slider("Decoding step t", 1, steps, first) if steps > 1 else 1
    save_url_state(FIELDS, values | {"step": step})
    details = translator.step(result, step - 1)
    target = result.written + ["<eos>"]
    previous = "<bos>" if step == 1 else target[step - 2]
    st.markdown(f"Step **t = {step}**: the decoder has just read **{escape_markdown(previous)}** and "
                f"writes **{escape_markdown(target[step - 1])}**.")
    st.latex(EQUATIONS[translator.model.config.attention])
    show_chart(st, plots.step_bars(result.source_pieces, details["scores"], details["alpha"]), width="stretch")
    st.latex(EQUATIONS["alpha"])
    st.dataframe(pd.DataFrame([details["scores"].round(3), details["alpha"].round(3)], index=["score", "α"],
                              columns=plots.unique_labels(result.source_pieces)), width="stretch")
    st.latex(EQUATIONS["context"])
    check = abs(details["context"] - details["alpha"] @ details["h_s"]).max()
    dims = 8
    vectors = pd.DataFrame({"h_t (decoder state)": details["h_t"][:dims], "c_t (context)": details["context"][:dims],
                            "a_t = tanh(W_c[c_t; h_t])": details["a_t"][:dims]},
                           index=[f"dim {i}" for i in range(dims)]).round(3)
    st.latex(EQUATIONS["output"])
    st.dataframe(vectors.T, width="stretch")
    st.caption(f"The first {dims} of {len(details['h_t'])} dimensions. Recomputing c_t = Σ α_ts h̄_s from the "
               f"numbers above agrees with the model's c_t to {check:.1e}.")
    st.markdown("**Next-token probabilities** softmax(W a_t + b): "
                + ", ".join(f"{escape_markdown(w)} {p:.1%}" for w, p in details["top"]))


@st.fragment
def side_by_side(model_name: str, beam: int, result: T.Translation, values: dict, source_name: str,
                 target_name: str) -> None:
    """Two sentences' attention maps side by side (a fragment: typing the second reruns only this part)."""
    vs = st.text_input(f"Compare with another {source_name} sentence (optional)", values["vs"], max_chars=2000,
                       key=VS_KEY, help="Its attention map is drawn beside this one: try the same sentence with "
                                        "two adjectives, or a longer one.")
    save_url_state(FIELDS, values | {"vs": vs})
    if not vs.strip():
        return
    try:
        other = translate(model_name, vs, beam)
    except InputError as problem:
        st.info(escape_markdown(str(problem)))
        return
    left, right = st.columns(2)
    for side, column, shown in (("left", left, result), ("right", right, other)):
        with column:
            st.markdown(f"**{escape_markdown(shown.text) if shown.output else '(empty output)'}**")
            if shown.alpha is not None and shown.output:                # a key: the left map is also drawn above
                show_chart(st, plots.attention_heatmap(shown.alpha, shown.source, shown.output, None, source_name,
                                                        target_name), width="stretch", key=f"side-by-side-{side}")


@st.fragment
def by_length_chart(name: str, source_name: str) -> None:
    """BLEU or chrF by sentence length (a fragment: switching the metric redraws only this chart)."""
    metric = st.radio("Metric", ["bleu", "chrf"], horizontal=True, format_func=str.upper)
    show_chart(st, length_chart(name, metric, source_name), width="stretch")


st.title("🌍 Translation: many-to-many with attention")
st.markdown(
    "The lecture's **many-to-many** model: a bidirectional LSTM *encoder* reads the sentence into states "
    "$\\bar h_s = [\\overrightarrow{h}_s; \\overleftarrow{h}_s]$, an LSTM *decoder* writes the translation one "
    "piece at a time. The **plain** model passes only the encoder's final state — everything it read must fit "
    "in one vector, and long sentences suffer. With **Luong attention** each decoder step looks back at every "
    "source word: $\\alpha_{ts} = \\operatorname{softmax}_s \\operatorname{score}(h_t, \\bar h_s)$, "
    "$c_t = \\sum_s \\alpha_{ts} \\bar h_s$, $a_t = \\tanh(W_c [c_t; h_t])$, and $a_t$ is fed to the next step.")
state = url_state(FIELDS)

left, right = st.columns([3, 1])
with right:
    direction = st.radio("Direction", list(DIRECTIONS), index=list(DIRECTIONS).index(state["direction"]),
                         format_func=DIRECTIONS.get)
    choices = [c for c in ("attention", "plain") if (c, direction) in T.MODELS]
    model_choice = state["model"] if state["model"] in choices else choices[0]
    beam = state["beam"]
    if advanced():                                  # a teacher's class view keeps the link's settings
        model_choice = st.radio("Model", choices, index=choices.index(model_choice),
                                format_func={"attention": "LSTM + attention", "plain": "plain LSTM (no attention)"}.get)
        beam = st.slider("Beam size", 1, 10, state["beam"], help="1 = greedy decoding.")
    presets = T.presets(direction)
    preset = st.selectbox("Examples", ["(your own)"] + list(presets))
    quiz = st.toggle("Predict first", value=state["quiz"], help="Answer questions before the translation is shown.")
source_name, target_name = T.language_names(direction)
with left:
    same_direction = state["direction"] == direction
    default_text = presets.get(preset, state["text"] if same_direction else presets["The lecture's example"])
    text = st.text_area(f"{source_name} sentence", value=default_text, height=100, max_chars=20000,
                        help=f"Up to {T.MAX_WORDS} words and punctuation marks are translated.")

model_name = T.MODELS[(model_choice, direction)]
translator = require_service(model_name, model_choice, T.Translator, T.TRAIN_COMMANDS[(model_choice, direction)])
card = translator.card
st.caption(T.data_sentence(card))

url_text = text if len(text) <= 2000 else state["text"]
values = {"text": url_text, "direction": direction, "model": model_choice, "beam": beam, "step": state["step"],
          "quiz": quiz, "vs": st.session_state.get(VS_KEY, state["vs"])}
save_url_state(FIELDS, values)
if len(text) > 2000:
    st.caption("This text is too long to put in the page's link; the link keeps the previous sentence.")

try:
    result = translate(model_name, text, beam)
except InputError as problem:
    st.info(escape_markdown(str(problem)))
    end_page()
for note in result.notes:
    st.warning(escape_markdown(note))
if quiz and not predict_first(questions(result, source_name, target_name), "translation-quiz"):
    end_page()                                            # the translation waits for the visitor's predictions

st.subheader(target_name)
st.markdown(f"### {escape_markdown(result.text) if result.output else '(empty output)'}")

words = [f":red-background[{escape_markdown(token)}]" if i in result.unknown else escape_markdown(token)
         for i, token in enumerate(result.source)]
st.markdown("**What the model read:** " + " ".join(words))
if translator.src.segmenter.subwords:
    st.markdown("**As sentencepiece pieces:** " + " ".join(
        f":red-background[{escape_markdown(p)}]" if p not in translator.src_vocab else f"`{p}`"
        for p in result.source_pieces))
    st.caption("The model reads pieces of words (▁ starts a word), so a rare word is read as known parts rather "
               "than as one unknown token; pieces it never saw (red) are unknown.")
if result.unknown:
    st.dataframe(pd.DataFrame(translator.unknown_words(result)), hide_index=True, width="stretch")
    st.caption("Unknown words are highlighted in red; where the decoder wrote <unk>, the source word it attended "
               "to most is copied (translated when the dictionary knows it: Luong et al. 2015).")

st.subheader(f"Beam search candidates (beam {beam})")
st.dataframe(pd.DataFrame([{target_name: c, "log p": round(lp, 3), "score = log p / length": round(sc, 4)}
                           for c, lp, sc in result.candidates]), hide_index=True, width="stretch")
st.caption("Beam search keeps the `beam` most probable partial translations at every step. Scores are "
           "length-normalised (log-probability divided by the number of tokens, counting the end mark), "
           "otherwise shorter outputs would always win.")

if not translator.has_attention:
    st.info("The plain model has no attention: the decoder sees only the encoder's final state, so there is "
            "no map of where it looks. Switch to *LSTM + attention* to see it.")
elif result.alpha is not None and result.output:
    st.subheader("Where the decoder looked: the attention map")
    steps = max(len(result.written), 1)
    show_chart(st, attention_chart(model_name, text, beam, source_name, target_name), width="stretch")
    st.caption("Row t is α over the source words for output word t (each row sums to 1; a word's pieces are "
               "summed, an output word's pieces averaged). Word order swaps, such as French adjectives after "
               "the noun, show off the diagonal.")
    if card.get("config", {}).get("guided_alignment"):
        st.caption("This model's attention was also trained to follow word alignments that IBM Model 1, a "
                   "statistical aligner, learnt from the same training pairs (*guided alignment*). Trained on the "
                   "translations alone, for about three times as long, its attention looked at the sentence's last "
                   "word at nearly every step.")
    sink = result.attention_sink()
    if sink:
        word, share = sink
        st.info(f"Here the map is one column: at {share:.0%} of the steps the decoder looked hardest at the same "
                f"source word, **{escape_markdown(word)}**. For this sentence attention works as a summary of the "
                "sentence, read from the encoder's state at that word (an *attention sink*), not as an alignment "
                "of each output word with the words it translates.")

    side_by_side(model_name, beam, result, values, source_name, target_name)

    st.subheader("One decoding step, opened up")
    opened_step(translator, result, steps, min(state["step"], steps), values)

st.subheader("What we measured")
evaluation, evaluation_table = evaluation_of(model_name)
if evaluation is None:
    st.info("No evaluation yet: run `python scripts/eval_translation.py`.")
else:
    st.dataframe(evaluation_table, width="stretch")
    st.caption(evaluation.get("note", ""))
    if len(evaluation.get("by_length", {})) > 0:
        by_length_chart(model_name, source_name)
        if (measured := T.measured_sentence(evaluation)) is not None:
            st.markdown(measured)

with st.expander("Model card"):
    show_model_card(card)
