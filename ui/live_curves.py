"""The Train page's curves: drawn in full once, then grown by appending only the new points.

Each poll asks the store one question, "anything after the epoch (and step) the browser has
acknowledged?" (`RunStore.epochs_after` / `steps_after`, an index probe when nothing is new),
and sends only those points to `ui.live_chart`, which appends them with plotly's
`extendTraces`. The full figures (the same pure functions of `core.plots` the report uses)
are sent when the browser has not drawn this version yet: when the page opens a run and once
more when the run ends (the version then changes from "live" to the final status).

The browser acknowledges what it has drawn at most every couple of seconds (each
acknowledgement reruns this panel once), so until the next one every tick re-sends the points
after the last acknowledged epoch; the browser skips those it already has. A tick whose
message the browser never renders (Streamlit only delivers a component's latest arguments)
therefore loses nothing.
"""
from __future__ import annotations

import json
from typing import Any

import streamlit as st

from ui.live_chart import live_chart
from ui.text import md

NO_POINTS_YET = "The first point appears when the loss before training has been measured."
NO_POINTS = "No points were recorded for this run."


def _metric_for(task: str) -> str:
    return "r2" if task == "regression" else "accuracy"


def _figures(run: Any, epochs: list, steps: list) -> list[dict | None]:
    """Loss (with the step-loss cloud), the task metric and, with a sensitive column, the
    live fairness gap, as plotly figure dicts (None when a chart has nothing to show)."""
    from core.plots.fairness import live_gap_chart
    from core.plots.training import loss_curves, metric_curve

    figs = (loss_curves(epochs, steps, steps_per_epoch=run.steps_per_epoch),
            metric_curve(epochs, run.metric_name or _metric_for(run.task)),
            live_gap_chart(epochs))
    return [_plain(f) if f is not None else None for f in figs]


def _plain(fig: Any) -> dict:
    """A figure as JSON-ready dicts with plain lists (NaN as None): the chart frame reads the
    points (to know what it has drawn), which plotly's binary arrays ({dtype, bdata}) hide."""
    import base64

    import numpy as np

    def walk(value: Any) -> Any:
        if isinstance(value, dict) and "bdata" in value and "dtype" in value:
            value = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if isinstance(value, np.ndarray):
            return [None if isinstance(v, float) and v != v else v for v in value.tolist()]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(json.loads(fig.to_json()))


def new_points(run: Any, epochs: list, steps: list) -> list[dict | None]:
    """The same three charts' traces holding only the new points, as plain dicts: a live tick
    builds no plotly figure (building and serialising three took most of a tick's time)."""
    from core.plots.fairness import live_gap_traces
    from core.plots.training import loss_traces, metric_traces

    traces = (loss_traces(epochs, steps, steps_per_epoch=run.steps_per_epoch),
              metric_traces(epochs, run.metric_name or _metric_for(run.task)),
              live_gap_traces(epochs))
    return [{"data": t} if t else None for t in traces]


def points_after(store: Any, run: Any, epoch: int, step: int, live: bool) -> tuple[list, dict]:
    """The traces of the points after (`epoch`, `step`) and the new position: what a live tick
    sends, whether the page reruns (fallback) or the chart frame asks (ui/live_feed.py)."""
    epochs = store.epochs_after(run.id, epoch)
    steps = store.steps_after(run.id, step) if live else []
    updates = new_points(run, epochs, steps) if (epochs or steps) else []
    return updates, {"epoch": max([epoch, *(e.epoch for e in epochs)]),
                     "step": max([step, *(s for s, _ in steps)])}


def live_curves(store: Any, run: Any, live: bool, feed: dict | None = None) -> None:
    """Draw the run's curves; while `live`, send the browser only what it has not drawn.

    With `feed` ({"url", "key", "progress"}, see ui/live_feed.py) the chart frame fetches new
    points itself and shows the progress line; this panel reruns only when `key` changes."""
    key = f"curves-{run.id}"
    ack = st.session_state.get(key) or {}
    version = f"{run.id}/{'live' if live else run.status}"
    if ack.get("version") != version:  # first draw of this run (or of its final state)
        epochs, steps = store.epochs(run.id), store.steps(run.id)
        figs, updates = _figures(run, epochs, steps), []
        upto = {"epoch": max((e.epoch for e in epochs), default=-1),
                "step": max((s for s, _ in steps), default=-1)}
    else:
        figs = None
        updates, upto = points_after(store, run, ack["epoch"], ack["step"], live)
    _captions(run, live, upto["epoch"], counted=feed is None)
    if upto["epoch"] < 0 and not live:
        return
    live_chart(run=run.id, version=version, figs=figs, updates=updates, upto=upto, feed=feed,
               key=key)


def _captions(run: Any, live: bool, trained: int, *, counted: bool) -> None:
    """What the charts show, in words. With the live feed the count of epochs would go stale
    between reruns, so the frame's progress line ("Epoch 3 / 10") says it instead."""
    if trained < 0 and (counted or not live):
        st.caption(NO_POINTS_YET if live else NO_POINTS)
    else:
        count = f"{trained} epoch{'s' if trained != 1 else ''} recorded. " if counted else ""
        st.caption(f"{count}Training loss is measured on the data the model learns from; "
                   "validation loss on data it never learns from. When validation loss rises "
                   "while training loss falls, the model is overfitting.")
    if run.dataset.get("sensitive") and run.task == "binary":
        sens = md(" and ".join(run.dataset.get("sensitive") or []))  # column names are user text
        st.caption(f"Below the curves: how differently the model treats the groups of {sens} on "
                   "the validation data, epoch by epoch: the gap in how often each group gets the "
                   "positive answer (demographic parity) and in error rates (equalized odds). "
                   "0 means no gap.")
