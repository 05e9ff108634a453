"""rnnkit: the model library behind the rnnkit dashboard.

Importing any module has no side effects (no data loading, no downloads, no prints), and
nothing here imports streamlit: pages in ``pages/`` are thin UI over these functions.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRETRAINED = ROOT / "pretrained"
DATA = ROOT / "data"
