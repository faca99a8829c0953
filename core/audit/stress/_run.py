"""Accuracy-vs-strength curves for every attack and corruption on a seeded test subsample.

`stress_model` works on a model and prepared data (tests, benchmarks); `stress_run` loads a
stored run first and adds what only a run knows (its status, its device). The result is a
plain JSON-able dict that the job saves with the run and the page and CLI render.
"""
from __future__ import annotations

import logging
import math

import numpy as np

from core.audit.stress import _attacks, _corrupt
from core.audit.stress._report import examples, group_table, summary
from core.audit.stress._scoring import BATCH as _BATCH
from core.audit.stress._scoring import changed, outputs, predictions, score
from core.audit.stress._settings import REFERENCE_STRENGTH, StressSettings, check_settings
from core.audit.stress._space import attack_space
from core.errors import LayerLabError

log = logging.getLogger(__name__)


def resolve_device(choice: str) -> str:
    import torch

    if choice == "cuda" and not torch.cuda.is_available():
        raise LayerLabError("The stress test was asked to run on 'cuda', but this server has no "
                            "usable CUDA GPU; choose 'auto' or 'cpu' (the results are the same).")
    if choice not in ("auto", "cpu", "cuda"):
        raise LayerLabError(f"Unknown device {choice!r}; choose 'auto', 'cpu' or 'cuda'.")
    return ("cuda" if torch.cuda.is_available() else "cpu") if choice == "auto" else choice


def subsample(n_test: int, n_rows: int, seed: int) -> np.ndarray:
    if n_rows >= n_test:
        return np.arange(n_test)
    return np.sort(np.random.default_rng(seed).choice(n_test, size=n_rows, replace=False))


def _attack_curve(name, model, x, y_t, y, clean_pred, space, strengths, s: StressSettings,
                  task, device, tick):
    """Points of one attack, plus its adversarial inputs at the reference strength."""
    import torch

    c = space.constraint(device)
    # The L2 ball grows with √(inputs that move), so L2 and L∞ of the same ε are comparable.
    scale = math.sqrt(max(1, c.n_free)) if name == "pgd_l2" else 1.0
    gen = torch.Generator().manual_seed(s.seed)
    points, at_ref = [], None
    for eps in strengths:
        advs = []
        for i in range(0, len(x), _BATCH):
            xb, yb = x[i:i + _BATCH].to(device), y_t[i:i + _BATCH].to(device)
            advs.append(_attacks.run_attack(
                name, model, xb, yb, task, eps * scale, c, steps=s.steps,
                step_size=None if s.step_size is None else s.step_size * scale,
                random_start=s.random_start, generator=gen).cpu())
        adv = torch.cat(advs)
        pred = predictions(outputs(model, adv, device), task)
        points.append({"strength": eps, "metric": score(pred, y, task),
                       "changed": changed(pred, clean_pred, task)})
        if math.isclose(eps, _reference(strengths)):
            at_ref = adv.numpy()
        tick()
    return points, at_ref


