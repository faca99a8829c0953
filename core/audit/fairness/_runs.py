"""Outputs of any run, ordinary or mitigated, on a split: how each mitigated kind predicts.

A mitigated run is a store run with kind "mitigated", `parent_id` set, and a "mitigation"
record (audit kind MITIGATION) that says how it predicts:
- reweighing / grid_search: a plain network with its own checkpoint (`checkpoint_path`), so it
  predicts (and is evaluated, explained, attacked) like any trained run;
- threshold_optimizer: the parent's checkpoint gives the scores; per-group thresholds (fairlearn's
  interpolation: with probability p0 apply threshold t0, else t1; for equalized odds, with
  probability p_ignore a constant) turn them into the probability
  that the randomised classifier answers 1;
- correlation_remover: a network trained on inputs from fairlearn's CorrelationRemover, which
  is refitted on the training split when needed (deterministic: the DatasetRef rebuilds the same
  arrays) and applied to the split's inputs plus its one-hot sensitive columns;
- exponentiated_gradient: member checkpoints plus mixture weights; the output is the
  probability Σ w_j · 1[member j answers 1] that the randomised mixture answers 1.
The last two are randomised classifiers: fairness reports draw their answers with a fixed seed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from core.audit.records import AuditKind, read_record
from core.errors import LayerLabError

MITIGATION = AuditKind.MITIGATION
RANDOMISED_METHODS = ("threshold_optimizer", "exponentiated_gradient")
NO_MITIGATION_RECORD = ("Run {run_id} is marked as mitigated but has no mitigation record; "
                        "run the mitigation again from the Fairness page.")


def mitigation_record(store, run) -> dict | None:
    if run.kind != "mitigated":
        return None
    rec = read_record(store, run.id, MITIGATION)
    if rec is None:
        raise LayerLabError(NO_MITIGATION_RECORD.format(run_id=run.id))
    return rec.dump()


def is_randomised(store, run) -> bool:
    rec = mitigation_record(store, run)
    return bool(rec and rec["method"] in RANDOMISED_METHODS)


def run_outputs(store, run, data, split: str = "test") -> tuple[np.ndarray, bool]:
    """(outputs as `predict_outputs` gives them, randomised?) of `run` on `split` of `data`."""
    from core.audit.evaluate import predict_outputs
    from core.train import load_checkpoint

    X = getattr(data, f"X_{split}")
    rec = mitigation_record(store, run)
    method = rec["method"] if rec else None
    if method == "threshold_optimizer":
        parent = store.get_run(rec["parent_id"])
        scores = predict_outputs(load_checkpoint(parent, store), X, data.task)
        return threshold_pmf(scores, _groups(data, split, rec), rec["thresholds"]), True
    if method == "exponentiated_gradient":
        return mixture_pmf(rec, X, data.task), True
    if method == "correlation_remover":
        X = remove_correlation(data, rec["sensitive"], split)
        return predict_outputs(load_member(rec["model"]), X, data.task), False
    return predict_outputs(load_checkpoint(run, store), X, data.task), False


def _groups(data, split: str, rec: dict) -> np.ndarray:
    from core.audit.fairness._metrics import group_labels

    return group_labels(getattr(data, f"sensitive_{split}")[rec["sensitive"]])


def _one_hot(data, cols: list[str], split: str) -> np.ndarray:
    import pandas as pd

    def dummies(frame):
        return pd.get_dummies(frame[cols].astype("string"), dtype=np.float64)

    columns = dummies(data.sensitive_train).columns  # the training split fixes the columns
    return dummies(getattr(data, f"sensitive_{split}")).reindex(columns=columns, fill_value=0.0
                                                                ).to_numpy()


def remove_correlation(data, cols: list[str], split: str) -> np.ndarray:
    """The split's inputs with what they say (linearly) about the sensitive columns removed."""
    from fairlearn.preprocessing import CorrelationRemover

    n = data.X_train.shape[1]
    S_train = _one_hot(data, cols, "train")
    ids = list(range(n, n + S_train.shape[1]))
    remover = CorrelationRemover(sensitive_feature_ids=ids, alpha=1.0)
    remover.fit(np.hstack([data.X_train.astype(np.float64), S_train]))
    X = np.hstack([getattr(data, f"X_{split}").astype(np.float64), _one_hot(data, cols, split)])
    return remover.transform(X).astype(np.float32)  # (n_rows, n_features)


def threshold_pmf(scores: np.ndarray, groups: np.ndarray, thresholds: dict) -> np.ndarray:
    """P(answer 1) per row from fairlearn's per-group interpolated thresholds (stored as JSON)."""
    scores = np.asarray(scores, dtype=np.float64)
    out = np.zeros(len(scores))
    for g in np.unique(groups):
        if g not in thresholds:
            raise LayerLabError(f"The group '{g}' was not seen when the thresholds were fitted; "
                                "run the ThresholdOptimizer mitigation again.")
        t, mask = thresholds[g], groups == g
        p = t["p0"] * _apply(t["op0"], scores[mask]) + t["p1"] * _apply(t["op1"], scores[mask])
        ignore = t.get("p_ignore", 0.0)  # equalized odds: sometimes answer a constant instead
        out[mask] = ignore * t.get("prediction_constant", 0.0) + (1 - ignore) * p
    return out


def _apply(op: list, s: np.ndarray) -> np.ndarray:
    operator, threshold = op
    return (s > threshold if operator == ">" else s < threshold).astype(np.float64)


def mixture_pmf(rec: dict, X: np.ndarray, task: str) -> np.ndarray:
    """Σ_j w_j · (member j's answer == 1): what fairlearn's ExponentiatedGradient._pmf_predict gives."""
    from core.audit.evaluate import predict_outputs

    out = np.zeros(len(X))
    for path, w in zip(rec["members"], rec["weights"]):
        if w <= 0:
            continue
        out += w * (predict_outputs(load_member(path), X, task) >= 0.5)
    return out


def load_member(path: str | Path):
    """A mixture member's network from its self-describing checkpoint (eval mode, CPU)."""
    from core.build import build_model
    from core.spec._schema import ModelSpec
    from core.train._checkpoint import read_checkpoint

    state, meta = read_checkpoint(path)
    model = build_model(ModelSpec.model_validate(meta["spec"]), tuple(meta["input_shape"]),
                        meta["task"], int(meta["n_outputs"]), "cpu")
    model.load_state_dict(state, strict=True)
    return model.eval()
