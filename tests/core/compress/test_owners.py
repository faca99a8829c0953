"""A pruned run belongs to whoever asked for it, through the job's JSON as a worker reads it."""
from core.audit.progress import submit_audit
from core.audit.records import AuditKind, JobRecord, JobState
from core.runs.access import as_user
from tests.inline_runner import InlineRunner

ALICE, BOB = "alice@example.org", "bob@example.org"


def test_bob_pruning_alices_run_gets_his_own_run(store, runs):
    parent = runs["binary"]
    store.update_run(parent, owner=ALICE)
    runner, bob = InlineRunner(), as_user(store, BOB)
    submit_audit(bob, runner, parent, "prune", {"fraction": 0.5, "finetune_epochs": 1},
                 kind=AuditKind.PRUNE)
    assert runner.jobs[0][1]["user"] == BOB  # in the job's JSON: the worker's store knows no one
    runner.run_all(store)
    rec = JobRecord.read(store, parent, AuditKind.PRUNE)
    assert rec.state is JobState.DONE, rec.error
    child = store.get_run(rec.result["child_id"])
    assert child.parent_id == parent and child.kind == "pruned"
    assert child.owner == BOB and not child.private
