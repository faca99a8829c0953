"""Self-describing checkpoints: safetensors weights plus spec, config, epoch and metric in the header.

Nothing is ever unpickled: safetensors holds only tensors and a string-to-string header.
Files are written to a temporary name and renamed, so a crash never leaves half a checkpoint
under the real name; a damaged file still gets a clear message naming it.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from core import settings
from core.errors import LayerLabError

log = logging.getLogger(__name__)
_META_KEY = "layerlab"
BAD_CHECKPOINT = ("The checkpoint file {path} cannot be read ({why}). It may be damaged or "
                  "truncated; train the run again to get a new checkpoint.")


def checkpoint_dir(run_id: str) -> Path:
    path = settings.home() / "checkpoints" / run_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_checkpoint(path: Path, state: dict, meta: dict[str, Any]) -> None:
    from safetensors.torch import save_file

    tensors = {k: v.detach().to("cpu").contiguous() for k, v in state.items()}
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp), metadata={_META_KEY: json.dumps(meta, default=str)})
    os.replace(tmp, path)


def bad_checkpoint(path: Path, why: str) -> LayerLabError:
    """The error for a checkpoint file that exists but cannot be used (BAD_CHECKPOINT)."""
    return LayerLabError(BAD_CHECKPOINT.format(path=path, why=why))


def read_checkpoint_meta(path: str | Path) -> dict[str, Any]:
    """Only the header (cheap): spec, config, epoch, best metric, task, shapes."""
    from safetensors import safe_open

    from core.runs import local_file

    path = local_file(path)  # a blob ref (server store) becomes this node's cached copy
    try:
        with safe_open(str(path), framework="pt") as fh:
            return json.loads((fh.metadata() or {}).get(_META_KEY, "{}"))
    except FileNotFoundError:
        raise LayerLabError(f"The checkpoint file {path} does not exist any more.") from None
    except Exception as exc:  # noqa: BLE001 - safetensors raises its own error types
        raise bad_checkpoint(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


def read_checkpoint(path: str | Path) -> tuple[dict, dict[str, Any]]:
    from safetensors.torch import load_file

    from core.runs import local_file

    path = local_file(path)
    meta = read_checkpoint_meta(path)
    try:
        state = load_file(str(path), device="cpu")
    except Exception as exc:  # noqa: BLE001
        raise bad_checkpoint(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    return state, meta
