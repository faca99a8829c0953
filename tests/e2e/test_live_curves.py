"""Live curves grow by appending: new points reach the open chart without a redraw, the
user's zoom survives them, and when the run ends the chart holds every stored epoch.

The test plays the worker (like bench/live_latency.py): it writes epoch rows of a "running"
run into the real store while the real app shows it in chromium.
"""
from core.runs import EpochRow, open_store
from tests.e2e.conftest import wait_for_app

FRAME_PLOTS = "() => [...document.querySelectorAll('.js-plotly-plot')]"
LOSS_LEN_JS = f"() => ({FRAME_PLOTS})()[0].data.find(d => d.name === 'training loss').x.length"


def _fake_running_run(store) -> str:
    run_id = store.create_run(name="live test", dataset={"source": "builtin", "name": "moons"},
                              dataset_hash="test", spec={"name": "t", "layers": []},
                              config={"optimizer": "adam", "lr": 1e-3, "batch_size": 64,
                                      "epochs": 20}, task="binary")
    store.set_status(run_id, "running")
    store.claim(run_id)  # this process plays the worker: the reaper sees it alive
    store.update_run(run_id, metric_name="accuracy")
    store.set_progress(run_id, epoch=0, total_epochs=20, step=0, steps_per_epoch=10, eta_s=None)
    _write(store, run_id, 0)
    return run_id


def _write(store, run_id: str, epoch: int) -> None:
    store.add_epoch(run_id, EpochRow(epoch=epoch, train_loss=1 / (1 + epoch),
                                     val_loss=1.1 / (1 + epoch), train_metric=0.5 + epoch / 50,
                                     val_metric=0.5, lr=1e-3, elapsed_s=float(epoch)))


def _chart_frame(page):
    page.wait_for_function("() => (window.__layerlab_drawn || []).some(d => d.epoch === 0)",
                           timeout=180_000)  # a busy shared machine loads plotly.js slowly
    return next(f for f in page.frames if "layerlab_live_chart" in f.url)


def _wait_drawn(page, epoch: int) -> None:
    page.wait_for_function(f"() => window.__layerlab_drawn.some(d => d.epoch === {epoch})",
                           timeout=60_000)


