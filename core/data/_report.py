"""`dataset_report`: one JSON-able summary of a dataset, used by `inspect --json` and the page."""
from __future__ import annotations

from core.data._prepare import _class_order, _label_strings
from core.data._types import DatasetBundle, PreparedData


def _role(bundle: DatasetBundle, name: str, kind: str) -> str:
    if name == bundle.target:
        return "target"
    if name in bundle.ref.exclude:
        return "left out"
    if name in bundle.sensitive:
        return "sensitive (input)" if bundle.ref.include_sensitive else "sensitive"
    return "left out" if kind in ("id", "date", "text") else "input"


def class_counts(bundle: DatasetBundle) -> dict[str, int]:
    """Rows per class of the target in class-id order (classification); {} for regression."""
    if bundle.task == "regression":
        return {}
    labels = _label_strings(bundle.frame[bundle.target].dropna())
    counts = labels.value_counts()
    return {str(k): int(counts[k]) for k in _class_order(labels, bundle.task)}


def dataset_report(bundle: DatasetBundle, prepared: PreparedData | None = None) -> dict:
    target = bundle.frame[bundle.target]
    out = {
        "name": bundle.ref.name, "title": bundle.title, "description": bundle.description,
        "source": bundle.ref.source, "task": bundle.task, "modality": bundle.modality,
        "rows": int(len(bundle.frame)), "target": bundle.target, "sensitive": list(bundle.sensitive),
        "content_hash": bundle.content_hash, "notes": list(bundle.notes),
        "class_counts": class_counts(bundle),
        "columns": [{"name": c.name, "kind": c.kind, "inferred_kind": c.inferred_kind,
                     "missing": c.n_missing, "unique": c.n_unique, "examples": c.examples,
                     "note": c.note, "role": _role(bundle, c.name, c.kind)} for c in bundle.columns],
        "preprocessing": [], "baseline": None,
    }
    if bundle.task == "regression":
        t = target.dropna()
        out["target_summary"] = {"mean": float(t.mean()), "std": float(t.std()),
                                 "min": float(t.min()), "max": float(t.max())}
    if prepared is not None:
        out["preprocessing"] = list(prepared.report)
        out["input_shape"] = list(prepared.input_shape)
        out["n_inputs"] = len(prepared.feature_names)
        out["split"] = {"train": len(prepared.idx_train), "val": len(prepared.idx_val),
                        "test": len(prepared.idx_test)}
        if prepared.mean_baseline is not None:
            out["baseline"] = {"kind": "mean", **prepared.mean_baseline}
        else:
            out["baseline"] = {"kind": "majority", "accuracy": prepared.majority_baseline,
                               "class": prepared.majority_class}
    return out
