"""SHAP arrays and LIME weights -> the explanation record: data (unit, value, attribution) per row,
global importances, per-class heatmaps, the fairness view and the agreement.
"""
from __future__ import annotations

import numpy as np

from core.audit.explain import _agree, _group, _lime, _rows, _words

PIN_ROWS = 3  # misclassified and borderline rows always get a LIME explanation too


def _explained(sh, task: str, pred: np.ndarray):
    """Per row, the attributions (n, *input_shape), base (n,) and output (n,) of the explained output."""
    n = len(pred)
    out_idx = pred if task == "multiclass" else np.zeros(n, dtype=int)
    vals = np.moveaxis(sh.values, -1, 1)[np.arange(n), out_idx]  # (n, *input_shape)
    return vals, sh.base[out_idx], sh.outputs[np.arange(n), out_idx], out_idx


def _labels(data, y) -> list[str]:
    if data.task == "regression":
        return [f"{float(v):.4g}" for v in y]
    return [data.classes[int(v)] for v in y]


def assemble(bundle, data, pos: np.ndarray, sh, seed: int) -> dict:
    task, modality = data.task, bundle.modality
    pred = _rows.predicted_classes(sh.outputs, task)
    vals, base, out, _ = _explained(sh, task, pred)
    n = len(pos)
    conf = _rows.confidence(sh.outputs, task)
    if modality == "tabular":
        units, unit_vals = _group.to_columns(vals.reshape(n, -1), data.feature_columns)
        frame_rows = bundle.frame.iloc[data.idx_test[pos]]
        shown = [[_group.show_value(frame_rows[c].iloc[i]) for c in units] for i in range(n)]
    else:
        seg = _group.segments(data.input_shape, modality)
        units, unit_vals = _group.segment_names(seg, modality), _group.to_segments(vals, seg)
        shown = None
    y = data.y_test[pos]
    records = []
    for i in range(n):
        rec = {"pos": int(pos[i]), "row": int(data.idx_test[pos[i]]), "true": _labels(data, [y[i]])[0],
               "predicted": _labels(data, [pred[i]])[0] if task != "regression" else f"{out[i]:.4g}",
               "predicted_id": int(pred[i]), "confidence": None if np.isnan(conf[i]) else float(conf[i]),
               "output": float(out[i]), "base": float(base[i]), "shap": unit_vals[i].tolist(),
               "values": shown[i] if shown else None, "lime": None, "agreement": None}
        if modality != "tabular":
            rec["pixels"] = vals[i].reshape(vals.shape[1:] if modality == "sequence" else vals.shape[-2:]).tolist()
            rec["input"] = data.X_test[pos[i]].reshape(rec_shape(data.input_shape, modality)).tolist()
        records.append(rec)
    importance = np.abs(unit_vals).mean(0)
    order = np.argsort(-importance, kind="stable")
    result = {
        "task": task, "modality": modality, "classes": list(data.classes), "units": units,
        "explainer": sh.explainer, "explainer_why": sh.why, "additivity_error": sh.additivity_error,
        "output_label": _output_label(data), "n_explained": n, "rows": records,
        "global": [{"feature": units[j], "importance": float(importance[j])} for j in order],
        "misclassified": [int(pos[i]) for i in _rows.misclassified(sh.outputs, y, task)],
        "borderline": [int(pos[i]) for i in _rows.borderline(sh.outputs, task)][:50],
    }
    if modality == "tabular":
        result["color_values"] = _color_values(bundle, data, pos, units)
        if bundle.sensitive:
            from core.audit.explain._fairness import fairness_view

            sens = bundle.frame.iloc[data.idx_test[pos]][bundle.sensitive]
            result["fairness"] = fairness_view(unit_vals, units, sens, bundle.frame.iloc[data.idx_test])
    else:
        result["heatmaps"] = _class_maps(vals, pred, data, modality)
    return result


def rec_shape(input_shape, modality: str) -> tuple[int, ...]:
    return tuple(input_shape[-2:]) if modality == "image" else tuple(input_shape)


