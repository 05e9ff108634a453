"""rnnkit: a dashboard that teaches recurrent neural networks with real, trained models.

Run with ``streamlit run app.py``. Each page in ``pages/`` is thin UI over ``rnnkit/``.
"""

import streamlit as st

from rnnkit.lecture import available_pages

st.set_page_config(page_title="rnnkit — RNNs you can use", page_icon="🔁", layout="wide")

home = st.Page("pages/home.py", title="Home", icon="🏠", default=True)
pages = [home] + [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path) for p in available_pages()]
st.navigation(pages).run()
