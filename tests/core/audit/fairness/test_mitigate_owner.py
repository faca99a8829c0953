"""A mitigated run belongs to whoever asked for it, through the job's JSON as a worker reads it."""
import pytest

from core.audit.records import AuditKind
from core.runs.access import as_user
from tests.core.audit.fairness.conftest import biased_ref, train_small
from tests.inline_runner import InlineRunner
from tests.module_home import in_home

ALICE, BOB = "alice@example.org", "bob@example.org"


@pytest.fixture(scope="module")
def alices_run(shared_home):
    from core.runs import open_store

    with in_home(shared_home):
        store = open_store()
        rid = train_small(store, biased_ref(), epochs=2)
        store.update_run(rid, owner=ALICE)
        return rid


def _mitigate(store, rid, args):
    from core.audit.progress import submit_audit

    runner = InlineRunner()
    submit_audit(store, runner, rid, "fairness_mitigate", {"sensitive": "sex", **args},
                 kind=AuditKind.FAIRNESS_MITIGATE)
    runner.run_all(store)
    return store.get_audit(rid, AuditKind.FAIRNESS_MITIGATE)["result"]["child_id"]


def test_bob_mitigating_alices_public_run_gets_his_own_run(store, alices_run):
    child = store.get_run(_mitigate(as_user(store, BOB), alices_run,
                                    {"method": "threshold_optimizer"}))
    assert child.parent_id == alices_run and child.owner == BOB and not child.private
    assert store.get_run(alices_run).owner == ALICE


def test_a_job_queued_without_a_user_falls_back_to_the_parents_owner(store, alices_run):
    from core.audit.fairness.jobs import mitigate_job

    mitigate_job({"run_id": alices_run, "kind": "fairness_mitigate",
                  "method": "threshold_optimizer", "sensitive": "sex"},
                 store=store, job_id="job-old", run_id=None)
    child = store.get_audit(alices_run, AuditKind.FAIRNESS_MITIGATE)["result"]["child_id"]
    assert store.get_run(child).owner == ALICE