def _output_label(data) -> str:
    if data.task == "binary":
        return f"probability of '{data.classes[1]}'"
    if data.task == "multiclass":
        return "probability of the predicted class"
    return "predicted value"


def _color_values(bundle, data, pos, units) -> list[list[float | None]]:
    """Per unit, per row: the numeric original value (for the beeswarm's colour) or None."""
    from pandas.api import types as ptypes

    frame = bundle.frame.iloc[data.idx_test[pos]]
    out = []
    for col in units:
        s = frame[col]
        if ptypes.is_numeric_dtype(s) and not ptypes.is_bool_dtype(s):
            out.append([None if np.isnan(v) else float(v) for v in s.to_numpy(dtype=float)])
        else:
            out.append(None)
    return out


def _class_maps(vals: np.ndarray, pred: np.ndarray, data, modality: str) -> dict:
    """Average signed attribution per predicted class (image: (H, W); sequence: (T,))."""
    maps = {}
    for c in np.unique(pred):
        m = vals[pred == c].mean(0)
        m = m.reshape(m.shape[-2:]) if modality == "image" else m.sum(-1)
        name = data.classes[int(c)] if data.classes else "value"
        maps[name] = m.tolist()
    return maps


def _lime_positions(result: dict, pos: np.ndarray, lime_rows: int, include, seed: int) -> list[int]:
    """Which explained rows also get LIME: the asked-for ones, a few misclassified and borderline,
    then random ones up to `lime_rows`."""
    chosen = list(dict.fromkeys([*include, *result["misclassified"][:PIN_ROWS],
                                 *result["borderline"][:PIN_ROWS]]))
    rest = [int(p) for p in np.random.default_rng(seed).permutation(pos) if int(p) not in chosen]
    return (chosen + rest)[:max(lime_rows, len(include))]


def add_lime(result: dict, bundle, data, model, pos, lime_rows: int, include, seed: int,
             on_progress) -> None:
    """LIME on a sample of the explained rows; per-row and overall agreement with SHAP."""
    from core.audit.explain._shap import output_fn

    f = output_fn(model, data.task)
    by_pos = {rec["pos"]: rec for rec in result["rows"]}
    todo = _lime_positions(result, pos, lime_rows, include, seed)
    modality = bundle.modality
    if modality == "tabular":
        tab = _lime.TabularLime.from_run(bundle, data, f)
        explainer = tab.explainer(bundle.frame.iloc[data.idx_train], seed, data.classes)
        codes = tab.encode(bundle.frame.iloc[data.idx_test[todo]]) if todo else None
    else:
        seg = _group.segments(data.input_shape, modality)
    shap_rows, lime_rows_w = [], []
    for i, p in enumerate(todo):
        rec = by_pos[p]
        label = _lime.lime_label(data.task, rec["predicted_id"])
        if modality == "tabular":
            w, _ = tab.explain(explainer, codes[i], label)
            # LIME's columns are in the preprocessor's order; SHAP's in feature_columns order.
            w = np.array([w[tab.columns.index(u)] for u in result["units"]])
        else:
            w = _lime.explain_segments(f, data.X_test[p], seg, data.task, label, modality, seed)
        rec["lime"] = w.tolist()
        rec["agreement"] = _agree.row_agreement(np.asarray(rec["shap"]), w)
        shap_rows.append(rec["shap"])
        lime_rows_w.append(w)
        on_progress((i + 1) / len(todo))
    unit = {"tabular": "features", "image": "image blocks", "sequence": "stretches of the sequence"}
    agg = _agree.sample_agreement(np.asarray(shap_rows), np.asarray(lime_rows_w))
    if agg["n_rows"]:
        agg["sentence"] = _agree.sample_sentence(agg, unit[modality])
    result["agreement"] = agg
    result["lime_positions"] = todo
    for rec in result["rows"]:
        sign = _words.toward_prediction(data.task, rec["predicted_id"])
        rec["sentence"] = _words.story(data.task, list(data.classes), rec["predicted_id"],
                                       rec["confidence"] or 0.0, rec["output"], result["units"],
                                       sign * np.asarray(rec["shap"]), rec["values"])
