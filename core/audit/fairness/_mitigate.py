"""Mitigations, each producing a new run linked to the audited one (kind "mitigated", parent_id).

before training: reweighing (weights P(group)·P(label)/P(group, label), Kamiran & Calders) and
fairlearn's CorrelationRemover (inputs made linearly uncorrelated with the sensitive columns);
during training: fairlearn ExponentiatedGradient / GridSearch driving `TorchClassifier`;
after training: fairlearn ThresholdOptimizer on the trained model's float64 scores.
How each kind of mitigated run predicts is described in `core.trained`.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

import numpy as np
from sklearn.base import BaseEstimator

from core.audit.fairness._estimator import TorchClassifier
from core.audit.fairness._metrics import group_labels
from core.audit.fairness._report import sensitive_frame
from core.audit.records import save_record
from core.errors import LayerLabError
from core.trained import MITIGATION

log = logging.getLogger(__name__)

METHODS = {
    "threshold_optimizer": "ThresholdOptimizer (after training: a threshold per group)",
    "reweighing": "Reweighing (before training: balance group × label with example weights)",
    "correlation_remover": "CorrelationRemover (before training: strip what inputs say about the group)",
    "exponentiated_gradient": "ExponentiatedGradient (during training: a fair mixture of models)",
    "grid_search": "GridSearch (during training: the best of several reweighted models)",
}
CONSTRAINTS = ("demographic_parity", "equalized_odds", "true_positive_rate_parity")
DEFAULT_MAX_ITER = 15  # each iteration trains one network; fairlearn's 50 is for fast linear models
DEFAULT_GRID_SIZE = 8
FIT_PROGRESS = "Trained model {n} of about {total}"


def check_request(run, data, method: str, constraint: str) -> None:
    if method not in METHODS:
        raise LayerLabError(f"Unknown mitigation '{method}'; choose one of {', '.join(METHODS)}.")
    if constraint not in CONSTRAINTS:
        raise LayerLabError(f"Unknown constraint '{constraint}'; choose one of {', '.join(CONSTRAINTS)}.")
    if data.task != "binary":
        what = ("a number target" if data.task == "regression" else "more than two classes")
        raise LayerLabError(f"Mitigation needs a two-class (binary) task, but this run predicts "
                            f"{what}. Parity constraints apply to yes/no decisions; the fairness "
                            "table still shows how the groups compare.")
    if run.kind == "mitigated":
        raise LayerLabError("This run is already a mitigated run; mitigate its parent run instead.")
    if run.status != "finished" or not run.checkpoint_path:
        raise LayerLabError(f"Run {run.id} has not finished training (status: {run.status}); "
                            "mitigate it once it has finished.")


def reweighing_weights(y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """w(g, y) = P(g)·P(y) / P(g, y): after weighting, group and label are independent."""
    y, groups = np.asarray(y), np.asarray(groups)
    w = np.ones(len(y), dtype=np.float64)
    for g in np.unique(groups):
        for c in np.unique(y):
            cell = (groups == g) & (y == c)
            if cell.any():
                w[cell] = np.mean(groups == g) * np.mean(y == c) / np.mean(cell)
    return w


class _Scores(BaseEstimator):
    """A prefit 'estimator' whose input is the score itself, so ThresholdOptimizer sees float64 scores."""

    def fit(self, X, y=None):
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict(self, X):
        return np.asarray(X, dtype=np.float64)[:, 0]


def _threshold_optimizer(ctx: dict) -> dict:
    from fairlearn.postprocessing import ThresholdOptimizer

    from core.trained import load_trained

    data, cols = ctx["data"], ctx["cols"]
    # Fitted on the validation split: the training split's scores are overconfident.
    scores = load_trained(ctx["store"], ctx["run"]).proba("val")
    groups = group_labels(data.sensitive_val[cols])
    to = ThresholdOptimizer(estimator=_Scores(), constraints=ctx["constraint"],
                            objective="accuracy_score", prefit=True, predict_method="predict")
    to.fit(scores.reshape(-1, 1), data.y_val, sensitive_features=groups)
    thresholds = {}
    for g, b in to.interpolated_thresholder_.interpolation_dict.items():
        t = {"p0": float(b.p0), "op0": [b.operation0.operator, float(b.operation0.threshold)],
             "p1": float(b.p1), "op1": [b.operation1.operator, float(b.operation1.threshold)]}
        if "p_ignore" in b:
            t.update(p_ignore=float(b.p_ignore), prediction_constant=float(b.prediction_constant))
        thresholds[str(g)] = t
    return {"thresholds": thresholds, "fitted_on": "validation"}


def _device(config: dict) -> str:
    from core.train import resolve_device

    return resolve_device(config.get("device", "auto"))


def _estimator(ctx: dict, decorrelated: list | None = None) -> TorchClassifier:
    """The parent run's recipe as an estimator: same spec, config, device and validation split."""
    run = ctx["run"]
    config = dict(run.config)
    return TorchClassifier(spec=run.spec, config=config, device=_device(config),
                           dataset=dict(run.dataset), decorrelated=decorrelated)


def _reweighing(ctx: dict) -> dict:
    data = ctx["data"]
    w = reweighing_weights(data.y_train, group_labels(data.sensitive_train[ctx["cols"]]))
    est = _estimator(ctx).fit(data.X_train, data.y_train, sample_weight=w)
    return {"checkpoint": _save(ctx, "model", est)}


def _correlation_remover(ctx: dict) -> dict:
    from core.trained import remove_correlation

    data = ctx["data"]
    X = remove_correlation(data, ctx["cols"], data.X_train, data.sensitive_train)
    est = _estimator(ctx, decorrelated=list(ctx["cols"])).fit(X, data.y_train)
    # Not `checkpoint_path`: this network reads transformed inputs, so other audits that feed it
    # the raw inputs must not pick it up by mistake.
    return {"model": _save(ctx, "model", est), "alpha": 1.0}


