"""The plain-language summary on top of the fairness page: what differs between groups, in words."""
from __future__ import annotations

FOUR_FIFTHS = 0.8

WHICH_METRIC = (
    "Which gap matters depends on how the prediction is used, and LayerLab does not pick for you: "
    "if the prediction hands something out (an interview, a loan), compare who gets selected "
    "(demographic parity); if mistakes are what hurt people, compare the error rates "
    "(equalized odds: true- and false-positive rates).")
REGRESSION_NOTE = ("Parity constraints (demographic parity, equalized odds) and the mitigations "
                   "apply to classification; for a number target LayerLab shows the error by group.")


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f} %"


def _judgeable(rows: list[dict], key: str) -> list[dict]:
    """Rows with a value, the small groups left out when enough large ones remain."""
    have = [r for r in rows if r.get(key) is not None]
    big = [r for r in have if not r["small"]]
    return big if len(big) >= 2 else have


def classification_summary(table: dict, disp: dict, positive: str) -> list[str]:
    rows = table["rows"]
    out = []
    sel = _judgeable(rows, "selection_rate")
    if len(sel) >= 2:
        hi = max(sel, key=lambda r: r["selection_rate"])
        lo = min(sel, key=lambda r: r["selection_rate"])
        # The ratio of the two rates the sentence names (fairlearn's ratio also counts the
        # small groups left out above, so it could name a number no group here shows).
        ratio = (lo["selection_rate"] / hi["selection_rate"] if hi["selection_rate"]
                 else disp.get("demographic_parity_ratio"))
        verdict = ("meets" if ratio is not None and ratio >= FOUR_FIFTHS else "falls short of")
        out.append(
            f"The model predicts '{positive}' for {_pct(hi['selection_rate'])} of {hi['group']} and "
            f"{_pct(lo['selection_rate'])} of {lo['group']} (ratio "
            f"{'n/a' if ratio is None else f'{ratio:.2f}'}; the four-fifths rule asks for at least "
            f"{FOUR_FIFTHS}, so this {verdict} it).")
        tpr = {r["group"]: r.get("true_positive_rate") for r in rows}
        if tpr.get(hi["group"]) is not None and tpr.get(lo["group"]) is not None:
            out.append(f"Among examples that really are '{positive}', it finds "
                       f"{_pct(tpr[hi['group']])} of {hi['group']} and {_pct(tpr[lo['group']])} "
                       f"of {lo['group']}.")
    eo = disp.get("equalized_odds_difference")
    if eo is not None:
        out.append(f"The largest gap in error rates between groups (equalized odds difference) is "
                   f"{100 * eo:.0f} percentage points.")
    out += _small_groups_sentence(rows)
    out.append(WHICH_METRIC)
    return out


def regression_summary(table: dict) -> list[str]:
    rows = _judgeable(table["rows"], "mae")
    out = []
    if len(rows) >= 2:
        hi = max(rows, key=lambda r: r["mae"])
        lo = min(rows, key=lambda r: r["mae"])
        out.append(f"The average error is {lo['mae']:.3g} for {lo['group']} and {hi['mae']:.3g} for "
                   f"{hi['group']} (the largest and smallest group errors).")
    return out + _small_groups_sentence(table["rows"]) + [REGRESSION_NOTE]


def _small_groups_sentence(rows: list[dict]) -> list[str]:
    from core.audit.fairness._metrics import MIN_GROUP_ROWS

    small = [f"{r['group']} ({r['count']})" for r in rows if r["small"]]
    if not small:
        return []
    return [f"Too small to judge (fewer than {MIN_GROUP_ROWS} test rows): {', '.join(small)}. "
            "They are shown, but their rates can swing with a handful of people."]
