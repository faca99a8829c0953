"""SHAP numbers against oracles: exact Shapley values by hand, and shap's KernelExplainer."""
import itertools
import math

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr

from core.audit.explain import choose_and_explain, kernel_runner, output_fn


def exact_shapley(f, x, background):
    """Interventional Shapley values by enumerating every coalition (3 features: 8 of them)."""
    d = len(x)

    def v(S):
        Z = background.copy()
        Z[:, list(S)] = x[list(S)]
        return f(Z)[:, 0].mean()

    phi = np.zeros(d)
    for i in range(d):
        others = [j for j in range(d) if j != i]
        for r in range(d):
            for S in itertools.combinations(others, r):
                w = math.factorial(r) * math.factorial(d - r - 1) / math.factorial(d)
                phi[i] += w * (v(S + (i,)) - v(S))
    return phi


@pytest.fixture
def three_feature_mlp():
    torch.manual_seed(3)
    return torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).eval()


def test_kernel_oracle_equals_hand_computed_shapley(three_feature_mlp):
    rng = np.random.default_rng(0)
    bg = rng.normal(size=(12, 3)).astype(np.float32)
    X = rng.normal(size=(4, 3)).astype(np.float32)
    f = output_fn(three_feature_mlp, "binary")
    run, base = kernel_runner(f, bg, (3,), 1)
    got = run(X)[..., 0]
    for i in range(len(X)):
        np.testing.assert_allclose(got[i], exact_shapley(f, X[i], bg), atol=1e-6)
    assert base[0] == pytest.approx(f(bg)[:, 0].mean())


def test_deep_explainer_is_exact_on_a_linear_model():
    """For a linear model Shapley values are w_i (x_i - mean background_i): DeepLIFT must match."""
    torch.manual_seed(1)
    lin = torch.nn.Sequential(torch.nn.Linear(3, 1)).eval()
    rng = np.random.default_rng(1)
    bg = rng.normal(size=(20, 3)).astype(np.float32)
    X = rng.normal(size=(5, 3)).astype(np.float32)
    out = choose_and_explain(lin, "regression", bg, X)
    w = lin[0].weight.detach().numpy()[0]
    expected = w * (X - bg.mean(0))
    assert out.explainer == "deep"
    np.testing.assert_allclose(out.values[..., 0], expected, atol=1e-5)
    hand = exact_shapley(output_fn(lin, "regression"), X[0], bg)
    np.testing.assert_allclose(out.values[0, :, 0], hand, atol=1e-5)


@pytest.mark.parametrize("task,k", [("binary", 1), ("multiclass", 3)])
def test_additivity_base_plus_sum_is_the_output(task, k):
    torch.manual_seed(2)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.BatchNorm1d(16), torch.nn.Linear(16, 8), torch.nn.GELU(),
                                torch.nn.Linear(8, k)).eval()
    rng = np.random.default_rng(2)
    bg, X = rng.normal(size=(40, 6)), rng.normal(size=(30, 6))
    out = choose_and_explain(model, task, bg, X)
    assert out.explainer == "deep"
    total = out.values.sum(axis=1) + out.base  # (n, k)
    np.testing.assert_allclose(total, output_fn(model, task)(X.astype(np.float32)), atol=1e-5)
    assert out.additivity_error < 1e-5


def test_deep_global_ranking_agrees_with_kernel_explainer():
    torch.manual_seed(4)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1)).eval()
    with torch.no_grad():  # make the features matter by clearly different amounts
        model[0].weight *= torch.tensor([4.0, 3.0, 2.2, 1.6, 1.0, 0.6, 0.3, 0.1])
    rng = np.random.default_rng(4)
    bg = rng.normal(size=(25, 8)).astype(np.float32)
    X = rng.normal(size=(40, 8)).astype(np.float32)
    fast = choose_and_explain(model, "binary", bg, X)
    run, _ = kernel_runner(output_fn(model, "binary"), bg, (8,), 1, nsamples=400)
    slow = run(X)
    rho = spearmanr(np.abs(fast.values[..., 0]).mean(0), np.abs(slow[..., 0]).mean(0)).statistic
    assert fast.explainer == "deep"
    assert rho >= 0.9


def test_layer_norm_stack_falls_back_to_gradient_explainer_and_says_why():
    torch.manual_seed(5)
    model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.LayerNorm(16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 1)).eval()
    rng = np.random.default_rng(5)
    bg, X = rng.normal(size=(30, 5)), rng.normal(size=(10, 5))
    out = choose_and_explain(model, "binary", bg, X)
    assert out.explainer == "gradient"
    assert out.why.startswith("DeepExplainer's attributions did not add up to the output on this model")
    assert "GradientExplainer (expected gradients) was used" in out.why
    assert out.values.shape == (10, 5, 1) and np.isfinite(out.additivity_error)


def test_kernel_fallback_when_gradient_explainers_cannot_run(monkeypatch, three_feature_mlp):
    from core.audit.explain import _shap
    from core.errors import LayerLabError

    def broken(*args, **kwargs):
        raise RuntimeError("unsupported op")

    monkeypatch.setattr(_shap, "_deep", broken)
    monkeypatch.setattr(_shap, "_gradient", broken)
    rng = np.random.default_rng(6)
    bg, X = rng.normal(size=(20, 3)), rng.normal(size=(3, 3))
    out = choose_and_explain(three_feature_mlp, "binary", bg, X)
    assert out.explainer == "kernel"
    assert out.why == ("DeepExplainer could not run on this model (RuntimeError), so GradientExplainer "
                       "could not run either (RuntimeError), so KernelExplainer (model-agnostic, "
                       "slower) was used on a 10-centroid summary of the background.")
    assert out.additivity_error < 1e-6  # KernelExplainer enforces additivity on its background
    wide = torch.nn.Sequential(torch.nn.Linear(300, 1)).eval()
    with pytest.raises(LayerLabError) as err:
        choose_and_explain(wide, "binary", rng.normal(size=(20, 300)), rng.normal(size=(2, 300)))
    assert str(err.value).endswith("KernelExplainer cannot explain 300 inputs in reasonable time. "
                                   "Simplify the model (plain Dense, Conv2D and pooling layers "
                                   "explain exactly) or use fewer inputs.")
