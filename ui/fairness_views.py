"""Render helpers of the Fairness page: summary, group table and charts, threshold explorer,
mitigation panel. They only read the store and call core.audit.fairness; no metric lives here."""
from __future__ import annotations

import streamlit as st

from core.audit.records import AuditKind, JobRecord
from core.errors import LayerLabError
from ui.job_panel import job_panel
from ui.resources import get_runner, get_store

POLL_S = 0.5
INTERVALS_POLL_S = 1.0
INTERVALS_RUNNING = ("Computing 95 % confidence intervals in the background "
                     "(50 bootstrap resamples of the test split)…")
INTERVALS_FAILED = "The confidence intervals could not be computed: {error}"
MITIGATION_FAILED = "The mitigation failed."
_LABELS = {"selection_rate": "Selection rate", "accuracy": "Accuracy",
           "true_positive_rate": "True-positive rate", "false_positive_rate": "False-positive rate",
           "precision": "Precision", "false_negative_rate": "False-negative rate", "mae": "MAE",
           "mean_prediction": "Mean prediction", "count": "Count"}


def _ci(row: dict, m: str) -> str:
    v = row.get(m)
    if v is None:
        return "–"
    ci = row.get(f"{m}_ci")
    return f"{v:.3f} ({ci[0]:.2f}–{ci[1]:.2f})" if ci and None not in ci else f"{v:.3f}"


def intervals_status(run_id: str, sensitive: str | None) -> None:
    """Start (once) and follow the job that adds bootstrap confidence intervals to the report."""
    from core.audit.fairness.jobs import intervals_kind
    from core.audit.progress import audit_state, submit_audit

    kind = intervals_kind(sensitive)
    store, runner = get_store(), get_runner()
    if audit_state(store, runner, run_id, kind) is None:
        submit_audit(store, runner, run_id, "fairness_intervals",
                     {"sensitive": sensitive, "n_boot": 50}, kind=kind)
    job_panel(store, runner, run_id, kind, failed_text="", on_failed=_intervals_failed,
              text=INTERVALS_RUNNING, poll_s=INTERVALS_POLL_S, cancellable=False)


def _intervals_failed(rec: JobRecord) -> None:
    st.caption(INTERVALS_FAILED.format(error=rec.error))


def summary(report: dict) -> None:
    for sentence in report["summary"]:
        st.info(sentence)
    if report.get("note"):
        st.caption(report["note"])
    if report.get("randomised"):
        st.caption("This run is a randomised classifier (a mitigation): its answers are drawn "
                   "with a fixed seed, as fairlearn's examples do.")


def disparity_metrics(report: dict) -> None:
    disp = report["disparities"]
    if not disp:
        return
    cols = st.columns(len(disp))
    for col, (name, value) in zip(cols, disp.items()):
        col.metric(name.replace("_", " ").capitalize(), "–" if value is None else f"{value:.3f}",
                   help=report["disparity_meanings"][name])


def group_table(report: dict) -> None:
    import pandas as pd

    table = report["groups"]
    metrics = [m for m in table["metrics"] if m != "count"]
    frame = pd.DataFrame([{"Group": r["group"], "Count": r["count"],
                           "Too small to judge": r["small"],
                           **{_LABELS.get(m, m): _ci(r, m) for m in metrics}} for r in table["rows"]])
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        _LABELS.get(m, m): st.column_config.TextColumn(help=table["metrics"][m]) for m in metrics})
    if table["n_boot"]:
        lo, hi = table["ci_quantiles"][0], table["ci_quantiles"][-1]
        st.caption(f"In brackets: the {100 * (hi - lo):.0f} % bootstrap interval "
                   f"({table['n_boot']} resamples of the test split).")


def group_charts(report: dict) -> None:
    from core.plots.fairness import group_bars

    metrics = [m for m in report["groups"]["metrics"] if m != "count"]
    default = [m for m in ("selection_rate", "true_positive_rate", "mae") if m in metrics]
    chosen = st.multiselect("Charts", metrics, default=default, format_func=lambda m: _LABELS.get(m, m))
    cols = st.columns(2)
    for i, m in enumerate(chosen):
        cols[i % 2].plotly_chart(group_bars(report, m), width="stretch", key=f"bars_{m}")


@st.cache_data(show_spinner=False, max_entries=8)
def _explorer(run_id: str, sensitive: str | None, _stamp: str):
    from core.audit.fairness import explorer_data, threshold_sweep

    data = explorer_data(get_store(), run_id, sensitive)
    return data, threshold_sweep(data["y"], data["scores"], data["groups"])


