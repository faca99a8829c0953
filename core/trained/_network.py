"""One network from its self-describing checkpoint, and its outputs on model inputs.

A checkpoint holds the weights and, in its header, the spec, input shape, task and number of
outputs; that is all it takes to rebuild the module (nothing is unpickled). Networks come back
in eval mode on the CPU: audits read them, they never train them.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from core.errors import LayerLabError

NO_CHECKPOINT = ("Run {run_id} has no checkpoint yet (status: {status}). "
                 "A checkpoint is written after the first epoch.")
WEIGHTS_MISMATCH = "its weights do not match the run's model: {why}"
HEADER_LACKS = "its header lacks {key}"


def network_from_checkpoint(path: str | Path):
    """The network saved at `path` (eval mode, CPU); `LayerLabError` for a bad file."""
    from core.build import build_model
    from core.spec import ModelSpec
    from core.train import bad_checkpoint, read_checkpoint

    state, meta = read_checkpoint(path)
    try:
        model = build_model(ModelSpec.model_validate(meta["spec"]), tuple(meta["input_shape"]),
                            meta["task"], int(meta["n_outputs"]), "cpu")
    except KeyError as exc:
        raise bad_checkpoint(Path(path), HEADER_LACKS.format(key=exc)) from None
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise bad_checkpoint(Path(path), WEIGHTS_MISMATCH.format(why=str(exc).splitlines()[0])
                             ) from None
    return model.eval()


def load_network(run, store=None):
    """The network of `run`'s own checkpoint; a bad file is also logged on the run when `store` is given."""
    if not run.checkpoint_path:
        raise LayerLabError(NO_CHECKPOINT.format(run_id=run.id, status=run.status))
    try:
        return network_from_checkpoint(run.checkpoint_path)
    except LayerLabError as exc:
        if store is not None:
            store.log(run.id, "ERROR", str(exc))
        raise


def network_outputs(network, X):
    """Raw outputs (torch, CPU) of `network` on model inputs `X` (numpy or tensor), in eval mode."""
    import torch

    from core.train import predict

    if not isinstance(X, torch.Tensor):
        X = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    return predict(network, X)


def predict_outputs(network, X, task: str) -> np.ndarray:
    """Readable outputs of one network: binary (n,) P(positive), multiclass (n, k), regression (n,)."""
    from core.metrics import readable_outputs

    return readable_outputs(network_outputs(network, X), task).numpy()


def checkpoint_stamp(run) -> str:
    """Identifies the checkpoint file's version: the key of everything computed from its weights."""
    from core.runs import is_blob_ref

    if is_blob_ref(run.checkpoint_path):  # named by its content hash already
        return run.checkpoint_path
    try:
        st = os.stat(run.checkpoint_path)
        return f"{run.checkpoint_path}:{st.st_mtime_ns}:{st.st_size}"
    except (OSError, TypeError):
        return ""