def test_points_are_appended_and_zoom_survives(app_url, page):
    store = open_store()
    run_id = _fake_running_run(store)
    page.goto(f"{app_url}/train?run={run_id}", timeout=120_000)
    frame = _chart_frame(page)
    frame.evaluate(f"() => {{ ({FRAME_PLOTS})()[0].__original = true; }}")

    for epoch in (1, 2):
        _write(store, run_id, epoch)
        _wait_drawn(page, epoch)
    drawn = page.evaluate("() => window.__layerlab_drawn.map(d => d.epoch)")
    assert drawn == [0, 1, 2]  # each epoch drawn once, in order
    assert frame.evaluate(LOSS_LEN_JS) == 3
    # Appended, not redrawn: the plot element is the one drawn when the page opened.
    assert frame.evaluate(f"() => ({FRAME_PLOTS})()[0].__original === true")

    frame.evaluate(f"() => Plotly.relayout(({FRAME_PLOTS})()[0], {{'xaxis.range': [0.5, 1.5]}})")
    _write(store, run_id, 3)
    _wait_drawn(page, 3)
    assert frame.evaluate(f"() => ({FRAME_PLOTS})()[0].layout.xaxis.range") == [0.5, 1.5]
    assert frame.evaluate(LOSS_LEN_JS) == 4

    # A burst faster than the browser acknowledges (it does so at most every 2 s): the server
    # re-sends every point after the last acknowledged one; each is drawn exactly once.
    for epoch in range(4, 9):
        _write(store, run_id, epoch)
    _wait_drawn(page, 8)
    assert page.evaluate("() => window.__layerlab_drawn.map(d => d.epoch)") == list(range(9))
    assert frame.evaluate(LOSS_LEN_JS) == 9

    _write(store, run_id, 9)
    store.set_status(run_id, "stopped")  # ended: the final figure is drawn once, in full
    page.get_by_text("Stopped", exact=True).first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => { const f = [...document.querySelectorAll('iframe')].find(i => "
        "i.src.includes('layerlab_live_chart')); const p = f && f.contentDocument"
        ".querySelector('.js-plotly-plot'); return p && !p.__original && p.data.find("
        "d => d.name === 'training loss').x.length === 10; }", timeout=60_000)
    assert len(store.epochs(run_id)) == 10


def test_points_come_from_the_live_route_without_rerunning_the_page(app_url, page):
    """While a run trains, the chart frame fetches new points from LayerLab's route and the
    page does not rerun (no Streamlit messages reach the browser); the page reruns once when
    the run's state changes (here: it starts), and the progress line follows the epochs."""
    store = open_store()
    run_id = _fake_running_run(store)
    store.set_status(run_id, "queued")
    frames_in, feed_calls = [], []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames_in.append(f)))
    page.on("request", lambda r: "/layerlab/live?" in r.url and feed_calls.append(r.url))
    page.goto(f"{app_url}/train?run={run_id}", timeout=120_000)
    frame = _chart_frame(page)
    page.get_by_text("Waiting", exact=True).first.wait_for(timeout=30_000)
    store.set_status(run_id, "running")  # a state change: the page reruns and says so
    page.get_by_text("Training", exact=True).first.wait_for(timeout=30_000)
    wait_for_app(page)  # the rerun has finished and its messages have arrived
    page.wait_for_timeout(1000)
    before = len(frames_in)
    for epoch in (1, 2, 3):
        store.set_progress(run_id, epoch=epoch, total_epochs=20, step=epoch * 10,
                           steps_per_epoch=10, eta_s=None)
        _write(store, run_id, epoch)
        _wait_drawn(page, epoch)
    assert len(frames_in) == before  # nothing came through Streamlit's connection
    assert len(feed_calls) >= 3 and all(f"run={run_id}" in u and "sig=" in u for u in feed_calls)
    frame.get_by_text("Epoch 3 / 20", exact=False).wait_for(timeout=10_000)
    assert frame.evaluate("() => document.querySelector('#progress')"
                          ".getAttribute('aria-valuenow')") == "15"

    # Out of sight, a chart is not redrawn: its points wait until it is scrolled into view.
    page.set_viewport_size({"width": 1400, "height": 300})
    page.mouse.wheel(0, -10_000)
    page.wait_for_function("() => window.scrollY === 0 && ![...document.querySelectorAll('iframe')]"
                           ".some(i => i.src.includes('layerlab_live_chart') && "
                           "i.getBoundingClientRect().top < window.innerHeight)", timeout=10_000)
    store.set_progress(run_id, epoch=4, total_epochs=20, step=40, steps_per_epoch=10, eta_s=None)
    _write(store, run_id, 4)
    frame.get_by_text("Epoch 4 / 20", exact=False).wait_for(timeout=10_000)  # fetched
    page.wait_for_timeout(1000)
    assert frame.evaluate(LOSS_LEN_JS) == 4  # epochs 0-3: the new point waits
    frame.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    _wait_drawn(page, 4)
    assert frame.evaluate(LOSS_LEN_JS) == 5
    store.set_status(run_id, "stopped")


def test_the_live_route_refuses_a_forged_link(app_url, page):
    """The route answers only URLs this server signed: an edited one gets 403 and a message."""
    store = open_store()
    run_id = _fake_running_run(store)
    page.goto(f"{app_url}/train?run={run_id}", timeout=120_000)
    _chart_frame(page)
    response = page.request.get(f"{app_url}/layerlab/live?run={run_id}&user=&exp=9999999999&sig=00")
    store.set_status(run_id, "stopped")  # this process played its worker: end it, not the server
    assert response.status == 403
    assert "not valid" in response.json()["error"]
