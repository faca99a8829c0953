"""Compare runs: a metric table with the differences, and what changed between two runs.

`compare_runs(store, run_ids)` gathers what each run achieved (best validation loss and metric,
test metrics, epochs trained, duration) into a table whose rows say which run is best and how
far each one is from the first (the reference). `describe_changes(run_a, run_b)` says in
plain words what differs in the dataset, the model spec and the training settings, e.g.
"Learning rate 0.001 → 0.01" or "Added Dropout 0.2 after layer 1".
"""
from __future__ import annotations

import difflib
import math
from typing import Any

from core.errors import LayerLabError

# (key, label, lower is better); test metrics are added per task below.
_RUN_ROWS = [("best_val_loss", "Best validation loss", True),
             ("best_val_metric", "Best validation score", False),
             ("epochs", "Epochs trained", None), ("duration_s", "Training time (s)", None)]
_TEST_ROWS = {"loss": ("Test loss", True), "accuracy": ("Test accuracy", False),
              "r2": ("Test R²", False), "mae": ("Test MAE", True), "rmse": ("Test RMSE", True)}


def compare_runs(store, run_ids: list[str]) -> dict:
    """Metric table, per-run summary, curves and plain-words changes against the first run."""
    from core.train import architecture_summary

    ids = list(dict.fromkeys(run_ids))  # keep the order, drop repeats
    if len(ids) < 2:
        raise LayerLabError("Pick at least two different runs to compare.")
    runs = [store.get_run(i) for i in ids]  # a clear error for an unknown id
    epochs = {r.id: store.epochs(r.id) for r in runs}
    summary = []
    for r in runs:
        trained = max((e.epoch for e in epochs[r.id]), default=0)
        summary.append({"id": r.id, "name": r.name, "status": r.status, "task": r.task,
                        "architecture": architecture_summary(r.spec), "metric_name": r.metric_name,
                        "best_val_loss": r.best_val_loss, "best_val_metric": r.best_val_metric,
                        "epochs": trained, "duration_s": r.duration_s,
                        "test_metrics": dict(r.test_metrics or {})})
    curves = {r.id: {"epoch": [e.epoch for e in epochs[r.id]],
                     "train_loss": [e.train_loss for e in epochs[r.id]],
                     "val_loss": [e.val_loss for e in epochs[r.id]],
                     "train_metric": [e.train_metric for e in epochs[r.id]],
                     "val_metric": [e.val_metric for e in epochs[r.id]]} for r in runs}
    return {"run_ids": ids, "runs": summary, "table": _table(summary), "curves": curves,
            "reference": ids[0],
            "changes": {r.id: describe_changes(runs[0], r) for r in runs[1:]}}


def _table(summary: list[dict]) -> list[dict]:
    rows = [(key, label, lower, [s.get(key) for s in summary]) for key, label, lower in _RUN_ROWS]
    keys = [k for k in _TEST_ROWS if any(k in s["test_metrics"] for s in summary)]
    rows += [(f"test_{k}", *_TEST_ROWS[k], [s["test_metrics"].get(k) for s in summary]) for k in keys]
    return [_row(key, label, lower, values) for key, label, lower, values in rows]


def _num(x) -> float | None:
    return float(x) if isinstance(x, (int, float)) and math.isfinite(x) else None


def _row(key: str, label: str, lower: bool | None, values: list) -> dict:
    nums = [_num(v) for v in values]
    ref = nums[0]
    diffs = [None if v is None or ref is None else v - ref for v in nums]
    present = [(i, v) for i, v in enumerate(nums) if v is not None]
    best = None
    if lower is not None and len(present) >= 2 and len({v for _, v in present}) > 1:
        best = (min if lower else max)(present, key=lambda p: p[1])[0]
    return {"key": key, "label": label, "values": nums, "diff_vs_first": diffs,
            "lower_is_better": lower, "best": best,
            "differs": len({round(v, 12) for _, v in present}) > 1}


# --- what changed -------------------------------------------------------------------------------

