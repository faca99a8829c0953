"""Evaluation and diagnosis cost, against the training time of one epoch of the same model.

- Evaluation: `evaluate_run` of the walkthrough MLP (Dense 128 -> 64) on a 10,000-row Adult test
  split (test_fraction 0.31): checkpoint load, predictions, every sklearn metric, the confusion
  matrix and the ROC / PR / calibration curves. Goal: no longer than one training epoch.
- Diagnosis: `diagnose_run` of a stored run with 500 epochs of curves and per-layer internals
  (the ten-layer Sigmoid stack: 11 layers x 500 epochs written into the store), including
  reading them back from the store. Goal: 0.2 s at most.
- For information: the two checklist tools on the same model (tiny batch, LR range test).
The epoch time is the median of epochs 2-3 of a real in-process run in this same process.
Run: python bench/evaluate.py
"""
from __future__ import annotations

import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
EPOCHS, BATCH, N_SYNTH = 3, 256, 500


def _timed(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)  # noise on a shared machine only slows things down


def train_reference(store, ref):
    from core.spec import get_preset
    from core.train import TrainConfig, train_run
    from core.train import create_run

    cfg = TrainConfig(epochs=EPOCHS, batch_size=BATCH)
    run = train_run(store, create_run(store, ref, get_preset("walkthrough_mlp"), cfg))
    assert run.status == "finished", run.error
    elapsed = [r.elapsed_s for r in store.epochs(run.id)]
    return run, statistics.median(b - a for a, b in zip(elapsed[1:], elapsed[2:]))


def synthetic_run(store, ref) -> str:
    """A finished run with N_SYNTH epochs of plausible curves and internals, written directly."""
    from core.runs import EpochRow, LayerStat
    from core.spec import get_preset
    from core.train import TrainConfig

    spec = get_preset("deep_sigmoid").model_dump(mode="json")
    rid = store.create_run(name="synthetic 500 epochs", dataset=ref.model_dump(mode="json"),
                           dataset_hash="synthetic", spec=spec,
                           config=TrainConfig(epochs=N_SYNTH).model_dump(mode="json"), task="binary")
    layers = [f"layer{i}_dense" for i in range(1, 11)] + ["output"]
    for e in range(N_SYNTH + 1):
        loss = 0.3 + 0.4 * math.exp(-e / 50)
        row = EpochRow(epoch=e, train_loss=loss - 0.0002 * e, val_loss=loss + 0.0001 * e,
                       train_metric=0.85, val_metric=0.84, lr=1e-3, elapsed_s=e * 0.5)
        stats = [LayerStat(epoch=e, layer=name, grad_norm=10.0 ** (i - 10), weight_norm=3.0,
                           dead_fraction=None, act_mean=0.5, act_std=0.1)
                 for i, name in enumerate(layers)]
        store.write_epoch(rid, row, internals=stats if e else [])
    store.set_status(rid, "finished")
    return rid


def main() -> None:
    os.environ.setdefault("LAYERLAB_HOME", tempfile.mkdtemp(prefix="layerlab-bench-"))
    import torch

    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "1")))  # same for every side
    from core.audit.checklist import lr_range_test, tiny_batch_check
    from core.audit.diagnose import diagnose_run
    from core.audit.evaluate import evaluate_run
    from core.data import default_ref
    from core.runs import open_store
    from core.data import prepared

    store = open_store()
    ref = default_ref("adult").model_copy(update={"test_fraction": 0.31})
    data = prepared(ref)[1]
    run, epoch_s = train_reference(store, ref)
    evaluation = evaluate_run(store, run.id, refresh=True)  # warm-up (imports)
    eval_s = _timed(lambda: evaluate_run(store, run.id, refresh=True))
    synth = synthetic_run(store, ref)
    n_internals = len(store.internals(synth))
    findings = diagnose_run(store, synth, evaluation)
    diag_s = _timed(lambda: diagnose_run(store, synth, evaluation), repeat=5)
    tiny_s = _timed(lambda: tiny_batch_check(run), repeat=1)
    lr_s = _timed(lambda: lr_range_test(run), repeat=1)

    device = run.device or "cpu"
    print(f"Adult, walkthrough MLP, {len(data.X_train):,} training rows, {len(data.X_test):,} test "
          f"rows, batch {BATCH}, training on {device}, {torch.get_num_threads()} torch thread(s)")
    print(f"{'':44} {'seconds':>9} {'x epoch':>8}")
    for name, t in [("one training epoch (median of epochs 2-3)", epoch_s),
                    (f"evaluate {len(data.X_test):,} test rows", eval_s),
                    (f"diagnose {N_SYNTH} epochs ({n_internals:,} layer stats)", diag_s),
                    ("tiny-batch check (info)", tiny_s), ("LR range test (info)", lr_s)]:
        print(f"{name:44} {t:9.3f} {t / epoch_s:8.3f}")
    print(f"diagnosis of the synthetic run: {', '.join(f.kind for f in findings) or 'none'}")
    eval_ratio = eval_s / epoch_s
    goals = {"eval_over_epoch_max": 1.0, "diagnosis_s_max": 0.2}
    met = eval_ratio <= 1.0 and diag_s <= 0.2 and len(data.X_test) >= 10_000
    print(f"evaluation / epoch = {eval_ratio:.3f} (goal <= 1); diagnosis {diag_s * 1000:.1f} ms "
          "(goal <= 200 ms)")
    print(json.dumps({"bench": "evaluate", "figures": {
        "test_rows": len(data.X_test), "epoch_s": round(epoch_s, 4), "eval_s": round(eval_s, 4),
        "eval_over_epoch": round(eval_ratio, 3), "diagnosis_s": round(diag_s, 4),
        "diagnosis_over_epoch": round(diag_s / epoch_s, 3), "internals_rows": n_internals,
        "tiny_batch_s": round(tiny_s, 3), "lr_finder_s": round(lr_s, 3), "device": device},
        "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
