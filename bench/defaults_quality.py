"""Does pressing Train with the defaults give a data scientist's first-try score?

One row per built-in dataset: LayerLab with the default preset for the dataset's kind
(tabular: walkthrough MLP, image: LeNet-style CNN, sequence: LSTM) and the default settings
for its task (`default_config`), trained through the real code path (create_run, train_run)
on a store in a temporary LAYERLAB_HOME, against the better of scikit-learn's
MLPClassifier/MLPRegressor (their defaults) and a linear model (LogisticRegression / RidgeCV)
fitted on the same preprocessed split (`core.data.prepared(ref)`).

Each LayerLab run happens in its own fresh process (so its wall time, from loading the data
and importing torch to the finished test score, is not helped or hurt by what ran before;
"train s" is the part spent in create_run + train_run); the references are
quality figures only and run in this process. Goal: every dataset within 2 accuracy points
(R²: 0.05) of the reference or above, in at most 60 s each.
Run: python bench/defaults_quality.py [--only moons,iris] [--csv path.csv[:target]]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TOLERANCE = {"accuracy": 0.02, "r2": 0.05}
MAX_SECONDS = 60.0


def _ref(name: str):
    """A DatasetRef for a built-in name, or for 'path.csv[:target]' (ingested like an upload)."""
    from core.data import default_ref, ingest_csv

    if name.lower().split(":")[0].endswith(".csv"):
        path, _, target = name.partition(":")
        ref = ingest_csv(Path(path).read_bytes(), Path(path).name)
        return ref.model_copy(update={"target": target}) if target else ref
    return default_ref(name)


def layerlab_worker(name: str) -> dict:
    """Train `name` with the defaults in this (fresh) process; {score, seconds, config}."""
    from core.data import prepared
    from core.runs import open_store
    from core.spec import default_preset_for, get_preset
    from core.train import create_run, default_config, train_run

    t0 = time.perf_counter()
    ref = _ref(name)
    bundle, data = prepared(ref)
    preset = default_preset_for(bundle.modality)
    spec = get_preset(preset)
    config = default_config(data.task, n_rows=len(data.y_train), spec=spec)
    store = open_store()
    t_train = time.perf_counter()
    run = train_run(store, create_run(store, ref, spec, config))
    seconds = time.perf_counter() - t0
    train_s = time.perf_counter() - t_train
    metric = "r2" if data.task == "regression" else "accuracy"
    score = (run.test_metrics or {}).get(metric)
    return {"score": score, "seconds": seconds, "train_s": train_s, "status": run.status, "preset": preset,
            "epochs_run": run.epoch, "config": {k: config.model_dump()[k] for k in
                                                ("batch_size", "epochs", "lr", "patience")}}


def run_layerlab(name: str) -> dict:
    """LayerLab on `name` in a fresh process with its own temporary home."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "LAYERLAB_HOME": home}
        env.pop("LAYERLAB_STORE_URL", None)
        out = subprocess.run([sys.executable, __file__, "--worker", name], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=600, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"worker for {name} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


REF_CACHE = Path(tempfile.gettempdir()) / "layerlab_defaults_quality_refs.json"


def references(name: str, fresh: bool = False) -> dict:
    """The references of `name`, kept in a cache file: sklearn's MLP takes minutes on Adult and
    its score depends only on the data, the split and sklearn's version (all in the key)."""
    import sklearn

    from core.data import prepared

    bundle, _ = prepared(_ref(name))
    key = f"{bundle.ref.model_dump_json()}|{bundle.content_hash}|sklearn {sklearn.__version__}"
    cache = json.loads(REF_CACHE.read_text()) if REF_CACHE.exists() else {}
    if fresh or key not in cache:
        cache[key] = _fit_references(name)
        REF_CACHE.write_text(json.dumps(cache, indent=1))
    return cache[key]


def _fit_references(name: str) -> dict:
    """Test scores of sklearn's MLP (defaults) and a linear model on LayerLab's split."""
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression, RidgeCV
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    from core.data import prepared

    _, d = prepared(_ref(name))
    Xtr, Xte = d.X_train.reshape(len(d.X_train), -1), d.X_test.reshape(len(d.X_test), -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if d.task == "regression":
            mlp = MLPRegressor(random_state=0).fit(Xtr, d.y_train)
            lin = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(Xtr, d.y_train)
        else:
            mlp = MLPClassifier(random_state=0).fit(Xtr, d.y_train)
            lin = LogisticRegression(max_iter=1000).fit(Xtr, d.y_train)
    return {"task": d.task, "n_train": len(d.y_train),
            "mlp": float(mlp.score(Xte, d.y_test)), "linear": float(lin.score(Xte, d.y_test))}


def _row(name: str, fresh: bool) -> dict:
    ref = references(name, fresh)
    ll = run_layerlab(name)
    metric = "r2" if ref["task"] == "regression" else "accuracy"
    best = max(ref["mlp"], ref["linear"])
    score = ll["score"] if ll["score"] is not None else float("-inf")
    ok = score >= best - TOLERANCE[metric] and ll["seconds"] <= MAX_SECONDS
    return {"dataset": name, "metric": metric, "n_train": ref["n_train"], "layerlab": ll["score"],
            "mlp": ref["mlp"], "linear": ref["linear"], "reference": best,
            "seconds": ll["seconds"], "train_s": ll["train_s"], "epochs_run": ll["epochs_run"], "preset": ll["preset"],
            "config": ll["config"], "met": ok}


def _fmt(x) -> str:
    return "  n/a" if x is None else f"{x:6.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated dataset names (default: every built-in)")
    parser.add_argument("--csv", action="append", default=[],
                        help="also a CSV file, as path.csv or path.csv:target (repeatable)")
    parser.add_argument("--fresh-refs", action="store_true",
                        help=f"refit the sklearn references instead of reading {REF_CACHE}")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(layerlab_worker(args.worker)))
        return 0
    from core.data import builtin_datasets

    names = args.only.split(",") if args.only else [d.name for d in builtin_datasets()]
    names += args.csv
    print(f"{'dataset':<20} {'metric':<8} {'n_train':>7} {'LayerLab':>8} {'skl MLP':>8} "
          f"{'linear':>8} {'seconds':>7} {'train s':>7} {'epochs':>6}  met")
    rows = []
    for name in names:
        r = _row(name, args.fresh_refs)
        rows.append(r)
        print(f"{Path(name.split(':')[0]).name:<20} {r['metric']:<8} {r['n_train']:>7,} "
              f"{_fmt(r['layerlab']):>8} {_fmt(r['mlp']):>8} {_fmt(r['linear']):>8} "
              f"{r['seconds']:7.1f} {r['train_s']:7.1f} {r['epochs_run']:>6}  {'yes' if r['met'] else 'NO'}",
              flush=True)
    met = all(r["met"] for r in rows)
    print(json.dumps({"bench": "defaults_quality",
                      "figures": {r["dataset"]: {k: r[k] for k in (
                          "metric", "layerlab", "mlp", "linear", "seconds", "train_s", "epochs_run",
                          "config")} for r in rows},
                      "goals": {"tolerance_accuracy": TOLERANCE["accuracy"],
                                "tolerance_r2": TOLERANCE["r2"], "max_seconds": MAX_SECONDS},
                      "met": met}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