_CONFIG_WORDS = {
    "optimizer": "Optimizer", "lr": "Learning rate", "momentum": "Momentum",
    "nesterov": "Nesterov momentum", "schedule": "Learning-rate schedule",
    "step_size": "Epochs between lr drops", "gamma": "Lr drop factor", "batch_size": "Batch size",
    "epochs": "Epochs", "l1": "L1 penalty", "l2": "L2 penalty", "grad_clip": "Gradient clipping",
    "early_stopping": "Early stopping", "patience": "Early-stopping patience",
    "init": "Weight initialisation", "class_weights": "Class weights", "loss": "Loss",
    "seed": "Random seed", "device": "Device"}
_OPTIMIZERS = {"sgd": "SGD", "sgd_momentum": "SGD with momentum", "adam": "Adam",
               "adamw": "AdamW", "rmsprop": "RMSprop", "adagrad": "Adagrad"}


def _parts(run) -> tuple[dict, dict, dict]:
    get = run.get if isinstance(run, dict) else lambda k, d=None: getattr(run, k, d)
    spec, config, dataset = get("spec") or {}, get("config") or {}, get("dataset") or {}
    if hasattr(spec, "model_dump"):
        spec = spec.model_dump(mode="json")
    if hasattr(config, "model_dump"):
        config = config.model_dump(mode="json")
    if hasattr(dataset, "model_dump"):
        dataset = dataset.model_dump(mode="json")
    return dataset, spec, config


def describe_changes(run_a, run_b) -> list[str]:
    """What changed from run A to run B, one plain sentence each (empty when nothing did).

    Runs may be `Run` records or dicts with "dataset", "spec" and "config".
    """
    (da, sa, ca), (db, sb, cb) = _parts(run_a), _parts(run_b)
    return _dataset_changes(da, db) + _spec_changes(sa, sb) + _config_changes(ca, cb)


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _config_changes(a: dict, b: dict) -> list[str]:
    from core.train import TrainConfig

    try:
        ca, cb = (TrainConfig.model_validate(c).model_dump(mode="json") for c in (a, b))
    except ValueError:
        ca, cb = a, b  # an old config: compare what is there
    used = {ca.get("optimizer"), cb.get("optimizer")}
    schedules = {ca.get("schedule"), cb.get("schedule")}
    skip = set()
    if "sgd_momentum" not in used:
        skip |= {"momentum", "nesterov"}  # only SGD with momentum reads them
    if not schedules & {"step", "reduce_on_plateau"}:
        skip.add("gamma")
    if "step" not in schedules:
        skip.add("step_size")
    if not (ca.get("early_stopping") or cb.get("early_stopping")) and "reduce_on_plateau" not in schedules:
        skip.add("patience")
    out = []
    for key, label in _CONFIG_WORDS.items():
        va, vb = ca.get(key), cb.get(key)
        if key in skip or va == vb:
            continue
        if key == "optimizer":
            va, vb = _OPTIMIZERS.get(va, va), _OPTIMIZERS.get(vb, vb)
        if key == "grad_clip":
            va, vb = (f"norm {v:g}" if v else "off" for v in (va, vb))
        out.append(f"{label} {_fmt(va)} → {_fmt(vb)}")
    return out


def _dataset_label(d: dict, keys: list[str], defaults: dict) -> str:
    shown = [f"{k.replace('_', ' ')} {_fmt(d.get('params', {}).get(k, defaults.get(k)))}" for k in keys]
    return d.get("name", "?") + (f" ({', '.join(shown)})" if shown else "")


