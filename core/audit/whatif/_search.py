"""Counterfactuals: the smallest changes to one row, in the user's columns, that flip the answer.

Why a search of our own and not dice-ml: dice-ml 0.12 requires xgboost, lightgbm and NVIDIA's
NCCL wheels (hundreds of MB) just to install, and its random and genetic methods treat the model
as a black box over the raw frame anyway. A beam search over the user's columns keeps every
rule by construction: it only ever writes categories seen in training and numbers from the
training range into unlocked model-input columns, and each result is run through the model
before it is returned (non-flipping ones are dropped).

The search: every one-column change (each other category; numbers at training quantiles) is
scored in one batch; the rows closest to the goal are extended by one more column, up to
`max_changes` columns. Each flip found is then shrunk: columns it does not need go back to
their values, and numbers move back toward the original as far as the flip allows.
"""
from __future__ import annotations

import re

import numpy as np

from core.audit.whatif._goal import Goal
from core.audit.whatif._space import EditSpace, describe, said
from core.errors import LayerLabError

NOTHING_TO_CHANGE = ("Every model input of run {run_id} is locked ({locked}), so no change is "
                     "allowed. Unlock a column.")
NO_COUNTERFACTUAL = ("No change of up to {max_changes} columns (within the training values, "
                     "leaving {locked} as they are) makes the model say {goal} for this row.")
CANNOT_UNLOCK_SENSITIVE = "'{column}' is sensitive and stays locked: a decision must not hinge on it."

# Columns about age or birth are locked by default: a person cannot change them (unlockable).
AGE_LIKE = re.compile(r"(^|[^a-z])(age|birth|born|dob|year_of_birth)([^a-z]|$)", re.IGNORECASE)
_QUANTILES = np.linspace(0, 1, 21)
_BEAM = 12


def default_locks(space: EditSpace) -> list[str]:
    """Sensitive columns and age-like columns."""
    return list(space.sensitive) + [c for c in space.inputs
                                    if AGE_LIKE.search(c) and c not in space.sensitive]


def _candidates(space: EditSpace, column: str, now) -> list:
    from core.data import MISSING_CATEGORY

    col = space.columns[column]
    if col.kind == "categorical":
        # "missing" is a category the model knows, but not a change anyone can make.
        return [c for c in col.categories if c != now and c != MISSING_CATEGORY]
    train = space.bundle.frame.iloc[space.data.idx_train][column].to_numpy(dtype=np.float64)
    grid = np.nanquantile(train, _QUANTILES)
    grid = np.round(grid) if col.integer else grid
    return [float(v) for v in np.unique(grid) if v != now and np.isfinite(v)]


def _cost(space: EditSpace, base, edit: dict) -> float:
    """Size of a change in the user's units: one per category, |Δ| / training std per number."""
    cost = 0.0
    for c, v in edit.items():
        col = space.columns[c]
        start = float(base[c].iloc[0]) if col.kind == "numeric" else 0.0
        # A category, or a number where the row had none, counts as one whole change.
        cost += 1.0 if col.kind == "categorical" or np.isnan(start) else abs(v - start) / col.std
    return cost


def _beam(space, base, goal, free, cands, max_changes, want):
    found: dict[frozenset, dict] = {}
    states = [{}]
    for _ in range(max_changes):
        seen, edits = set(), []
        for st in states:
            for c in free:
                if c in st:
                    continue
                for v in cands[c]:
                    e = {**st, c: v}
                    key = frozenset(e.items())
                    if key not in seen:
                        seen.add(key)
                        edits.append(e)
        if not edits:
            break
        out = space.outputs(space.apply(base, edits))
        ok, score = goal.reached(out), goal.score(out)
        for i in np.flatnonzero(ok):
            found[frozenset(edits[i].items())] = edits[i]
        if len({frozenset(e) for e in found.values()}) >= want:  # enough different column sets
            break
        states = _next_states(edits, score, ok)
    return list(found.values())


def _next_states(edits, score, ok) -> list[dict]:
    """The rows closest to the goal, at most two per set of columns, so the beam does not
    fill up with one strong column at different values (diverse answers need other columns)."""
    states, per_set = [], {}
    for i in np.argsort(-score):
        key = frozenset(edits[i])
        if not ok[i] and per_set.get(key, 0) < 2:
            per_set[key] = per_set.get(key, 0) + 1
            states.append(edits[i])
            if len(states) == _BEAM:
                break
    return states


