"""Home: the lecture's topics mapped to the pages that demonstrate them (no torch imported)."""

import streamlit as st

import pages._common  # noqa: F401  (deep links go through app.py's navigation)
from pages._lecture import TOPICS, available_pages

st.title("rnnkit: recurrent neural networks you can use")
st.markdown(
    "Every page runs a real model that was trained for it and can be retrained with one command. "
    "Follow the lecture from top to bottom, or jump to a topic."
)

pages = {page.url_path: page for page in available_pages()}

st.subheader("The lecture, topic by topic")
for topic, paths in TOPICS:
    here = [pages[p] for p in paths if p in pages]
    if not here:
        continue
    with st.container(border=True):
        st.markdown(f"**{topic}**")
        for page in here:
            st.page_link(page.file, label=page.title, icon=page.icon)
            st.caption(page.summary)
