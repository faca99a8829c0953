"""The Evaluate page's Decision boundary tab: what the model answers over the plane of a
two-feature dataset, updated from each new checkpoint while the run trains.

The figure is drawn in full once when the tab opens and once when the run ends; in between,
each new checkpoint sends only the heatmap's values (and the title naming its epoch), which
the browser swaps into the chart it has (`ui.live_chart`, `replace`), so zoom and hover
survive and an unchanged checkpoint sends nothing at all.
"""
from __future__ import annotations

import json

import streamlit as st

from core.errors import LayerLabError
from core.trained import checkpoint_stamp
from ui.live_chart import live_chart
from ui.resources import get_store
from ui.run_views import LIVE_STATUSES

BOUNDARY_POLL_S = 1.0  # a new checkpoint is written every few seconds at most; 1 s is plenty
BOUNDARY_RESOLUTION = 120
LIVE_NOTE = "Updating live from the latest saved weights while the run trains."


@st.cache_data(show_spinner=False, max_entries=32)
def _figure(run_id: str, stamp: str, resolution: int) -> dict:
    """The boundary figure of one checkpoint, as a plotly dict (built once per checkpoint)."""
    from core.audit.boundary import run_decision_grid
    from core.plots.evaluate import decision_boundary

    grid = run_decision_grid(get_store(), run_id, resolution)
    return json.loads(decision_boundary(grid).to_json())


def boundary_tab(run_id: str, live: bool) -> None:
    """The decision boundary; while the run trains it follows each new checkpoint."""
    st.caption("Background colour: what the model answers at each point of the plane. Dots: the "
               "training examples, coloured by their true class. Where dots sit on their own "
               "colour, the model gets them right.")
    st.fragment(_boundary_panel, run_every=BOUNDARY_POLL_S if live else None)(run_id, live)


def _new_values(fig: dict, stamp: str) -> dict:
    """What changes from one checkpoint to the next: the heatmap (trace 0) and the title."""
    heat = fig["data"][0]
    data = {prop: [heat[prop]] for prop in ("z", "customdata") if prop in heat}
    title = (fig["layout"].get("title") or {}).get("text", "")
    return {"stamp": stamp, "charts": [{"data": data, "traces": [0], "layout": {"title.text": title}}]}


def _boundary_panel(run_id: str, was_live: bool) -> None:
    run = get_store().get_run(run_id)
    if was_live and run.status not in LIVE_STATUSES:
        st.rerun()  # training ended: one full rerun draws the final state without polling
    live = run.status in LIVE_STATUSES
    if live:
        st.caption(LIVE_NOTE)
    stamp = checkpoint_stamp(run)
    try:
        fig = _figure(run_id, stamp, BOUNDARY_RESOLUTION)
    except LayerLabError as exc:
        st.warning(str(exc))
        return
    key = f"boundary-{run_id}"
    version = f"{run_id}/{'live' if live else run.status}"
    drawn = (st.session_state.get(key) or {}).get("version") == version
    live_chart(run=run_id, version=version, figs=None if drawn else [fig],
               replace=_new_values(fig, stamp), key=key)
