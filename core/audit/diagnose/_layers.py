"""Diagnoses from per-layer internals (dead ReLUs, vanishing/exploding gradients) and from
the scores (no better than baseline, class imbalance, possible leakage)."""
from __future__ import annotations

from core.audit.diagnose._findings import Finding, RunFacts

DEAD_FRACTION = 0.5  # over half the units never fire on the fixed batch
VANISH_RATIO = 1e-3  # first-layer gradient norm below 1/1000 of the last layer's
EXPLODE_NORM = 1e3


def _last_epoch_stats(f: RunFacts) -> list:
    if not f.internals:
        return []
    last = max(s.epoch for s in f.internals)
    return [s for s in f.internals if s.epoch == last]


def dead_units(f: RunFacts) -> Finding | None:
    dead = [(s.layer, s.dead_fraction) for s in _last_epoch_stats(f)
            if s.dead_fraction is not None and s.dead_fraction >= DEAD_FRACTION]
    if not dead:
        return None
    names = ", ".join(f"{layer} ({frac:.0%})" for layer, frac in dead)
    return Finding("dead_units", "problem", "Many ReLU units are dead",
                   f"Units that output zero for every example in the check batch: {names}.",
                   "Lower the learning rate, use He/Kaiming initialisation, or try Leaky ReLU or GELU.",
                   layers=[layer for layer, _ in dead])


def _grad_norms(f: RunFacts) -> list[tuple[str, float]]:
    # Layers in forward order (as recorded), with a gradient (parameterised layers only).
    return [(s.layer, s.grad_norm) for s in _last_epoch_stats(f)
            if s.grad_norm is not None and s.grad_norm >= 0]


def vanishing_gradients(f: RunFacts) -> Finding | None:
    norms = _grad_norms(f)
    if len(norms) < 3:
        return None
    (first, g_first), (last, g_last) = norms[0], norms[-1]
    if g_last <= 0 or g_first / g_last >= VANISH_RATIO:
        return None
    return Finding("vanishing_gradients", "problem", "Gradients vanish in the early layers",
                   f"The gradient reaching {first} is {g_first / g_last:.1e} times the one at "
                   f"{last}: the first layers barely learn.",
                   "Use ReLU-family activations instead of Sigmoid/Tanh, add BatchNorm, use fewer "
                   "layers or Residual blocks, and He/Kaiming initialisation.",
                   layers=[n for n, _ in norms[:-1]])


def exploding_gradients(f: RunFacts) -> Finding | None:
    big = [(n, g) for n, g in _grad_norms(f) if g > EXPLODE_NORM]
    if not big:
        return None
    worst = max(big, key=lambda p: p[1])
    return Finding("exploding_gradients", "problem", "Gradients are exploding",
                   f"Gradient norm of {worst[0]} is {worst[1]:.3g} (above {EXPLODE_NORM:g}).",
                   "Add gradient clipping (norm 1.0), lower the learning rate, add normalisation layers.",
                   layers=[n for n, _ in big])


def no_better_than_baseline(f: RunFacts) -> Finding | None:
    if f.test_metric is None or f.baseline is None:
        return None
    margin = 0.005 if f.task != "regression" else 0.02
    if f.test_metric > f.baseline + margin:
        return None
    what = "accuracy" if f.task != "regression" else "R²"
    return Finding("no_better_than_baseline", "problem", "No better than the baseline",
                   f"Test {what} {f.test_metric:.3f} vs {f.baseline:.3f} for a model that ignores the inputs.",
                   "Check the target and the input columns, train longer, or try a bigger model.")


def class_imbalance(f: RunFacts) -> Finding | None:
    if not f.class_shares or f.task == "regression":
        return None
    rare, share = min(f.class_shares.items(), key=lambda kv: kv[1])
    # Rarer than 60 % of an even share (binary: under 30 %; Adult's 24 % '>50K' counts).
    if share >= 0.6 / len(f.class_shares):
        return None
    return Finding("class_imbalance", "warning", "The classes are imbalanced",
                   f"Only {share:.1%} of the training examples are '{rare}'; accuracy can look "
                   "good while that class is mostly missed.",
                   "Set class weights to 'balanced', and judge by balanced accuracy, recall and F1.")


def possible_leakage(f: RunFacts) -> Finding | None:
    vm = [x for x in f.val_metric if x is not None]
    best = max(vm) if vm else None
    if f.leaky_columns:
        cols = ", ".join(f"'{c}'" for c in f.leaky_columns)
        score = f" Best validation score {best:.4f}." if best is not None else ""
        return Finding("possible_leakage", "warning", "An input column gives the answer away",
                       f"The column {cols} alone decides the target in every training row.{score}",
                       f"Leave {cols} out on the Data page if it is a copy of the target or was "
                       "filled in after the outcome was known; the model cannot have it in use.")
    if best is None or best < 0.999:
        return None
    if f.dataset in {"moons", "circles", "xor", "blobs", "spirals", "iris", "digits"}:
        return None  # easy toy and teaching sets can really be learnt perfectly
    return Finding("possible_leakage", "warning", "The validation score is suspiciously perfect",
                   f"Best validation score {best:.4f}. Real data is rarely this easy.",
                   "Check that no input column is a copy of the target or was computed from it "
                   "(an id, a date after the outcome, a post-hoc field).")


_LEAKY_CACHE: dict[str, list[str]] = {}


def leaky_columns(bundle, data, max_rows: int = 50_000) -> list[str]:
    """Input columns whose value alone fixes the class on every training row (classification).

    Cached per dataset (ref and content), since every diagnosis of every run on it asks again.
    """
    if data.task == "regression" or bundle.modality != "tabular":
        return []
    key = bundle.ref.model_dump_json() + bundle.content_hash
    if key not in _LEAKY_CACHE:
        if len(_LEAKY_CACHE) > 32:
            _LEAKY_CACHE.clear()
        _LEAKY_CACHE[key] = _leaky_columns(bundle, data, max_rows)
    return list(_LEAKY_CACHE[key])


def _leaky_columns(bundle, data, max_rows: int) -> list[str]:
    idx = data.idx_train[:max_rows]
    target = bundle.frame[bundle.target].iloc[idx]
    found = []
    for col in dict.fromkeys(data.feature_columns):
        if col not in bundle.frame.columns:
            continue
        values = bundle.frame[col].iloc[idx]
        n_values = values.nunique(dropna=True)
        # A column with a distinct value per row (a measurement, an id) trivially "decides"
        # every row; only columns with repeated values can show a real one-to-one copy.
        if n_values < 2 or n_values > len(values) / 2:
            continue
        per_value = target.groupby(values, dropna=True, observed=True).nunique()
        if len(per_value) and int(per_value.max()) == 1 and target[values.notna()].nunique() > 1:
            found.append(str(col))
    return found
