"""The Search page's form: which settings to search and over what range, the budget, the goal.

Ranges start from `core.search.default_space` (around the workspace's model and settings);
every range is checked by `core.search` itself, so a bad range shows the same message as the CLI.
"""
from __future__ import annotations

import streamlit as st

OBJECTIVES = {"val_loss": "lowest validation loss", "accuracy": "highest validation accuracy",
              "r2": "highest validation R²",
              "fair_accuracy": "highest accuracy with a fairness bound (demographic parity)"}
PRUNERS = {"median": "median pruner", "hyperband": "Hyperband"}
_TASK_OBJECTIVES = {"binary": ["val_loss", "accuracy", "fair_accuracy"],
                    "multiclass": ["val_loss", "accuracy"], "regression": ["val_loss", "r2"]}


def space_form(spec, cfg, n_train: int) -> list:
    """One row per searchable setting: a checkbox and its range; the chosen ParamRanges."""
    from core.search import ParamRange, default_space

    chosen = []
    for p in default_space(spec, cfg, n_train):
        on_col, range_col = st.columns([2, 3])
        on = on_col.checkbox(p.plain.capitalize(), value=p.name in ("lr", "batch_size", "optimizer")
                             or p.name.startswith("units"), key=f"search_on_{p.name}")
        if p.kind == "choice":
            picked = range_col.multiselect("choices", p.choices, default=p.choices,
                                           key=f"search_choices_{p.name}", disabled=not on,
                                           label_visibility="collapsed")
            p = ParamRange(name=p.name, kind="choice", choices=picked)
        else:
            lo_col, hi_col = range_col.columns(2)
            fmt = "%d" if p.kind == "int" else "%g"
            cast = int if p.kind == "int" else float
            low = lo_col.number_input("from", value=cast(p.low), format=fmt, disabled=not on,
                                      key=f"search_low_{p.name}")
            high = hi_col.number_input("to", value=cast(p.high), format=fmt, disabled=not on,
                                       key=f"search_high_{p.name}")
            p = p.model_copy(update={"low": float(low), "high": float(high)})
        if on:
            chosen.append(p)
    return chosen


def budget_form(task: str) -> dict:
    """Trials, minutes, epochs per trial and the objective, as make_study_def's keywords."""
    a, b, c = st.columns(3)
    trials = a.number_input("Trials", min_value=0, max_value=500, value=10, key="search_trials",
                            help="How many settings to try.")
    minutes = b.number_input("Time limit (minutes, 0 = none)", min_value=0.0, value=0.0,
                             key="search_minutes", help="No new trial starts after this.")
    epochs = c.number_input("Epochs per trial", min_value=1, max_value=10_000, value=20,
                            key="search_epochs", help="Bad trials stop earlier (pruned).")
    options = _TASK_OBJECTIVES.get(task, ["val_loss"])
    objective = st.selectbox("Optimise", options, format_func=OBJECTIVES.get, key="search_objective")
    pruner = st.radio("Stop bad trials early with", ["median", "hyperband"], horizontal=True,
                      key="search_pruner", format_func=PRUNERS.get,
                      help="Median: stop a trial doing worse than the median of earlier trials at "
                           "the same epoch. Hyperband: give many trials a few epochs, and only "
                           "the best of them more.")
    bound = 0.05
    if objective == "fair_accuracy":
        bound = st.number_input("Largest demographic-parity difference allowed", 0.0, 1.0, 0.05,
                                0.01, key="search_dp_bound")
    return dict(trials=(int(trials) or None) if minutes else int(trials), timeout_s=minutes * 60 or None, objective=objective,
                dp_bound=float(bound), epochs=int(epochs), pruner=pruner)
