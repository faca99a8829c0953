"""The one training setup: what it builds from a spec and a config, and what one step does."""
import numpy as np
import pytest
import torch

from core.spec import get_preset
from core.train import TrainArrays, TrainConfig, build_setup


def _arrays(task="binary", n=200, k=2):
    rng = np.random.default_rng(0)
    y = rng.integers(0, k, n) if task == "multiclass" else (rng.random(n) < 0.3).astype(np.int64)
    return TrainArrays(task=task, input_shape=(4,), n_outputs=k if task == "multiclass" else 1,
                       y_train=y), torch.from_numpy(rng.normal(size=(n, 4)).astype(np.float32))


def _targets(arrays):
    from core.train._evaluate import as_targets

    return as_targets(arrays.y_train, arrays.task, "cpu")


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_all_ones_weights_give_the_unweighted_loss(task):
    arrays, X = _arrays(task, k=3)
    s = build_setup(get_preset("walkthrough_mlp"), TrainConfig(class_weights="balanced"), arrays)
    y = _targets(arrays)
    out = s.model(X)
    plain, ones = s.loss(out, y), s.loss(out, y, torch.ones(len(X)))
    if task == "binary":
        assert torch.equal(plain, ones)  # element-wise loss: bit for bit
    else:
        assert torch.allclose(plain, ones, rtol=1e-6)  # torch sums cross-entropy its own way


def test_weights_scale_each_example_and_keep_the_class_weight_normaliser():
    arrays, X = _arrays("multiclass", k=3)
    s = build_setup(get_preset("walkthrough_mlp"), TrainConfig(class_weights="balanced"), arrays)
    y, w = _targets(arrays), torch.linspace(0.5, 1.5, len(X))
    out = s.model(X)
    cw = s.loss_fn.weight
    nll = torch.nn.functional.cross_entropy(out, y, reduction="none")
    assert torch.allclose(s.loss(out, y, w), (w * cw[y] * nll).sum() / cw[y].sum(), rtol=1e-6)


def test_setup_keeps_schedule_init_l1_on_weights_only_and_seeded_weights():
    arrays, _ = _arrays()
    cfg = TrainConfig(schedule="step", step_size=1, init="kaiming", l1=1e-3, seed=5)
    a = build_setup(get_preset("walkthrough_mlp"), cfg, arrays)
    b = build_setup(get_preset("walkthrough_mlp").model_dump(), cfg.model_dump(), arrays)
    assert isinstance(a.scheduler, torch.optim.lr_scheduler.StepLR) and a.schedule_when == "epoch"
    names = {id(p): n for n, p in a.model.named_parameters()}
    assert a.l1_params and all(not names[id(p)].endswith("bias") for p in a.l1_params)
    assert len(a.l1_params) == sum(not n.endswith("bias") for n in names.values())
    assert all(torch.equal(p, q) for p, q in zip(a.model.parameters(), b.model.parameters()))
    assert all(float(m.bias.detach().abs().max()) == 0 for m in a.model.modules()
               if isinstance(m, torch.nn.Linear))  # kaiming/xavier set biases to zero
    no_schedule = build_setup(get_preset("walkthrough_mlp"), cfg, arrays, schedule=False)
    assert no_schedule.scheduler is None and no_schedule.schedule_when == "none"


def test_step_returns_the_loss_with_l1_and_clips():
    arrays, X = _arrays()
    cfg = TrainConfig(l1=0.01, grad_clip=1e-3, optimizer="sgd", lr=1.0)
    s = build_setup(get_preset("walkthrough_mlp"), cfg, arrays)
    y = _targets(arrays)
    before = [p.detach().clone() for p in s.model.parameters()]
    with torch.no_grad():
        expected = float(s.loss_fn(s.model(X), y)) + 0.01 * float(
            sum(p.abs().sum() for p in s.l1_params))
    assert s.step(X, y) == pytest.approx(expected, rel=1e-5)
    moved = torch.sqrt(sum(((p - q) ** 2).sum() for p, q in zip(s.model.parameters(), before)))
    assert float(moved) == pytest.approx(1e-3, rel=1e-3)  # SGD at lr 1 moves by the clipped norm