def _dataset_changes(a: dict, b: dict) -> list[str]:
    defaults: dict[str, Any] = {}
    if a.get("source", "builtin") == "builtin":
        try:
            from core.data import builtin_info

            defaults = {p.name: p.default for p in builtin_info(a.get("name", "")).params}
        except LayerLabError:
            defaults = {}
    pa, pb = a.get("params") or {}, b.get("params") or {}
    changed = [k for k in sorted(set(pa) | set(pb))
               if pa.get(k, defaults.get(k)) != pb.get(k, defaults.get(k))]
    out = []
    if a.get("name") != b.get("name") or a.get("path") != b.get("path") or changed:
        out.append(f"Dataset {_dataset_label(a, changed, defaults)} → {_dataset_label(b, changed, defaults)}")
    words = {"target": "Target column", "task": "Task", "split_seed": "Split seed",
             "val_fraction": "Validation share", "test_fraction": "Test share",
             "include_sensitive": "Sensitive columns used as inputs"}
    for key, label in words.items():
        if a.get(key) != b.get(key):
            out.append(f"{label} {_fmt(a.get(key))} → {_fmt(b.get(key))}")
    for key, label in (("sensitive", "Sensitive columns"), ("exclude", "Left-out columns")):
        if sorted(a.get(key) or []) != sorted(b.get(key) or []):
            out.append(f"{label} {', '.join(a.get(key) or []) or 'none'} → "
                       f"{', '.join(b.get(key) or []) or 'none'}")
    if (a.get("kinds") or {}) != (b.get("kinds") or {}):
        out.append("Column kinds were corrected differently")
    return out


def _layer_words(layer: dict) -> str:
    """ "Dense 64", "Dense 32 (sigmoid)", "Dropout 0.2", "Conv2D 16 filters 3×3"."""
    kind = layer.get("type", "?")
    if kind == "Dense":
        act = layer.get("activation", "relu")
        return f"Dense {layer.get('units', 64)}" + ("" if act == "relu" else f" ({act})")
    if kind == "Dropout":
        return f"Dropout {_fmt(float(layer.get('rate', 0.2)))}"
    if kind == "Conv2D":
        k = layer.get("kernel_size", 3)
        return f"Conv2D {layer.get('filters', 16)} filters {k}×{k}"
    if kind in ("LSTM", "GRU"):
        return f"{kind} {layer.get('hidden_size', 32)}"
    if kind in ("MaxPool2D", "AvgPool2D"):
        return f"{kind} {layer.get('pool_size', 2)}"
    if kind == "Residual":
        return f"Residual block ({', '.join(_layer_words(x) for x in layer.get('layers', []))})"
    return kind


def _layer_change(i: int, la: dict, lb: dict) -> str:
    wa, wb = _layer_words(la), _layer_words(lb)
    if wa != wb:
        return f"Layer {i} {wa} → {wb}"
    fields = [k for k in sorted(set(la) | set(lb)) if k != "type" and la.get(k) != lb.get(k)]
    detail = "; ".join(f"{k.replace('_', ' ')} {_fmt(la.get(k))} → {_fmt(lb.get(k))}" for k in fields)
    return f"Layer {i} ({wa}): {detail}"


def _full_spec(spec: dict) -> dict:
    """The spec with every default filled in, so a missing field equals its default."""
    from core.spec import ModelSpec

    try:
        return ModelSpec.model_validate(spec).model_dump(mode="json")
    except ValueError:
        return spec  # an old or hand-edited spec: compare what is there


def _spec_changes(a: dict, b: dict) -> list[str]:
    a, b = _full_spec(a), _full_spec(b)
    la, lb = a.get("layers") or [], b.get("layers") or []
    # Align the stacks on layer types, so an inserted Dropout reads as "added", not as
    # every later layer having changed.
    matcher = difflib.SequenceMatcher(a=[x.get("type") for x in la], b=[x.get("type") for x in lb],
                                      autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = min(i2 - i1, j2 - j1) if op in ("equal", "replace") else 0
        for k in range(pairs):
            if la[i1 + k] != lb[j1 + k]:
                out.append(_layer_change(i1 + k + 1, la[i1 + k], lb[j1 + k]))
        for k in range(i1 + pairs, i2):
            out.append(f"Removed layer {k + 1} ({_layer_words(la[k])})")
        for k in range(j1 + pairs, j2):
            where = f"after layer {i1 + pairs}" if i1 + pairs else "at the start"
            out.append(f"Added {_layer_words(lb[k])} {where}")
    return out
