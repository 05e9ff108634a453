"""Translation: an encoder-decoder LSTM with Luong attention translates English to French."""

import json

import pandas as pd
import streamlit as st

from pages._common import Field, require_model, save_url_state, url_state
from rnnkit import PRETRAINED
from rnnkit.translation import plots
from rnnkit.core.attention import EQUATIONS
from rnnkit.translation.model import MAX_WORDS, Translator
from rnnkit.translation.data import bilingual_dictionary

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
MODELS = {"attention": "translation", "plain": "translation_plain"}
FIELDS = (Field("text", PRESETS["A short sentence"], max_chars=2000),
          Field("model", "attention", choices=tuple(MODELS)),
          Field("beam", 5, int, low=1, high=10),
          Field("step", 1, int, low=1, high=200))


def escape_markdown(word: str) -> str:
    return "".join("\\" + ch if not ch.isalnum() and ch not in " '" else ch for ch in word)


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
    model_choice = st.radio("Model", list(MODELS), index=list(MODELS).index(state["model"]),
                            format_func=lambda m: {"attention": "LSTM + attention", "plain": "plain LSTM (no attention)"}[m])
    beam = st.slider("Beam size", 1, 10, state["beam"], help="1 = greedy decoding.")
    preset = st.selectbox("Examples", ["(your own)"] + list(PRESETS))
with left:
    default_text = PRESETS.get(preset, state["text"])
    text = st.text_area("English sentence", value=default_text, height=100, max_chars=20000,
                        help=f"Up to {MAX_WORDS} words and punctuation marks are translated.")

model, card = require_model(MODELS[model_choice], model_choice, "python -m rnnkit.train translation" + (
    "" if model_choice == "attention" else " --attention=none --reverse_source --out=pretrained/translation_plain"))
translator = Translator(model, card, bilingual_dictionary())

url_text = text if len(text) <= 2000 else state["text"]
save_url_state(FIELDS, {"text": url_text, "model": model_choice, "beam": beam, "step": state["step"]})
if len(text) > 2000:
    st.caption("This text is too long to put in the page's link; the link keeps the previous sentence.")

try:
    result = translator.translate(text, beam_size=beam)
except ValueError as problem:
    st.info(str(problem))
    st.stop()
for note in result.notes:
    st.warning(note)

st.subheader("French")
st.markdown(f"### {escape_markdown(result.text) if result.output else '(empty output)'}")
if preset == "The lecture's long sentence":
    st.caption("An honest result: this sentence uses words and constructions (raving about, is encouraging me "
               "to join her, a semicolon) the training sentences never had, and is longer than most of them. "
               "Expect a partial translation; compare the plain model.")

words = []
for i, token in enumerate(result.source):
    shown = escape_markdown(token)
    words.append(f":red-background[{shown}]" if i in result.unknown else shown)
st.markdown("**What the model read:** " + " ".join(words))
if result.unknown:
    copied = {result.source[s] for s in result.replaced.values()}
    rows = []
    for i in result.unknown:
        word = result.source[i]
        if word in copied:
            what = (f"read as <unk>; the decoder wrote <unk> there and it was replaced by "
                    f"'{translator.dictionary.get(word, word)}' (the source word it attended to most)")
        elif translator.has_attention:
            what = "read as <unk>; no output word was aligned to it, so it is missing from the French"
        else:
            what = "read as <unk>; the plain model has no alignment to copy it back"
        rows.append({"unknown word": word, "what the model does with it": what})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
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
    alpha = result.alpha
    steps = len(target) if alpha is not None and len(alpha) >= len(target) else len(result.output)
    step = min(state["step"], max(steps, 1))
    st.plotly_chart(plots.attention_heatmap(alpha[:steps], result.source, target[:steps], step - 1),
                    width="stretch")
    st.caption("Row t is α_t over the English words (each row sums to 1). A good model's map is close to the "
               "diagonal, with swaps where French puts the adjective after the noun.")

    st.subheader("One decoding step, opened up")
    step = st.slider("Decoding step t", 1, max(steps, 1), step) if steps > 1 else 1
    save_url_state(FIELDS, {"text": url_text, "model": model_choice, "beam": beam, "step": step})
    details = translator.step(result, step - 1)
    previous = "<bos>" if step == 1 else target[step - 2]
    st.markdown(f"Step **t = {step}**: the decoder has just read **{escape_markdown(previous)}** and "
                f"writes **{escape_markdown(target[step - 1])}**.")
    kind = translator.model.attention_kind
    st.latex(EQUATIONS[kind])
    st.plotly_chart(plots.step_bars(result.source, details["scores"], details["alpha"]), width="stretch")
    st.latex(EQUATIONS["alpha"])
    table = pd.DataFrame([details["scores"].round(3), details["alpha"].round(3)], index=["score", "α"],
                         columns=plots.unique_labels(result.source))
    st.dataframe(table, width="stretch")
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


