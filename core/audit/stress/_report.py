"""The stress test in words and rows: the summary sentence, before/after examples, per-group table."""
from __future__ import annotations

import math

import numpy as np

_MAX_EXAMPLES = 4


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _point(curve: dict, strength: float) -> dict | None:
    return next((p for p in curve["points"] if math.isclose(p["strength"], strength)), None)


def _effect(p: dict, task: str) -> str:
    if task == "regression":
        return f"moves predictions by {p['changed']:.3g} on average"
    return f"flips {_pct(p['changed'])} of predictions"


def summary(curves: list[dict], clean: float, ref: float, task: str, space) -> str:
    """One plain paragraph: how much each attack or corruption of size `ref` changes."""
    size = (f"{ref:g} standard deviations in the numeric columns" if space.modality == "tabular"
            else f"{ref:g} in pixel intensity" if space.modality == "image"
            else f"{ref:g} on the sequence values")
    noise = next((c for c in curves if c["name"] == "noise"), None)
    attacks = [c for c in curves if c["kind"] == "attack"]
    parts = []
    if noise and _point(noise, ref):
        parts.append(f"Random noise of {size} {_effect(_point(noise, ref), task)}")
    for c in attacks:
        p = _point(c, ref)
        if p is not None:
            lead = f"{c['title']} at the same size" if parts else f"{c['title']} with a change of {size}"
            parts.append(f"{lead} {_effect(p, task)}")
    if not parts:
        return "No attack or corruption was measured."
    text = "; ".join(parts) + "."
    worst = strongest_attack(attacks, task)
    if worst is not None:
        title, p = worst
        at = f"({title} at {p['strength']:g}, the largest strength tried)"
        if task == "regression":
            text += (f" The mean absolute error rises from {clean:.3g} to {p['metric']:.3g} "
                     f"under the strongest attack {at}.")
        else:
            text += (f" Accuracy falls from {100 * clean:.1f} % to {100 * p['metric']:.1f} % "
                     f"under the strongest attack {at}.")
    return text


def strongest_attack(attacks: list[dict], task: str) -> tuple[str, dict] | None:
    """(title, point) of the most damaging attack at the largest strength tried.

    "The strongest attack" is the largest strength on the curves, not the reference strength
    the first sentences use: naming the reference point there understated the damage."""
    ends = [(c["title"], max(c["points"], key=lambda p: p["strength"]))
            for c in attacks if c["points"]]
    ends = [(t, p) for t, p in ends if p.get("metric") is not None]
    if not ends:
        return None
    top = max(p["strength"] for _, p in ends)
    at_top = [(t, p) for t, p in ends if math.isclose(p["strength"], top)]
    # Worst for the model: the highest error (regression) or the lowest accuracy.
    return (max if task == "regression" else min)(at_top, key=lambda tp: tp[1]["metric"])


def _label(data, value) -> str:
    if data.task == "regression":
        return f"{float(value):.4g}"
    return data.classes[int(value)]


def _pred_text(out_row, data) -> tuple[str, float | None]:
    """(predicted label, its probability) from one row of model outputs."""
    from core.metrics import outputs_to_proba

    if data.task == "regression":
        return f"{float(out_row[0]):.4g}", None
    probs = outputs_to_proba(out_row[None], data.task)[0]  # binary: P(positive); else (k,)
    if data.task == "binary":
        p1 = float(probs)
        k = int(p1 > 0.5)
        return data.classes[k], p1 if k else 1 - p1
    k = int(probs.argmax())
    return data.classes[k], float(probs[k])


def examples(focus, x, adv, y, clean_out, model, device, data, bundle, space, rows) -> list[dict]:
    """Up to four rows the focus attack turned from right to wrong (or moved most, regression)."""
    from core.audit.stress._scoring import outputs, predictions

    if adv is None:
        return []
    adv_out = outputs(model, adv, device)
    before, after = predictions(clean_out, data.task), predictions(adv_out, data.task)
    if data.task == "regression":
        pick = np.argsort(-np.abs(after - before))[:_MAX_EXAMPLES]
    else:
        pick = np.flatnonzero((before == y) & (after != y))[:_MAX_EXAMPLES]
    out = []
    for i in pick:
        (pb, qb), (pa, qa) = _pred_text(clean_out[i], data), _pred_text(adv_out[i], data)
        ex = {"test_row": int(rows[i]), "label": _label(data, y[i]), "before": pb, "p_before": qb,
              "after": pa, "p_after": qa}
        if space.modality == "tabular":
            ex["changes"] = _changes(x[i], adv[i], space)
            frame_row = bundle.frame.iloc[int(data.idx_test[rows[i]])]
            ex["fixed"] = {c: str(frame_row[c]) for c in list(space.categorical)[:4]}
        else:
            ex["input"] = np.asarray(x[i]).tolist()
            ex["adversarial"] = np.asarray(adv[i]).tolist()
        out.append(ex)
    return out


def _changes(x_row, adv_row, space) -> list[dict]:
    """Moved numeric values, back in the column's own units."""
    out = []
    for col, (j, mean, std) in space.numeric.items():
        d = float(adv_row[j] - x_row[j]) * std
        if abs(d) < 1e-9 * max(1.0, std):
            continue
        before = float(x_row[j]) * std + mean
        out.append({"column": col, "before": before, "after": before + d, "delta": d})
    return out


def describe_change(change: dict) -> str:
    """'age +2.1' style text of one change."""
    return f"{change['column']} {change['delta']:+.3g}"


def group_table(data, rows, y, clean_pred, adv_pred, focus, ref) -> list[dict]:
    """Per sensitive group: rows, clean and attacked score, attack success rate."""
    sens = data.sensitive_test
    if adv_pred is None or sens is None or sens.shape[1] == 0:
        return []
    sub = sens.iloc[rows].reset_index(drop=True)
    table = []
    for col in sub.columns:
        values = sub[col].astype(str).fillna("missing").to_numpy()
        for group in sorted(set(values)):
            m = values == group
            table.append(_group_row(col, group, m, y, clean_pred, adv_pred, data.task, focus, ref))
    return table


def _group_row(col, group, m, y, clean_pred, adv_pred, task, focus, ref) -> dict:
    from core.audit.stress._scoring import score

    row = {"column": col, "group": group, "n": int(m.sum()), "attack": focus, "strength": ref,
           "clean": score(clean_pred[m], y[m], task), "attacked": score(adv_pred[m], y[m], task)}
    if task == "regression":
        row["success_rate"] = None  # no "success" for a value; the error rise says it
    else:
        right = m & (clean_pred == y)
        row["success_rate"] = (float(np.mean(adv_pred[right] != y[right])) if right.any()
                               else None)
    return row
