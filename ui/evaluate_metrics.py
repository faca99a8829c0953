"""The Evaluate page's scores: headline metrics beside the baseline, the diagnosis list, and the
Plots and Internals tabs.

Everything computed comes from core (evaluate, diagnose, plots); this module only caches, lays
out and words it.
"""
from __future__ import annotations

import streamlit as st

from core.errors import LayerLabError
from ui.resources import get_store
from ui.text import md

NO_LINEAR_BASELINE = "No straight-line comparison for this run: {error}"

CHART = {"displaylogo": False}
NO_PROBLEMS = ("No problems found. The learning curves, the layers' gradients and activations "
               "and the test scores all look healthy.")
NO_INTERNALS = "No per-layer measurements were recorded for this run."

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
        st.success(NO_PROBLEMS, icon=":material/check_circle:")
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
        st.info(NO_INTERNALS)
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


def linear_line(run) -> None:
    """The straight-line model beside the majority baseline, as one sentence."""
    from core.audit.evaluate import linear_baseline

    try:
        sentence = linear_baseline(get_store(), run)["sentence"]
    except (LayerLabError, ValueError) as exc:  # a dataset sklearn cannot fit: say so, go on
        st.caption(NO_LINEAR_BASELINE.format(error=exc))
        return
    st.markdown(f"**Against a straight line:** {md(sentence[0].upper() + sentence[1:])}")