def plain_model_sentence(plain: dict, by_length: dict) -> str:
    """How the plain model was trained, from evaluation.json, and what that means for the table."""
    how = (f"The plain model trained for {plain['steps']:,} steps" if plain.get("steps") else "The plain model")
    if plain.get("reverse_source"):
        how += (" reading each English sentence backwards (Sutskever et al. 2014: the first words, "
                "read last, sit next to the first French words it must write)")
    how += (". Everything it knows of the sentence is one vector of "
            f"{plain.get('hidden_size') or 192} numbers, while the attention model looks back at every word. ")
    plain_bleu, attention_bleu = ([cell["bleu"] for cell in by_length[m].values()] for m in ("plain", "attention"))
    if plain_bleu[0] < 15:
        return how + ("Here the plain model is weak at every length (it has not learned enough), so the table "
                      "shows the gap but not yet the collapse with length that Bahdanau et al. (2014, Fig. 2) measured.")
    if plain_bleu[-1] < 0.6 * plain_bleu[0] and attention_bleu[-1] >= 0.6 * attention_bleu[0]:
        return how + ("Short sentences fit in that vector, long ones do not: the plain model's BLEU falls with "
                      "length while attention holds, as in Bahdanau et al. (2014, Fig. 2).")
    return how + "Compare the two curves with Bahdanau et al. (2014, Fig. 2), where the plain model collapses with length."


st.subheader("The long-sentence problem, measured")
evaluation_file = PRETRAINED / "translation" / "evaluation.json"
if not evaluation_file.exists():
    st.info("No evaluation yet: run `python scripts/eval_translation.py`.")
else:
    evaluation = json.loads(evaluation_file.read_text(encoding="utf-8"))
    metric = st.radio("Metric", ["bleu", "chrf"], horizontal=True, format_func=str.upper)
    st.plotly_chart(plots.bleu_by_length(evaluation["by_length"], metric), width="stretch")
    st.dataframe(pd.DataFrame(evaluation["overall"]).T.round(1), width="stretch")
    st.caption(evaluation.get("note", ""))
    by_length = evaluation["by_length"]
    if {"attention", "plain"} <= set(by_length):
        first, last = list(by_length["attention"])[0], list(by_length["attention"])[-1]
        st.markdown(
            f"**What we measured.** From {first} to {last} words, the attention model goes from "
            f"{by_length['attention'][first]['bleu']:.1f} to {by_length['attention'][last]['bleu']:.1f} BLEU; the "
            f"plain model from {by_length['plain'][first]['bleu']:.1f} to {by_length['plain'][last]['bleu']:.1f}. "
            + plain_model_sentence(evaluation.get("models", {}).get("plain", {}), by_length))

with st.expander("Model card"):
    st.json({k: card[k] for k in ("description", "data", "metrics", "parameters", "train_seconds", "machine",
                                  "reproduce") if k in card})
