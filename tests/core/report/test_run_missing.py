"""The "report_audits" job runs only the audits a run lacks and saves each where its page would."""
import pytest

from core.audit.records import AuditKind, JobRecord, JobState, read_record
from core.report import DONE, audit_status, build_report
from core.report.jobs import AUDIT_KIND, report_audits_job
from tests.module_home import in_home


@pytest.fixture(scope="module")
def explained_run(shared_home):
    """An Adult run with a small explanation and stress test saved; the rest not run."""
    from core.audit.explain import explain_run
    from core.audit.progress import Progress
    from core.audit.stress import StressSettings, stress_run
    from core.data import default_ref
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import default_config, train_run
    from core.train._submit import create_run

    with in_home(shared_home):
        st = open_store()
        rid = create_run(st, default_ref("adult", sensitive=["sex"]), get_preset("walkthrough_mlp"),
                         default_config("binary", epochs=1))
        assert train_run(st, rid).status == "finished"
        Progress(st, rid, AuditKind.EXPLAIN).done(explain_run(st, rid, rows=40, lime_rows=4))
        settings = StressSettings(attacks=["fgsm"], corruptions=[], strengths=[0, 0.1], n_rows=100)
        Progress(st, rid, AuditKind.STRESS).done(stress_run(st, rid, settings))
    return rid


def test_the_job_runs_only_what_is_missing_and_the_report_reads_it(store, explained_run):
    before = JobRecord.read(store, explained_run, AuditKind.EXPLAIN).result
    report_audits_job({"run_id": explained_run, "kind": AUDIT_KIND}, store=store, job_id="job-1",
                      run_id=None)
    rec = JobRecord.read(store, explained_run, AUDIT_KIND)
    assert rec.state is JobState.DONE and rec.progress == 1.0
    assert rec.result == {"ran": ["evaluation", "diagnosis", "fairness"]}
    assert set(audit_status(store, store.get_run(explained_run)).values()) == {DONE}
    assert JobRecord.read(store, explained_run, AuditKind.EXPLAIN).result == before  # not redone
    report = build_report(store, explained_run)
    fair = dict(read_record(store, explained_run, AuditKind.FAIRNESS).root)
    assert fair["sex|"]["groups"]["n_boot"] == 50  # with intervals, as the Fairness page saves it
    explain = report.section("explain").data
    assert explain["agreement"] == before["agreement"]
    assert explain["global"] == before["global"][:10]
    assert report.section("explain").charts[0].table.rows[0][0] == before["global"][0]["feature"]
