"""Tables that stay fast: the Experiments page and the overlay of 20 runs' curves, in a browser,
with 200 finished runs of 500 epochs each in the store.

The benchmark fills a fresh LayerLab home's store (200 runs, 100,000 epoch rows), starts the app
in its own process, and times in Debian's chromium (Playwright), from the navigation to the
moment Streamlit has finished the script run and the table (or the last chart) is on screen:
- the Experiments page on its first visit (fresh browser context: a new Streamlit session),
  reloaded, and warm: opened again from the sidebar within the session (median of 3);
- the same page with 20 runs ticked (`/experiments?compare=...`), whose overlay of their
  curves is drawn below the table, the same three ways;
- the Compare page with the same 20 runs (four charts, the score table and the changes),
  first visit and reload, for information.
Baseline in the same run: a bare Streamlit page (the Home page), so the figures can be read
against what any page costs on this machine.

    python bench/experiments_table.py [--runs 200] [--epochs 500]

Prints a table with the load average, then one JSON line:
    {"bench": "experiments_table", "figures": ..., "goals": ..., "met": ...}
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
GOALS = {"experiments_warm_s": 1.0, "overlay_warm_s": 1.0}
IDLE_JS = ("() => document.querySelector('[data-testid=\"stApp\"]') && "
           "!document.querySelector('[data-testid=\"stStatusWidget\"] "
           "[data-testid=\"stStatusWidgetRunningIcon\"]') && "
           "!document.querySelector('[data-testid=\"stSkeleton\"]')")


def fill(store, runs: int, epochs: int, seed: int = 0) -> list[str]:
    """`runs` finished runs with `epochs` epoch rows each (bulk insert: 100,000 rows in seconds)."""
    import sqlalchemy as sa

    from core.runs import sql_engine

    rng = random.Random(seed)
    ids, rows = [], []
    for i in range(runs):
        lr = 10 ** rng.uniform(-4, -1)
        run_id = store.create_run(
            name=f"Adult MLP #{i}", dataset={"source": "builtin", "name": "adult"},
            dataset_hash="bench", task="binary",
            spec={"name": f"MLP {i}", "layers": [{"type": "Dense", "units": 64, "activation": "relu"},
                                                 {"type": "Dense", "units": 32, "activation": "relu"}]},
            config={"optimizer": "adam", "lr": lr, "batch_size": 128, "epochs": epochs})
        now = time.time()
        store.update_run(run_id, status="finished", metric_name="accuracy", epoch=epochs,
                         total_epochs=epochs, best_val_loss=0.3 + rng.random() / 10,
                         best_val_metric=0.8 + rng.random() / 20, started_at=now - 60, finished_at=now)
        ids.append(run_id)
        for e in range(epochs + 1):
            loss = 0.7 / (1 + e * lr * 10) + rng.random() / 100
            rows.append({"run_id": run_id, "epoch": e, "train_loss": loss, "val_loss": loss + 0.02,
                         "train_metric": 0.9 - loss / 2, "val_metric": 0.88 - loss / 2, "lr": lr,
                         "elapsed_s": e * 0.1, "extra": None})
    engine = sql_engine(store.url)
    epochs_t = sa.Table("epochs", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(epochs_t.insert(), rows)
    return ids


def _timed(page, url: str, ready: str) -> float:
    t0 = time.perf_counter()
    page.goto(url, timeout=120_000)
    page.wait_for_selector(ready, timeout=120_000)
    page.wait_for_function(IDLE_JS, timeout=120_000)
    return time.perf_counter() - t0


def _navigated(page, title: str, ready: str) -> float:
    """Seconds from a click on the sidebar's page link to the page drawn and idle."""
    page.wait_for_function(IDLE_JS, timeout=120_000)
    time.sleep(0.3)  # let the previous page's last redraw settle
    t0 = time.perf_counter()
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).first.click()
    page.wait_for_selector(ready, timeout=120_000)
    page.wait_for_function(IDLE_JS, timeout=120_000)
    return time.perf_counter() - t0


