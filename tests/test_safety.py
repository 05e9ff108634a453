"""Nothing a visitor sends is unpickled, executed, written to disk or rendered as raw HTML.

Static checks on the syntax trees of the code that runs in the server (``app.py``, ``pages/``,
``rnnkit/``) and of the scripts, plus the server settings a hosted demo depends on. A failure
names the file and line; the fix is to load with safetensors / JSON / ``weights_only=True``,
keep uploads in memory (Streamlit's uploader already holds them in RAM), and show user text with
``st.text`` / ``st.code`` / escaped Markdown.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER_CODE = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "rnnkit").rglob("*.py"))]
ALL_CODE = SERVER_CODE + sorted((ROOT / "scripts").glob("*.py")) + sorted((ROOT / "benchmarks").glob("*.py"))
LIBRARY = sorted((ROOT / "rnnkit").rglob("*.py"))

UNPICKLING_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "marshal", "shelve"}
EXECUTING_BUILTINS = {"eval", "exec", "compile"}
# Loaders that unpickle: gensim's .load of whole models, pandas' read_pickle, torch.jit.load.
UNPICKLING_LOADERS = {("KeyedVectors", "load"), ("Word2Vec", "load"), ("FastText", "load"), ("pd", "read_pickle"),
                      ("pandas", "read_pickle"), ("jit", "load"), ("os", "system"), ("os", "popen")}
# rnnkit modules that may write files: training and data preparation, never reached from an upload;
# elsewhere only functions named save* / write* / prepare* / cache* (called by training and prep scripts).
WRITERS_ALLOWED = {"rnnkit/core/checkpoint.py", "rnnkit/core/training.py", "rnnkit/core/runner.py",
                   "rnnkit/captioning/data.py"}
WRITER_FUNCTIONS = ("save", "write", "prepare", "cache", "_save", "_write", "_prepare", "_cache")


def trees(paths, root=ROOT):
    for path in paths:
        yield path.relative_to(root).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


def calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def dotted(func) -> tuple[str, str]:
    """(owner, name) of a call: ``torch.load`` -> ("torch", "load"), ``eval`` -> ("", "eval")."""
    if isinstance(func, ast.Name):
        return "", func.id
    if isinstance(func, ast.Attribute):
        owner = func.value
        return (owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else "?",
                func.attr)
    return "?", "?"


def keyword(call: ast.Call, name: str):
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def is_true(node) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def imported(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return []


def unpickling(paths, root=ROOT) -> list[str]:
    found = []
    for name, tree in trees(paths, root):
        found += [f"{name}:{node.lineno} imports {m}" for node in ast.walk(tree) for m in imported(node)
                  if m.split(".")[0] in UNPICKLING_MODULES]
        for call in calls(tree):
            owner, attr = dotted(call.func)
            if attr == "load" and owner == "torch" and not is_true(keyword(call, "weights_only")):
                found.append(f"{name}:{call.lineno} torch.load without weights_only=True")
            if attr == "load" and owner in ("np", "numpy") and is_true(keyword(call, "allow_pickle")):
                found.append(f"{name}:{call.lineno} np.load(allow_pickle=True)")
            if attr in ("load", "unsafe_load", "full_load") and owner == "yaml" and keyword(call, "Loader") is None:
                found.append(f"{name}:{call.lineno} yaml.{attr} (use yaml.safe_load)")
            if (owner, attr) in UNPICKLING_LOADERS:
                found.append(f"{name}:{call.lineno} {owner}.{attr} (unpickles or runs a shell)")
    return found


def executing(paths, server_paths, root=ROOT) -> list[str]:
    found = [f"{name}:{call.lineno} {call.func.id}()" for name, tree in trees(paths, root) for call in calls(tree)
             if isinstance(call.func, ast.Name) and call.func.id in EXECUTING_BUILTINS]
    found += [f"{name}:{node.lineno} imports subprocess" for name, tree in trees(server_paths, root)
              for node in ast.walk(tree) if any(m.split(".")[0] == "subprocess" for m in imported(node))]
    return found


def raw_html(paths, root=ROOT) -> list[str]:
    """``unsafe_allow_html=True``, ``st.html`` and components may only carry text written in the code."""
    found = []
    for name, tree in trees(paths, root):
        for call in calls(tree):
            owner, attr = dotted(call.func)
            raw = (is_true(keyword(call, "unsafe_allow_html"))
                   or (owner in ("st", "components", "v1") and attr == "html"))
            body = call.args[0] if call.args else keyword(call, "body")
            if raw and not (isinstance(body, ast.Constant) and isinstance(body.value, str)):
                found.append(f"{name}:{call.lineno} {owner}.{attr}(...) renders a computed string as raw HTML")
    return found


def calls_outside_writers(tree):
    """Calls that are not inside a function whose name says it writes (save*, write*, prepare*, cache*)."""
    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(WRITER_FUNCTIONS):
            return
        if isinstance(node, ast.Call):
            yield node
        for child in ast.iter_child_nodes(node):
            yield from visit(child)
    yield from visit(tree)


def file_writes(paths, root=ROOT) -> list[str]:
    """Files written outside a temporary directory by code a visitor can reach."""
    found = []
    for name, tree in trees(paths, root):
        if name in WRITERS_ALLOWED or name.endswith("/task.py"):
            continue
        for call in calls_outside_writers(tree):
            owner, attr = dotted(call.func)
            mode = call.args[1] if attr == "open" and len(call.args) > 1 else keyword(call, "mode")
            if attr == "open" and isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax+"):
                found.append(f"{name}:{call.lineno} open(..., {mode.value!r})")
            if attr in ("write_bytes", "write_text", "tofile", "savez", "savez_compressed", "save_file"):
                found.append(f"{name}:{call.lineno} {attr}()")
            if attr in ("to_csv", "to_parquet", "to_json", "to_excel") and (call.args or keyword(call, "path_or_buf")):
                found.append(f"{name}:{call.lineno} {attr}(<path>) writes a file")
    return found


def test_nothing_is_unpickled():
    assert not (found := unpickling(ALL_CODE)), "\n".join(found)


def test_nothing_is_executed():
    assert not (found := executing(ALL_CODE, SERVER_CODE)), "\n".join(found)


def test_no_raw_html_except_constant_strings():
    assert not (found := raw_html(SERVER_CODE)), "\n".join(found)


def test_server_code_never_writes_files_outside_training():
    """Uploads stay in memory (Streamlit's uploader holds them in RAM): no page or inference code writes a file
    except in a temporary directory (``tempfile``)."""
    assert not (found := file_writes(SERVER_CODE)), "Only training/data-prep code may write files:\n" + "\n".join(found)


def test_server_settings_for_a_public_demo():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] in ("none", False), "visitors must never see a traceback"
    assert config["server"]["maxUploadSize"] <= 10, "uploads are photos and text files: at most 10 MB"
    assert config["browser"]["gatherUsageStats"] is False, "the demo runs offline"


@pytest.mark.parametrize("check, bad", [
    (unpickling, "import pickle\n"),
    (unpickling, "import torch\nstate = torch.load(path)\n"),
    (unpickling, "import numpy as np\nnp.load(path, allow_pickle=True)\n"),
    (unpickling, "from gensim.models import KeyedVectors\nKeyedVectors.load(path)\n"),
    (lambda paths, root: executing(paths, paths, root), "eval(user_text)\n"),
    (lambda paths, root: executing(paths, paths, root), "import subprocess\n"),
    (raw_html, "import streamlit as st\nst.markdown(f'<b>{text}</b>', unsafe_allow_html=True)\n"),
    (raw_html, "import streamlit as st\nst.html(text)\n"),
    (file_writes, "open(name, 'wb').write(upload.getvalue())\n"),
    (file_writes, "frame.to_csv('out.csv')\n"),
])
def test_each_check_catches_what_it_forbids(tmp_path, check, bad):
    """A one-line example of each forbidden thing is found (a check that cannot fail is worthless)."""
    module = tmp_path / "bad.py"
    module.write_text(bad)
    assert len(check([module], tmp_path)) == 1
    module.write_text("import torch\nstate = torch.load(path, weights_only=True)\nst.markdown('<br>', "
                      "unsafe_allow_html=True)\nmodel.eval()\nre.compile('x')\nframe.to_csv(index=False)\n")
    assert check([module], tmp_path) == []


def test_the_library_never_imports_streamlit():
    """rnnkit/ is the model library: UI lives in pages/ (and the library is usable without a server)."""
    found = []
    for name, tree in trees(LIBRARY):
        for node in ast.walk(tree):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{name}:{node.lineno} imports {m}" for m in modules if m.split(".")[0] in ("streamlit", "pages")]
    assert not found, found


def test_no_module_edits_sys_path():
    """The package is installed (pyproject.toml); nothing puts folders on sys.path by hand."""
    code = ALL_CODE + sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "harness").glob("*.py"))
    found = [f"{name}:{call.lineno}" for name, tree in trees(code) for call in calls(tree)
             if ast.unparse(call.func) in ("sys.path.insert", "sys.path.append")]
    assert not found, found
