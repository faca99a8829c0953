"""The user's current draft: chosen dataset and the model stack being built.

Kept as a small JSON file in LayerLab's home (not only in `st.session_state`) so a browser
refresh, a second tab or a server restart finds the same dataset and the same stack.
Written atomically (temp file + rename) so a crash mid-write never leaves half a file.

Each user has their own draft (`workspaces/<file stem of the id>.json`), so two people on one
server never change each other's choices. `user=None` is the command line's and the pre-sharing
single draft (`workspace.json`); a user without a draft yet starts from a copy of it, so the
draft of a one-person install carries over when the browser first opens.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from core import settings
from core.identity import file_stem
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


def _path(user: str | None) -> Path:
    if user is None:
        return settings.home() / "workspace.json"
    folder = settings.home() / "workspaces"
    folder.mkdir(exist_ok=True)
    return folder / f"{file_stem(user)}.json"  # never outside the folder, whatever the id


def _read(path: Path) -> Workspace | None:
    if not path.exists():
        return None
    try:
        return Workspace.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError, OSError) as exc:
        # A damaged draft must not lock the user out: start fresh, keep the bad file aside.
        log.warning("workspace file unreadable (%s); starting a new one", exc)
        path.replace(path.with_suffix(".bad.json"))
        return None


def load_workspace(user: str | None = None) -> Workspace:
    """`user`'s draft; a new user starts from the shared default draft (or the defaults)."""
    ws = _read(_path(user))
    if ws is None and user is not None:
        ws = _read(_path(None))
    return ws or Workspace()


def save_workspace(ws: Workspace, user: str | None = None) -> None:
    path = _path(user)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".workspace-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(ws.model_dump(mode="json"), fh, indent=1)
    os.replace(tmp, path)
