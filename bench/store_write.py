"""Epochs per second a worker can write to the run store: SQLite (file, WAL) vs PostgreSQL.

What one epoch writes is what the training loop writes: `write_epoch` (the epoch row, 50
step-loss points, 3 layers' internals, the run's progress fields and heartbeat) in one
transaction, plus a `set_progress`. Each store is measured in its own fresh process; PostgreSQL
is a private server this script starts on 127.0.0.1 (Debian's `postgresql` package) and stops.
Goal: both stores write far faster than any real epoch ends (>= 50 epochs/s, i.e. <= 20 ms of
store time per epoch), so the store never paces training.
Run: python bench/store_write.py [--epochs 300]
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
GOAL_EPOCHS_PER_S = 50.0


def child(url: str, epochs: int) -> None:
    from core.runs import EpochRow, LayerStat, open_store

    store = open_store(url, patient=True)  # what a worker opens
    run_id = store.create_run(name="bench", dataset={"name": "moons"}, dataset_hash="h",
                              spec={}, config={}, task="binary")
    layers = [LayerStat(epoch=0, layer=f"layer{i}", grad_norm=0.1, weight_norm=1.0,
                        dead_fraction=0.0, act_mean=0.0, act_std=1.0) for i in range(3)]
    t0 = time.perf_counter()
    for e in range(1, epochs + 1):
        steps = [(e * 50 + i, 0.5) for i in range(50)]
        store.write_epoch(run_id, EpochRow(epoch=e, train_loss=0.5, val_loss=0.6,
                                           train_metric=0.8, val_metric=0.7, lr=1e-3,
                                           elapsed_s=float(e)),
                          steps=steps, internals=layers, fields={"best_val_loss": 0.6})
        store.set_progress(run_id, epoch=e, total_epochs=epochs, step=50, steps_per_epoch=50,
                           eta_s=1.0)
    elapsed = time.perf_counter() - t0
    assert len(store.epochs(run_id)) == epochs
    print(json.dumps({"epochs_per_s": epochs / elapsed}))


def measure(url: str, epochs: int) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", url, "--epochs", str(epochs)],
                         capture_output=True, text=True, check=True, cwd=REPO, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])["epochs_per_s"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.epochs)
    from tests.servers.postgres import start_server, stop_server

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = measure(f"sqlite:///{Path(tmp) / 'runs.db'}", args.epochs)
    server = start_server()
    try:
        postgres = measure(server.create_database("bench"), args.epochs)
    finally:
        stop_server(server)
    figures = {"sqlite_epochs_per_s": round(sqlite, 1), "postgres_epochs_per_s": round(postgres, 1),
               "postgres_vs_sqlite": round(postgres / sqlite, 2),
               # every write is a few loopback round trips: a busy machine slows them most
               "load_average_1m": round(os.getloadavg()[0], 1), "cpus": os.cpu_count()}
    goals = {"sqlite_epochs_per_s": f">= {GOAL_EPOCHS_PER_S:.0f}",
             "postgres_epochs_per_s": f">= {GOAL_EPOCHS_PER_S:.0f}"}
    met = sqlite >= GOAL_EPOCHS_PER_S and postgres >= GOAL_EPOCHS_PER_S
    print(f"{'store':<12}{'epochs/s':>10}{'ms/epoch':>10}")
    for name, rate in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        print(f"{name:<12}{rate:>10.1f}{1000 / rate:>10.2f}")
    print(f"PostgreSQL / SQLite: {postgres / sqlite:.2f}x (goal: each >= {GOAL_EPOCHS_PER_S:.0f} "
          "epochs/s, so the store never paces training)")
    print(json.dumps({"bench": "store_write", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
