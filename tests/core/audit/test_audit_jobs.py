"""Audit jobs report progress, results and failures through the run store, and stop on Cancel."""
import threading
import time

import pytest

from core.audit.progress import (CANCELLED, CANCELLING, AuditCancelled, Progress, audit_state,
                                 cancel_audit, run_audit)
from core.audit.records import JobRecord, JobState
from core.errors import LayerLabError



def test_progress_then_result(store_and_run):
    store, rid = store_and_run
    p = Progress(store, rid, "demo", job_id="job-1", min_interval_s=0)
    p.update(0.5, "half way")
    rec = store.get_audit(rid, "demo")
    assert rec["state"] == "running" and rec["progress"] == 0.5 and rec["eta_s"] is not None
    p.done({"answer": 42})
    assert store.get_audit(rid, "demo")["result"] == {"answer": 42}


def test_wrapped_job_records_a_readable_failure(store_and_run):
    store, rid = store_and_run

    def broken(args, progress, store):
        raise LayerLabError("This run has no sensitive column; pick one on the Data page.")

    job = run_audit(broken)
    with pytest.raises(LayerLabError):
        job({"run_id": rid, "kind": "fairness"}, store=store, job_id="job-9", run_id=None)
    rec = store.get_audit(rid, "fairness")
    assert rec["state"] == "failed" and "no sensitive column" in rec["error"]
    assert store.get_run(rid).status == "queued"  # the audited run itself is untouched


class _DeadJobRunner:
    def status(self, job_id):
        from core.jobs import JobStatus
        return JobStatus(id=job_id, name="explain", args={}, run_id=None, status="failed",
                         error="the worker process stopped")


def test_audit_state_reports_a_dead_job(store_and_run):
    store, rid = store_and_run
    store.save_audit(rid, "explain", {"state": "running", "progress": 0.3, "job_id": "job-3"})
    rec = audit_state(store, _DeadJobRunner(), rid, "explain")
    assert rec.state == "failed" and "worker process stopped" in rec.error


def test_cancel_really_stops_a_running_audit(store_and_run):
    from core.jobs import LocalJobRunner

    store, rid = store_and_run
    runner = LocalJobRunner(store, slots=1)
    steps = []

    def looping(args, progress, store):
        for i in range(100_000):
            steps.append(i)
            progress.update(i / 100_000, f"step {i}")
            time.sleep(0.005)
        return {"finished": True}

    job = run_audit(looping)
    worker = threading.Thread(target=job, args=({"run_id": rid, "kind": "demo"},),
                              kwargs={"store": store, "job_id": "job-c", "run_id": None})
    worker.start()
    deadline = time.monotonic() + 20
    while (rec := JobRecord.read(store, rid, "demo")) is None or rec.progress == 0:
        assert time.monotonic() < deadline, "the audit never reported progress"
        time.sleep(0.05)
    saved = cancel_audit(store, runner, rid, "demo")
    assert saved.cancel_requested and saved.message == CANCELLING
    worker.join(timeout=20)
    assert not worker.is_alive(), "the audit kept running after Cancel"
    rec = JobRecord.read(store, rid, "demo")
    assert rec.state is JobState.CANCELLED and rec.result is None and not rec.active
    assert rec.message == CANCELLED.format(kind="demo")
    n = len(steps)
    time.sleep(0.2)
    assert len(steps) == n < 100_000  # it stopped part way and stays stopped
    assert cancel_audit(store, runner, rid, "demo").state is JobState.CANCELLED  # nothing to do


def test_progress_raises_once_cancel_is_requested(store_and_run):
    store, rid = store_and_run
    p = Progress(store, rid, "demo", job_id="job-2", min_interval_s=0)
    p.update(0.1, "working")
    JobRecord.read(store, rid, "demo").model_copy(update={"cancel_requested": True}).save(
        store, rid, "demo")
    with pytest.raises(AuditCancelled) as err:
        p.update(0.2, "still working")
    assert str(err.value) == CANCELLED.format(kind="demo")
