"""8 runs queued at once through a Ray head on this machine against the local worker pool.

Both contenders get 2 CPUs: the local pool 2 slots, the Ray head `--num-cpus 2` (one slot actor
per CPU). Each contender runs in its own fresh process (interleaved, repeated), with its own
LayerLab home, and is warmed first (its 2 workers started, torch imported) so the figures are
those of a server that has been up for a while. Measured:
- total: wall time from queueing 8 runs of the walkthrough MLP on Adult to the last one done;
- first epoch: on the warm pool, submit of one more run to its first finished epoch in the store.
Runs use EPOCHS epochs (not the walkthrough's 200 with early stopping) to keep this to minutes.
Run: python bench/cluster.py [--repeats 2]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EPOCHS, RUNS = 3, 8
GOALS = {"ray_over_local_max": 1.3, "ray_first_epoch_s_max": 3.0}


def _submit(store, runner):
    from core.data import default_ref
    from core.spec import get_preset
    from core.train import TrainConfig, submit_training

    return submit_training(store, runner, default_ref("adult"), get_preset("walkthrough_mlp"),
                           TrainConfig(epochs=EPOCHS, batch_size=256, seed=0))


def _wait_done(store, ids) -> None:
    while not all(store.get_run(i).done for i in ids):
        time.sleep(0.05)


def contender(kind: str, address: str | None) -> dict:
    """One measurement in this (fresh) process."""
    os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp(prefix=f"layerlab-bench-{kind}-")
    os.environ["LAYERLAB_WORKER_THREADS"] = "1"  # as a Ray slot (one CPU, one torch thread)
    from core.data import default_ref, prepared
    from core.jobs import LocalJobRunner, RayJobRunner
    from core.runs import open_store

    store = open_store()
    runner = RayJobRunner(store, address) if kind == "ray" else LocalJobRunner(store, slots=2)
    prepared(default_ref("adult"))  # the web process has the dataset loaded (Data page)
    try:
        _wait_done(store, [_submit(store, runner) for _ in range(2)])  # warm both workers
        t0 = time.perf_counter()
        ids = [_submit(store, runner) for _ in range(RUNS)]
        _wait_done(store, ids)
        total = time.perf_counter() - t0
        failed = [i for i in ids if store.get_run(i).status != "finished"]
        t0 = time.perf_counter()
        one = _submit(store, runner)
        while not any(e.epoch >= 1 for e in store.epochs(one)):
            time.sleep(0.005)
        first = time.perf_counter() - t0
        _wait_done(store, [one])
    finally:
        runner.shutdown()
    return {"total_s": total, "first_epoch_s": first, "failed": len(failed)}


def _start_head() -> tuple[subprocess.Popen, str, Path]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = Path(tempfile.mkdtemp(prefix="rb", dir="/tmp"))
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("ray")), "start", "--head", "--num-cpus", "2",
         "--include-dashboard=false", "--node-ip-address", "127.0.0.1", "--port", str(port),
         "--temp-dir", str(tmp), "--disable-usage-stats", "--block"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(3)  # the GCS answers a moment before the raylet registers
            return proc, f"127.0.0.1:{port}", tmp
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the Ray head did not start")


def _run_child(kind: str, address: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--contender", kind, "--address", address],
                         capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contender", choices=("local", "ray"))
    parser.add_argument("--address")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    if args.contender:
        print(json.dumps(contender(args.contender, args.address)))
        return
    head, address, tmp = _start_head()
    results: dict[str, list[dict]] = {"local": [], "ray": []}
    try:
        for _ in range(args.repeats):
            for kind in ("local", "ray"):  # interleaved
                results[kind].append(_run_child(kind, address))
    finally:
        os.killpg(head.pid, signal.SIGTERM)  # the head we started, by its process group
        head.wait(timeout=60)
    best = {k: {f: min(r[f] for r in v) for f in ("total_s", "first_epoch_s")}
            for k, v in results.items()}
    ratio = best["ray"]["total_s"] / best["local"]["total_s"]
    print(f"{RUNS} runs of the walkthrough MLP on Adult ({EPOCHS} epochs each), 2 CPUs each, "
          f"best of {args.repeats}")
    print(f"{'contender':10} {'total s':>9} {'submit to first epoch s':>24}")
    for k, b in best.items():
        print(f"{k:10} {b['total_s']:9.2f} {b['first_epoch_s']:24.2f}")
    print(f"ray / local total: {ratio:.2f} (goal <= {GOALS['ray_over_local_max']})")
    figures = {"ray_over_local": round(ratio, 3),
               "local_total_s": round(best["local"]["total_s"], 2),
               "ray_total_s": round(best["ray"]["total_s"], 2),
               "local_first_epoch_s": round(best["local"]["first_epoch_s"], 3),
               "ray_first_epoch_s": round(best["ray"]["first_epoch_s"], 3),
               "failed_runs": sum(r["failed"] for v in results.values() for r in v)}
    met = (ratio <= GOALS["ray_over_local_max"]
           and figures["ray_first_epoch_s"] <= GOALS["ray_first_epoch_s_max"]
           and figures["failed_runs"] == 0)
    print(json.dumps({"bench": "cluster", "figures": figures, "goals": GOALS, "met": met}))


if __name__ == "__main__":
    main()
