"""Does watching slow training? The quick start's run headless, then watched by 1 and 2 browsers.

The run is the home page's quick start (walkthrough MLP on UCI Adult, 10 epochs). Each
contender runs in a fresh process with a fresh LayerLab home and its own Streamlit server:
  headless  the server is up, nobody has the Train page open;
  watched1  one headless chromium shows the run on the Train page while it trains;
  watched2  two chromium browsers show it.
A one-epoch warm-up run first makes the worker warm (torch imported, Adult prepared), so
only training is timed. Epoch times come from the store (differences of `elapsed_s`, epochs
1..10); the load average is printed beside them. Contenders are interleaved and repeated.

    python bench/watched_training.py [--rounds 2]

Last line: {"bench": "watched_training", "figures": ..., "goals": ..., "met": ...}
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
GOAL_RATIO = 1.2
CONTENDERS = {"headless": 0, "watched1": 1, "watched2": 2}
# The run's live panel is up: its chart frame (which polls LayerLab's live route) has loaded.
LIVE_PANEL_JS = ("() => [...document.querySelectorAll('iframe')].some(i => "
                 "i.src.includes('layerlab_live_chart') && i.contentDocument && "
                 "i.contentDocument.querySelector('#progress:not([hidden])'))")


def _wait_done(store, run_id: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not store.get_run(run_id).done:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{run_id} did not finish")
        time.sleep(0.1)


def one(browsers: int) -> dict:
    """One contender, in this (fresh) process: returns epoch times and load averages."""
    from live_latency import CHROMIUM, CHROMIUM_ARGS, free_port, start_app

    home = Path(tempfile.mkdtemp(prefix="layerlab-watched-"))
    os.environ["LAYERLAB_HOME"] = str(home)
    from core.jobs import default_runner
    from core.quickstart import walkthrough_workspace
    from core.runs import open_store
    from core.train import TrainConfig, create_run

    store = open_store()
    runner = default_runner(store)
    port = free_port()
    app = start_app(home, port)
    ws = walkthrough_workspace()
    cfg = TrainConfig.model_validate(ws.train_config)
    try:
        warm = create_run(store, ws.dataset, ws.spec, cfg.model_copy(update={"epochs": 1}))
        runner.submit("train", {"run_id": warm}, run_id=warm)
        _wait_done(store, warm)
        run_id = create_run(store, ws.dataset, ws.spec, cfg, name="watched benchmark")
        with _browsers(browsers, port, run_id, CHROMIUM, CHROMIUM_ARGS):
            load_before = os.getloadavg()[0]
            runner.submit("train", {"run_id": run_id}, run_id=run_id)
            _wait_done(store, run_id)
            load_after = os.getloadavg()[0]
        rows = [r for r in store.epochs(run_id) if r.epoch >= 0]
    finally:
        runner.shutdown()
        app.terminate()
        try:
            app.wait(30)
        except subprocess.TimeoutExpired:
            app.kill()
    elapsed = [r.elapsed_s for r in rows]
    epochs = [b - a for a, b in zip(elapsed, elapsed[1:])]
    return {"epochs_s": epochs, "load_before": load_before, "load_after": load_after}


class _browsers:
    """n chromium pages on the Train page of `run_id`, open for the duration of the block."""

    def __init__(self, n, port, run_id, chromium, args):
        self.n, self.url, self.chromium, self.args = n, f"http://127.0.0.1:{port}/train?run={run_id}", chromium, args
        self.pw = None

    def __enter__(self):
        if not self.n:
            return self
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        self.browsers = []
        for _ in range(self.n):  # separate browsers: separate renderer processes, like users
            b = self.pw.chromium.launch(executable_path=self.chromium, args=self.args)
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(self.url, timeout=120_000)
            page.wait_for_function(LIVE_PANEL_JS, timeout=240_000)
            self.browsers.append(b)
        time.sleep(1.0)  # let the pages settle into their polling
        return self

    def __exit__(self, *exc):
        if self.pw:
            for b in self.browsers:
                b.close()
            self.pw.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--one", choices=list(CONTENDERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(CONTENDERS[args.one])))
        return
    results: dict[str, list[dict]] = {k: [] for k in CONTENDERS}
    for _ in range(args.rounds):
        for name in CONTENDERS:  # interleaved, each in a fresh process
            out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True,
                                 text=True, cwd=REPO, timeout=600)
            if out.returncode:
                raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
            results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    figures: dict = {}
    print(f"{'contender':<11}{'median epoch s':>16}{'p90 epoch s':>13}{'total s':>9}"
          f"{'load before':>13}{'load after':>12}")
    for name, rs in results.items():
        ep = sorted(e for r in rs for e in r["epochs_s"])
        med, p90 = statistics.median(ep), ep[int(0.9 * (len(ep) - 1))]
        total = statistics.median(sum(r["epochs_s"]) for r in rs)
        lb = max(r["load_before"] for r in rs)
        la = max(r["load_after"] for r in rs)
        print(f"{name:<11}{med:>16.3f}{p90:>13.3f}{total:>9.2f}{lb:>13.2f}{la:>12.2f}")
        figures[name] = {"median_epoch_s": round(med, 4), "p90_epoch_s": round(p90, 4),
                         "total_s": round(total, 3), "load_after": round(la, 2)}
    base = figures["headless"]["median_epoch_s"]
    ratios = {k: round(figures[k]["median_epoch_s"] / base, 3) for k in ("watched1", "watched2")}
    for k, v in ratios.items():
        print(f"{k} / headless median epoch: {v:.2f}x (goal <= {GOAL_RATIO}x)")
        figures[f"{k}_ratio"] = v
    print(f"{os.cpu_count()} cores; the server, the browsers and the worker share them")
    print(json.dumps({"bench": "watched_training", "figures": figures,
                      "goals": {"watched_over_headless_max": GOAL_RATIO},
                      "met": all(v <= GOAL_RATIO for v in ratios.values())}))


if __name__ == "__main__":
    main()
