"""The Evaluate page's Checklist tab: the tiny-batch check and the learning-rate range test.

Each runs as an audit job in a worker (core.audit.checklist); its panel (ui.job_panel) follows
the job and draws the result when it is done.
"""
from __future__ import annotations

import functools

import streamlit as st

from core.audit.records import AuditKind, JobRecord
from core.errors import LayerLabError
from ui.evaluate_metrics import CHART
from ui.job_panel import job_panel
from ui.resources import get_runner, get_store
from ui.text import md

CHECKS = {  # kind -> (title, what it does and why, button label)
    AuditKind.OVERFIT_CHECK: (
        "Can it overfit a tiny batch?",
        "Trains a fresh copy of this model on just 32 examples for a few hundred steps. A model "
        "and training setup that work can learn 32 examples by heart (loss near zero); if it "
        "cannot, something is broken before any tuning helps.", "Run the tiny-batch check"),
    AuditKind.LR_FINDER: (
        "Find a good learning rate",
        "Trains briefly while the learning rate grows step by step, and watches the loss "
        "(Smith's learning-rate range test). A good rate is where the loss falls fastest, well "
        "before it shoots up.", "Run the learning-rate test"),
}
ABOUT = ("Two checks from the debugging checklist. Each runs in the background; you can "
         "keep using the page, and the result is kept with the run.")
RUN_AGAIN = "Run it again"
CHECK_FAILED = "The check did not finish."
USE_LR = "Use this learning rate ({lr:.2g})"
LR_SET = "The learning rate {lr:.2g} is now set on the Train page for your next run."


def checklist_tab(run_id: str) -> None:
    from core.audit.progress import audit_state

    st.caption(ABOUT)
    store, runner = get_store(), get_runner()
    for col, (kind, (title, what, label)) in zip(st.columns(2), CHECKS.items()):
        with col.container(border=True):
            st.markdown(f"**{title}**")
            st.caption(what)
            rec = audit_state(store, runner, run_id, kind)
            st.button(label if not rec else RUN_AGAIN, key=f"check-{kind}",
                      disabled=bool(rec and rec.active), on_click=_start_check,
                      args=(run_id, kind), icon=":material/play_arrow:")
            if err := st.session_state.get(f"check-error-{kind}"):
                st.error(err)
            show = _overfit_result if kind == AuditKind.OVERFIT_CHECK else \
                functools.partial(_lr_result, run_id)
            job_panel(store, runner, run_id, kind, show, failed_text=CHECK_FAILED)


def _start_check(run_id: str, kind: str) -> None:
    from core.audit.checklist import submit_check

    try:
        submit_check(get_store(), get_runner(), run_id, kind)
        st.session_state.pop(f"check-error-{kind}", None)
    except LayerLabError as exc:
        st.session_state[f"check-error-{kind}"] = str(exc)


def _overfit_result(rec: JobRecord) -> None:
    from core.plots.evaluate import tiny_batch_curve

    result = rec.typed_result()
    st.plotly_chart(tiny_batch_curve(result.losses or []), config=CHART)
    (st.success if result.passed else st.warning)(md(result.verdict))


def _lr_result(run_id: str, rec: JobRecord) -> None:
    from core.plots.evaluate import lr_finder_curve

    result = rec.typed_result()
    lr = result.suggested_lr
    st.plotly_chart(lr_finder_curve(result.lrs or [], result.losses or [], lr), config=CHART)
    if result.explanation:
        st.info(md(result.explanation))
    if lr:
        if st.button(USE_LR.format(lr=lr), key="use-lr", type="primary",
                     help="Puts it into the training settings of the Train page for your next run."):
            from core.audit.checklist import apply_suggested_lr

            try:  # by run id: without earlier Train-page choices it starts from this run's settings
                used = apply_suggested_lr(run_id, store=get_store())
            except LayerLabError as exc:
                st.error(str(exc))
            else:
                st.success(LR_SET.format(lr=used))
