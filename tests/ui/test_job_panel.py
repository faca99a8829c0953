"""The job panel under AppTest: progress with the ETA in words, Cancel, and the end states."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.audit.progress import CANCELLED, CANCELLING
from core.audit.records import JobRecord, JobState
from core.runs import open_store


def _page():
    from ui.job_panel import job_panel
    from ui.resources import get_runner, get_store

    import streamlit as st

    def shown(rec):
        st.success(f"answer {rec.result['answer']}")

    job_panel(get_store(), get_runner(), st.query_params["run"], "demo", shown,
              failed_text="The demo failed.")


def _run_with(state: JobState, **fields) -> str:
    store = open_store()
    rid = store.create_run(name="r", dataset={"name": "moons"}, dataset_hash="h", spec={},
                           config={}, task="binary")
    JobRecord(state=state, job_id="job-unknown", **fields).save(store, rid, "demo")
    return rid


def _open(rid: str) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=30)
    at.query_params["run"] = rid
    at.run()
    assert not at.exception
    return at


def test_running_job_shows_progress_eta_and_a_cancel_that_is_saved():
    from ui.job_panel import CANCEL_LABEL

    rid = _run_with(JobState.RUNNING, progress=0.4, message="Attacking with PGD…", eta_s=125)
    at = _open(rid)
    bar = at.get("progress")[0]
    assert bar.proto.text == "Attacking with PGD… · about 2 min 05 s left"
    [cancel] = [b for b in at.button if b.label == CANCEL_LABEL]
    cancel.click().run()
    rec = JobRecord.read(open_store(), rid, "demo")
    assert rec.cancel_requested and rec.message == CANCELLING and rec.active
    assert [b for b in at.button if b.label == CANCEL_LABEL][0].disabled  # pressed once


def test_end_states():
    at = _open(_run_with(JobState.DONE, progress=1.0, result={"answer": 42}))
    assert at.success[0].value == "answer 42"
    at = _open(_run_with(JobState.FAILED, error=None))
    assert at.error[0].value == "The demo failed."
    msg = CANCELLED.format(kind="demo")
    at = _open(_run_with(JobState.CANCELLED, message=msg))
    assert at.info[0].value == msg and not at.get("progress")
