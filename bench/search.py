"""Hyperparameter search: LayerLab's Optuna search against a full grid and sklearn's random search.

Same ranges, same split (LayerLab's train/validation/test of each dataset), same epochs:
- learning rate 1e-3…1e-1 (log), batch size 32 or 128, units of the first Dense layer 16…256 (log);
- the grid: lr {1e-3, 3e-3, 1e-2, 3e-2, 1e-1} × batch {32, 128} × units {16, 64, 256} = 30 runs;
- LayerLab's search: 12 trials (40 % of the grid), TPE + median pruner, optimising validation
  accuracy (the metric at the best validation-loss epoch, as every run reports it);
- the same search two trials at a time (worker threads, as on a 2-slot runner): its wall time;
- sklearn: RandomizedSearchCV over MLPClassifier, 12 candidates, validated on the same rows
  (PredefinedSplit), the best refitted on the training rows for the test score.
Compute = epochs trained, pruned trials counted up to where they stopped. Goal: the search
reaches the grid's best validation accuracy within 0.5 points using at most 40 % of its epochs.
Each contender runs in its own fresh process (its own LayerLab home). Runs on CUDA when present.
Run: python bench/search.py [--datasets spirals digits waves] [--epochs 30]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LRS, BATCHES, UNITS = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1), (32, 128), (16, 64, 256)
TRIALS = 12


def _setup(dataset: str, epochs: int):
    from core.data import DatasetRef, prepared
    from core.spec import ModelSpec, get_preset
    from core.train import default_config

    ref = DatasetRef(name=dataset)
    _bundle, data = prepared(ref)
    spec = (get_preset("walkthrough_mlp") if len(data.input_shape) == 1 else ModelSpec.model_validate(
        {"name": "Flat MLP", "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 128},
                                        {"type": "Dense", "units": 64}]}))
    cfg = default_config(data.task, len(data.X_train), spec=spec).model_copy(
        update={"epochs": epochs, "early_stopping": False})
    first = next(i for i, layer in enumerate(spec.layers, start=1) if layer.type == "Dense")
    return ref, data, spec, cfg, f"units_{first}"


def _epochs(store, run_ids) -> int:
    return sum(max((r.epoch for r in store.epochs(rid)), default=0) for rid in run_ids)


def layerlab_search(dataset: str, epochs: int, parallel: int = 1) -> dict:
    from core.runs import open_store
    from core.search import create_study, make_study_def, parse_param, run_study, study_summary

    ref, _data, spec, cfg, units = _setup(dataset, epochs)
    space = [parse_param(t, spec) for t in ("lr=1e-3:1e-1:log", "batch_size=32,128",
                                             f"{units}=16:256")]
    store = open_store()
    t0 = time.perf_counter()
    sid = create_study(store, make_study_def(ref, spec, cfg, space=space, trials=TRIALS,
                                             objective="accuracy", parallel=parallel))
    run_study(store, sid)
    wall = time.perf_counter() - t0
    s = study_summary(store, sid)
    best = store.get_run(s.best.run_id)
    return {"val": s.best.value, "test": best.test_metrics.get("accuracy"), "wall_s": wall,
            "epochs": _epochs(store, [t.run_id for t in s.trials]), "pruned": s.counts["pruned"]}


def layerlab_grid(dataset: str, epochs: int) -> dict:
    from core.runs import open_store
    from core.search import apply_params
    from core.train import create_run, train_run

    ref, _data, spec, cfg, units = _setup(dataset, epochs)
    store = open_store()
    t0, runs = time.perf_counter(), []
    for lr in LRS:
        for bs in BATCHES:
            for u in UNITS:
                s2, c2 = apply_params(spec, cfg, {"lr": lr, "batch_size": bs, units: u})
                runs.append(train_run(store, create_run(store, ref, s2, c2)))
    wall = time.perf_counter() - t0
    best = max((r for r in runs if r.best_val_metric is not None), key=lambda r: r.best_val_metric)
    return {"val": best.best_val_metric, "test": best.test_metrics.get("accuracy"), "wall_s": wall,
            "epochs": _epochs(store, [r.id for r in runs]), "pruned": 0}


def sklearn_random(dataset: str, epochs: int) -> dict:
    import warnings

    import numpy as np
    from scipy.stats import loguniform
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import PredefinedSplit, RandomizedSearchCV
    from sklearn.neural_network import MLPClassifier

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    _ref, d, _spec, _cfg, _units = _setup(dataset, epochs)
    flat = [a.reshape(len(a), -1) for a in (d.X_train, d.X_val, d.X_test)]
    X, y = np.vstack(flat[:2]), np.concatenate([d.y_train, d.y_val])
    fold = PredefinedSplit(np.r_[np.full(len(flat[0]), -1), np.zeros(len(flat[1]))])
    units = [16, 23, 32, 45, 64, 91, 128, 181, 256]  # 16…256 on a log scale
    dists = {"learning_rate_init": loguniform(1e-3, 1e-1), "batch_size": [32, 128],
             "hidden_layer_sizes": [(u, 64) for u in units]}
    t0 = time.perf_counter()
    rs = RandomizedSearchCV(MLPClassifier(max_iter=epochs, alpha=1e-3, random_state=0), dists,
                            n_iter=TRIALS, cv=fold, scoring="accuracy", refit=False, random_state=0)
    rs.fit(X, y)
    best = MLPClassifier(max_iter=epochs, alpha=1e-3, random_state=0, **rs.best_params_)
    best.fit(flat[0], d.y_train)
    wall = time.perf_counter() - t0
    return {"val": float(rs.best_score_), "test": float(best.score(flat[2], d.y_test)),
            "wall_s": wall, "epochs": TRIALS * epochs, "pruned": 0}


def layerlab_search_x2(dataset: str, epochs: int) -> dict:
    """The same search, two trials at a time (as on a 2-slot runner): wall time, not a goal."""
    return layerlab_search(dataset, epochs, parallel=2)


CONTENDERS = {"layerlab_search": layerlab_search, "layerlab_search_x2": layerlab_search_x2,
              "layerlab_grid": layerlab_grid, "sklearn_random": sklearn_random}


def _in_fresh_process(name: str, dataset: str, epochs: int) -> dict:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "LAYERLAB_HOME": home}
        env.pop("LAYERLAB_STORE_URL", None)
        out = subprocess.run([sys.executable, __file__, "--one", name, "--datasets", dataset,
                              "--epochs", str(epochs)], env=env, capture_output=True, text=True,
                             check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", nargs="+", default=["spirals", "digits", "waves"])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--one", choices=CONTENDERS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(CONTENDERS[args.one](args.datasets[0], args.epochs)))
        return
    figures, met = {}, True
    print(f"{'dataset':10} {'contender':16} {'best val':>9} {'test':>7} {'epochs':>7} {'pruned':>6} {'wall s':>7}")
    for ds in args.datasets:
        res = {name: _in_fresh_process(name, ds, args.epochs) for name in CONTENDERS}
        for name, r in res.items():
            print(f"{ds:10} {name:16} {r['val']:9.4f} {r['test']:7.4f} {r['epochs']:7d} "
                  f"{r['pruned']:6d} {r['wall_s']:7.1f}")
        gap = 100 * (res["layerlab_grid"]["val"] - res["layerlab_search"]["val"])
        share = res["layerlab_search"]["epochs"] / res["layerlab_grid"]["epochs"]
        ok = gap <= 0.5 and share <= 0.4
        met &= ok
        print(f"{ds:10} search vs grid: {gap:+.2f} points below the grid's best, "
              f"{share:.0%} of its epochs -> {'met' if ok else 'NOT met'}")
        figures[ds] = {**{f"{n}_{k}": v for n, r in res.items() for k, v in r.items()},
                       "points_below_grid": gap, "epochs_share_of_grid": share}
    print(json.dumps({"bench": "search", "figures": figures,
                      "goals": {"points_below_grid_max": 0.5, "epochs_share_of_grid_max": 0.4},
                      "met": met}))


if __name__ == "__main__":
    main()
