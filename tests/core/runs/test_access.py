"""Owners, private runs, admins, per-user limits and run ids from URLs, enforced in core."""
import pytest

from core.errors import LayerLabError
from core.identity import (cli_user, file_stem, is_anonymous_id, new_anonymous_id, public_name,
                           signed_in_id)
from core.runs import open_store
from core.runs.access import (BAD_RUN_ID, NOT_YOURS, PRIVATE_RUN, TOO_MANY_QUEUED,
                              TOO_MANY_RUNNING, as_user, check_quota)
from core.train import stop_run

ALICE, BOB = "alice@example.org", "bob@example.org"


def _new(store, owner, private=False, status="queued"):
    rid = store.create_run(name=f"{owner}'s run", dataset={}, dataset_hash="h", spec={},
                           config={}, task="binary", owner=owner, private=private)
    if status != "queued":
        store.set_status(rid, status)
    return rid


@pytest.fixture
def store():
    return open_store()


def test_everyone_sees_public_runs_only_the_owner_and_admins_see_private_ones(store, monkeypatch):
    public, hidden = _new(store, ALICE), _new(store, ALICE, private=True)
    assert [r.id for r in as_user(store, BOB).list_runs()] == [public]
    assert [r.id for r in as_user(store, ALICE).list_runs()] == [hidden, public]
    with pytest.raises(LayerLabError) as err:  # through the URL (?run=) as well
        as_user(store, BOB).get_run(hidden)
    assert str(err.value) == PRIVATE_RUN.format(run_id=hidden)
    monkeypatch.setenv("LAYERLAB_ADMINS", " Carol@example.org , x")
    assert as_user(store, "carol@example.org").get_run(hidden).owner == ALICE


def test_only_the_owner_or_an_admin_may_stop_delete_rename_or_hide(store, monkeypatch):
    rid = _new(store, ALICE)
    bob = as_user(store, BOB)
    for action, call in (("rename", lambda: bob.rename_run(rid, "mine now")),
                         ("delete", lambda: bob.delete_run(rid)),
                         ("hide or show", lambda: bob.set_private(rid, True)),
                         ("stop", lambda: stop_run(bob, None, rid))):
        with pytest.raises(LayerLabError) as err:
            call()
        assert str(err.value) == NOT_YOURS.format(run_id=rid, owner=ALICE, action=action)
    run = store.get_run(rid)
    assert (run.name, run.private, run.status, run.stop_requested) == (
        f"{ALICE}'s run", False, "queued", False)
    alice = as_user(store, ALICE)
    alice.rename_run(rid, "  better name ")
    alice.set_private(rid, True)
    assert (store.get_run(rid).name, store.get_run(rid).private) == ("better name", True)
    monkeypatch.setenv("LAYERLAB_ADMINS", BOB)
    as_user(store, BOB).delete_run(rid)
    assert store.run_status(rid) is None


def test_runs_made_through_a_users_store_are_theirs(store):
    rid = as_user(store, ALICE).create_run(name="n", dataset={}, dataset_hash="h", spec={},
                                           config={}, task="binary")
    assert store.get_run(rid).owner == ALICE


@pytest.mark.parametrize("bad", ["../../etc/passwd", "run-0001/../../x", "run-1", "", "RUN-0001",
                                 "run-0001\n", "/etc/passwd"])
def test_a_run_id_from_a_url_cannot_name_anything_but_a_run(store, bad):
    with pytest.raises(LayerLabError) as err:
        as_user(store, ALICE).get_run(bad)
    assert str(err.value) == BAD_RUN_ID.format(value=bad)


def test_per_user_limits_count_only_that_users_waiting_and_training_runs(store, monkeypatch):
    monkeypatch.setenv("LAYERLAB_MAX_QUEUED_PER_USER", "2")
    monkeypatch.setenv("LAYERLAB_MAX_RUNNING_PER_USER", "1")
    _new(store, ALICE), _new(store, ALICE, status="finished"), _new(store, BOB), _new(store, BOB)
    check_quota(store, ALICE)  # one queued, one finished: room for one more
    _new(store, ALICE)
    with pytest.raises(LayerLabError) as err:
        check_quota(store, ALICE)
    assert str(err.value) == TOO_MANY_QUEUED.format(count=2, limit=2)
    _new(store, "dan", status="running")
    with pytest.raises(LayerLabError) as err:
        check_quota(store, "dan")
    assert str(err.value) == TOO_MANY_RUNNING.format(count=1, limit=1)
    check_quota(store, None)  # no one in particular (workers, tests): not limited


def test_submitting_past_the_limit_is_refused_before_anything_is_queued(store, monkeypatch):
    from core.data import DatasetRef
    from core.spec import get_preset
    from core.train import TrainConfig, submit_training

    monkeypatch.setenv("LAYERLAB_MAX_QUEUED_PER_USER", "1")
    _new(store, ALICE)
    with pytest.raises(LayerLabError) as err:
        submit_training(as_user(store, ALICE), None, DatasetRef(name="moons"),
                        get_preset("walkthrough_mlp"), TrainConfig(epochs=1))
    assert str(err.value) == TOO_MANY_QUEUED.format(count=1, limit=1)
    assert len(store.list_runs()) == 1


