"""rnnkit: a dashboard that teaches recurrent neural networks with real, trained models.

Run with ``streamlit run app.py``. Each page in ``pages/`` is thin UI over ``rnnkit/``.
"""

import os

# Many visitors share 2 cores: torch (imported later, by the pages) runs each visitor's small models on
# one thread, so concurrent sessions do not fight over the cores (measured: 2 threads made live
# training 10-30x slower on a busy server). Set OMP_NUM_THREADS yourself to override.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from pages._lecture import available_pages

st.set_page_config(page_title="rnnkit — RNNs you can use", page_icon="🔁", layout="wide")

home = st.Page("pages/home.py", title="Home", icon="🏠", default=True)
pages = [home] + [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path) for p in available_pages()]
st.navigation(pages).run()

from pages._common import freeze_what_is_loaded  # noqa: E402  (after the run: the page has imported it)

freeze_what_is_loaded()     # after a page's first visit: keeps Streamlit's per-run gc.collect() cheap