def _reference(strengths: list[float]) -> float:
    """The strength the summary talks about: 0.1 when offered, else the middle non-zero one."""
    nonzero = [e for e in strengths if e > 0] or strengths
    if any(math.isclose(e, REFERENCE_STRENGTH) for e in nonzero):
        return REFERENCE_STRENGTH
    return nonzero[len(nonzero) // 2]


def _corruption_curve(name, model, x_np, y, clean_pred, space, strengths, s, task, device,
                      pre, tick):
    rng = np.random.default_rng(s.seed)
    points = []
    for strength in strengths:
        xc = _corrupt.corrupt(name, x_np, strength, space, rng, pre)
        pred = predictions(outputs(model, xc, device), task)
        points.append({"strength": strength, "metric": score(pred, y, task),
                       "changed": changed(pred, clean_pred, task)})
        tick()
    return points


def stress_model(model, bundle, data, settings: StressSettings | None = None,
                 progress=None) -> dict:
    """Curves, summary, examples and per-group table for `model` on `data`'s test split."""
    import torch

    from core.train import as_targets

    s = settings or StressSettings()
    kinds = _corrupt.corruptions_for(bundle.modality)
    strengths = check_settings(s, bundle.modality, list(kinds))
    corruptions = list(kinds) if s.corruptions is None else list(s.corruptions)
    space = attack_space(bundle, data, s.locked)
    device = resolve_device(s.device)
    model = model.to(device).eval()
    rows = subsample(len(data.X_test), s.n_rows, s.seed)
    x_np, y = data.X_test[rows], data.y_test[rows]
    x, y_t = torch.from_numpy(x_np), as_targets(y, data.task, "cpu")
    clean_out = outputs(model, x, device)
    clean_pred = predictions(clean_out, data.task)
    total = max(1, len(strengths) * (len(s.attacks) + len(corruptions)))
    done = [0]

    def tick():
        done[0] += 1
        if progress:
            progress(done[0] / total, f"{done[0]} of {total} measurements")

    curves, adv_ref = [], {}
    for name in s.attacks:
        points, adv_ref[name] = _attack_curve(name, model, x, y_t, y, clean_pred, space, strengths,
                                              s, data.task, device, tick)
        curves.append({"name": name, "kind": "attack", "title": _attacks.ATTACK_TITLES[name],
                       "meaning": _attack_meaning(name, space), "points": points})
    for name in corruptions:
        title, meaning = kinds[name]
        curves.append({"name": name, "kind": "corruption", "title": title, "meaning": meaning,
                       "points": _corruption_curve(name, model, x_np, y, clean_pred, space,
                                                   strengths, s, data.task, device,
                                                   data.preprocessor, tick)})
    ref = _reference(strengths)
    focus = next((a for a in ("pgd_linf", "pgd_l2", "fgsm") if adv_ref.get(a) is not None), None)
    adv_pred = None
    if focus:
        adv_pred = predictions(outputs(model, adv_ref[focus], device), data.task)
    clean = score(clean_pred, y, data.task)
    return {
        "task": data.task, "modality": bundle.modality,
        "metric": "mae" if data.task == "regression" else "accuracy",
        "clean": clean, "n_rows": int(len(rows)), "n_test": int(len(data.X_test)),
        "unit": space.unit, "explanation": space.explanation(), "strengths": strengths,
        "reference_strength": ref, "focus_attack": focus, "curves": curves,
        "summary": summary(curves, clean, ref, data.task, space),
        "examples": examples(focus, x_np, adv_ref.get(focus), y, clean_out, model, device, data,
                             bundle, space, rows) if focus else [],
        "groups": group_table(data, rows, y, clean_pred, adv_pred, focus, ref) if focus else [],
        "settings": s.model_dump(mode="json"), "device": device, "notes": [],
    }


def stress_run(store, run_id: str, settings: StressSettings | None = None, progress=None) -> dict:
    """Stress-test a finished run; clear errors for runs that cannot be tested."""
    from core.trained import load_trained

    run = store.get_run(run_id)
    if run.status != "finished":
        why = f": {run.error}" if run.error else ""
        raise LayerLabError(f"Run {run_id} is {run.status}{why}. Only a finished run can be stress "
                            "tested; train it to the end first.")
    trained = load_trained(store, run)
    result = stress_model(trained.require_network(), trained.bundle, trained.data, settings, progress)
    if run.device == "cuda" and result["device"] == "cpu":
        result["notes"].append("This run was trained on a GPU; this server has none, so the "
                               "stress test ran on the CPU (same numbers, only slower).")
    if result["n_rows"] < result["n_test"]:
        result["notes"].append(f"Measured on a random subsample of {result['n_rows']:,} of the "
                               f"{result['n_test']:,} test rows (seed {result['settings']['seed']}).")
    result["run_id"], result["run_name"] = run_id, run.name
    return result


def _attack_meaning(name: str, space) -> str:
    if name == "pgd_l2":
        return (f"ε × √{max(1, int(space.mask.sum()))} as the total L2 size of the change "
                f"({space.unit}), so it matches L∞ of the same ε")
    return f"every moving input changes by at most ε ({space.unit})"
