"""Image Captioning (one-to-many): a frozen CNN encoder and an LSTM decoder with attention."""

import hashlib
import io

import pandas as pd
import streamlit as st

from pages._common import (
    INFERENCE_ENTRIES,
    Field,
    advanced,
    end_page,
    load_service,
    predict_first,
    require_service,
    save_url_state,
    show_model_card,
    url_state,
)
from rnnkit.captioning import samples, scenes
from rnnkit.captioning.captioner import BEAM, MODEL_OF_LANGUAGE, TRAIN_OF_LANGUAGE, Captioner
from rnnkit.captioning.plots import attention_overlay
from rnnkit.captioning.questions import questions
from rnnkit.core.images import load_image
from rnnkit.core.inputs import InputError, escape_markdown

GALLERY = {s.key: s for s in samples.GALLERY}
# The selectbox keeps its format_func for the session: a bound method of this dict, not a lambda, whose globals
# would keep the page's last run (its photo, its caption) alive in every visitor's session.
SEEN = {s.key for s in samples.TRAINING}
GALLERY_LABELS = {k: s.title + (" — crops seen in training" if k in SEEN else "") for k, s in GALLERY.items()}
FIELDS = [Field("sample", "cat", str, choices=tuple(GALLERY)),
          Field("beam", BEAM, int, low=1, high=5),
          Field("language", "en", str, choices=tuple(MODEL_OF_LANGUAGE)),
          Field("quiz", False, bool)]
SOURCES = ("Sample photo", "Upload a photo", "Camera")
LANGUAGES = {"en": "English", "fr": "Français"}

st.title("🖼️ Image captioning: one image in, a sentence out")
st.markdown(
    "The lecture's **one-to-many** model. A CNN (EfficientNet-Lite0, trained on ImageNet and frozen) turns the "
    "picture into a 7 × 7 grid of 1280-number feature vectors; an **LSTM decoder** then writes the caption one "
    "word at a time. Before each word it computes **attention** weights over the 49 grid cells "
    "(*Show, Attend and Tell*): the highlighted part of the photo below each word is where it looked."
)
state = url_state(FIELDS)


def captioner(language: str) -> Captioner:
    return load_service(MODEL_OF_LANGUAGE[language], Captioner)


@st.cache_resource(show_spinner=False)
def sample_image(sample_key: str):
    """A gallery picture, decoded once per server process and shared read-only by every visitor: decoded on every
    visit, each visitor's session kept its own decoded copy until Streamlit dropped the session."""
    return samples.load_sample(sample_key)


@st.cache_resource(max_entries=10 * len(GALLERY), show_spinner=False)
def sample_caption(sample_key: str, beam: int, language: str):
    """A bundled photo is captioned once per server process, beam width and language, not on every visit."""
    return captioner(language).caption(sample_image(sample_key), beam=beam)


