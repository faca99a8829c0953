"""load_trained reads every kind of run and predicts what the run's audits reported."""
import numpy as np
import pytest
import torch

from core.audit.evaluate import evaluate_run
from core.audit.fairness import audit_run
from core.errors import LayerLabError
from core.metrics import DRAW_SEED, NO_PROBA_FOR_REGRESSION
from core.trained import (NEEDS_SENSITIVE_ROWS, NOT_DIFFERENTIABLE, UNKNOWN_SPLIT,
                          checkpoint_stamp, load_trained)

KINDS = ("plain", "threshold_optimizer", "exponentiated_gradient", "correlation_remover")


@pytest.mark.parametrize("kind", KINDS)
def test_labels_give_the_accuracy_the_audits_reported(store, runs, kind):
    model = load_trained(store, runs[kind])
    y = model.data.y_test
    acc = float(np.mean(model.labels("test") == y))
    assert audit_run(store, runs[kind], "sex", n_boot=None, save=False)["accuracy"] == acc
    if kind != "plain":  # the accuracy the mitigation recorded when it finished
        assert store.get_run(runs[kind]).test_metrics["accuracy"] == acc
    # evaluate scores the same probabilities (its labels: the most probable class)
    ev = evaluate_run(store, runs[kind], refresh=True)
    p = model.proba("test")
    assert ev.value("accuracy") == pytest.approx(float(np.mean((p > 0.5) == y)))
    assert p.shape == (len(y),) and ((p >= 0) & (p <= 1)).all()


def test_a_plain_run_is_one_differentiable_network(store, runs):
    model = load_trained(store, runs["plain"])
    assert (model.task, model.classes, model.randomised, model.differentiable) == \
        ("binary", ["no", "yes"], False, True)
    net = model.network
    assert isinstance(net, torch.nn.Module) and not net.training
    with torch.no_grad():
        by_hand = torch.sigmoid(net(torch.from_numpy(model.data.X_test))[:, 0]).double().numpy()
    assert np.allclose(model.proba("test"), by_hand, atol=1e-12)
    assert np.allclose(model.proba(model.data.X_val), model.proba("val"))
    assert model.labels("test").tolist() == (by_hand >= 0.5).astype(int).tolist()
    assert torch.equal(model.logits("test")[:, 0] > 0, torch.from_numpy(by_hand > 0.5))
    # model inputs back to the user's columns ("sex" is sensitive, so not an input)
    assert model.input_columns == ["skill", "proxy"] == list(model.data.feature_columns)
    assert model.bundle.target == "hired"


def test_threshold_optimizer_needs_each_rows_group(store, runs):
    model = load_trained(store, runs["threshold_optimizer"])
    assert model.randomised and not model.differentiable and model.network is None
    data = model.data
    assert np.array_equal(model.proba(data.X_test, sensitive=data.sensitive_test),
                          model.proba("test"))
    with pytest.raises(LayerLabError) as e:
        model.proba(data.X_test)
    assert str(e.value) == NEEDS_SENSITIVE_ROWS.format(method="threshold optimizer", columns="sex")
    with pytest.raises(LayerLabError) as e:
        model.require_network()
    assert str(e.value).startswith(NOT_DIFFERENTIABLE.split("{why}")[0].format(
        run_id=runs["threshold_optimizer"], method="threshold optimizer"))


def test_a_randomised_mixture_draws_its_answers_with_the_fixed_seed(store, runs):
    model = load_trained(store, runs["exponentiated_gradient"])
    assert model.randomised and model.network is None
    p = model.proba("test")
    by_hand = (np.random.default_rng(DRAW_SEED).random(len(p)) < p).astype(int)
    assert model.labels("test").tolist() == by_hand.tolist()
    # a mixture reads plain inputs: no sensitive rows needed
    assert np.array_equal(model.proba(model.data.X_test), p)


def test_correlation_remover_is_deterministic_but_not_differentiable(store, runs):
    model = load_trained(store, runs["correlation_remover"])
    assert not model.randomised and not model.differentiable and model.network is None
    assert model.labels("test").tolist() == (model.proba("test") >= 0.5).astype(int).tolist()
    assert checkpoint_stamp(model.run) == ""  # its network is not the run's checkpoint


def test_stress_refuses_a_run_without_one_network(store, runs):
    from core.audit.stress import stress_run

    with pytest.raises(LayerLabError, match="has no single network"):
        stress_run(store, runs["exponentiated_gradient"])


def test_unknown_split_and_regression_probabilities_are_refused(store, runs):
    from core.data import DatasetRef
    from core.spec import get_preset
    from core.train import create_run, default_config, train_run

    model = load_trained(store, runs["plain"])
    with pytest.raises(LayerLabError) as e:
        model.proba("holdout")
    assert str(e.value) == UNKNOWN_SPLIT.format(split="holdout")
    rid = create_run(store, DatasetRef(name="diabetes"), get_preset("walkthrough_mlp"),
                     default_config("regression", n_rows=400, epochs=2))
    train_run(store, rid)
    reg = load_trained(store, rid)
    with pytest.raises(LayerLabError) as e:
        reg.proba("test")
    assert str(e.value) == NO_PROBA_FOR_REGRESSION
    values = reg.values("test")
    mae = evaluate_run(store, rid).value("mae")
    assert mae == pytest.approx(float(np.mean(np.abs(values - reg.data.y_test))))