HOME_READY = "h1:has-text('LayerLab')"
TABLE_READY = "[data-testid='stDataFrame']"
# The Experiments page's overlay: its second panel (validation metric) with all 20 runs drawn.
OVERLAY_READY = "[data-testid='stPlotlyChart'] .scatterlayer >> nth=1 >> .trace >> nth=19"
# The Compare page's last chart with all 20 traces drawn.
COMPARE_READY = "[data-testid='stPlotlyChart'] >> nth=3 >> .scatterlayer .trace >> nth=19"


def _warm(page, there: tuple[str, str], back: tuple[str, str], repeats: int) -> float:
    """Median of `repeats` visits to `there` by the sidebar, each after one to `back`."""
    times = []
    for _ in range(repeats):
        _navigated(page, *back)
        times.append(_navigated(page, *there))
    return statistics.median(times)


def measure(base: str, ids: list[str], warm_repeats: int = 3) -> dict:
    """First visits (a new browser context: a new Streamlit session, nothing cached in it),
    warm visits (the sidebar's link, as a user moves between pages) and full reloads."""
    from playwright.sync_api import sync_playwright

    from live_latency import CHROMIUM, CHROMIUM_ARGS

    twenty = ",".join(ids[:20])
    figures = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, url, ready, there in [
                ("home", base, HOME_READY, ("Home", HOME_READY)),
                ("experiments", f"{base}/experiments", TABLE_READY, ("Experiments", TABLE_READY)),
                # 20 runs ticked (kept by the session, so the sidebar's link shows them again)
                ("overlay", f"{base}/experiments?compare={twenty}", OVERLAY_READY,
                 ("Experiments", OVERLAY_READY)),
                ("compare", f"{base}/compare?runs={twenty}", COMPARE_READY, None)]:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            figures[f"{name}_first_s"] = _timed(page, url, ready)
            figures[f"{name}_reload_s"] = statistics.median(
                _timed(page, url, ready) for _ in range(warm_repeats))
            if there:
                back = ("Data", "h1:has-text('Data')") if name == "home" else ("Home", HOME_READY)
                figures[f"{name}_warm_s"] = _warm(page, there, back, warm_repeats)
            context.close()
        browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=500)
    args = parser.parse_args()

    from live_latency import free_port, start_app, stop_app

    home = Path(tempfile.mkdtemp(prefix="layerlab-bench-"))
    os.environ["LAYERLAB_HOME"] = str(home)
    from core.runs import open_store

    t0 = time.perf_counter()
    ids = fill(open_store(), args.runs, args.epochs)
    fill_s = time.perf_counter() - t0
    port = free_port()
    app = start_app(home, port)
    try:
        figures = measure(f"http://127.0.0.1:{port}", ids)
    finally:
        stop_app(app, home)
    load = os.getloadavg()
    figures.update(runs=args.runs, epochs_per_run=args.epochs, fill_s=round(fill_s, 1),
                   load_average=[round(x, 2) for x in load])
    print(f"{args.runs} runs x {args.epochs} epochs in the store (filled in {fill_s:.1f} s); "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'page':<44}{'first visit s':>14}{'reload s':>10}{'warm s':>8}{'goal s':>8}")
    for key, label in [("home", "Home (a bare page: the baseline)"),
                       ("experiments", "Experiments (the table, newest run's curves)"),
                       ("overlay", "Experiments with 20 runs' curves overlaid"),
                       ("compare", "Compare page, 20 runs (4 charts; no goal)")]:
        goal = GOALS.get(f"{key}_warm_s")
        warm = figures.get(f"{key}_warm_s")
        print(f"{label:<44}{figures[key + '_first_s']:>14.2f}{figures[key + '_reload_s']:>10.2f}"
              f"{'' if warm is None else f'{warm:.2f}':>8}{'' if goal is None else f'{goal:.1f}':>8}")
    print("warm: opened from the sidebar within the session, as users move between pages; "
          "reload: the browser's reload button, which also restarts Streamlit's own page code "
          "(compare with Home's reload)")
    met = all(figures[k] <= v for k, v in GOALS.items())
    print(json.dumps({"bench": "experiments_table", "figures": figures,
                      "goals": {k: f"<= {v}" for k, v in GOALS.items()}, "met": met}))


if __name__ == "__main__":
    main()
