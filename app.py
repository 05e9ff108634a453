"""rnnkit: a dashboard that teaches recurrent neural networks with real, trained models.

Run with ``streamlit run app.py``. Each page in ``pages/`` is thin UI over ``rnnkit/``.
"""

import streamlit as st

from pages._common import PageEnd, freeze_what_is_loaded, lesson_footer, show_share_link, teacher_tools, under_app
from pages._lecture import available_pages

st.set_page_config(page_title="rnnkit — RNNs you can use", page_icon="🔁", layout="wide")

home = st.Page("pages/home.py", title="Home", icon="🏠", default=True)
pages = [home] + [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path) for p in available_pages()]
page = st.navigation(pages)
teacher_tools(page.title)
try:
    with under_app():
        page.run()
except PageEnd:             # the page ended early (missing input, a question first): its foot still follows
    pass
lesson_footer(page.title)
show_share_link()

freeze_what_is_loaded()     # after a page's first visit: keeps Python's garbage collections cheap
