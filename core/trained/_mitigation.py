"""How each kind of mitigated run predicts, from its "mitigation" record.

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
  arrays) and applied to the inputs plus their one-hot sensitive columns;
- exponentiated_gradient: member checkpoints plus mixture weights; the output is the
  probability Σ w_j · 1[member j answers 1] that the randomised mixture answers 1.
"""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError

MITIGATION = "mitigation"
RANDOMISED_METHODS = ("threshold_optimizer", "exponentiated_gradient")
NEEDS_SENSITIVE = ("threshold_optimizer", "correlation_remover")

NO_MITIGATION_RECORD = ("Run {run_id} is marked as mitigated but has no mitigation record; "
                        "run the mitigation again from the Fairness page.")
UNSEEN_GROUP = ("The group '{group}' was not seen when the thresholds were fitted; "
                "run the ThresholdOptimizer mitigation again.")


def mitigation_record(store, run) -> dict | None:
    """The run's mitigation record (None for an ordinary run); a clear error when it is missing."""
    if run.kind != "mitigated":
        return None
    rec = store.get_audit(run.id, MITIGATION)
    if not rec:
        raise LayerLabError(NO_MITIGATION_RECORD.format(run_id=run.id))
    return rec


def _one_hot(frame, train_frame, cols: list[str]) -> np.ndarray:
    import pandas as pd

    def dummies(f):
        return pd.get_dummies(f[cols].astype("string"), dtype=np.float64)

    columns = dummies(train_frame).columns  # the training split fixes the columns
    return dummies(frame).reindex(columns=columns, fill_value=0.0).to_numpy()


def remove_correlation(data, cols: list[str], X: np.ndarray, sensitive) -> np.ndarray:
    """Inputs `X` with what they say (linearly) about the sensitive columns removed.

    The remover is fitted on the training split (inputs and one-hot sensitive columns) and
    applied to `X` with its rows' sensitive values `sensitive` (a frame with `cols`).
    """
    from fairlearn.preprocessing import CorrelationRemover

    n = data.X_train.shape[1]
    S_train = _one_hot(data.sensitive_train, data.sensitive_train, cols)
    ids = list(range(n, n + S_train.shape[1]))
    remover = CorrelationRemover(sensitive_feature_ids=ids, alpha=1.0)
    remover.fit(np.hstack([data.X_train.astype(np.float64), S_train]))
    Z = np.hstack([np.asarray(X, dtype=np.float64), _one_hot(sensitive, data.sensitive_train, cols)])
    return remover.transform(Z).astype(np.float32)  # (n_rows, n_features)


def threshold_pmf(scores: np.ndarray, groups: np.ndarray, thresholds: dict) -> np.ndarray:
    """P(answer 1) per row from fairlearn's per-group interpolated thresholds (stored as JSON)."""
    scores = np.asarray(scores, dtype=np.float64)
    out = np.zeros(len(scores))
    for g in np.unique(groups):
        if g not in thresholds:
            raise LayerLabError(UNSEEN_GROUP.format(group=g))
        t, mask = thresholds[g], groups == g
        p = t["p0"] * _apply(t["op0"], scores[mask]) + t["p1"] * _apply(t["op1"], scores[mask])
        ignore = t.get("p_ignore", 0.0)  # equalized odds: sometimes answer a constant instead
        out[mask] = ignore * t.get("prediction_constant", 0.0) + (1 - ignore) * p
    return out


def _apply(op: list, s: np.ndarray) -> np.ndarray:
    operator, threshold = op
    return (s > threshold if operator == ">" else s < threshold).astype(np.float64)


def mixture_pmf(member_probas: list[np.ndarray], weights: list[float]) -> np.ndarray:
    """Σ_j w_j · (member j answers 1): what fairlearn's ExponentiatedGradient._pmf_predict gives.

    `member_probas` are the members' P(positive); a member answers 1 when it is at least 0.5.
    """
    from core.metrics import labels_from_proba

    out = np.zeros(len(member_probas[0]) if member_probas else 0)
    for proba, w in zip(member_probas, weights):
        if w > 0:
            out = out + w * labels_from_proba(proba, "binary")
    return out
