"""Open every page once, as a visitor would (AppTest through app.py), and fail on any exception.

    python -m scripts.smoke_pages

Used by the Dockerfile at build time, so an image whose baked-in models do not load (missing file,
weights that no longer match the code) is never produced: an exception or a page's "model not
trained yet" sentence fails it. Prints one line per page.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from streamlit import config
from streamlit.testing.v1 import AppTest

from pages._lecture import available_pages

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    config.set_option("client.showErrorDetails", "full")     # the real error in the build log, not the visitor's text
    failed = 0
    for info in [None, *available_pages()]:
        name = info.file if info else "pages/home.py"
        start = time.perf_counter()
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        if info:
            app.switch_page(info.file)
        app.run()
        problems = [e.message for e in app.exception]
        problems += [i.value for i in app.info if "not trained yet" in i.value]    # require_model's sentence
        failed += bool(problems)
        seconds = time.perf_counter() - start
        print(f"{'FAIL' if problems else 'ok  '} {name} ({seconds:.1f} s) {' '.join(problems)[:300]}")
    return 1 if failed else 0


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    sys.exit(main())
