"""Counterfactuals by group: over a sample of rejected test rows, how many columns must change
to flip the decision, per sensitive group, with bootstrap intervals.

"Rejected" means the model answers the first class (binary: class 0, e.g. '<=50K'); each row's
smallest counterfactual is found as in `counterfactuals` (sensitive and age-like columns
locked). A row with no counterfactual within `max_changes` columns is counted apart.
"""
from __future__ import annotations

import numpy as np

from core.audit.whatif._edit import NO_SENSITIVE
from core.audit.whatif._search import counterfactuals
from core.audit.whatif._space import EditSpace
from core.errors import LayerLabError

BINARY_ONLY = ("Counterfactuals by group compare how hard a rejection is to flip, so they need a "
               "yes/no (binary) run; run {run_id} is {task}.")
NO_REJECTED = "The model rejects none of the test rows of run {run_id}, so there is nothing to flip."
_BOOT = 1000


def _interval(values: np.ndarray, rng) -> tuple[float | None, float | None]:
    if len(values) < 2:  # no interval from fewer than two rows (None keeps the record JSON-clean)
        return None, None
    means = rng.choice(values, size=(_BOOT, len(values)), replace=True).mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def counterfactuals_by_group(store, run_id: str, *, rows: int = 100, column: str | None = None,
                             max_changes: int = 3, seed: int = 0, model=None,
                             progress=None) -> dict:
    """Per group of `column` (default: the first sensitive column): rejected rows sampled, mean
    number of changed columns needed (95 % bootstrap interval), share never flipped."""
    from core.trained import load_trained

    model = model or load_trained(store, run_id)
    space = EditSpace(model)
    if model.task != "binary":
        raise LayerLabError(BINARY_ONLY.format(run_id=space.run_id, task=model.task))
    if not space.sensitive:
        raise LayerLabError(NO_SENSITIVE.format(run_id=space.run_id))
    column = column or space.sensitive[0]
    rejected = np.flatnonzero(model.labels("test") == 0)
    if not len(rejected):
        raise LayerLabError(NO_REJECTED.format(run_id=space.run_id))
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(rejected, size=min(rows, len(rejected)), replace=False))
    groups = space.test_frame()[column].astype(str).to_numpy()
    sizes, distances = [], []
    for k, row in enumerate(sample):
        found = counterfactuals(store, run_id, int(row), count=1, max_changes=max_changes,
                                model=model)["counterfactuals"]
        sizes.append(found[0]["n_changed"] if found else np.nan)
        distances.append(found[0]["distance"] if found else np.nan)
        if progress:
            progress((k + 1) / len(sample))
    sizes, distances = np.array(sizes, dtype=float), np.array(distances, dtype=float)
    out = []
    for g in sorted(set(groups[sample])):
        mine = groups[sample] == g
        flipped = mine & ~np.isnan(sizes)
        low, high = _interval(sizes[flipped], rng)
        d_low, d_high = _interval(distances[flipped], rng)
        out.append({"group": g, "n": int(mine.sum()), "n_flipped": int(flipped.sum()),
                    "mean_changes": float(sizes[flipped].mean()) if flipped.any() else None,
                    "ci_low": low, "ci_high": high,
                    # The size of the change in the user's units (std per number, 1 per category).
                    "mean_distance": float(distances[flipped].mean()) if flipped.any() else None,
                    "distance_ci_low": d_low, "distance_ci_high": d_high,
                    "share_not_flipped": float(1 - flipped.sum() / mine.sum())})
    return {"run_id": space.run_id, "column": column, "goal": model.classes[1],
            "rows": [int(r) for r in sample],
            "changes": [None if np.isnan(s) else int(s) for s in sizes],
            "distances": [None if np.isnan(d) else float(d) for d in distances],
            "groups": out, "sentence": _sentence(out, column, model.classes[1])}


def _sentence(groups: list[dict], column: str, goal: str) -> str:
    """'To be predicted '>50K', a rejected row needs on average 2.3 changed columns when sex is
    Female and 1.6 when sex is Male.'"""
    parts = [(f"{g['mean_changes']:.1f}", f"when {column} is {g['group']}")
             for g in groups if g["mean_changes"] is not None]
    if not parts:
        return f"No sampled row could be flipped to '{goal}' by the allowed changes."
    texts = [f"{parts[0][0]} changed columns {parts[0][1]}"] + [f"{m} {w}" for m, w in parts[1:]]
    joined = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]
    return f"To be predicted '{goal}', a rejected row needs on average {joined}."
