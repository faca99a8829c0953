"""A straight-line model on the same rows: the second number a network has to beat.

The majority baseline says what ignoring the inputs gets; the linear baseline says what a
model without hidden layers gets (logistic regression for classes, ridge regression for a
number), fitted on the run's own training rows and scored on its test rows. A network that
does not beat it adds nothing but cost. Fitting takes well under a second on Adult and
depends only on the data, so it is kept with the run, keyed by the dataset's hash.
"""
from __future__ import annotations

import warnings

import numpy as np

from core.audit.records import AuditKind, LinearBaselineRecord, read_record, save_record

AUDIT_KIND = AuditKind.LINEAR_BASELINE

MODEL_NAMES = {"classification": "logistic regression", "regression": "ridge regression"}
SENTENCE = ("a straight-line model ({model}) gets {linear} on the same rows; your network gets "
            "{network}, {delta}.")
SENTENCE_NO_NETWORK = "a straight-line model ({model}) gets {linear} on the same rows."


def fit_linear_baseline(data) -> dict:
    """{"model", "metric", "value"}: a linear model fitted on data's train rows, scored on test."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression, RidgeCV
    from threadpoolctl import threadpool_limits

    X_train = data.X_train.reshape(len(data.X_train), -1)
    X_test = data.X_test.reshape(len(data.X_test), -1)
    # One BLAS thread: these small solves gain nothing from more, and on a busy machine
    # (workers training beside the app) extra threads make them several times slower.
    with warnings.catch_warnings(), threadpool_limits(1):
        # A few hundred iterations are plenty for a reference; not converging fully is fine.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if data.task == "regression":
            model = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(X_train, data.y_train)
            name, metric = MODEL_NAMES["regression"], "r2"
        else:
            model = LogisticRegression(max_iter=300).fit(X_train, data.y_train)
            name, metric = MODEL_NAMES["classification"], "accuracy"
    return {"model": name, "metric": metric, "value": float(model.score(X_test, data.y_test))}


# Scores closer than this are a tie: the network's score is a float32 mean, the line's float64.
TIE = 1e-6


def _fmt(metric: str, value: float) -> str:
    return f"{value * 100:.1f} %" if metric == "accuracy" else f"R² {value:.3f}"


def _delta(metric: str, diff: float) -> str:
    return f"{diff * 100:+.1f} points" if metric == "accuracy" else f"{diff:+.3f}"


def describe(baseline: dict, network: float | None) -> str:
    """The sentence for people, numbers from `baseline` and the network's own test score."""
    metric, model = baseline["metric"], baseline["model"]
    linear = _fmt(metric, baseline["value"])
    if network is None:
        return SENTENCE_NO_NETWORK.format(model=model, linear=linear)
    return SENTENCE.format(model=model, linear=linear, network=_fmt(metric, network),
                           delta=_delta(metric, network - baseline["value"]))


def linear_baseline(store, run) -> dict:
    """The linear baseline of `run` (a Run or its id), cached with the run.

    Returns {"model", "metric", "value", "network", "difference", "beats", "sentence"};
    "network" is the run's own test score (None before it has one)."""
    from core.data import prepared

    if isinstance(run, str):
        run = store.get_run(run)
    saved = read_record(store, run.id, AUDIT_KIND)
    if saved is not None and saved.dataset_hash == run.dataset_hash:
        base = saved.baseline
    else:
        _, data = prepared(run.dataset)
        base = fit_linear_baseline(data)
        save_record(store, run.id, AUDIT_KIND,
                    LinearBaselineRecord(dataset_hash=run.dataset_hash, baseline=base))
    network = (run.test_metrics or {}).get(base["metric"])
    diff = None if network is None else network - base["value"]
    return {**base, "network": network, "difference": diff,
            "beats": None if diff is None else diff > TIE,
            "sentence": describe(base, network)}