def test_identities_anonymous_signed_in_cli_and_safe_file_names():
    anon = new_anonymous_id()
    assert is_anonymous_id(anon) and anon != new_anonymous_id()
    for forged in ("alice@example.org", "anon-../../etc", "anon-short", None, "anon-" + "a" * 65):
        assert not is_anonymous_id(forged)
    assert signed_in_id(" Alice@Example.org ", "sub-1") == ALICE
    assert signed_in_id(None, "google-oauth2|123") == "google-oauth2|123"
    assert cli_user()
    stems = {file_stem(u) for u in ("a/b", "a_b", "../../etc/passwd", ".hidden", "", ALICE)}
    assert len(stems) == 6 and all("/" not in s and not s.startswith(".") for s in stems)


def test_an_anonymous_owner_is_never_named_to_others(store):
    anon = new_anonymous_id()
    rid = _new(store, anon)
    with pytest.raises(LayerLabError) as err:  # whoever knew the id could act as its owner
        as_user(store, BOB).rename_run(rid, "x")
    assert anon not in str(err.value) and anon[5:] not in str(err.value)
    assert str(err.value) == NOT_YOURS.format(run_id=rid, owner=public_name(anon), action="rename")
    assert public_name(anon).startswith("anonymous #") and public_name(ALICE) == ALICE


def test_a_derived_run_belongs_to_who_asked_and_is_private_only_for_the_parents_owner(store):
    from core.runs.access import child_owner

    public, hidden = store.get_run(_new(store, ALICE)), store.get_run(_new(store, ALICE, True))
    assert child_owner(public, BOB) == {"owner": BOB, "private": False}
    assert child_owner(hidden, ALICE) == {"owner": ALICE, "private": True}
    assert child_owner(hidden, "admin@example.org") == {"owner": "admin@example.org",
                                                        "private": False}
    # A job queued before jobs carried their user: the parent's owner, and its privacy.
    assert child_owner(hidden, None) == {"owner": ALICE, "private": True}


def _mitigate(store, runner, parent):
    from core.audit.progress import submit_audit

    submit_audit(store, runner, parent, "fairness_mitigate", {"method": "reweighing"})


def _prune(store, runner, parent):
    from core.audit.progress import submit_audit

    submit_audit(store, runner, parent, "prune", {"fraction": 0.5})


def _adversarial(store, runner, parent):
    from core.audit.stress import submit_adversarial

    submit_adversarial(store, runner, parent)


def _search(store, runner, parent):
    from core.data import DatasetRef
    from core.search import make_study_def, submit_search
    from core.spec import get_preset
    from core.train import TrainConfig

    submit_search(store, runner, make_study_def(DatasetRef(name="moons"),
                                                 get_preset("walkthrough_mlp"),
                                                 TrainConfig(epochs=1), trials=1))


@pytest.mark.parametrize("submit", [_mitigate, _prune, _adversarial, _search])
@pytest.mark.parametrize("limit", ["queued", "running"])
def test_every_job_that_makes_runs_is_refused_at_the_limit_before_anything_is_queued(
        store, monkeypatch, submit, limit):
    from core.audit.records import JobRecord
    from core.search import list_studies
    from tests.inline_runner import InlineRunner

    monkeypatch.setenv(f"LAYERLAB_MAX_{limit.upper()}_PER_USER", "1")
    parent = _new(store, ALICE, status="finished")  # Alice's: Bob's limit is what counts
    _new(store, BOB, status=limit)
    runner = InlineRunner()
    with pytest.raises(LayerLabError) as err:
        submit(as_user(store, BOB), runner, parent)
    message = TOO_MANY_QUEUED if limit == "queued" else TOO_MANY_RUNNING
    assert str(err.value) == message.format(count=1, limit=1)
    assert runner.jobs == [] and len(store.list_runs()) == 2 and list_studies(store) == []
    assert all(JobRecord.read(store, parent, k) is None for k in ("fairness_mitigate", "prune"))


@pytest.mark.parametrize("second", [_mitigate, _search])
def test_jobs_that_will_make_runs_count_as_queued_runs_while_they_wait(store, monkeypatch, second):
    """A queued compression has no run until a worker takes it; without counting it, one person
    could queue any number of them back to back."""
    from tests.inline_runner import InlineRunner

    monkeypatch.setenv("LAYERLAB_MAX_QUEUED_PER_USER", "1")
    parent = _new(store, ALICE, status="finished")
    runner = InlineRunner()
    _prune(as_user(store, BOB), runner, parent)  # Bob's first: allowed, waiting, no run yet
    assert [name for name, _, _ in runner.jobs] == ["prune"]
    with pytest.raises(LayerLabError) as err:
        second(as_user(store, BOB), runner, parent)
    assert str(err.value) == TOO_MANY_QUEUED.format(count=1, limit=1)
    assert len(runner.jobs) == 1
    _mitigate(as_user(store, ALICE), runner, parent)  # someone else's limit is untouched
    assert len(runner.jobs) == 2