@st.cache_data(max_entries=INFERENCE_ENTRIES // 4, show_spinner=False)
def caption_upload(data: bytes, beam: int, language: str):
    """An uploaded photo's caption per (bytes, beam, language), shared by every visitor: a class uploads the same
    photos."""
    return captioner(language).caption(load_image(data).image, beam=beam)


@st.cache_data(max_entries=INFERENCE_ENTRIES // 4, show_spinner=False)
def word_overlays(image_id: str, _image, _words) -> list[bytes]:
    """Each word's attention drawn on the image, as JPEG bytes, once per (image, beam, language) in ``image_id``:
    drawing and encoding them took a share of every rerun. JPEG at quality 90, not PNG: a 224 x 224 overlay
    encodes in 0.4 ms instead of ~30 and takes 7-10 kB instead of 42-69 (in this cache and in every visitor's
    session, which keeps the images it shows)."""
    return [encoded(attention_overlay(_image, word.alpha), "JPEG", quality=90) for word in _words]


@st.cache_data(show_spinner=False)
def gallery_png(sample_key: str) -> bytes:
    return encoded(samples.scene_of(samples.by_key(sample_key)).image, "PNG")    # clip art: sharp edges, once


def encoded(image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


st.info(
    f"**What this model was trained on.** Human-written captions of {len(scenes.stamps_of('train'))} "
    "**Tux Paint stamps** — drawings and cut-out photos of animals, vehicles, food, clothes, people, household "
    "things and symbols, one object each (*“A frog.”*, *“A race car.”*) — composed into scenes of one to four "
    "objects on grass, gravel, a brick wall, the moon, space or a plain colour, and captioned with counts, sizes "
    "and where things are (*“two frogs and a race car on the grass.”*). Also crops of "
    f"{len(samples.TRAINING)} photos captioned with the ImageNet class the encoder sees, which it **copies** to "
    "name objects outside its caption words. So it describes clip-art scenes; on real photos it names the main "
    "object only sometimes and may describe them as clip-art scenes; it knows no actions. The gallery's stamps "
    f"and scenes use {len(scenes.stamps_of('test'))} stamps it never saw (the model card has the measured "
    "figures).",
    icon="ℹ️")

source = st.radio("Image", SOURCES, horizontal=True)
state["language"] = st.radio("Caption language", tuple(LANGUAGES), index=tuple(LANGUAGES).index(state["language"]),
                             format_func=LANGUAGES.get, horizontal=True,
                             help="The same image features, read by a second decoder trained on the stamps' French "
                                  "captions (it has no copy head: on photos it knows only the stamps' words).")
language = state["language"]
card = require_service(MODEL_OF_LANGUAGE[language], "captioning", Captioner, TRAIN_OF_LANGUAGE[language]).card

if source == "Sample photo":
    keys = list(GALLERY)
    key = st.selectbox("Sample (bundled photos, held-out stamps and scenes)", keys, index=keys.index(state["sample"]),
                       format_func=GALLERY_LABELS.__getitem__)
    state["sample"] = key
    image, notes = sample_image(key), []
    if GALLERY[key].source.startswith(("scene:", "stamp:")):
        shown = samples.scene_of(GALLERY[key])
        notes = ["the reference captions (the stamps' own words; BLEU is computed against these): "
                 + " / ".join(c.replace(" .", ".") for c in shown.captions_in(language))]
else:
    if source == "Upload a photo":
        upload = st.file_uploader("JPEG, PNG, WebP, BMP or GIF (first frame), up to 10 MB",
                                  type=["jpg", "jpeg", "png", "webp", "bmp", "gif"])
    else:
        upload = st.camera_input("Take a photo")
    if upload is None:
        st.info("Choose a photo to caption (or pick a bundled sample above).")
        save_url_state(FIELDS, state)
        end_page()
    try:
        loaded = load_image(upload.getvalue())
    except InputError as error:
        st.error(escape_markdown(str(error)))
        end_page()
    image, notes = loaded.image, loaded.notes

if advanced():                                      # a teacher's class view keeps the link's beam
    state["beam"] = st.slider("Beam width (1 = greedy search)", 1, 5, state["beam"])
state["quiz"] = st.toggle("Predict first", state["quiz"], help="Answer two questions before the caption is shown.")
save_url_state(FIELDS, state)
for note in notes:
    st.caption(f"ℹ️ {escape_markdown(note)}")

with st.spinner("Encoding the image and searching for a caption…"):
    if source == "Sample photo":
        result = sample_caption(key, state["beam"], language)
        image_id = f"sample:{key}"
    else:
        result = caption_upload(upload.getvalue(), state["beam"], language)
        image_id = "upload:" + hashlib.sha1(upload.getvalue()).hexdigest()

if state["quiz"]:
    photo = st.container()
    if not predict_first(questions(result), "captioning-quiz"):
        photo.image(image, width=360, alt="The photo to caption")
        end_page()                                        # the caption waits for the visitor's predictions

left, right = st.columns([2, 3])
with left:
    st.image(image, width="stretch", alt=f"The picture, captioned: {result.caption}")
with right:
    st.subheader(f"“{result.caption}”")
    st.markdown("**Beam candidates**: log-probability = sum of the log-probabilities of their words; they are "
                "ranked by the score, the log-probability divided by a length penalty ((5 + length) / 6)^0.7, "
                "so that longer captions are not punished for every extra word.")
    st.dataframe(pd.DataFrame({"caption": [text for text, _, _ in result.candidates],
                               "log-probability": [round(lp, 3) for _, lp, _ in result.candidates],
                               "score": [round(score, 3) for _, _, score in result.candidates]}),
                 hide_index=True, width="stretch")
    st.markdown("**What the encoder itself sees** (its own ImageNet top 5)")
    st.dataframe(pd.DataFrame({"ImageNet class": [c.name for c, _ in result.top5],
                               "probability": [round(p, 3) for _, p in result.top5],
                               "WordNet definition": [c.definition for c, _ in result.top5]}),
                 hide_index=True, width="stretch")

st.subheader("Word by word: where the decoder looked")
st.caption("Each picture is the image as the encoder saw it (squashed to 224 × 224), bright where the attention "
           "weight α over the 7 × 7 grid was high. “copied” = share of the word's probability that came from the "
           "copy head, which reads the encoder's ImageNet classifier at the attended spot.")
columns = st.columns(4)
overlays = word_overlays(f"{image_id}|{state['beam']}|{language}", image, result.words)
for i, (word, overlay) in enumerate(zip(result.words, overlays)):
    with columns[i % 4]:
        st.image(overlay, width="stretch",
                 alt=f"Where the decoder looked for word {i + 1}, “{word.text}”: bright where attention was high",
                 caption=f"{i + 1}. “{word.text}” · peak α {word.alpha.max():.2f} · copied {word.copy_share:.0%}")

with st.expander("Gallery: objects the model never saw, with their reference captions"):
    st.caption("Held-out Tux Paint stamps alone and scenes composed only from held-out stamps; the reference is "
               "written from the stamps' human captions, the model's caption is beam 3.")
    columns = st.columns(4)
    for i, sample in enumerate(samples.SCENES + samples.STAMPS):
        shown = samples.scene_of(sample)
        with columns[i % 4]:
            model_caption = sample_caption(sample.key, BEAM, language).caption
            reference = shown.captions_in(language)[0].replace(" .", ".")
            st.image(gallery_png(sample.key), width="stretch", alt=f"{sample.title}: {reference}",
                     caption=f"reference: {reference} · model: {model_caption}")

with st.expander("How it works: the equations of one decoding step"):
    st.latex(r"e_{ti} = w^\top \tanh(W_a a_i + W_h h_{t-1}),\qquad "
             r"\alpha_{ti} = \frac{\exp e_{ti}}{\sum_k \exp e_{tk}}")
    st.latex(r"z_t = \beta_t \sum_{i=1}^{49} \alpha_{ti} a_i,\qquad "
             r"h_t, c_t = \mathrm{LSTM}([E y_{t-1}; z_t], h_{t-1}, c_{t-1})")
    st.latex(r"p(y_t) = g_t\, \mathrm{softmax}(L_o(E y_{t-1} + L_h h_t + L_z z_t)) "
             r"+ (1 - g_t)\, \mathrm{copy}(\mathrm{softmax}(W_{cls} z_t))")
    st.markdown("Greedy search keeps the single most probable word at each step; beam search keeps the *k* best "
                "partial captions and returns the most probable complete ones (ranked with a length penalty).")

with st.expander("Model card: data, metrics, limits"):
    st.markdown("Train it on your own captions (Flickr8k or COCO), one command; every option is described by "
                "`rnnkit train captioning --help`:")
    st.code("rnnkit train captioning --data=flickr8k --captions=Flickr8k.token.txt "
            "--images=Flicker8k_Dataset --min_freq=5 --out=pretrained/captioning-flickr8k", language="bash")
    show_model_card(card)