def threshold_explorer(run_id: str, sensitive: str | None, stamp: str) -> None:
    from core.audit.fairness import threshold_point
    from core.plots.fairness import pareto_chart

    data, sweep = _explorer(run_id, sensitive, stamp)
    per_group = st.toggle("One threshold per group", key="per_group")
    if per_group:
        names = sorted(set(data["groups"]))
        cols = st.columns(min(4, len(names)))
        thresholds = {g: cols[i % len(cols)].slider(g, 0.0, 1.0, 0.5, 0.01, key=f"t_{g}")
                      for i, g in enumerate(names)}
    else:
        thresholds = st.slider("Decision threshold: answer '" + data["positive"] + "' when the "
                               "probability is at least", 0.0, 1.0, 0.5, 0.01, key="t_all")
    point = threshold_point(data["y"], data["scores"], data["groups"], thresholds)
    a, b, c = st.columns(3)
    a.metric("Accuracy", f"{point['accuracy']:.3f}")
    b.metric("Demographic parity difference", f"{point['demographic_parity_difference']:.3f}")
    c.metric("Equalized odds difference", f"{point['equalized_odds_difference']:.3f}")
    st.plotly_chart(pareto_chart(sweep, point), width="stretch", key="pareto")
    st.caption("Each pale dot is one shared threshold; the line joins the best trade-offs "
               "(no other threshold is both more accurate and fairer). The star is your choice.")


def mitigation_panel(run_id: str, sensitive: str | None) -> None:
    from core.audit.progress import submit_audit
    from core.audit.fairness import CONSTRAINTS, METHODS

    a, b = st.columns(2)
    method = a.selectbox("Mitigation", list(METHODS), format_func=METHODS.get, key="mit_method")
    constraint = b.selectbox("Constraint", CONSTRAINTS, key="mit_constraint",
                             format_func=lambda c: c.replace("_", " "),
                             disabled=method in ("reweighing", "correlation_remover"),
                             help="What 'fair' means for the mitigation: equal selection rates "
                                  "(demographic parity), equal error rates (equalized odds) or "
                                  "equal true-positive rates.")
    if st.button("Mitigate → retrain → re-audit", type="primary", icon=":material/balance:"):
        try:
            submit_audit(get_store(), get_runner(), run_id, "fairness_mitigate",
                         {"method": method, "sensitive": sensitive, "constraint": constraint},
                         kind=AuditKind.FAIRNESS_MITIGATE)
        except LayerLabError as exc:
            st.error(str(exc))
    rec = job_panel(get_store(), get_runner(), run_id, AuditKind.FAIRNESS_MITIGATE,
                    failed_text=MITIGATION_FAILED, poll_s=POLL_S)
    if rec and rec.active:
        return  # the finished result is drawn by the panel's one full rerun
    comparison(run_id, sensitive)


def comparison(run_id: str, sensitive: str | None) -> None:
    from core.audit.fairness import mitigated_children

    children = [c.id for c in mitigated_children(get_store(), run_id) if c.status == "finished"]
    if not children:
        st.caption("No mitigated runs yet: the before/after table appears here.")
        return
    rows = _compare(run_id, sensitive, tuple(children))
    import pandas as pd

    from core.plots.fairness import comparison_chart

    st.subheader("Before and after")
    before = rows[0]
    for r in rows[1:]:
        st.markdown(f"**{r['run_id']}** ({r['method'].replace('_', ' ')}): demographic parity "
                    f"difference {_f(before['demographic_parity_difference'])} → "
                    f"{_f(r['demographic_parity_difference'])}, accuracy {_f(before['accuracy'])} "
                    f"→ {_f(r['accuracy'])}.")
    frame = pd.DataFrame(rows)[["run_id", "method", "constraint", "accuracy",
                                "demographic_parity_difference", "equalized_odds_difference",
                                "seconds"]]
    st.dataframe(frame, hide_index=True, width="stretch", key="before_after")
    st.plotly_chart(comparison_chart(rows), width="stretch", key="compare_chart")


def _f(x) -> str:
    return "–" if x is None else f"{x:.3f}"


@st.cache_data(show_spinner="Comparing runs…", max_entries=16)
def _compare(run_id: str, sensitive: str | None, children: tuple[str, ...]) -> list[dict]:
    from core.audit.fairness import compare_runs

    return compare_runs(get_store(), run_id, sensitive, child_ids=list(children))
