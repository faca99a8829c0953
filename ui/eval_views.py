"""Render helpers of the Evaluate page: the run picker, headline metrics beside the baseline,
the diagnosis list, and the Plots / Internals / Decision boundary tabs.

Everything computed comes from core (evaluate, diagnose, boundary, plots); this module only
caches, lays out and words it. The checklist tools run as audit jobs in a worker; their
panels poll the store while a job runs.
"""
from __future__ import annotations

import streamlit as st

from core.audit.evaluate import checkpoint_stamp  # noqa: F401 (the page uses ev.checkpoint_stamp)
from core.errors import LayerLabError
from ui.resources import get_runner, get_store
from ui.run_views import LIVE_STATUSES, STATUS, audit_progress, pick_run  # noqa: F401 (pages use ev.pick_run)
from ui.text import md  # noqa: F401 (re-exported for the pages)

CHART = {"displaylogo": False}
BOUNDARY_POLL_S = 1.0  # a new checkpoint is written every few seconds at most; 1 s is plenty
BOUNDARY_RESOLUTION = 120

# name -> (label, how to show the number)
_LABELS = {
    "accuracy": ("Accuracy", "pct"), "balanced_accuracy": ("Balanced accuracy", "pct"),
    "precision_macro": ("Precision (macro)", "pct"), "recall_macro": ("Recall (macro)", "pct"),
    "f1_macro": ("F1 (macro)", "num"), "roc_auc": ("ROC-AUC", "num"), "log_loss": ("Log loss", "num"),
    "mae": ("MAE", "sig"), "rmse": ("RMSE", "sig"), "r2": ("R²", "num"),
    "baseline_accuracy": ("Baseline accuracy", "pct"), "baseline_mae": ("Baseline MAE", "sig"),
}


