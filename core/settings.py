"""Where LayerLab keeps its files, and the caps that protect the machine.

Everything is overridable by environment variables so tests, CI and a multi-user
deployment can point LayerLab somewhere else without touching code.
"""
from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The folder for the run store, uploaded CSVs, checkpoints and the workspace draft."""
    path = Path(os.environ.get("LAYERLAB_HOME", Path.home() / ".layerlab")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_url() -> str:
    """SQLAlchemy URL of the run store; SQLite in `home()` unless LAYERLAB_STORE_URL says otherwise."""
    return os.environ.get("LAYERLAB_STORE_URL") or f"sqlite:///{home() / 'runs.db'}"


def uploads_dir() -> Path:
    path = home() / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


# A CSV larger than this is refused before parsing (never half-read silently).
MAX_CSV_BYTES = int(os.environ.get("LAYERLAB_MAX_CSV_MB", "100")) * 1024 * 1024
# More columns than this makes one-hot inputs and audits impractical in a browser tool.
MAX_CSV_COLUMNS = int(os.environ.get("LAYERLAB_MAX_CSV_COLUMNS", "2000"))
# A model whose estimated training memory exceeds this is refused before it is built.
MAX_MODEL_BYTES = int(float(os.environ.get("LAYERLAB_MAX_MODEL_GB", "4")) * 1024**3)
