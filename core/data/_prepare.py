"""`prepare`: a loaded bundle in, model-ready float32 arrays out, with what was done in words.

The split comes first and the preprocessor is fitted on the training rows only, so nothing
about the validation or test rows leaks into the inputs (their medians, their categories).
Everything is seeded by the ref, so a worker rebuilding from the same ref gets the same bytes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.data._types import DatasetBundle, PreparedData
from core.data._words import plural
from core.errors import DataError

_NATURAL_PAIRS = [("false", "true"), ("no", "yes"), ("f", "t"), ("n", "y"), ("0", "1")]
_MIN_CLASS_ROWS = 3  # one each for the train, validation and test splits
DIGITS_PIXEL_MAX = 16.0  # scikit-learn's 8x8 digits hold grey levels 0..16
# Stratified splitting puts every class in each of the three splits, so a class needs 3 rows.
RARE_CLASS = ("Class '{cls}' of the target '{target}' has only {n} {rows}{more}; every class needs at "
              "least {need} so the stratified training, validation and test splits can each hold "
              "it. Merge it into a similar class, drop its rows, or collect more examples of it.")


def _label_strings(series: pd.Series) -> pd.Series:
    """Class labels as text: whole numbers without '.0' so reports say '3', not '3.0'."""
    if ptypes.is_numeric_dtype(series) and (series == series.round()).all():
        return series.astype(np.int64).astype(str)
    return series.astype(str)


def _class_order(labels: pd.Series, task: str) -> list[str]:
    counts = labels.value_counts()
    names = sorted(counts.index, key=lambda s: (float(s), s) if _is_number(s) else (np.inf, s))
    if task != "binary":
        return names
    lowered = tuple(sorted(n.lower() for n in names))
    for neg, pos in _NATURAL_PAIRS:
        if lowered == tuple(sorted((neg, pos))):
            return sorted(names, key=lambda n: n.lower() != neg)  # the 'no'/0 label is class 0
    # Otherwise the rarer label is the "positive" class 1 (Adult: '>50K'); ties by name.
    return sorted(names, key=lambda n: (-counts[n], n))


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _encode_target(series: pd.Series, task: str) -> tuple[np.ndarray, list[str]]:
    if task == "regression":
        return series.to_numpy(dtype=np.float32), []
    labels = _label_strings(series)
    classes = _class_order(labels, task)
    counts = labels.value_counts()
    rare = [c for c in classes if counts[c] < _MIN_CLASS_ROWS]
    if rare:
        n = int(counts[rare[0]])
        more = f" ({len(rare) - 1} more class{'es' if len(rare) > 2 else ''} too)" if len(rare) > 1 else ""
        raise DataError(RARE_CLASS.format(cls=rare[0], target=series.name, n=n, rows=plural(n, "row"),
                                          need=_MIN_CLASS_ROWS, more=more))
    codes = labels.map({c: i for i, c in enumerate(classes)}).to_numpy(dtype=np.int64)
    return codes, classes


def _split(positions: np.ndarray, y: np.ndarray, bundle: DatasetBundle, classes=()):
    from sklearn.model_selection import train_test_split

    ref = bundle.ref
    strat = bundle.task != "regression"
    try:
        rest, test, y_rest, _ = train_test_split(
            positions, y, test_size=ref.test_fraction, random_state=ref.split_seed,
            stratify=y if strat else None)
        train, val = train_test_split(
            rest, test_size=ref.val_fraction / (1 - ref.test_fraction),
            random_state=ref.split_seed, stratify=y_rest if strat else None)
    except ValueError as exc:  # too few rows for the fractions (sklearn says which)
        if strat and "least populated class" in str(exc):
            counts = np.bincount(y)
            small = int(np.argmin(np.where(counts > 0, counts, counts.max() + 1)))
            n = int(counts[small])
            name = classes[small] if classes else str(small)
            raise DataError(RARE_CLASS.format(cls=name, target=bundle.target, n=n,
                                              rows=plural(n, "row"), need=_MIN_CLASS_ROWS + 1,
                                              more="")) from None
        raise DataError(f"The dataset has too few rows ({len(positions)}) to split into training, "
                        f"validation and test sets: {exc}. Use more rows.") from None
    return np.sort(train), np.sort(val), np.sort(test)


def _baselines(y_train, y_test, classes, task):
    """Majority class share (classification) or mean-prediction errors (regression) on test."""
    if task == "regression":
        from sklearn.metrics import r2_score

        mean = float(y_train.mean())
        err = y_test.astype(np.float64) - mean
        base = {"mean": mean, "mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err**2).mean())),
                "r2": float(r2_score(y_test, np.full(len(y_test), mean)))}
        sentence = (f"Always predicting the training mean ({mean:.4g}) is off by {base['mae']:.4g} on "
                    "average (mean absolute error on the test rows): a model must beat this.")
        return None, None, base, sentence
    majority = int(np.bincount(y_train, minlength=len(classes)).argmax())
    share = float((y_test == majority).mean())
    sentence = (f"Always answering '{classes[majority]}' is right {share * 100:.0f} % of the time "
                "(on the test rows): a model must beat this.")
    return share, classes[majority], None, sentence


def prepare(bundle: DatasetBundle) -> PreparedData:
    """Split, preprocess (fitted on the training rows only) and describe what was done."""
    from core.data import _tabular

    frame, target, task = bundle.frame, bundle.target, bundle.task
    has_target = frame[target].notna().to_numpy()
    positions = np.flatnonzero(has_target)
    report: list[str] = []
    if len(positions) < len(frame):
        n = len(frame) - len(positions)
        report.append(f"{n:,} {plural(n, 'row')} without a value for the target '{target}' "
                      f"{'was' if n == 1 else 'were'} left out.")
    y_kept, classes = _encode_target(frame[target].iloc[positions], task)
    y_full = np.zeros(len(frame), dtype=y_kept.dtype)
    y_full[positions] = y_kept
    idx_train, idx_val, idx_test = _split(positions, y_kept, bundle, classes)

    if bundle.modality == "tabular":
        X_full, pre, names, cols, sentences = _tabular.fit_transform(bundle, idx_train)
        input_shape = (X_full.shape[1],)
    else:
        names = cols = [c for c in frame.columns if c != target]
        X_full = frame[names].to_numpy(dtype=np.float32)
        pre = None
        if bundle.modality == "image":
            X_full = X_full / np.float32(DIGITS_PIXEL_MAX)
            sentences = [f"Pixels were scaled to 0..1 (divided by {DIGITS_PIXEL_MAX:.0f}); each image "
                         "keeps its {}x{} grid.".format(*bundle.sample_shape[1:])]
        else:
            sentences = [f"Each example is a sequence of {bundle.sample_shape[0]} values, used as they are."]
        input_shape = tuple(bundle.sample_shape)
    X_full = X_full.astype(np.float32, copy=False).reshape((len(frame), *input_shape))
    report += sentences
    report.append(
        f"The rows were split into {len(idx_train):,} for training, {len(idx_val):,} for validation "
        f"and {len(idx_test):,} for testing ({'stratified by ' + repr(target) + ', ' if classes else ''}"
        f"seed {bundle.ref.split_seed}); preprocessing was fitted on the training rows only.")
    majority, majority_class, mean_base, sentence = _baselines(
        y_full[idx_train], y_full[idx_test], classes, task)
    report.append(sentence)

    y_mean, y_std = _target_stats(y_full[idx_train], task)

    def sens(idx):
        return frame.iloc[idx][bundle.sensitive].reset_index(drop=True)

    return PreparedData(
        X_train=X_full[idx_train], y_train=y_full[idx_train], X_val=X_full[idx_val],
        y_val=y_full[idx_val], X_test=X_full[idx_test], y_test=y_full[idx_test],
        idx_train=idx_train, idx_val=idx_val, idx_test=idx_test, input_shape=input_shape,
        task=task, n_outputs=len(classes) if task == "multiclass" else 1, classes=classes,
        feature_names=list(names), feature_columns=list(cols), sensitive_train=sens(idx_train),
        sensitive_val=sens(idx_val), sensitive_test=sens(idx_test), preprocessor=pre,
        report=report, majority_baseline=majority, mean_baseline=mean_base,
        majority_class=majority_class, y_mean=y_mean, y_std=y_std)


def _target_stats(y_train: np.ndarray, task: str) -> tuple[float | None, float | None]:
    """Mean and std of a regression target's training rows (std 1 for a constant target)."""
    if task != "regression" or len(y_train) == 0:
        return None, None
    y = y_train.astype(np.float64)
    std = float(y.std())
    return float(y.mean()), std if np.isfinite(std) and std > 1e-12 else 1.0
