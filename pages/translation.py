"""Translation: an encoder-decoder LSTM with Luong attention translates English to French."""

import pandas as pd
import streamlit as st

from pages._common import Field, require_model, save_url_state, show_model_card, url_state
from rnnkit.core.attention import EQUATIONS
from rnnkit.core.inputs import InputError, escape_markdown
from rnnkit.translation import plots
from rnnkit.translation import translator as T

LECTURE = ("Jane went to Africa last September, and enjoyed the culture and met many wonderful people; "
           "she came back raving about how wonderful her trip was, and is encouraging me to join her.")
PRESETS = {
    "A short sentence": "The small cat will not eat the red apple.",
    "A question": "Did you see the big dog in the park yesterday?",
    "French adjective order": "My sister bought a beautiful green dress.",
    "A name (unknown word)": "Jane went to Africa last September and she enjoyed the culture.",
    "A long sentence": ("The old farmer who sells the fresh cheese will drive to the market with his son tomorrow, "
                        "but the lazy cat that eats my apples will sleep in the garden."),
    "The lecture's long sentence": LECTURE,
}
FIELDS = (Field("text", PRESETS["A short sentence"], max_chars=2000),
          Field("model", "attention", choices=tuple(T.MODELS)),
          Field("beam", T.BEAM_SIZE, int, low=1, high=10),
          Field("step", 1, int, low=1, high=200))

st.title("🌍 Translation: many-to-many with attention")
st.markdown(
    "The lecture's **many-to-many** model: an LSTM *encoder* reads the English sentence into states "
    "$\\bar h_1 \\dots \\bar h_S$, an LSTM *decoder* writes French one word at a time. The **plain** model "
    "passes only the encoder's final state — everything it read must fit in one vector, and long sentences "
    "suffer. With **Luong attention** each decoder step looks back at every source word: "
    "$\\alpha_{ts} = \\operatorname{softmax}_s \\operatorname{score}(h_t, \\bar h_s)$, "
    "$c_t = \\sum_s \\alpha_{ts} \\bar h_s$, $a_t = \\tanh(W_c [c_t; h_t])$.")
st.caption("Both models were trained on the same English→French pairs generated with pyrealb from a "
           "bilingual lexicon of ~500 everyday words (grammatical, often nonsensical). Words outside it are "
           "unknown; this is a teaching model, not a general translator.")
state = url_state(FIELDS)

left, right = st.columns([3, 1])
with right:
    model_choice = st.radio("Model", list(T.MODELS), index=list(T.MODELS).index(state["model"]),
                            format_func={"attention": "LSTM + attention", "plain": "plain LSTM (no attention)"}.get)
    beam = st.slider("Beam size", 1, 10, state["beam"], help="1 = greedy decoding.")
    preset = st.selectbox("Examples", ["(your own)"] + list(PRESETS))
with left:
    default_text = PRESETS.get(preset, state["text"])
    text = st.text_area("English sentence", value=default_text, height=100, max_chars=20000,
                        help=f"Up to {T.MAX_WORDS} words and punctuation marks are translated.")

model, card = require_model(T.MODELS[model_choice], model_choice, T.TRAIN_COMMANDS[model_choice])
translator = T.Translator(model, card)

url_text = text if len(text) <= 2000 else state["text"]
save_url_state(FIELDS, {"text": url_text, "model": model_choice, "beam": beam, "step": state["step"]})
if len(text) > 2000:
    st.caption("This text is too long to put in the page's link; the link keeps the previous sentence.")

try:
    result = translator.translate(text, beam_size=beam)
except InputError as problem:
    st.info(escape_markdown(str(problem)))
    st.stop()
for note in result.notes:
    st.warning(escape_markdown(note))

st.subheader("French")
st.markdown(f"### {escape_markdown(result.text) if result.output else '(empty output)'}")
if preset == "The lecture's long sentence":
    st.caption("An honest result: this sentence uses words and constructions (raving about, is encouraging me "
               "to join her, a semicolon) the training sentences never had, and is longer than most of them. "
               "Expect a partial translation; compare the plain model.")

words = [f":red-background[{escape_markdown(token)}]" if i in result.unknown else escape_markdown(token)
         for i, token in enumerate(result.source)]
st.markdown("**What the model read:** " + " ".join(words))
if result.unknown:
    st.dataframe(pd.DataFrame(translator.unknown_words(result)), hide_index=True, width="stretch")
    st.caption("Unknown words are highlighted in red. Names were kept out of the vocabulary on purpose: the "
               "model learns to write <unk> where a name stands, and attention tells us which word to copy "
               "(Luong et al. 2015). It cannot know a name's gender, so French agreement with it is a guess.")

st.subheader(f"Beam search candidates (beam {beam})")
st.dataframe(pd.DataFrame([{"French": c, "log p": round(lp, 3), "score = log p / length": round(sc, 4)}
                           for c, lp, sc in result.candidates]), hide_index=True, width="stretch")
st.caption("Beam search keeps the `beam` most probable partial translations at every step. Scores are "
           "length-normalised (log-probability divided by the number of words, counting the end mark), "
           "otherwise shorter outputs would always win.")

if not translator.has_attention:
    st.info("The plain model has no attention: the decoder sees only the encoder's final state, so there is "
            "no map of where it looks. Switch to *LSTM + attention* to see it.")
else:
    st.subheader("Where the decoder looked: the attention map")
    target = result.output + ["<eos>"]
    steps = max(len(result.output), 1)
    step = min(state["step"], steps)
    st.plotly_chart(plots.attention_heatmap(result.alpha, result.source, target[:len(result.output)], step - 1),
                    width="stretch")
    st.caption("Row t is α_t over the English words (each row sums to 1). A good model's map is close to the "
               "diagonal, with swaps where French puts the adjective after the noun.")

    st.subheader("One decoding step, opened up")
    step = st.slider("Decoding step t", 1, steps, step) if steps > 1 else 1
    save_url_state(FIELDS, {"text": url_text, "model": model_choice, "beam": beam, "step": step})
    details = translator.step(result, step - 1)
    previous = "<bos>" if step == 1 else target[step - 2]
    st.markdown(f"Step **t = {step}**: the decoder has just read **{escape_markdown(previous)}** and "
                f"writes **{escape_markdown(target[step - 1])}**.")
    st.latex(EQUATIONS[translator.model.config.attention])
    st.plotly_chart(plots.step_bars(result.source, details["scores"], details["alpha"]), width="stretch")
    st.latex(EQUATIONS["alpha"])
    st.dataframe(pd.DataFrame([details["scores"].round(3), details["alpha"].round(3)], index=["score", "α"],
                              columns=plots.unique_labels(result.source)), width="stretch")
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
    st.markdown("**Next-word probabilities** softmax(W a_t + b): "
                + ", ".join(f"{escape_markdown(w)} {p:.1%}" for w, p in details["top"]))

st.subheader("The long-sentence problem, measured")
evaluation = T.load_evaluation()
if evaluation is None:
    st.info("No evaluation yet: run `python scripts/eval_translation.py`.")
else:
    metric = st.radio("Metric", ["bleu", "chrf"], horizontal=True, format_func=str.upper)
    st.plotly_chart(plots.bleu_by_length(evaluation["by_length"], metric), width="stretch")
    st.dataframe(pd.DataFrame(evaluation["overall"]).T.round(1), width="stretch")
    st.caption(evaluation.get("note", ""))
    if (measured := T.measured_sentence(evaluation)) is not None:
        st.markdown(measured)

with st.expander("Model card"):
    show_model_card(card)