def _reduction(ctx: dict, grid: bool) -> dict:
    from fairlearn import reductions as R

    data = ctx["data"]
    moment = {"demographic_parity": R.DemographicParity, "equalized_odds": R.EqualizedOdds,
              "true_positive_rate_parity": R.TruePositiveRateParity}[ctx["constraint"]]()
    total = ctx["grid_size"] if grid else ctx["max_iter"] + 2
    fits = {"n": 0}

    def on_fit():
        fits["n"] += 1
        ctx["progress"](min(0.95, fits["n"] / total), FIT_PROGRESS.format(n=fits["n"], total=total))

    config = {**ctx["run"].config, "epochs": ctx["member_epochs"]}
    est = _Counted(spec=ctx["run"].spec, config=config, device=_device(config),
                   dataset=dict(ctx["run"].dataset))
    _Counted.callback = on_fit
    try:
        if grid:
            red = R.GridSearch(est, constraints=moment, grid_size=ctx["grid_size"])
        else:
            red = R.ExponentiatedGradient(est, constraints=moment, eps=ctx["eps"], max_iter=ctx["max_iter"])
        groups = group_labels(data.sensitive_train[ctx["cols"]])
        red.fit(data.X_train, data.y_train, sensitive_features=groups)
    finally:
        _Counted.callback = None
    if grid:
        return {"checkpoint": _save(ctx, "model", red.predictors_[red.best_idx_]),
                "grid_size": ctx["grid_size"]}
    members, weights = [], []
    for i, (est_i, w) in enumerate(zip(red.predictors_, red.weights_)):
        if w > 1e-9:  # members with no weight never answer; keep only the real mixture
            members.append(_save(ctx, f"member_{i}", est_i))
            weights.append(float(w))
    return {"members": members, "weights": weights, "eps": ctx["eps"],
            "iterations": int(len(red.predictors_)), "member_epochs": ctx["member_epochs"]}


class _Counted(TorchClassifier):
    """TorchClassifier that reports each fit (fairlearn clones it, so the hook is a class attribute)."""

    callback: Callable | None = None

    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight=sample_weight)
        if _Counted.callback:
            _Counted.callback()
        return self


def _save(ctx: dict, name: str, est: TorchClassifier) -> str:
    from core.train import checkpoint_dir, save_checkpoint

    data = ctx["data"]
    path = checkpoint_dir(ctx["child"]) / f"{name}.safetensors"
    meta = {"run_id": ctx["child"], "epoch": int(est.config.get("epochs", 0)) if est.config else 0,
            "spec": est.spec, "config": est.config, "task": "binary",
            "input_shape": list(data.input_shape), "n_outputs": 1, "classes": list(data.classes),
            "feature_names": list(data.feature_names)}
    save_checkpoint(path, est.state_dict(), meta)
    from core.runs import share_file

    return share_file(ctx["store"], path)  # a server store: readable from every node


_FNS = {"threshold_optimizer": _threshold_optimizer, "reweighing": _reweighing,
        "correlation_remover": _correlation_remover,
        "exponentiated_gradient": lambda ctx: _reduction(ctx, grid=False),
        "grid_search": lambda ctx: _reduction(ctx, grid=True)}


def mitigate_run(store, run_id: str, method: str, *, sensitive: str | None = None,
                 constraint: str = "demographic_parity", progress: Callable | None = None,
                 max_iter: int = DEFAULT_MAX_ITER, member_epochs: int | None = None,
                 eps: float = 0.01, grid_size: int = DEFAULT_GRID_SIZE,
                 user: str | None = None) -> str:
    """Train the mitigated version of `run_id`; returns the new run's id (see core.trained).

    The new run is `user`'s, the person who asked (core.runs.access.child_owner)."""
    from core.data import prepared
    from core.runs.access import child_owner, requester

    run = store.get_run(run_id)
    _, data = prepared(run.dataset)
    check_request(run, data, method, constraint)
    cols = list(sensitive_frame(data, "train", sensitive).columns)
    child = store.create_run(name=f"{run.name} · {method.replace('_', ' ')}", kind="mitigated",
                             dataset=run.dataset, dataset_hash=run.dataset_hash, spec=run.spec,
                             config=run.config, task=run.task, parent_id=run_id,
                             **child_owner(run, requester(store, user)))
    store.claim(child)
    store.set_status(child, "running")
    ctx = {"store": store, "run": run, "data": data, "cols": cols, "constraint": constraint,
           "child": child, "progress": progress or (lambda f, m="": None), "max_iter": max_iter,
           "member_epochs": member_epochs or max(1, int(run.config.get("epochs", 20)) // 2),
           "eps": eps, "grid_size": grid_size}
    t0 = time.monotonic()
    try:
        rec = _FNS[method](ctx)
        rec.update(method=method, parent_id=run_id, sensitive=cols, constraint=constraint,
                   seconds=time.monotonic() - t0)
        save_record(store, child, MITIGATION, rec)
        _finish(store, child, data, rec)
    except Exception as exc:
        store.set_status(child, "failed", error=f"The {method} mitigation failed: {exc}")
        raise
    log.info("mitigated %s with %s → %s in %.1fs", run_id, method, child, rec["seconds"])
    return child


def _finish(store, child: str, data, rec: dict) -> None:
    from core.trained import load_trained

    if rec.get("checkpoint"):
        store.update_run(child, checkpoint_path=rec["checkpoint"])
    acc = float(np.mean(load_trained(store, child).labels("test") == data.y_test))
    store.update_run(child, test_metrics={"accuracy": acc}, metric_name="accuracy")
    store.set_status(child, "finished")
