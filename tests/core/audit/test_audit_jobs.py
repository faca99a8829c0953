"""Audit jobs report progress, results and failures through the run store."""
import pytest

from core.audit.progress import Progress, audit_state, run_audit
from core.errors import LayerLabError
from core.runs import open_store


@pytest.fixture
def store_and_run():
    store = open_store()
    rid = store.create_run(name="r", dataset={"name": "moons"}, dataset_hash="h", spec={},
                           config={}, task="binary")
    return store, rid


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
