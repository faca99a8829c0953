"""Each diagnosis rule on hand-made curves: it fires on the pattern and stays quiet otherwise.

(Runs trained to trigger each finding are in test_diagnose_runs.py.)"""
from types import SimpleNamespace as NS

from core.audit.diagnose import RunFacts, diagnose


def facts(**kw):
    base = dict(task="binary", status="finished",
                train_loss=[0.69, 0.5, 0.4, 0.35, 0.32, 0.30, 0.29],
                val_loss=[0.69, 0.52, 0.43, 0.39, 0.37, 0.36, 0.355],
                train_metric=[0.5, 0.75, 0.8, 0.83, 0.84, 0.85, 0.855],
                val_metric=[0.5, 0.74, 0.79, 0.82, 0.83, 0.84, 0.845],
                internals=[], baseline=0.6, test_metric=0.84,
                class_shares={"a": 0.6, "b": 0.4}, dataset="adult")
    base.update(kw)
    return RunFacts(**base)


def kinds(f):
    return [x.kind for x in diagnose(f)]


def test_healthy_curves_raise_no_finding():
    assert kinds(facts()) == []


def test_overfitting_names_the_epoch_and_gap():
    f = facts(train_loss=[0.7, 0.5, 0.35, 0.25, 0.15, 0.08, 0.04],
              val_loss=[0.7, 0.5, 0.40, 0.42, 0.47, 0.55, 0.62])
    [finding] = diagnose(f)
    assert finding.kind == "overfitting"
    assert "lowest at epoch 2 (0.400)" in finding.evidence and finding.epochs == (2, 6)


def test_divergence_hides_curve_findings():
    f = facts(status="diverged", train_loss=[0.7, 3.0, float("nan")], val_loss=[0.7, 5.0, None])
    assert kinds(f) == ["diverged"]


def test_flat_loss_is_lr_too_low_and_underfitting():
    f = facts(train_loss=[0.693, 0.6929, 0.6928, 0.6927, 0.6926],
              val_loss=[0.693, 0.6929, 0.6928, 0.6927, 0.6926],
              train_metric=[0.6, 0.6, 0.6, 0.6, 0.6], test_metric=0.6)
    assert set(kinds(f)) == {"lr_too_low", "underfitting", "no_better_than_baseline"}


def test_oscillating_loss_is_lr_too_high():
    f = facts(train_loss=[0.7, 0.5, 0.9, 0.4, 1.1, 0.5, 1.0, 0.45, 1.2])
    assert "lr_too_high" in kinds(f)


def _stats(grads, dead=None):
    dead = dead or [None] * len(grads)
    return [NS(epoch=3, layer=f"layer{i + 1}", grad_norm=g, weight_norm=1.0, dead_fraction=d)
            for i, (g, d) in enumerate(zip(grads, dead))]


def test_gradient_findings_name_layers():
    vanish = facts(internals=_stats([1e-7, 1e-5, 1e-3, 1e-1]))
    [f] = diagnose(vanish)
    assert f.kind == "vanishing_gradients" and f.layers == ["layer1", "layer2", "layer3"]
    explode = facts(internals=_stats([5e4, 10.0, 1.0]))
    assert kinds(explode) == ["exploding_gradients"]


def test_dead_units_and_imbalance_and_leakage():
    dead = facts(internals=_stats([0.1, 0.1], dead=[0.9, 0.1]))
    [f] = diagnose(dead)
    assert f.kind == "dead_units" and "layer1 (90%)" in f.evidence
    assert kinds(facts(class_shares={"a": 0.9, "b": 0.1})) == ["class_imbalance"]
    assert kinds(facts(val_metric=[0.5, 1.0])) == ["possible_leakage"]
    assert kinds(facts(val_metric=[0.5, 1.0], dataset="moons")) == []