def _shrink(space, base, goal, edits: list[dict], max_changes: int) -> list[dict]:
    """Drop columns the flips do not need, then move numbers back toward the original.

    Batched across all the flips (one model call per round), since each call costs the
    preprocessing's fixed overhead.
    """
    for _ in range(max_changes - 1):  # each round drops at most one column per flip
        trials = [(i, {k: v for k, v in e.items() if k != c})
                  for i, e in enumerate(edits) if len(e) > 1 for c in e]
        if not trials:
            break
        ok = goal.reached(space.outputs(space.apply(base, [t for _, t in trials])))
        for (i, t), y in zip(trials, ok):
            if y and _cost(space, base, t) < _cost(space, base, edits[i]):
                edits[i] = t
    for k in range(max_changes):  # round k moves each flip's k-th number back
        trials, where = [], []
        for i, e in enumerate(edits):
            nums = [c for c in e if space.columns[c].kind == "numeric"]
            if k < len(nums):
                for step in _steps(space.columns[nums[k]], float(base[nums[k]].iloc[0]), e[nums[k]]):
                    trials.append({**e, nums[k]: step})
                    where.append((i, nums[k], step))
        if not trials:
            break
        ok = goal.reached(space.outputs(space.apply(base, trials)))
        for (i, c, step), y in zip(where, ok):
            start = float(base[c].iloc[0])
            if y and abs(step - start) < abs(edits[i][c] - start):
                edits[i] = {**edits[i], c: step}
    return edits


def _steps(col, start: float, end: float) -> list[float]:
    steps = start + (end - start) * np.linspace(0.1, 1.0, 10)
    steps = np.unique(np.round(steps)) if col.integer else steps
    return [float(s) for s in steps if s != start]


def _diverse(space, base, edits: list[dict], count: int) -> list[dict]:
    """The smallest first, then preferring column sets not shown yet."""
    ranked = sorted(edits, key=lambda e: (len(e), _cost(space, base, e)))
    picked, sets = [], []
    for e in ranked:
        if len(picked) < count and set(e) not in sets:
            picked.append(e)
            sets.append(set(e))
    for e in ranked:
        if len(picked) < count and e not in picked:
            picked.append(e)
    return picked


def _lock_list(space, lock, unlock) -> list[str]:
    for c in list(lock) + list(unlock):
        space.require(c)
    for c in unlock:
        if c in space.sensitive:
            raise LayerLabError(CANNOT_UNLOCK_SENSITIVE.format(column=c))
    return [c for c in dict.fromkeys(default_locks(space) + list(lock)) if c not in unlock]


def counterfactuals(store, run_id: str, row: int, *, count: int = 3, lock=(), unlock=(),
                    target=None, max_changes: int = 3, model=None) -> dict:
    """Up to `count` diverse, verified sets of changes that make the model answer `target`."""
    from core.trained import load_trained

    space = EditSpace(model or load_trained(store, run_id))
    base = space.row(row)
    locked = _lock_list(space, lock, unlock)
    free = [c for c in space.inputs if c not in locked]
    if not free:
        raise LayerLabError(NOTHING_TO_CHANGE.format(run_id=space.run_id, locked=", ".join(locked)))
    before_out = space.outputs(base)
    goal = Goal(space.model, before_out[0], target)
    cands = {c: _candidates(space, c, base[c].iloc[0]) for c in free}
    found = _beam(space, base, goal, free, cands, max_changes, want=count)
    # Shrinking costs a few model calls per flip: only the most promising few are shrunk.
    found = _diverse(space, base, found, 3 * count)
    shrunk = {frozenset(e.items()): e for e in _shrink(space, base, goal, found, max_changes)}
    picked = _diverse(space, base, list(shrunk.values()), count)
    results = []
    if picked:  # verified: every one goes through the model once more, as it is returned
        frame = space.apply(base, picked)
        out = space.outputs(frame)
        for i in np.flatnonzero(goal.reached(out)):
            results.append(_result(space, base, frame, int(i), picked[i], out[i]))
    before = describe(space.model, before_out[0])
    note = None if results else NO_COUNTERFACTUAL.format(
        max_changes=max_changes, locked=", ".join(locked) or "nothing", goal=goal.label)
    return {"run_id": space.run_id, "row": int(row), "task": space.model.task, "goal": goal.label,
            "before": before, "original": space.values(base), "locked": locked, "free": free,
            "counterfactuals": results, "note": note}


def _result(space, base, frame, i, edit, out) -> dict:
    original, changed = space.values(base), space.values(frame, i)
    changes = [{"column": c, "from": original[c], "to": changed[c]} for c in space.columns
               if c in edit]
    after = describe(space.model, out)
    words = " and ".join(f"{c['column']} were {c['to']} instead of {c['from']}" for c in changes)
    return {"changes": changes, "row": changed, "prediction": after, "n_changed": len(changes),
            "distance": round(_cost(space, base, edit), 4),
            "sentence": f"If {words}, the model would say {said(after)}."}
