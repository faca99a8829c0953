"""From model inputs back to what the user sees: original columns, superpixels, windows of steps.

SHAP values are additive, so the attribution of a categorical column is the sum of the
attributions of its one-hot inputs (and additivity still holds on the columns). Images and
sequences are grouped into the same segments LIME perturbs (2x2 pixel blocks, windows of
consecutive steps), so the two methods can be compared unit for unit.
"""
from __future__ import annotations

import math

import numpy as np

IMAGE_BLOCK = 2  # pixels per side of a superpixel: an 8x8 digit becomes 16 blocks
SEQUENCE_WINDOWS = 10  # a sequence is cut into this many windows of consecutive steps


def column_matrix(feature_columns: list[str]) -> tuple[list[str], np.ndarray]:
    """(columns in first-seen order, M (n_inputs, n_columns) with M[i, j] = 1 if input i is of column j)."""
    columns = list(dict.fromkeys(feature_columns))
    pos = {c: j for j, c in enumerate(columns)}
    M = np.zeros((len(feature_columns), len(columns)))
    for i, col in enumerate(feature_columns):
        M[i, pos[col]] = 1.0
    return columns, M


def to_columns(values: np.ndarray, feature_columns: list[str]) -> tuple[list[str], np.ndarray]:
    """(n, n_inputs) attributions -> (n, n_columns), summing the one-hot inputs of each column."""
    columns, M = column_matrix(feature_columns)
    return columns, np.asarray(values, dtype=np.float64) @ M


def segments(input_shape: tuple[int, ...], modality: str) -> np.ndarray:
    """Segment id of every input position, shaped like one example without channels.

    image (1, H, W) -> (H, W) ids of IMAGE_BLOCK x IMAGE_BLOCK blocks;
    sequence (T, F) -> (T, F) ids of SEQUENCE_WINDOWS windows of consecutive steps.
    """
    if modality == "image":
        _, h, w = input_shape
        rows, cols = np.arange(h) // IMAGE_BLOCK, np.arange(w) // IMAGE_BLOCK
        return rows[:, None] * math.ceil(w / IMAGE_BLOCK) + cols[None, :]  # (H, W)
    t, feats = input_shape
    n = min(SEQUENCE_WINDOWS, t)
    steps = (np.arange(t) * n) // t  # (T,) window of each step
    return np.repeat(steps[:, None], feats, axis=1)  # (T, F)


def to_segments(values: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """(n, *input_shape) attributions -> (n, n_segments) sums (image channels are summed too)."""
    n = len(values)
    flat_seg = seg.reshape(-1)
    v = np.asarray(values, dtype=np.float64).reshape(n, -1, flat_seg.size).sum(axis=1)  # (n, H*W)
    out = np.zeros((n, int(flat_seg.max()) + 1))
    np.add.at(out, (slice(None), flat_seg), v)
    return out


def segment_names(seg: np.ndarray, modality: str) -> list[str]:
    """Readable names: 'rows 1-2, columns 3-4' for a block; 'steps 1-5' for a window."""
    names = []
    for s in range(int(seg.max()) + 1):
        where = np.argwhere(seg == s)
        lo, hi = where.min(0) + 1, where.max(0) + 1
        if modality == "image":
            names.append(f"rows {lo[0]}-{hi[0]}, columns {lo[1]}-{hi[1]}")
        else:
            names.append(f"steps {lo[0]}-{hi[0]}")
    return names


def show_value(value) -> str:
    """An original cell as a reviewer would write it: 15,024 ; 0.25 ; Married-civ-spouse ; missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    try:
        import pandas as pd

        if pd.isna(value):
            return "missing"
    except (TypeError, ValueError):
        pass
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return f"{int(v):,}" if v.is_integer() and abs(v) < 1e15 else f"{v:.4g}"
    return str(value)
