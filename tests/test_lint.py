"""The code stays ruff-clean (pyflakes, pycodestyle, isort, bugbear: pyproject.toml), so CI fails when it is not."""

import ast
import subprocess
import sys

from rnnkit import ROOT


def test_ruff_check_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-1000:]


# plotly's figure-update methods run its property-path machinery (~2 ms a call); the same layout given to the
# constructor costs a quarter of that. Charts were a third of the server's time under a class (rnnkit/core/plots.py).
SLOW_FIGURE_CALLS = {"update_layout", "update_xaxes", "update_yaxes", "update_traces", "add_trace", "add_scatter",
                     "add_shape", "add_vrect", "add_hrect", "add_vline", "add_hline", "add_annotation", "make_subplots"}


def test_every_chart_is_built_in_one_call():
    found = []
    for path in sorted((ROOT / "rnnkit").rglob("*.py")) + sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in SLOW_FIGURE_CALLS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not found, "build the figure as go.Figure(traces, layout=dict(...)) instead: " + ", ".join(found)


# A widget keeps its format_func and callbacks for the whole session. A lambda or function written in a page file
# carries that page's globals, so every visitor's session kept the page's last run with it (a photo and its
# caption per visitor: benchmarks/load.py's class left the server at 669, 701 MB after two waves before, 643, 649
# after). Fragments need their page's globals and are exempt.
SESSION_KEPT_ARGUMENTS = {"format_func", "on_change", "on_click", "on_submit", "on_select"}


def test_widgets_keep_no_page_functions():
    found = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        page_functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        for node in ast.walk(tree):
            for keyword in node.keywords if isinstance(node, ast.Call) else ():
                value = keyword.value
                if keyword.arg in SESSION_KEPT_ARGUMENTS and (
                        isinstance(value, ast.Lambda) or isinstance(value, ast.Name) and value.id in page_functions):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {keyword.arg}")
    assert not found, ("pass a bound method of a module-level dict, st.session_state's methods or a function of an "
                       "imported module instead: " + ", ".join(found))
