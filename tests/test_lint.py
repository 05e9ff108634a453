"""The code stays ruff-clean (pyflakes, pycodestyle, isort, bugbear: pyproject.toml), so CI fails when it is not."""

import subprocess
import sys

from rnnkit import ROOT


def test_ruff_check_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-1000:]
