"""Home: the lecture's map, its path through the pages and the four types of RNN models (no torch imported)."""

import streamlit as st

from pages._common import rnn_types  # (also sends deep links through app.py's navigation)
from pages._lecture import lesson

st.title("rnnkit: recurrent neural networks you can use")
st.markdown(
    "Every page runs a real model that was trained for it and can be retrained with one command. "
    "Follow the lecture from the first step to the last with *Next* at the foot of each page, or jump to a step."
)

st.subheader("The lecture, step by step")
for number, (step, page) in enumerate(lesson(), start=1):
    with st.container(border=True):
        st.markdown(f"**{number}. " + " · ".join(step.topics) + "**")
        if step.url_path:
            st.page_link(page.file, label=page.title, icon=page.icon)
        st.caption(page.summary if step.url_path else step.paragraph)

st.subheader("The four types of RNN models")
rnn_types()
