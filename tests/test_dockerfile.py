"""The Dockerfile, replayed without a Docker engine.

Neither this machine nor CI runs a Docker engine (the ``docker`` client is there, ``dockerd`` is
not), so ``docker build`` cannot be run in a test. What can go wrong in the image is checked here
instead, on the real files:

- the Dockerfile's shape: CPU torch from PyTorch's CPU index at the version ``requirements.txt``
  pins, a non-root ``USER`` before the server starts, a health check on Streamlit's health
  endpoint, ``EXPOSE`` equal to the port the server is told to use, ``CMD streamlit run app.py``;
- the build context: the committed files minus ``.dockerignore`` (Docker's pattern rules) are
  copied to a fresh folder, which must hold the code, the settings and every trained model, and
  nothing for development (tests, benchmarks, build output);
- the build steps and the container's start, in that folder with the Dockerfile's ``ENV`` and an
  empty home: every ``RUN`` step except the package installs (this environment was installed from
  the same ``requirements.txt``) and ``useradd``, then ``CMD``, then the ``HEALTHCHECK`` command,
  which must succeed; afterwards the app folder must be byte-for-byte what was copied (the image
  keeps it read-only for the non-root user, so the app may not write there).

What stays unchecked: pulling ``python:3.11-slim`` and PyPI/PyTorch's index from inside a build.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from harness.browser import free_port

ROOT = Path(__file__).resolve().parent.parent


def instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, continuation lines joined and comments dropped."""
    result, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):      # a comment inside a continued instruction
            continue
        current += (" " if current else "") + stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            word, _, rest = current.partition(" ")
            result.append((word.upper(), rest.strip()))
            current = ""
    return result


DOCKERFILE = instructions((ROOT / "Dockerfile").read_text())


def args_of(name: str) -> list[str]:
    return [rest for word, rest in DOCKERFILE if word == name]


def env_of_dockerfile() -> dict[str, str]:
    env = {}
    for rest in args_of("ENV"):
        for pair in shlex.split(rest):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def exec_form(rest: str) -> list[str]:
    """``CMD ["a", "b"]`` -> ["a", "b"]; the shell form runs through ``sh -c`` as Docker does."""
    return json.loads(rest) if rest.startswith("[") else ["/bin/sh", "-c", rest]


# ----------------------------------------------------------------------------- .dockerignore

def dockerignore_patterns() -> list[tuple[re.Pattern, bool]]:
    """Docker's rules: paths relative to the context root, ``*`` within one name, ``**`` any depth,
    ``!`` re-includes; the last matching pattern decides; a matched folder takes its contents along."""
    patterns = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        regex = ""
        for token in re.split(r"(\*\*/|\*\*|\*|\?)", pattern):
            regex += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token))
        patterns.append((re.compile(regex + "(?:/.*)?"), negate))
    return patterns


def in_context(path: str, patterns) -> bool:
    keep = True
    for regex, negate in patterns:
        if regex.fullmatch(path):
            keep = negate
    return keep


def committed_files() -> list[str]:
    if (ROOT / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [p for p in out.decode().split("\0") if p and (ROOT / p).is_file()]
    return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()]


def build_context() -> list[str]:
    patterns = dockerignore_patterns()
    return sorted(p for p in committed_files() if in_context(p, patterns))


# ----------------------------------------------------------------------------- tests

def test_dockerignore_rules_follow_docker():
    rules = dockerignore_patterns()
    assert not in_context("tests/test_app.py", rules)
    assert not in_context("build/load/load-1.json", rules)
    assert not in_context("rnnkit/__pycache__/cells.cpython-311.pyc", rules)
    assert not in_context(".git/HEAD", rules)
    assert in_context("rnnkit/cells.py", rules)
    assert in_context("pretrained/sentiment/model.safetensors", rules)


def test_dockerfile_shape():
    words = [word for word, _ in DOCKERFILE]
    assert words[0] == "FROM" and re.fullmatch(r"python:3\.11(-slim)?", args_of("FROM")[0]), args_of("FROM")

    pinned = re.search(r"^torch==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert pinned, "requirements.txt must pin torch"
    installs = " ".join(args_of("RUN"))
    assert "--index-url https://download.pytorch.org/whl/cpu" in installs, "torch must come from the CPU index"
    assert "sed -n 's/^torch==//p' requirements.txt" in installs or f"torch=={pinned.group(1)}" in installs
    assert "pip install -r requirements.txt" in installs
    assert "torchvision" not in installs

    users = args_of("USER")
    assert users and users[-1] not in ("root", "0"), "the server must not run as root"
    assert words.index("USER") < words.index("CMD")
    assert re.search(r"useradd .*\b" + re.escape(users[-1]) + r"\b", installs), "USER must be created first"

    env = env_of_dockerfile()
    assert args_of("EXPOSE") == [env["STREAMLIT_SERVER_PORT"]]
    assert env["STREAMLIT_SERVER_ADDRESS"] == "0.0.0.0", "inside a container the server must listen on all interfaces"
    health = args_of("HEALTHCHECK")[0]
    assert f"127.0.0.1:{env['STREAMLIT_SERVER_PORT']}/_stcore/health" in health
    assert exec_form(args_of("CMD")[-1]) == ["streamlit", "run", "app.py"]


def test_build_context_holds_the_app_and_nothing_for_development():
    context = build_context()
    for needed in ("app.py", "requirements.txt", ".streamlit/config.toml", "pages/home.py", "rnnkit/__init__.py",
                   "scripts/smoke_pages.py"):
        assert needed in context, needed
    models = {p.split("/")[1] for p in context if p.startswith("pretrained/") and p.endswith("model.safetensors")}
    committed = {p.split("/")[1] for p in committed_files()
                 if p.startswith("pretrained/") and p.endswith("model.safetensors")}
    assert models == committed and models, "every trained model is baked into the image"
    unwanted = [p for p in context if p.split("/")[0] in ("tests", "benchmarks", "build", ".ci", ".git")]
    assert not unwanted, unwanted[:5]


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_build_steps_and_container_start_replayed(tmp_path):
    app, home = tmp_path / "app", tmp_path / "home"
    for path in build_context():
        (app / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, app / path)
    home.mkdir()
    bin_dir = str(Path(sys.executable).parent)            # this environment's python and streamlit
    env = {"PATH": bin_dir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
           "LANG": "C.UTF-8", **env_of_dockerfile()}

    for step in args_of("RUN"):
        if step.startswith(("pip install", "useradd")):
            continue                        # the installs: this environment came from the same requirements.txt
        done = subprocess.run(["/bin/sh", "-c", step], cwd=app, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"RUN {step}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"

    before = snapshot(app)
    port = free_port()
    env.update(STREAMLIT_SERVER_PORT=str(port), STREAMLIT_SERVER_ADDRESS="127.0.0.1")   # a free port on loopback
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(exec_form(args_of("CMD")[-1]), cwd=app, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        health = args_of("HEALTHCHECK")[0].split(" CMD ", 1)[1].replace(":8501/", f":{port}/")
        while True:
            check = subprocess.run(["/bin/sh", "-c", health], env=env, capture_output=True, timeout=30)
            if check.returncode == 0:
                break
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()[-3000:]
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200 and b"<title>" in response.read().lower()
    finally:
        server.terminate()
        server.wait(15)
        log.close()
    assert snapshot(app) == before, "the app wrote into its own folder, which is read-only in the image"
