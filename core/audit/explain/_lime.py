"""LIME explanations, on what the user sees rather than on the model's inputs.

Tabular: `LimeTabularExplainer` perturbs the ORIGINAL columns (categorical columns declared as
such, so LIME samples real categories), and its `predict_fn` runs the run's fitted
preprocessor and then the model. One weight per original column, no one-hot bookkeeping.
Images and sequences: `LimeImageExplainer` with our own segmentation (core.audit.explain._group):
2x2 pixel blocks of a digit (hidden blocks are blanked to 0, the paper background), and windows
of consecutive steps of a sequence. For sequences a hidden window is replaced by its own mean,
not by zeros or by shuffled steps: a recurrent model reads steps in order, and a flat stretch at
the right level is the least surprising "nothing here" for it (zeros or noise would inject jumps
the model never saw). Seeds are fixed, so an explanation is reproducible.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

TABULAR_SAMPLES = 1000  # LIME's default is 5000; 1000 keeps the top columns stable on Adult
SEGMENT_SAMPLES = 500  # 16 blocks / 10 windows need far fewer perturbations
TRAINING_ROWS = 2000  # rows LIME learns column statistics from


def lime_label(task: str, predicted_class: int) -> int:
    """The output LIME explains: class 1 (binary, like SHAP), the predicted class, or the value."""
    if task == "binary":
        return 1
    if task == "multiclass":
        return int(predicted_class)
    return 1  # LIME's regression mode reports the value under label 1


def as_proba(out: np.ndarray, task: str) -> np.ndarray:
    """(n, k) readable outputs -> what LIME wants: class probabilities, or (n,) values."""
    if task == "binary":
        return np.column_stack([1.0 - out[:, 0], out[:, 0]])
    if task == "multiclass":
        return out
    return out[:, 0]


@dataclass
class TabularLime:
    """Original columns <-> LIME's numeric matrix (categories as codes) <-> model inputs."""

    columns: list[str]
    numeric: list[str]
    categories: dict[str, list[str]]  # categorical column -> its categories (code = position)
    medians: dict[str, float]
    preprocessor: object
    f: Callable  # model inputs (n, n_inputs) -> readable outputs (n, k)
    task: str

    @classmethod
    def from_run(cls, bundle, data, f) -> "TabularLime":
        from core.data import category_text

        pre = data.preprocessor
        numeric, categorical = [], []
        for name, _, cols in pre.transformers_:
            if name == "num":
                numeric = list(cols)
            elif name == "cat":
                categorical = list(cols)
        medians = {}
        if numeric:
            stats = pre.named_transformers_["num"].named_steps["impute"].statistics_
            medians = dict(zip(numeric, map(float, stats)))
        cats = {}
        if categorical:
            enc = pre.named_transformers_["cat"]
            for col, known in zip(categorical, enc.categories_):
                seen = list(map(str, known))
                extra = sorted(set(category_text(bundle.frame[col])) - set(seen))
                cats[col] = seen + extra  # categories first met in val/test rows get codes too
        return cls(numeric + categorical, numeric, cats, medians, pre, f, data.task)

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        """Original rows -> (n, n_columns) float codes (numeric gaps filled with the train median)."""
        from core.data import category_text

        out = np.zeros((len(frame), len(self.columns)))
        for j, col in enumerate(self.columns):
            if col in self.categories:
                pos = {c: i for i, c in enumerate(self.categories[col])}
                out[:, j] = [pos[v] for v in category_text(frame[col])]
            else:
                out[:, j] = frame[col].to_numpy(dtype=np.float64)
                out[np.isnan(out[:, j]), j] = self.medians[col]
        return out

    def decode(self, Z: np.ndarray) -> pd.DataFrame:
        """LIME's perturbed codes -> a frame the fitted preprocessor takes."""
        cols = {}
        for j, col in enumerate(self.columns):
            if col in self.categories:
                names = np.asarray(self.categories[col], dtype=object)
                codes = np.clip(np.rint(Z[:, j]).astype(int), 0, len(names) - 1)
                cols[col] = pd.Series(names[codes], dtype=object)
            else:
                cols[col] = Z[:, j].astype(np.float64)
        return pd.DataFrame(cols)

    def predict(self, Z: np.ndarray) -> np.ndarray:
        X = np.asarray(self.preprocessor.transform(self.decode(Z)), dtype=np.float32)
        return as_proba(self.f(X), self.task)

    def explainer(self, train_frame: pd.DataFrame, seed: int, class_names: list[str]):
        from lime.lime_tabular import LimeTabularExplainer

        rows = train_frame
        if len(rows) > TRAINING_ROWS:
            rows = rows.sample(TRAINING_ROWS, random_state=seed)
        cat_idx = [j for j, c in enumerate(self.columns) if c in self.categories]
        return LimeTabularExplainer(
            self.encode(rows), mode="regression" if self.task == "regression" else "classification",
            feature_names=self.columns, categorical_features=cat_idx,
            categorical_names={j: self.categories[self.columns[j]] for j in cat_idx},
            class_names=class_names or None, discretize_continuous=True, random_state=seed)

    def explain(self, explainer, row_codes: np.ndarray, label: int,
                num_samples: int = TABULAR_SAMPLES) -> tuple[np.ndarray, float]:
        """(weights per column (n_columns,), intercept) for one row."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exp = explainer.explain_instance(row_codes, self.predict, labels=(label,),
                                             num_features=len(self.columns), num_samples=num_samples)
        weights = np.zeros(len(self.columns))
        for j, w in exp.local_exp[label]:
            weights[j] = w
        return weights, float(np.ravel([exp.intercept[label]])[0])


def explain_segments(f: Callable, x: np.ndarray, seg: np.ndarray, task: str, label: int,
                     modality: str, seed: int, num_samples: int = SEGMENT_SAMPLES) -> np.ndarray:
    """LIME weight of every segment (n_segments,) for one image (1, H, W) or sequence (T, F)."""
    from lime import lime_image

    # lime 0.2.0.1 always draws a tqdm bar on stderr (no switch); in a worker it is noise.
    lime_image.tqdm = lambda rows, *args, **kwargs: rows
    plane = x[0] if modality == "image" else x  # (H, W) or (T, F): LIME's 2-D "image"

    def classify(images: np.ndarray) -> np.ndarray:
        # LIME hands back RGB copies of the 2-D plane: (n, H, W, 3) -> (n, *input_shape)
        batch = images[..., 0].reshape((len(images), *x.shape)).astype(np.float32)
        return as_proba(f(batch), task).reshape(len(images), -1)

    explainer = lime_image.LimeImageExplainer(random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp = explainer.explain_instance(
            plane.astype(np.float64), classify, labels=(label if task != "regression" else 0,),
            top_labels=None, hide_color=0 if modality == "image" else None,
            num_features=int(seg.max()) + 1, num_samples=num_samples, batch_size=num_samples,
            segmentation_fn=lambda _img: seg, random_seed=seed)
    weights = np.zeros(int(seg.max()) + 1)
    for s, w in exp.local_exp[label if task != "regression" else 0]:
        weights[s] = w
    return weights
