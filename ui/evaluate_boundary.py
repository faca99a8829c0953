"""The Evaluate page's Decision boundary tab: what the model answers over the plane of a
two-feature dataset, redrawn from each new checkpoint while the run trains."""
from __future__ import annotations

import streamlit as st

from core.trained import checkpoint_stamp
from core.errors import LayerLabError
from ui.evaluate_metrics import CHART
from ui.resources import get_store
from ui.run_views import LIVE_STATUSES

BOUNDARY_POLL_S = 1.0  # a new checkpoint is written every few seconds at most; 1 s is plenty
BOUNDARY_RESOLUTION = 120
LIVE_NOTE = "Updating live from the latest saved weights while the run trains."


@st.cache_data(show_spinner=False, max_entries=32)
def _grid(run_id: str, stamp: str, resolution: int) -> dict:
    from core.audit.boundary import run_decision_grid

    return run_decision_grid(get_store(), run_id, resolution)


def boundary_tab(run_id: str, live: bool) -> None:
    """The decision boundary; while the run trains it redraws from each new checkpoint."""
    st.caption("Background colour: what the model answers at each point of the plane. Dots: the "
               "training examples, coloured by their true class. Where dots sit on their own "
               "colour, the model gets them right.")
    st.fragment(_boundary_panel, run_every=BOUNDARY_POLL_S if live else None)(run_id, live)


def _boundary_panel(run_id: str, was_live: bool) -> None:
    from core.plots.evaluate import decision_boundary

    run = get_store().get_run(run_id)
    if was_live and run.status not in LIVE_STATUSES:
        st.rerun()  # training ended: one full rerun draws the final state without polling
    if run.status in LIVE_STATUSES:
        st.caption(LIVE_NOTE)
    try:
        grid = _grid(run_id, checkpoint_stamp(run), BOUNDARY_RESOLUTION)
    except LayerLabError as exc:
        st.warning(str(exc))
        return
    st.plotly_chart(decision_boundary(grid), config=CHART, key=f"boundary-{run_id}")
