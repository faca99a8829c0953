"""Search trials on the Experiments page: a "Study" column and a filter by study."""
from __future__ import annotations

import streamlit as st

ALL_RUNS = "All runs"


def study_filter(store, runs: list) -> tuple[list, dict]:
    """(the runs the user chose to see, run id → "search-0001 · trial 3 · pruned at epoch 4")."""
    from core.search import trial_labels

    links = trial_labels(store, runs)
    studies = sorted({s for s, _ in links.values()}, reverse=True)
    if not studies:
        return runs, {}
    pick = st.selectbox("Show", [ALL_RUNS, *studies], key="experiments_study",
                        help="Pick a search to list only its trials (each trial is a run).")
    if pick != ALL_RUNS:
        runs = [r for r in runs if links.get(r.id, ("",))[0] == pick]
    return runs, {rid: f"{s} · {label}" for rid, (s, label) in links.items()}
