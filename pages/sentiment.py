"""Sentiment: a many-to-one LSTM reads a movie-review sentence word by word and rates it."""

import streamlit as st

from pages._common import Field, require_model, save_url_state, url_state
from rnnkit.sentiment import classifier as S
from rnnkit.sentiment import plots

EXAMPLE = "There is nothing to like in this movie."
FIELDS = (Field("text", EXAMPLE, max_chars=2000),)

st.title("🎭 Sentiment: many-to-one")
st.markdown(
    "The lecture's **many-to-one** model: an LSTM reads a sentence one word at a time and, after the last "
    "word, a classifier reads its final state. Trained on 8,482 Rotten Tomatoes review sentences rated by "
    "people from −4 to +4 (two answers: negative / positive, and 5 classes)."
)
state = url_state(FIELDS)

model, card = require_model("sentiment", "sentiment")
classifier = S.SentimentClassifier(model, card)

single, batch, about = st.tabs(["One sentence", "Batch (file)", "Model card"])

with single:
    text = st.text_area("A movie-review sentence (English)", value=state["text"], height=90,
                        help="Try a negation: 'not bad at all', 'nothing to like'.")
    checked = S.check_text(text, classifier.vocab)
    save_url_state(FIELDS, {"text": text if len(text) <= 2000 else state["text"]})
    if len(text) > 2000:
        st.caption("This text is too long to put in the page's link; the link keeps the previous sentence.")
    for note in checked.notes:
        st.warning(note)
    if checked.problem:
        st.info(checked.problem)
    else:
        binary, fine = classifier.predict_tokens([checked.tokens])
        verdict = S.BINARY_NAMES[int(binary[0].argmax())]
        st.subheader(f"The LSTM says: {verdict} ({binary[0].max():.0%}), "
                     f"5 classes: {S.FINE_NAMES[int(fine[0].argmax())]}")
        left, right = st.columns(2)
        left.plotly_chart(plots.probability_bars(S.BINARY_NAMES, binary[0], (plots.NEGATIVE, plots.POSITIVE),
                                                 "negative / positive"), width="stretch")
        right.plotly_chart(plots.probability_bars(S.FINE_NAMES, fine[0], plots.FINE_COLOURS, "5 classes"),
                           width="stretch")

        st.subheader("Read word by word")
        st.caption("Each point is what the model would answer if the sentence ended at that word: watch "
                   "'nothing' flip the lecture's sentence. It is not always right: try 'not bad at all'.")
        st.plotly_chart(plots.prefix_figure(classifier.prefix_scores(checked.tokens)), width="stretch")

        st.subheader("Which words decided")
        importance = classifier.importance(checked.tokens)
        st.markdown(plots.coloured_tokens(importance))
        st.caption("Leave-one-out: each word is removed in turn and the change in P(positive) measured. "
                   "Green words pushed towards positive, red towards negative.")
        st.plotly_chart(plots.importance_figure(importance), width="stretch")

        st.subheader("The same sentence, scored by the baselines")
        baseline_binary, baseline_fine = S.tfidf_baseline().predict([checked.text])
        compound = S.vader_compound([checked.text])
        vader_binary, vader_fine = S.vader_labels(compound)
        st.dataframe([
            {"system": "LSTM (this page)", "answer": verdict, "P(positive)": round(float(binary[0, 1]), 3),
             "5 classes": S.FINE_NAMES[int(fine[0].argmax())]},
            {"system": "TF-IDF + logistic regression", "answer": S.BINARY_NAMES[int(baseline_binary[0].argmax())],
             "P(positive)": round(float(baseline_binary[0, 1]), 3),
             "5 classes": S.FINE_NAMES[int(baseline_fine[0].argmax())]},
            {"system": "VADER lexicon (rules)", "answer": S.BINARY_NAMES[int(vader_binary[0])],
             "P(positive)": None, "5 classes": S.FINE_NAMES[int(vader_fine[0])]},
        ], hide_index=True, width="stretch")
        st.caption(f"VADER compound score {compound[0]:+.2f} (−1..+1). TF-IDF + LR sees word pairs but not order "
                   "beyond them; the LSTM reads the whole sequence.")

with batch:
    st.markdown("Upload a `.txt` file (one sentence per line) or a `.csv` (choose the text column). "
                f"Every row gets a result or a reason; at most {S.MAX_ROWS:,} rows are scored.")
    upload = st.file_uploader("Sentences to score", type=["txt", "csv"])
    if upload is None:
        st.info("No file yet: upload a .txt or .csv to score many sentences at once.")
    else:
        table = S.read_upload(upload.name, upload.getvalue())
        for note in table.notes:
            st.warning(note)
        if table.problem:
            st.error(table.problem)
        else:
            column = st.selectbox("Text column", table.columns) if len(table.columns) > 1 else table.columns[0]
            texts = table.frame[column].tolist()
            bar = st.progress(0.0, text=f"Scoring {len(texts):,} rows…")
            results = S.score_batch(classifier, texts,
                                    progress=lambda done, total: bar.progress(done / total, text=f"{done:,} / {total:,}"))
            bar.empty()
            scored = int(results["label"].ne("").sum())
            st.success(f"{scored:,} of {len(results):,} rows scored; the others say why in `note`.")
            st.dataframe(results.head(1000), hide_index=True, width="stretch")
            st.caption("`p_positive`: probability of positive; `fine_score`: the 5-class probabilities averaged "
                       "on −2 (very negative) … +2 (very positive); `note`: why a row was not scored, or words "
                       "the model never saw.")
            if len(results) > 1000:
                st.caption("The table shows the first 1,000 rows; the download has all of them.")
            st.download_button("Download the results (CSV)", results.to_csv(index=False).encode("utf-8"),
                               file_name="sentiment_scores.csv", mime="text/csv")

with about:
    st.markdown(f"**{card['description']}**")
    st.markdown("\n".join(f"- **{key}**: {value}" for key, value in card["data"].items()))
    st.markdown(f"**Limits.** {card['limits']}")
    if card.get("evaluation"):
        st.markdown("**Held-out results** (test = movie sentences never trained on; Amazon and NYT snippets = "
                    "other domains, never trained on). Produced by `python scripts/eval_sentiment.py`.")
        order = {"test": 0, "ood_amazon": 1, "ood_nyt": 2}
        rows = sorted(card["evaluation"], key=lambda row: order.get(row["split"], 3))
        st.dataframe([{"data": row["split"], "system": row["system"],
                       "binary accuracy": f"{row['binary_accuracy']:.1%}", "binary macro-F1": f"{row['binary_macro_f1']:.1%}",
                       "5-class accuracy": f"{row['fine_accuracy']:.1%}", "5-class macro-F1": f"{row['fine_macro_f1']:.1%}"}
                      for row in rows], hide_index=True, width="stretch", height=38 + 35 * len(rows))
    metrics = card["metrics"]
    left, right = st.columns(2)
    left.plotly_chart(plots.confusion_figure(metrics["test_binary_confusion"], S.BINARY_NAMES,
                                             f"test, binary: {metrics['test_binary_accuracy']:.1%} correct"),
                      width="stretch")
    right.plotly_chart(plots.confusion_figure(metrics["test_fine_confusion"], S.FINE_NAMES,
                                              f"test, 5 classes: {metrics['test_fine_accuracy']:.1%} correct"),
                       width="stretch")
    st.caption(f"{card['parameters']:,} parameters, trained in {card['train_seconds']:.0f} s ({card['machine']}). "
               f"Reproduce: `{card['reproduce']}`")
