"""`whatif`: one test row, some of its values changed, both predictions side by side;
`sensitive_flip`: the same row with only its sensitive attribute changed."""
from __future__ import annotations

from core.audit.whatif._space import EditSpace, describe, said
from core.errors import LayerLabError

NO_SENSITIVE = ("Run {run_id} has no sensitive column, so there is nothing to flip. Choose "
                "sensitive columns on the Data page and train again.")
NOT_SENSITIVE = "'{column}' is not a sensitive column of run {run_id}; its sensitive columns: {known}."
NOT_A_MODEL_INPUT_NOTE = ("'{column}' is not a model input, so changing it alone cannot change "
                          "this prediction. The model may still pick it up through other columns "
                          "that go with it (proxies): see the per-group view of the Explain page.")
NUMERIC_FLIP_NEEDS_VALUE = ("'{column}' holds numbers: say which value to try (a number from "
                            "{low} to {high}).")
# Mitigated kinds whose answer reads each row's group (see core.trained).
_READS_GROUP = ("threshold_optimizer", "correlation_remover")


def _changes_text(changes: list[dict]) -> str:
    parts = [f"{c['column']} from {c['from']} to {c['to']}" for c in changes]
    return "Changing " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])


def compare(space: EditSpace, base, edit: dict, row: int | None) -> dict:
    """Original and edited row through the model; both in the user's columns (`row`: its test
    position, None for a made-up row such as the typical row)."""
    model = space.model
    checked = {col: space.check(col, value) for col, value in edit.items()}
    frame = space.apply(base, [{}, checked])
    # One row per call: float32 sums depend on the batch's shape, and an unchanged row must
    # give exactly the same prediction as the original.
    before = describe(model, space.outputs(frame.iloc[[0]])[0])
    after = describe(model, space.outputs(frame.iloc[[1]])[0])
    original, changed = space.values(frame, 0), space.values(frame, 1)
    changes = [{"column": c, "from": original[c], "to": changed[c]} for c in checked
               if original[c] != changed[c]]
    flipped = before["label"] != after["label"] if model.task != "regression" else False
    if not changes:
        sentence = f"Nothing was changed: the model says {said(before)}."
    elif flipped:
        sentence = f"{_changes_text(changes)} changes the answer from {said(before)} to {said(after)}."
    elif model.task == "regression":
        sentence = f"{_changes_text(changes)} moves the prediction from {said(before)} to {said(after)}."
    else:
        sentence = (f"{_changes_text(changes)} keeps the answer '{before['label']}' (probability "
                    f"{before['probability']:.2f} → {after['probability']:.2f}).")
    return {"run_id": space.run_id, "row": None if row is None else int(row), "task": model.task, "original": original,
            "changed": changed, "changes": changes, "before": before, "after": after,
            "flipped": flipped, "sentence": sentence}


def whatif(store, run_id: str, row: int, changes: dict | None = None, *, model=None) -> dict:
    """Test row `row` of the run with `changes` ({column: value}) written in, predicted again."""
    from core.trained import load_trained

    space = EditSpace(model or load_trained(store, run_id))
    return compare(space, space.row(row), dict(changes or {}), row)


def sensitive_flip(store, run_id: str, row: int, column: str | None = None, value=None, *,
                   model=None) -> dict:
    """The row with only a sensitive column changed: to `value`, or to each other category."""
    from core.trained import load_trained

    space = EditSpace(model or load_trained(store, run_id))
    if not space.sensitive:
        raise LayerLabError(NO_SENSITIVE.format(run_id=space.run_id))
    column = column or space.sensitive[0]
    if column not in space.sensitive:
        raise LayerLabError(NOT_SENSITIVE.format(column=column, run_id=space.run_id,
                                                 known=", ".join(space.sensitive)))
    col, base = space.columns[column], space.row(row)
    if value is not None:
        values = [value]
    elif col.kind == "categorical":
        values = [c for c in col.categories if c != base[column].iloc[0]]
    else:
        raise LayerLabError(NUMERIC_FLIP_NEEDS_VALUE.format(column=column, low=col.show(col.low),
                                                            high=col.show(col.high)))
    # A mitigated run that reads each row's group (threshold optimizer, correlation remover)
    # uses the column even though it is not a network input.
    reads_group = space.model.method in _READS_GROUP and column in space.model.sensitive_columns
    used = column in space.inputs or reads_group
    return {"run_id": space.run_id, "row": int(row), "column": column, "used": used,
            "note": None if used else NOT_A_MODEL_INPUT_NOTE.format(column=column),
            "results": [compare(space, base, {column: v}, row) for v in values]}
