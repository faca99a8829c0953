"""Explain a stored run: SHAP over a sample of test rows, LIME on a smaller sample, agreement,
sentences and the fairness view, as one JSON-able dict saved with the run (kind "explain").

Units are what the reviewer reads: original columns (tabular), 2x2 pixel blocks (digits) or
windows of steps (sequences). Per row, the explained output is the probability of class 1
(binary), the probability of the predicted class (multiclass) or the value (regression).
"""
from __future__ import annotations

import logging
import time
from typing import Callable

import numpy as np

from core.audit.explain import _agree, _assemble, _shap, _words
from core.audit.records import AuditKind
from core.errors import DataError, LayerLabError

log = logging.getLogger(__name__)

AUDIT_KIND = AuditKind.EXPLAIN
DEFAULT_ROWS = 500
DEFAULT_LIME_ROWS = 30
BACKGROUND_ROWS = 100
MAX_INPUTS = 2000  # beyond this many model inputs, say that they are explained grouped by column
CONSTANT_TOL = 1e-9

Progress = Callable[[float, str], None]


def check_run(run) -> None:
    if run.status in ("failed", "diverged"):
        why = f" ({run.error})" if getattr(run, "error", None) else ""
        raise LayerLabError(f"Run {run.id} {run.status}{why}, so there is no trained model to explain. "
                            "Train it again, or pick a finished run.")
    if not run.checkpoint_path:
        raise LayerLabError(f"Run {run.id} has no checkpoint yet (status: {run.status}), so there is "
                            "nothing to explain. Wait until it has trained at least one epoch.")


def explain_run(store, run_id: str, *, rows: int = DEFAULT_ROWS, seed: int = 0,
                lime_rows: int = DEFAULT_LIME_ROWS, include: list[int] | None = None,
                progress: Progress | None = None) -> dict:
    """Explain the run's checkpoint on its test split (see module docstring); returns the result."""
    from core.trained import checkpoint_stamp, load_trained

    run = store.get_run(run_id)
    check_run(run)
    trained = load_trained(store, run)
    bundle, data = trained.bundle, trained.data
    result = explain_model(trained.require_network(), bundle, data, rows=rows, seed=seed, lime_rows=lime_rows,
                           include=include, progress=progress)
    result["checkpoint"] = checkpoint_stamp(run)
    return result


def _check_data(bundle, data, rows: int, include: list[int]) -> list[str]:
    n_test = len(data.X_test)
    if rows < 1:
        raise DataError(f"The number of rows to explain must be at least 1, got {rows}.")
    for r in include:
        if not 0 <= r < n_test:
            raise DataError(f"Row {r} is out of range: the test split has {n_test:,} rows, numbered "
                            f"0 to {n_test - 1:,}. Pick a row in that range.")
    notes = []
    if bundle.modality == "tabular":
        columns = list(dict.fromkeys(data.feature_columns))
        if len(columns) < 2:
            raise DataError(f"This dataset has only one input column ('{columns[0]}'), so every "
                            "prediction is due to it and there is nothing to compare. Explanations "
                            "need at least 2 input columns.")
        if len(data.feature_names) > MAX_INPUTS:
            notes.append(f"The model has {len(data.feature_names):,} inputs, most of them one-hot "
                         f"categories; they are explained grouped into their {len(columns)} original "
                         "columns (the SHAP values of a column's inputs are summed, and LIME "
                         "perturbs whole columns).")
    return notes


def _sample(n_test: int, rows: int, seed: int, include: list[int]) -> tuple[np.ndarray, str]:
    rng = np.random.default_rng(seed)
    if rows >= n_test:
        return np.arange(n_test), f"Explaining all {n_test:,} test rows."
    pos = set(rng.choice(n_test, rows, replace=False).tolist()) | set(include)
    note = f"Explaining {rows:,} of {n_test:,} test rows, chosen at random with seed {seed}"
    extra = len(pos) - rows
    note += f", plus the {extra} row{'s' if extra > 1 else ''} you asked for." if extra else "."
    return np.array(sorted(pos)), note


def explain_model(model, bundle, data, *, rows: int = DEFAULT_ROWS, seed: int = 0,
                  lime_rows: int = DEFAULT_LIME_ROWS, include: list[int] | None = None,
                  progress: Progress | None = None, force: str | None = None) -> dict:
    """The whole explanation of `model` on `data`'s test split (plain, JSON-able dict)."""
    report = progress or (lambda f, m: None)
    include = list(include or [])
    notices = _check_data(bundle, data, rows, include)
    t0 = time.monotonic()
    pos, sample_note = _sample(len(data.X_test), rows, seed, include)
    rng = np.random.default_rng(seed)
    bg = data.X_train[np.sort(rng.choice(len(data.X_train), min(BACKGROUND_ROWS, len(data.X_train)),
                                         replace=False))]
    X = data.X_test[pos]
    outputs = _shap.output_fn(model, data.task)(X)
    if float(np.ptp(outputs, axis=0).max()) <= CONSTANT_TOL:
        raise LayerLabError(f"The model gives the same output ({outputs[0, 0]:.4g}) for every row, so "
                            "no input changes its answer and there is nothing to explain. Train it "
                            "longer or check that it learned (see its learning curves).")
    report(0.02, f"SHAP on {len(pos):,} rows…")
    sh = _shap.choose_and_explain(model, data.task, bg, X, seed=seed, force=force,
                                  on_chunk=lambda fr: report(0.02 + 0.6 * fr, "SHAP…"))
    shap_s = time.monotonic() - t0
    result = _assemble.assemble(bundle, data, pos, sh, seed)
    result.update(sample_note=sample_note, notices=notices, n_test=int(len(data.X_test)),
                  rows_requested=int(rows), seed=int(seed), shap_seconds=shap_s,
                  shap_ms_per_row=1000 * shap_s / max(len(pos), 1))
    t1 = time.monotonic()
    _assemble.add_lime(result, bundle, data, model, pos, lime_rows, include, seed,
                       lambda fr: report(0.65 + 0.33 * fr, "LIME…"))
    result["lime_ms_per_row"] = 1000 * (time.monotonic() - t1) / max(result["agreement"]["n_rows"], 1)
    report(1.0, "Done")
    return result


def find_row(result: dict, test_row: int) -> dict:
    """The record of test row `test_row`; a clear error when it was not explained or is out of range."""
    n_test = result["n_test"]
    if not 0 <= test_row < n_test:
        raise DataError(f"Row {test_row} is out of range: the test split has {n_test:,} rows, "
                        f"numbered 0 to {n_test - 1:,}. Pick a row in that range.")
    for rec in result["rows"]:
        if rec["pos"] == test_row:
            return rec
    raise DataError(f"Row {test_row} was not in the explained sample. Run the explanation again "
                    "with this row included.")


def row_story(result: dict, rec: dict) -> str:
    """The sentence for one explained row."""
    sign = _words.toward_prediction(result["task"], rec["predicted_id"])
    return _words.story(result["task"], result["classes"], rec["predicted_id"],
                        rec.get("confidence") or 0.0, rec["output"], result["units"],
                        sign * np.asarray(rec["shap"]), rec.get("values"))


def agreement_sentence(result: dict, rec: dict) -> str | None:
    if not rec.get("agreement"):
        return None
    unit = {"tabular": "features", "image": "image blocks", "sequence": "stretches of the sequence"}
    return _agree.row_sentence(rec["agreement"], unit[result["modality"]])