def fmt(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    how = _LABELS.get(name, (name, "num"))[1]
    return {"pct": f"{100 * value:.1f} %", "sig": f"{value:.4g}"}.get(how, f"{value:.3f}")


@st.cache_data(show_spinner="Scoring the test examples…", max_entries=64)
def evaluation(run_id: str, stamp: str):
    """The run's test-set evaluation (core keeps it with the run; this avoids even the read)."""
    from core.audit.evaluate import evaluate_run

    return evaluate_run(get_store(), run_id)


@st.cache_data(show_spinner=False, max_entries=64)
def findings(run_id: str, stamp: str, status: str, n_epochs: int):
    """The diagnosis; recomputed when the weights, the status or the number of epochs change."""
    from core.audit.diagnose import diagnose_run

    return diagnose_run(get_store(), run_id, evaluation(run_id, stamp))


def target_name(run) -> str:
    """The target column's name (a ref may leave it to the dataset's default)."""
    from core.data import prepared

    try:
        return prepared(run.dataset)[0].target
    except LayerLabError:
        return "target"


def headline(ev) -> None:
    """The metrics, each with its meaning, and the baseline right beside the main one."""
    main = ev.metrics[0]  # accuracy (classification) or MAE (regression)
    lower_better = main.name == "mae"
    left, right = st.columns(2)
    with left.container(border=True):
        delta = (main.value - ev.baseline.value) if None not in (main.value, ev.baseline.value) else None
        unit = 100 if main.name == "accuracy" else 1
        st.metric(_LABELS[main.name][0], fmt(main.name, main.value),
                  delta=None if delta is None else f"{delta * unit:+.3g}{' points' if unit == 100 else ''} vs. baseline",
                  delta_color="inverse" if lower_better else "normal", help=main.meaning)
        st.caption(md(main.meaning))
    with right.container(border=True):
        st.metric(_LABELS[ev.baseline.name][0] + " (a model that ignores the inputs)",
                  fmt(ev.baseline.name, ev.baseline.value), help="The number to beat.")
        st.caption(md(ev.baseline.meaning))
    rest = ev.metrics[1:]
    for start in range(0, len(rest), 3):
        for col, m in zip(st.columns(3), rest[start:start + 3]):
            with col:
                st.metric(_LABELS.get(m.name, (m.name,))[0], fmt(m.name, m.value), help=m.meaning)
                st.caption(md(m.meaning))


def diagnosis(found: list) -> None:
    """Problems first (core sorts them); each with its evidence and what to try next."""
    if not found:
        st.success("No problems found. The learning curves, the layers' gradients and activations "
                   "and the test scores all look healthy.", icon=":material/check_circle:")
        return
    for f in found:
        box = st.error if f.severity == "problem" else st.warning
        icon = ":material/error:" if f.severity == "problem" else ":material/warning:"
        box(f"**{md(f.title)}**  \n{md(f.evidence)}  \n**What to try:** {md(f.advice)}", icon=icon)


def plots_tab(ev, target: str) -> None:
    from core.plots import evaluate as pe

    if ev.task == "regression":
        left, right = st.columns(2)
        left.plotly_chart(pe.predicted_vs_actual(ev.curves["pred_vs_actual"], target), config=CHART)
        left.caption("Each dot is a test example: where the model put it against its true value. "
                     "The closer the dots hug the dashed line, the better.")
        right.plotly_chart(pe.residuals(ev.curves["residuals"], target), config=CHART)
        right.caption("How far off each prediction is. A pattern (a curve, a funnel) means the "
                      "model misses something systematic.")
        return
    left, right = st.columns(2)
    with left:
        shares = st.toggle("Show shares of each true class", key="cm_shares",
                           help="Off: number of test examples. On: each row adds up to 100 %.")
        st.plotly_chart(pe.confusion_matrix(ev.confusion, ev.classes, normalise=shares), config=CHART)
        st.caption("Each row is the true class, each column what the model answered: the diagonal "
                   "holds the right answers, everything else is a mistake.")
    with right:
        st.plotly_chart(pe.roc_curves(ev.curves["roc"], ev.value("roc_auc")), config=CHART)
        st.caption("How many true cases the model finds (up) for how many false alarms (right), "
                   "as its threshold moves. The dashed diagonal is guessing; the area under the "
                   "curve is 1 for a perfect model.")
    left, right = st.columns(2)
    left.plotly_chart(pe.pr_curves(ev.curves["pr"]), config=CHART)
    left.caption("Of the examples the model flags, how many are right (up), as it finds more of "
                 "them (right). Useful when one class is rare.")
    right.plotly_chart(pe.calibration_curves(ev.curves["calibration"]), config=CHART)
    right.caption("Whether the model's probabilities can be taken at their word: on the dashed "
                  "line, answers given with 70 % confidence are right 70 % of the time.")
    st.markdown("**Per class** (support = number of test examples of that class)")
    st.dataframe(ev.per_class, hide_index=True, column_config={
        c: st.column_config.NumberColumn(format="%.3f") for c in ("precision", "recall", "f1")})


def internals_tab(run_id: str) -> None:
    from core.plots import evaluate as pe

    stats = get_store().internals(run_id)
    if not stats:
        st.info("No per-layer measurements were recorded for this run.")
        return
    st.caption("Measured at the end of every epoch on one fixed batch of validation examples, "
               "as TensorBoard shows them. Layers are listed from input to output.")
    charts = [pe.layer_chart(stats, "grad_norm"), pe.layer_chart(stats, "weight_norm"),
              pe.activation_bands(stats), pe.layer_chart(stats, "dead_fraction")]
    notes = [pe.INTERNAL_FIELDS["grad_norm"][3], pe.INTERNAL_FIELDS["weight_norm"][3],
             "How strongly each layer's outputs respond. A band that shrinks to a flat line "
             "means the layer has stopped passing information on.", pe.INTERNAL_FIELDS["dead_fraction"][3]]
    for row in (0, 2):
        for col, fig, note in zip(st.columns(2), charts[row:row + 2], notes[row:row + 2]):
            col.plotly_chart(fig, config=CHART)
            col.caption(note)


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
        st.caption("Updating live from the latest saved weights while the run trains.")
    try:
        grid = _grid(run_id, checkpoint_stamp(run), BOUNDARY_RESOLUTION)
    except LayerLabError as exc:
        st.warning(str(exc))
        return
    st.plotly_chart(decision_boundary(grid), config=CHART, key=f"boundary-{run_id}")


# --- checklist tools ------------------------------------------------------------------------

CHECK_POLL_S = 0.5
CHECKS = {  # kind -> (title, what it does and why, button label)
    "overfit_check": (
        "Can it overfit a tiny batch?",
        "Trains a fresh copy of this model on just 32 examples for a few hundred steps. A model "
        "and training setup that work can learn 32 examples by heart (loss near zero); if it "
        "cannot, something is broken before any tuning helps.", "Run the tiny-batch check"),
    "lr_finder": (
        "Find a good learning rate",
        "Trains briefly while the learning rate grows step by step, and watches the loss "
        "(Smith's learning-rate range test). A good rate is where the loss falls fastest, well "
        "before it shoots up.", "Run the learning-rate test"),
}


def checklist_tab(run_id: str) -> None:
    from core.audit._jobs import audit_state

    st.caption("Two checks from the debugging checklist. Each runs in the background; you can "
               "keep using the page, and the result is kept with the run.")
    for col, (kind, (title, what, label)) in zip(st.columns(2), CHECKS.items()):
        with col.container(border=True):
            st.markdown(f"**{title}**")
            st.caption(what)
            rec = audit_state(get_store(), get_runner(), run_id, kind) or {}
            active = rec.get("state") in ("queued", "running")
            st.button(label if not rec else "Run it again", key=f"check-{kind}", disabled=active,
                      on_click=_start_check, args=(run_id, kind), icon=":material/play_arrow:")
            if err := st.session_state.get(f"check-error-{kind}"):
                st.error(err)
            st.fragment(_check_panel, run_every=CHECK_POLL_S if active else None)(run_id, kind, active)


def _start_check(run_id: str, kind: str) -> None:
    from core.audit.checklist import submit_check

    try:
        submit_check(get_store(), get_runner(), run_id, kind)
        st.session_state.pop(f"check-error-{kind}", None)
    except LayerLabError as exc:
        st.session_state[f"check-error-{kind}"] = str(exc)


def _check_panel(run_id: str, kind: str, was_active: bool) -> None:
    from core.audit._jobs import audit_state

    rec = audit_state(get_store(), get_runner(), run_id, kind)
    state = (rec or {}).get("state")
    if was_active and state not in ("queued", "running"):
        st.rerun()  # finished: one full rerun shows the result and stops the polling
    if audit_progress(rec, "The check did not finish.") == "done":
        if kind == "overfit_check":
            _overfit_result(rec["result"])
        else:
            _lr_result(run_id, rec["result"])


def _overfit_result(result: dict) -> None:
    from core.plots.evaluate import tiny_batch_curve

    st.plotly_chart(tiny_batch_curve(result.get("losses") or []), config=CHART)
    (st.success if result.get("passed") else st.warning)(md(result.get("verdict", "")))


def _lr_result(run_id: str, result: dict) -> None:
    from core.plots.evaluate import lr_finder_curve

    lr = result.get("suggested_lr")
    st.plotly_chart(lr_finder_curve(result.get("lrs") or [], result.get("losses") or [], lr), config=CHART)
    if result.get("explanation"):
        st.info(md(result["explanation"]))
    if lr:
        if st.button(f"Use this learning rate ({lr:.2g})", key="use-lr", type="primary",
                     help="Puts it into the training settings of the Train page for your next run."):
            from core.audit.checklist import apply_suggested_lr

            try:  # by run id: without earlier Train-page choices it starts from this run's settings
                used = apply_suggested_lr(run_id, store=get_store())
            except LayerLabError as exc:
                st.error(str(exc))
            else:
                st.success(f"The learning rate {used:.2g} is now set on the Train page for your next run.")


# --- compare ---------------------------------------------------------------------------------

_BEST, _WORSE = "background-color: #d8f0d8; font-weight: 600", "background-color: #fde2cf"


def run_label(run) -> str:
    return f"{run.id} · {run.name}"


def compare_table(comparison: dict):
    """The metric table as a styled frame: one row per metric, one column per run.

    Each value after the first run's carries its difference from it; the best value of a row
    is green, values worse than the first run's are orange, so differences stand out.
    """
    import pandas as pd

    names = [f"{s['id']} · {s['name']}" for s in comparison["runs"]]
    shown, styles = [], []
    for row in comparison["table"]:
        cells, marks = [], []
        for i, (v, d) in enumerate(zip(row["values"], row["diff_vs_first"])):
            text = "–" if v is None else _compare_value(row["key"], v)
            if i and d:
                text += f" ({'+' if d > 0 else '−'}{_compare_value(row['key'], abs(d))})"
            cells.append(text)
            lower = row["lower_is_better"]
            worse = (i and d and lower is not None and (d > 0 if lower else d < 0))
            marks.append(_BEST if row["best"] == i else _WORSE if worse else "")
        shown.append(cells)
        styles.append(marks)
    index = [r["label"] + ("" if r["lower_is_better"] is None else
                           " (lower is better)" if r["lower_is_better"] else " (higher is better)")
             for r in comparison["table"]]
    frame = pd.DataFrame(shown, index=index, columns=names)
    style = pd.DataFrame(styles, index=index, columns=names)
    return frame.style.apply(lambda _: style, axis=None)


def _compare_value(key: str, v: float) -> str:
    if key == "epochs":
        return f"{v:.0f}"
    if key == "duration_s":
        return f"{v:.1f}"
    return f"{v:.4g}"


def changes(comparison: dict) -> None:
    """What changed from the first run to each other one, in plain words."""
    by_id = {s["id"]: s for s in comparison["runs"]}
    ref = comparison["reference"]
    for run_id, lines in comparison["changes"].items():
        st.markdown(f"**{md(ref)} → {md(run_id)}** ({md(by_id[run_id]['name'])})")
        if not lines:
            st.caption("Nothing in the data, the model or the training settings differs.")
        for line in lines:
            st.markdown(f"- {md(line)}")


def linear_line(run) -> None:
    """Issue 12: the straight-line model beside the majority baseline, as one sentence."""
    from core.audit.evaluate import linear_baseline

    try:
        sentence = linear_baseline(get_store(), run)["sentence"]
    except (LayerLabError, ValueError) as exc:  # a dataset sklearn cannot fit: say so, go on
        st.caption(f"No straight-line comparison for this run: {exc}")
        return
    st.markdown(f"**Against a straight line:** {md(sentence[0].upper() + sentence[1:])}")
