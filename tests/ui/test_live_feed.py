"""The live route (ui/live_feed.py): only links this server signed are answered, a run is read
as the user the link was signed for, and only the points after the browser's last are sent."""
from __future__ import annotations

import json
import math
from urllib.parse import urlencode, urlsplit, parse_qsl

import pytest
from starlette.requests import Request

from core.runs import EpochRow, open_store
from core.runs.access import PRIVATE_RUN
from ui import live_feed
from ui.run_views import progress


@pytest.fixture
def mounted(monkeypatch):
    monkeypatch.setattr(live_feed, "_mounted_at", None)  # restored after the test
    routes = live_feed.routes()
    assert live_feed.mounted() and [r.path for r in routes] == [live_feed.PATH]
    return routes[0]


def _run(store, epochs: int, *, owner=None, private=False, nan_at=None) -> str:
    run_id = store.create_run(name="feed", dataset={"name": "moons"}, dataset_hash="h",
                              spec={"layers": []}, config={"epochs": 10}, task="binary",
                              owner=owner, private=private)
    store.set_status(run_id, "running")
    store.update_run(run_id, metric_name="accuracy")
    store.set_progress(run_id, epoch=epochs - 1, total_epochs=10, step=0, steps_per_epoch=0,
                       eta_s=None)
    for e in range(epochs):
        loss = math.nan if e == nan_at else 1 / (1 + e)
        store.add_epoch(run_id, EpochRow(epoch=e, train_loss=loss, val_loss=loss, train_metric=0.5,
                                         val_metric=0.5, lr=1e-3, elapsed_s=float(e)))
    return run_id


def _get(url: str, **position) -> tuple[int, dict, bytes]:
    path, query = url.split("?", 1)
    query += "&" + urlencode(position) if position else ""
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(),
             "headers": []}
    response = live_feed._points(Request(scope))
    return response.status_code, json.loads(response.body), response.body


def test_a_signed_link_gets_only_the_new_points(mounted):
    store = open_store()
    run_id = _run(store, 5)
    status, body, _ = _get(live_feed.feed_url(run_id, None), epoch=2, step=-1)
    assert status == 200
    loss = next(t for t in body["updates"][0]["data"] if t["name"] == "training loss")
    assert loss["x"] == [3, 4] and loss["y"] == [1 / 4, 1 / 5]
    assert body["upto"] == {"epoch": 4, "step": -1}
    assert body["key"] == "running/0"
    fraction, text = progress(store.get_run(run_id))
    assert body["progress"] == {"fraction": fraction, "text": text}
    # Nothing new: no traces, the same position.
    _, body, _ = _get(live_feed.feed_url(run_id, None), epoch=4, step=-1)
    assert body["updates"] == [] and body["upto"]["epoch"] == 4
    store.request_stop(run_id)
    assert _get(live_feed.feed_url(run_id, None), epoch=4, step=-1)[1]["key"] == "running/1"


def test_forged_expired_and_malformed_links_are_refused(mounted):
    store = open_store()
    run_id = _run(store, 2)
    url = live_feed.feed_url(run_id, None)
    query = dict(parse_qsl(urlsplit(url).query))
    other = {**query, "run": _run(store, 1)}  # the signature of one run on another
    assert _get(f"{live_feed.PATH}?{urlencode(other)}")[:2] == (403, {"error": live_feed.FORGED})
    old = live_feed.feed_url(run_id, None, now=0)  # expired long ago
    assert _get(old)[:2] == (403, {"error": live_feed.EXPIRED})
    assert live_feed.check({**query, "exp": "soon"}) == live_feed.FORGED
    assert _get(url, epoch="three", step=-1)[:2] == (400, {"error": live_feed.BAD_POSITION})


def test_a_private_run_is_read_as_the_user_the_link_names(mounted):
    store = open_store()
    run_id = _run(store, 2, owner="anon-alice", private=True)
    assert _get(live_feed.feed_url(run_id, "anon-alice"))[0] == 200
    status, body, _ = _get(live_feed.feed_url(run_id, "anon-bob"))
    assert (status, body) == (404, {"error": PRIVATE_RUN.format(run_id=run_id)})


def test_a_diverged_loss_travels_as_a_gap_not_as_invalid_json(mounted):
    store = open_store()
    run_id = _run(store, 3, nan_at=2)
    status, body, raw = _get(live_feed.feed_url(run_id, None), epoch=0, step=-1)
    assert status == 200 and b"NaN" not in raw
    loss = next(t for t in body["updates"][0]["data"] if t["name"] == "training loss")
    assert loss["y"] == [0.5, None]


def test_without_serve_py_nothing_is_mounted_and_no_link_is_made(monkeypatch):
    monkeypatch.setattr(live_feed, "_mounted_at", None)
    assert not live_feed.mounted()
    with pytest.raises(RuntimeError, match="serve.py"):
        live_feed.feed_url("r1", None)
