"""Predict speed on Adult: checking and predicting a CSV of new rows, against the bare model.

A one-hidden-layer MLP (16 ReLU) trained for 1 epoch on Adult. 2,000 test rows are written
back as a CSV a person would upload. Timed in one process after loading the model once (the
page keeps it loaded), each the median of 3:
- bare: core.data.transform_rows + TrainedModel.labels on the already-typed rows (no reading,
  no checks) - the floor;
- checked: predict_csv on the CSV bytes with reasons off (read, sniff, check every cell, predict);
- reasons: predict_csv with reasons for REASONS_CAP rows, reported per explained row;
- one case: Predictor.predict_frame on one row with its reasons (the page's form).
Goals: checking costs at most 20x the bare model on 2,000 rows (reading and per-cell checks are
Python, the model is one matrix product); reasons <= 50 ms a row; one case <= 1 s.
Run: python bench/predict.py
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOALS = {"checked_over_bare": 20.0, "reasons_ms_per_row": 50.0, "one_case_s": 1.0}
N_ROWS = 2000


def _median(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp(prefix="bench_predict_")
    from core.data import default_ref, transform_rows
    from core.predict import REASONS_CAP, Predictor
    from core.runs import open_store
    from core.spec import ModelSpec
    from core.train import TrainConfig, create_run, train_run

    store = open_store()
    spec = ModelSpec.model_validate({"name": "bench", "layers": [
        {"type": "Dense", "units": 16, "activation": "relu"}]})
    run = train_run(store, create_run(store, default_ref("adult"), spec,
                                      TrainConfig(epochs=1, batch_size=512)))
    assert run.status == "finished", run.error
    p = Predictor(store, run.id)
    frame = p.space.test_frame()[p.needed].head(N_ROWS)
    raw = p.raw_csv(frame)
    bare = _median(lambda: p.model.labels(transform_rows(p.model.data, frame)))
    checked = _median(lambda: p.predict_csv(raw, reasons_cap=0))
    with_reasons = _median(lambda: p.predict_csv(raw), repeat=1)
    reasons_ms = 1000 * (with_reasons - checked) / REASONS_CAP
    one = _median(lambda: p.predict_frame(frame.head(1)))
    figures = {"rows": N_ROWS, "bare_s": bare, "checked_s": checked,
               "checked_over_bare": checked / bare, "reasons_ms_per_row": reasons_ms,
               "one_case_s": one}
    print(f"{'measure':<34}{'value':>12}")
    print(f"{'bare transform + labels, 2,000 rows':<34}{bare:>11.3f}s")
    print(f"{'predict_csv (checks, no reasons)':<34}{checked:>11.3f}s")
    print(f"{'  ratio to bare (goal <= 20)':<34}{checked / bare:>11.1f}x")
    print(f"{'reasons per explained row':<34}{reasons_ms:>10.1f}ms")
    print(f"{'one case with reasons':<34}{one:>11.3f}s")
    met = (figures["checked_over_bare"] <= GOALS["checked_over_bare"]
           and reasons_ms <= GOALS["reasons_ms_per_row"] and one <= GOALS["one_case_s"])
    print(json.dumps({"bench": "predict", "figures": figures, "goals": GOALS, "met": met}))


if __name__ == "__main__":
    main()
