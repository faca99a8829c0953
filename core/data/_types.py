"""The data path's types: a JSON reference to a dataset, the loaded bundle, the prepared arrays.

A `DatasetRef` is what a run stores: it is enough to rebuild exactly the same data in a
worker process (built-in name + generator params, or the path of an uploaded CSV kept in
LayerLab's home, plus target, sensitive columns, kind overrides and the split seed).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

Task = Literal["binary", "multiclass", "regression"]
Modality = Literal["tabular", "image", "sequence"]
ColumnKind = Literal["numeric", "categorical", "boolean", "id", "date", "text"]


class DatasetRef(BaseModel):
    """Everything needed to load the same data again; stored as JSON with every run."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["builtin", "csv"] = "builtin"
    # Built-in dataset name (e.g. "adult", "moons") or, for a CSV, the original file name.
    name: str = "adult"
    # Generator settings of built-in sets (n_points, noise, seed); empty means defaults.
    params: dict[str, float | int | str] = Field(default_factory=dict)
    # CSV only: the stored copy inside LayerLab's home (content-addressed, never the user's path).
    path: str | None = None
    target: str | None = None  # None: the dataset's default target (the last column for a CSV)
    task: Task | None = None  # None: detected from the target
    sensitive: list[str] = Field(default_factory=list, max_length=2)
    # Sensitive columns are left out of the model inputs unless the user opts in.
    include_sensitive: bool = False
    kinds: dict[str, ColumnKind] = Field(default_factory=dict)  # user corrections of inferred kinds
    # Columns the user chose to leave out (id-like columns are left out by default anyway).
    exclude: list[str] = Field(default_factory=list)
    split_seed: int = 0
    val_fraction: float = Field(0.15, gt=0, lt=0.5)
    test_fraction: float = Field(0.15, gt=0, lt=0.5)


@dataclass
class ColumnInfo:
    name: str
    kind: ColumnKind
    inferred_kind: ColumnKind
    n_missing: int
    n_unique: int
    examples: list[str]
    note: str = ""  # plain words, e.g. "a distinct value in every row: looks like an id"
    # The texts that stood for "no value" in the file (e.g. ['?'] in UCI Adult); '' is an empty cell.
    missing_markers: list[str] = field(default_factory=list)


@dataclass
class DatasetBundle:
    """A loaded dataset with its target and task decided; input to `prepare`."""

    ref: DatasetRef
    frame: Any  # pandas.DataFrame; the target column included
    target: str
    task: Task
    modality: Modality
    columns: list[ColumnInfo]
    sensitive: list[str]
    content_hash: str  # sha256 of the canonical CSV bytes of `frame`
    title: str = ""
    description: str = ""
    # Image and sequence sets: the shape one example has (image (1, 8, 8); sequence (T, 1)).
    sample_shape: tuple[int, ...] | None = None
    notes: list[str] = field(default_factory=list)  # plain sentences about loading (encoding, delimiter)

    @property
    def kinds(self) -> dict[str, ColumnKind]:
        return {c.name: c.kind for c in self.columns}


@dataclass
class PreparedData:
    """Model-ready float32 arrays from a bundle, split and preprocessed (fitted on train only)."""

    X_train: np.ndarray  # (n_train, *input_shape) float32
    y_train: np.ndarray  # int64 class ids, or float32 targets for regression
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    idx_train: np.ndarray  # row positions in bundle.frame, for audits that speak in original rows
    idx_val: np.ndarray
    idx_test: np.ndarray
    input_shape: tuple[int, ...]  # tabular (n_features,); image (1, 8, 8); sequence (T, 1)
    task: Task
    n_outputs: int  # 1 for binary (one logit) and regression; the class count for multiclass
    classes: list[str]  # class names by id ([] for regression)
    feature_names: list[str]  # one per model input (after one-hot)
    feature_columns: list[str]  # the original column each model input came from
    sensitive_train: Any  # pandas.DataFrame of the sensitive columns (maybe no columns)
    sensitive_val: Any
    sensitive_test: Any
    preprocessor: Any  # fitted sklearn ColumnTransformer (tabular) or None
    report: list[str]  # plain sentences: what preprocessing did
    # Accuracy on the test split of always answering the majority class of the train split.
    majority_baseline: float | None
    # Regression: test-split error of always predicting the train mean: {mean, mae, rmse, r2}.
    mean_baseline: dict[str, float] | None = None
    majority_class: str | None = None  # the class the majority baseline always answers
    # Regression: mean and standard deviation of the training target; the network learns the
    # standardised target and its last module maps back to units (core.build.TargetScale).
    y_mean: float | None = None
    y_std: float | None = None

    @property
    def target_scale(self) -> tuple[float, float] | None:
        """(mean, std) of the training target for regression, None for classification."""
        return None if self.y_mean is None else (self.y_mean, self.y_std or 1.0)
