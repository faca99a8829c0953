"""Which model inputs an attack may move, how far one unit of ε is, and how to say it in words.

- Tables: numeric columns are median-imputed and standardised, so one standard deviation of
  the original column is exactly 1.0 in model-input space: ε = 0.1 moves a numeric input by
  0.1 × that column's std, shown back in original units (std = the scaler's `scale_`).
  One-hot inputs cannot move by a small amount (a category is a category), so they stay
  fixed; sensitive columns and columns the user locks stay fixed too.
- Images: ε is in pixel intensity (0 = black, 1 = white after scaling), clamped to [0, 1].
- Sequences: ε on the signal the model sees, no bounds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.data import join_names
from core.errors import LayerLabError


@dataclass
class AttackSpace:
    modality: str
    mask: np.ndarray  # (*input_shape) float32, 1 where the input may move
    lo: float | np.ndarray | None  # images: 0.0; tables: per-input train minimum
    hi: float | np.ndarray | None
    unit: str  # what ε = 1 means, in words
    moved_columns: list[str] = field(default_factory=list)
    fixed: dict[str, list[str]] = field(default_factory=dict)  # reason -> columns
    # Tables: per numeric column, (input index, train mean, train std) for original units.
    numeric: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    categorical: dict[str, list[int]] = field(default_factory=dict)  # column -> one-hot inputs

    def constraint(self, device: str = "cpu"):
        import torch

        from core.audit.stress._attacks import Constraint

        def as_tensor(v):
            if isinstance(v, np.ndarray):
                return torch.from_numpy(v).unsqueeze(0).to(device)  # (1, *input_shape)
            return v

        mask = torch.from_numpy(self.mask).unsqueeze(0).to(device)  # (1, *input_shape)
        return Constraint(mask, as_tensor(self.lo), as_tensor(self.hi))

    def explanation(self) -> str:
        """Which features are attacked and why the others are not (shown with every result)."""
        if self.modality != "tabular":
            return f"Every input may move; ε is {self.unit}."
        parts = [f"Attacked: {join_names(self.moved_columns, quote=False)} (numeric, "
                 f"standardised, so ε is {self.unit}; values stay within the range seen in "
                 "training)."]
        reasons = {"categorical": "categories are one-hot inputs that cannot move by a small "
                                  "amount (random category flips test them instead)",
                   "sensitive": "sensitive attributes stay fixed",
                   "locked": "you locked them"}
        for why, cols in self.fixed.items():
            if cols:
                parts.append(f"Fixed: {join_names(cols, quote=False)}: {reasons[why]}.")
        return " ".join(parts)


def attack_space(bundle, data, locked: list[str] | None = None) -> AttackSpace:
    """The AttackSpace of a prepared dataset; clear errors for locks that leave nothing to move."""
    locked = list(locked or [])
    if data.preprocessor is None:
        unknown = [c for c in locked if c not in data.feature_columns]
        if unknown:
            raise LayerLabError(f"Cannot lock {join_names(unknown)}: {bundle.modality} inputs "
                                "have no named columns to lock; leave the lock list empty.")
        mask = np.ones(data.input_shape, dtype=np.float32)
        if bundle.modality == "image":
            return AttackSpace("image", mask, 0.0, 1.0, "a change in pixel intensity "
                               "(0 = black, 1 = white)")
        return AttackSpace("sequence", mask, None, None, "a change of the sequence values")
    return _tabular_space(bundle, data, locked)


def _tabular_space(bundle, data, locked: list[str]) -> AttackSpace:
    columns = list(dict.fromkeys(data.feature_columns))
    unknown = [c for c in locked if c not in columns]
    if unknown:
        raise LayerLabError(f"Cannot lock {join_names(unknown)}: not a model input. Model inputs: "
                            f"{join_names(columns)}.")
    if columns and set(columns) <= set(locked):
        raise LayerLabError("Every input column is locked, so an attack has nothing to move. "
                            "Unlock at least one numeric column.")
    numeric_cols, means, stds = _scaler(data.preprocessor)
    index = {name: i for i, name in enumerate(data.feature_names)}
    mask = np.zeros(data.input_shape, dtype=np.float32)
    # Moved values stay inside the range seen in training: no negative ages or capital gains.
    lo, hi = data.X_train.min(axis=0), data.X_train.max(axis=0)
    space = AttackSpace("tabular", mask, lo, hi, "in standard deviations of each numeric column",
                        fixed={"categorical": [], "sensitive": [], "locked": []})
    sensitive = set(bundle.sensitive)
    for col in columns:
        if col in numeric_cols:
            j = numeric_cols.index(col)
            space.numeric[col] = (index[col], float(means[j]), float(stds[j]))
        else:
            space.categorical[col] = [i for i, c in enumerate(data.feature_columns) if c == col]
        if col in sensitive:
            space.fixed["sensitive"].append(col)
        elif col in locked:
            space.fixed["locked"].append(col)
        elif col not in numeric_cols:
            space.fixed["categorical"].append(col)
        else:
            mask[index[col]] = 1.0
            space.moved_columns.append(col)
    if not space.moved_columns:
        raise LayerLabError(_nothing_to_move(space))
    return space


def _nothing_to_move(space: AttackSpace) -> str:
    if not space.numeric:
        return ("This model has no numeric inputs: all its inputs are one-hot categories, which a "
                "gradient attack cannot move by a small amount (the one-hot encoding is not "
                "differentiable). Use the category-flip corruption instead.")
    return ("No numeric column is left to attack: "
            f"{join_names(sorted(space.numeric))} {'is' if len(space.numeric) == 1 else 'are'} "
            "locked or sensitive. Unlock at least one numeric column.")


def lockable_columns(bundle, data) -> list[str]:
    """Table columns a user may lock: the numeric inputs that are not sensitive ([] otherwise)."""
    if data.preprocessor is None:
        return []
    return [c for c in _scaler(data.preprocessor)[0] if c not in bundle.sensitive]


def _scaler(pre) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(numeric columns, train means, train stds) from the fitted ColumnTransformer."""
    for name, pipe, cols in pre.transformers_:
        if name == "num":
            scaler = pipe.named_steps["scale"]
            return list(cols), np.asarray(scaler.mean_), np.asarray(scaler.scale_)
    return [], np.zeros(0), np.zeros(0)


def imputed_value(pre, column: str) -> float | None:
    """The standardised value a missing numeric cell becomes (the train median, scaled)."""
    for name, pipe, cols in pre.transformers_:
        if name == "num" and column in list(cols):
            j = list(cols).index(column)
            median = pipe.named_steps["impute"].statistics_[j]
            scaler = pipe.named_steps["scale"]
            return float((median - scaler.mean_[j]) / scaler.scale_[j])
    return None
