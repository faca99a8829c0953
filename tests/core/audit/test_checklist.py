"""Checklist tools: overfit a tiny batch, and Smith's learning-rate range test.

The tools test a run's setup on a fresh copy of its model, so the runs here are created but
never trained (quick). One test goes through a real worker process to prove the job path.
"""
import time

import numpy as np
import pytest

from core.audit.progress import audit_state
from core.audit.checklist import (apply_suggested_lr, lr_finder_job, overfit_check_job,
                                  run_check, submit_check, suggest)
from core.audit import checklist
from core.audit.checklist import _lr_finder, _tiny_batch
from core.audit.checklist._lr_finder import EXPLODE_FACTOR
from core.data import DatasetRef
from core.errors import LayerLabError
from core.jobs import LocalJobRunner
from core.runs import open_store
from core.spec import get_preset
from core.spec._schema import ModelSpec
from core.train import TrainConfig
from core.train._submit import create_run
from core.workspace import Workspace, load_workspace, save_workspace


@pytest.fixture
def store():
    return open_store()


def _run(store, spec=None, **cfg):
    return create_run(store, DatasetRef(name="moons"), spec or get_preset("walkthrough_mlp"),
                      TrainConfig(**cfg))


def test_walkthrough_mlp_overfits_a_tiny_batch_through_the_job_function(store):
    rid = _run(store)
    overfit_check_job({"run_id": rid, "kind": "overfit_check"}, store=store, job_id="j1", run_id=None)
    rec = store.get_audit(rid, "overfit_check")
    assert rec["state"] == "done" and rec["job_id"] == "j1"
    res = rec["result"]
    assert res["passed"] is True and res["n_examples"] == 32
    assert res["final_loss"] < 0.05 < res["initial_loss"]
    assert len(res["losses"]) == res["steps"] and res["losses"][-1] < res["losses"][0]
    assert res["verdict"] == _tiny_batch.PASSED.format(
        initial=res["initial_loss"], final=res["final_loss"], steps=res["steps"], n=32,
        opt=_tiny_batch.OPTIMIZER.format(optimizer="Adam", lr=res["lr"]))


NARROW = ModelSpec.model_validate({"layers": [{"type": "Dense", "units": 1},
                                              {"type": "Dropout", "rate": 0.95}]})


@pytest.mark.parametrize("spec,cfg", [(NARROW, {}), (None, {"lr": 1e-7})],
                         ids=["one-unit-dropout-0.95", "lr-1e-7"])
def test_a_model_that_cannot_fit_fails_with_a_plain_verdict(store, spec, cfg):
    res = run_check(store, _run(store, spec, **cfg), "overfit_check")
    assert res["passed"] is False and res["steps"] == 300
    assert res["final_loss"] > 0.9 * res["initial_loss"]
    assert res["verdict"] == _tiny_batch.NO_PROGRESS.format(
        initial=res["initial_loss"], final=res["final_loss"], steps=300, n=32,
        opt=_tiny_batch.OPTIMIZER.format(optimizer="Adam", lr=res["lr"]))
    assert "learning rate is probably far too low" in res["verdict"]  # one rendered check


def test_lr_finder_suggests_a_sane_rate_for_moons(store):
    rid = _run(store, batch_size=64)
    lr_finder_job({"run_id": rid, "kind": "lr_finder"}, store=store, job_id="j2", run_id=None)
    res = store.get_audit(rid, "lr_finder")["result"]
    lrs, losses = np.array(res["lrs"]), np.array(res["losses"])
    assert lrs[0] == pytest.approx(1e-7) and len(lrs) == len(losses) <= 100
    assert np.allclose(lrs[1:] / lrs[:-1], (10 / 1e-7) ** (1 / 99))  # exponential steps
    # Adam's loss blows up before lr 10: the test stopped there.
    assert len(lrs) < 100 and losses[-1] > EXPLODE_FACTOR * losses.min()
    assert 1e-4 <= res["suggested_lr"] <= 1 and res["rule"] == "steepest"
    tried = _lr_finder.TRIED.format(first=lrs[0], last=lrs[-1], optimizer="Adam")
    assert res["explanation"] == _lr_finder.STEEPEST.format(
        tried=tried, steepest=res["steepest_lr"], suggested=res["suggested_lr"],
        min_over_10=res["min_loss_lr_over_10"], run_lr=res["current_lr"])
    assert f"so {res['suggested_lr']:.2g} is suggested (steepest descent)" in res["explanation"]
    assert res["min_loss_lr_over_10"] == pytest.approx(lrs[losses.argmin()] / 10)


def test_suggestion_on_hand_made_curves():
    x = np.linspace(-7, 1, 100)  # log10 of the learning rate
    lrs = list(10 ** x)
    # Falls fastest at lr 1e-3 (the logistic's midpoint), rises after lr 0.1.
    drop = 1.0 - 0.8 / (1 + np.exp(-3 * (x + 3)))
    losses = list(drop + np.where(x > -1, (x + 1) ** 2, 0))
    lr, rule, steepest, over10 = suggest(lrs, losses)
    assert rule == "steepest" and 10 ** -3.1 < lr < 10 ** -2.9
    assert over10 == pytest.approx(lrs[int(np.argmin(losses))] / 10)
    flat = [0.69 + 0.001 * np.sin(i) for i in range(100)]
    assert suggest(lrs, flat) == (None, "no_drop", None, None)


def test_apply_suggested_lr_keeps_the_other_choices(store):
    save_workspace(Workspace(train_config=TrainConfig(epochs=7, batch_size=32).model_dump(mode="json")))
    assert apply_suggested_lr({"suggested_lr": 0.02}) == 0.02
    cfg = load_workspace().train_config
    assert (cfg["lr"], cfg["epochs"], cfg["batch_size"]) == (0.02, 7, 32)
    rid = _run(store)
    with pytest.raises(LayerLabError) as err:
        apply_suggested_lr(rid, store=store)
    assert str(err.value) == checklist.NO_FINISHED_RANGE_TEST.format(run_id=rid)
    store.save_audit(rid, "lr_finder", {"state": "done", "result": {"suggested_lr": 0.005}})
    assert apply_suggested_lr(rid, store=store) == 0.005
    assert load_workspace().train_config["lr"] == 0.005
    with pytest.raises(LayerLabError) as err:
        apply_suggested_lr({"suggested_lr": None})
    assert str(err.value) == checklist.NO_SUGGESTION


def test_unknown_check_is_refused(store):
    with pytest.raises(LayerLabError) as err:
        submit_check(store, None, _run(store), "nope")
    assert str(err.value) == checklist.UNKNOWN_CHECK.format(which="nope",
                                                            choices="overfit_check, lr_finder")
    assert str(err.value) == "Unknown check 'nope'; choose one of: overfit_check, lr_finder."


def test_lr_finder_through_a_real_worker(store, monkeypatch):
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "5")
    runner = LocalJobRunner(store, slots=1)
    try:
        rid = _run(store, batch_size=64)
        job_id = submit_check(store, runner, rid, "lr_finder")
        deadline = time.monotonic() + 120
        while (state := audit_state(store, runner, rid, "lr_finder")).state not in ("done", "failed"):
            assert time.monotonic() < deadline, f"the job did not finish: {state}"
            time.sleep(0.2)
        assert state.state == "done" and state.job_id == job_id
        assert 1e-4 <= state.typed_result().suggested_lr <= 1
        assert store.get_run(rid).status == "queued"  # the audited run itself is untouched
    finally:
        runner.shutdown()
