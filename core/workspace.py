"""The user's current draft: chosen dataset and the model stack being built.

Kept as a small JSON file in LayerLab's home (not only in `st.session_state`) so a browser
refresh, a second tab or a server restart finds the same dataset and the same stack.
Written atomically (temp file + rename) so a crash mid-write never leaves half a file.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from core import settings
from core.data import DatasetRef
from core.spec import ModelSpec

log = logging.getLogger(__name__)


def _default_dataset() -> DatasetRef:
    from core.data import default_ref

    return default_ref("adult")  # with its target and sensitive columns (sex, race) filled in


class Workspace(BaseModel):
    dataset: DatasetRef = Field(default_factory=_default_dataset)
    spec: ModelSpec | None = None  # None: the Build page starts from the preset for the dataset
    train_config: dict | None = None  # the Train page's last choices (validated by core.train)


def _path() -> Path:
    return settings.home() / "workspace.json"


def load_workspace() -> Workspace:
    path = _path()
    if not path.exists():
        return Workspace()
    try:
        return Workspace.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError, OSError) as exc:
        # A damaged draft must not lock the user out: start fresh, keep the bad file aside.
        log.warning("workspace file unreadable (%s); starting a new one", exc)
        path.replace(path.with_suffix(".bad.json"))
        return Workspace()


def save_workspace(ws: Workspace) -> None:
    path = _path()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".workspace-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(ws.model_dump(mode="json"), fh, indent=1)
    os.replace(tmp, path)
