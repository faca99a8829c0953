"""Adversarial training makes a linked run that resists the attack it was trained against."""
import pytest

from core.audit.stress import StressSettings, stress_run
from core.audit.stress._advtrain import (AUDIT_KIND, AdvSettings, create_adversarial_run,
                                         train_adversarial)
from core.errors import LayerLabError


def _pgd_accuracy(result, eps):
    curve = next(c for c in result["curves"] if c["name"] == "pgd_linf")
    return next(p["metric"] for p in curve["points"] if p["strength"] == eps)


def test_retrained_run_is_linked_and_more_robust(digits_run, tmp_path, monkeypatch):
    store, parent_id = digits_run
    monkeypatch.setenv("LAYERLAB_HOME", str(tmp_path))  # the child's checkpoint goes here
    child_id = create_adversarial_run(store, parent_id, AdvSettings(eps=0.1, steps=2, epochs=6))
    child = train_adversarial(store, child_id)
    parent = store.get_run(parent_id)
    assert child.status == "finished", child.error
    assert child.parent_id == parent_id and child.kind == "adversarial"
    assert child.spec == parent.spec
    assert child.config == {**parent.config, "epochs": 6} and child.total_epochs == 6
    assert store.get_audit(child_id, AUDIT_KIND)["settings"]["eps"] == 0.1
    settings = StressSettings(attacks=["pgd_linf"], corruptions=[], strengths=[0, 0.1],
                              n_rows=270, steps=10)
    before, after = stress_run(store, parent_id, settings), stress_run(store, child_id, settings)
    # Trained against PGD at ε = 0.1, the child keeps clearly more answers under that attack.
    assert _pgd_accuracy(after, 0.1) > _pgd_accuracy(before, 0.1) + 0.15


def test_adversarial_training_refuses_unfinished_runs_and_absurd_eps(digits_run):
    store, parent_id = digits_run
    queued = store.create_run(name="q", dataset={"name": "digits"}, dataset_hash="h", spec={},
                              config={}, task="multiclass")
    with pytest.raises(LayerLabError) as err:
        create_adversarial_run(store, queued)
    assert str(err.value) == (f"Run {queued} is queued; adversarial training retrains a finished "
                              "run. Train it to the end first.")
    with pytest.raises(LayerLabError) as err:
        create_adversarial_run(store, parent_id, AdvSettings(eps=3.0))
    assert str(err.value) == "ε = 3 is too large for adversarial training on image data (at most 1)."


def test_the_adversarial_run_belongs_to_who_asked_for_it(digits_run, tmp_path, monkeypatch):
    from core.audit.stress import submit_adversarial
    from core.runs.access import as_user
    from tests.inline_runner import InlineRunner

    store, parent_id = digits_run
    monkeypatch.setenv("LAYERLAB_HOME", str(tmp_path))
    store.update_run(parent_id, owner="alice@example.org")
    try:
        runner = InlineRunner()
        child_id = submit_adversarial(as_user(store, "bob@example.org"), runner, parent_id,
                                      AdvSettings(eps=0.1, steps=1, epochs=1))
    finally:
        store.update_run(parent_id, owner=None)  # the run is shared by the session's tests
    child = store.get_run(child_id)
    assert child.parent_id == parent_id and child.owner == "bob@example.org"
    assert runner.jobs == [("adv_train", {"run_id": child_id}, child_id)]
    store.set_status(child_id, "stopped")  # made here, trained by no one: not left queued
