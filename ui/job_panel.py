"""The panel of a background audit job: a progress bar with its ETA, Cancel, then the result.

    rec = job_panel(store, runner, run_id, AuditKind.STRESS, failed_text=STRESS_FAILED)

Every page that runs an audit job draws it with this one function. The panel is a fragment
that re-reads the job's record every `poll_s` seconds while the job is queued or running (only
the fragment reruns, the page keeps answering) and asks for one full rerun when the job ends,
which draws the result without polling. Cancel asks the job to stop (core.audit.progress.
cancel_audit): a queued job is dropped, a running one stops at its next progress update.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from core.audit.progress import audit_state, cancel_audit
from core.audit.records import JobRecord, JobState
from ui.resources import store_guarded
from ui.run_views import format_duration

POLL_S = 0.5
WORKING = "Working…"
ETA = " · about {left} left"
CANCEL_LABEL = "Cancel"
CANCEL_HELP = "Stops the job at its next step. Nothing is saved; you can start it again."


def job_panel(store, runner, run_id: str, kind: str,
              on_done: Callable[[JobRecord], None] | None = None, *, failed_text: str,
              on_failed: Callable[[JobRecord], None] | None = None, text: str | None = None,
              poll_s: float = POLL_S, cancellable: bool = True) -> JobRecord | None:
    """Draw the job of `kind` for `run_id`; returns its record as read now (None: never run).

    `on_done(rec)` renders a finished job's result inside the panel (pages may instead use the
    returned record); `on_failed(rec)` replaces the default error box; `text` replaces the
    job's own progress message; `cancellable=False` hides Cancel (for jobs the page starts
    by itself, which it would only start again).
    """
    rec = audit_state(store, runner, run_id, kind)
    active = bool(rec and rec.active)
    st.fragment(_panel, run_every=poll_s if active else None)(
        store, runner, run_id, kind, active, on_done, failed_text, on_failed, text, cancellable)
    return rec


@store_guarded  # a store restart while an audit runs: a note for a few ticks, then the panel
def _panel(store, runner, run_id: str, kind: str, was_active: bool, on_done, failed_text: str,
           on_failed, text: str | None, cancellable: bool) -> None:
    rec = audit_state(store, runner, run_id, kind)
    if was_active and not (rec and rec.active):
        st.rerun(scope="app")  # finished: one full rerun shows the result and stops the polling
    if rec is None:
        return
    if rec.active:
        progress_bar(rec, text)
        if cancellable:
            st.button(CANCEL_LABEL, key=f"cancel-{kind}-{run_id}", help=CANCEL_HELP,
                      disabled=rec.cancel_requested, icon=":material/stop_circle:",
                      on_click=cancel_audit, args=(store, runner, run_id, kind))
    elif rec.state is JobState.FAILED:
        on_failed(rec) if on_failed else st.error(rec.error or failed_text)
    elif rec.state is JobState.CANCELLED:
        st.info(rec.message, icon=":material/stop_circle:")
    elif rec.state is JobState.DONE and on_done is not None:
        on_done(rec)


def progress_bar(rec: JobRecord, text: str | None = None) -> None:
    """The job's progress, its message and the time left in words."""
    eta = ETA.format(left=format_duration(rec.eta_s)) if rec.eta_s is not None else ""
    st.progress(min(1.0, max(0.0, float(rec.progress or 0.0))),
                text=(text or rec.message or WORKING) + eta)
