"""SHAP values of a LayerLab model: shap's gradient explainers, chosen per model by a probe.

Users build arbitrary stacks, so no single explainer is right for all of them:
- `DeepExplainer` (DeepLIFT with a background, exact additivity by construction) is the fastest
  and is used whenever a probe on the first rows shows its attributions add up to the model
  output. Layers it does not know (LSTM/GRU cells, LayerNorm, attention) break that; the probe
  sees it.
- `GradientExplainer` (expected gradients) then takes over: it works on any differentiable
  stack, but adds up to the output only approximately (the error is measured and reported).
- `KernelExplainer` is the model-agnostic fallback (when both fail to run) and the test oracle.

Everything explains the model's *output on a readable scale*: the probability of class 1
(binary), the probability of each class (multiclass), or the predicted value (regression).
Arrays are (n, *input_shape, k), k = 1 for binary and regression.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from core.errors import LayerLabError

log = logging.getLogger(__name__)

PROBE_ROWS = 16
ADDITIVITY_TOL = 1e-3  # in output units (probability); DeepLIFT is exact up to float error
GRADIENT_SAMPLES = 200  # shap's default; fewer makes expected gradients noticeably noisy
KERNEL_CENTROIDS = 10
KERNEL_MAX_INPUTS = 200  # KernelExplainer's cost grows with the inputs; refuse rather than hang


@dataclass
class ShapOutput:
    values: np.ndarray  # (n, *input_shape, k)
    base: np.ndarray  # (k,) expected output over the background
    outputs: np.ndarray  # (n, k) the model's outputs on the explained rows
    explainer: str  # "deep" | "gradient" | "kernel"
    why: str  # one plain sentence: why this explainer

    @property
    def additivity_error(self) -> float:
        """Largest |base + sum of attributions - output| over rows and outputs."""
        n, k = self.outputs.shape
        total = self.values.reshape(n, -1, k).sum(axis=1) + self.base[None, :]
        return float(np.abs(total - self.outputs).max()) if n else 0.0


def readable_module(model, task: str):
    """The model with its output turned into probabilities (or left as values): (n, k) out."""
    from torch import nn

    from core.metrics import probability_head

    model = model.eval()
    if task == "regression":
        return model
    return nn.Sequential(model, probability_head(task)).eval()


def output_fn(model, task: str) -> Callable[[np.ndarray], np.ndarray]:
    """numpy in (n, *input_shape), numpy out (n, k): what KernelExplainer and LIME call."""
    import torch

    module = readable_module(model, task)

    def f(X: np.ndarray) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=np.float32)
        with torch.inference_mode():
            return np.concatenate([module(torch.from_numpy(X[i:i + 4096])).double().numpy()
                                   for i in range(0, len(X), 4096)] or [np.zeros((0, 1))])
    return f


def _shap_array(sv, n: int, shape: tuple[int, ...], k: int) -> np.ndarray:
    arr = np.asarray(sv, dtype=np.float64)
    return arr.reshape((n, *shape, k))  # shap 0.51: outputs on the last axis


def _deep(module, background, X, shape, k):
    import shap
    import torch

    explainer = shap.DeepExplainer(module, torch.from_numpy(background))

    def run(rows: np.ndarray) -> np.ndarray:
        sv = explainer.shap_values(torch.from_numpy(rows), check_additivity=False)
        return _shap_array(sv, len(rows), shape, k)
    return run, np.asarray(explainer.expected_value, dtype=np.float64).reshape(k)


def _gradient(module, background, X, shape, k, seed):
    import shap
    import torch

    explainer = shap.GradientExplainer(module, torch.from_numpy(background))

    def run(rows: np.ndarray) -> np.ndarray:
        sv = explainer.shap_values(torch.from_numpy(rows), nsamples=GRADIENT_SAMPLES, rseed=seed)
        return _shap_array(sv, len(rows), shape, k)
    with torch.inference_mode():
        base = module(torch.from_numpy(background)).double().mean(0).numpy()
    return run, base.reshape(k)


def kernel_runner(f, background, shape, k, seed: int = 0, nsamples: int | str = "auto"):
    """KernelExplainer on flattened inputs (the oracle); `background` as given (or a shap.kmeans)."""
    import shap

    n_in = int(np.prod(shape))

    def flat_f(Z):
        return f(np.asarray(Z, dtype=np.float32).reshape((len(Z), *shape)))

    bg = background if not isinstance(background, np.ndarray) else background.reshape(len(background), n_in)
    explainer = shap.KernelExplainer(flat_f, bg, seed=seed)

    def run(rows: np.ndarray) -> np.ndarray:
        sv = explainer.shap_values(rows.reshape(len(rows), n_in), nsamples=nsamples, silent=True)
        return _shap_array(sv, len(rows), shape, k)
    return run, np.asarray(explainer.expected_value, dtype=np.float64).reshape(k)


def choose_and_explain(model, task: str, background: np.ndarray, X: np.ndarray, seed: int = 0,
                       on_chunk: Callable[[float], None] | None = None, chunk: int = 50,
                       force: str | None = None) -> ShapOutput:
    """SHAP values of `X` (n, *input_shape), background from the training split.

    `force` ("deep" | "gradient" | "kernel") skips the probe (benchmarks and tests).
    """
    import torch

    torch.manual_seed(seed)
    background = np.ascontiguousarray(background, dtype=np.float32)
    X = np.ascontiguousarray(X, dtype=np.float32)
    shape = tuple(X.shape[1:])
    f = output_fn(model, task)
    outputs = f(X)  # (n, k)
    k = outputs.shape[1]
    module = readable_module(model, task)
    with _one_thread(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # shap warns about every module type it passes through
        run, base, name, why = _pick(module, f, background, X, shape, k, seed, force)
        parts = []
        for start in range(0, len(X), chunk):
            parts.append(run(X[start:start + chunk]))
            if on_chunk:
                on_chunk(min(1.0, (start + chunk) / max(len(X), 1)))
    values = np.concatenate(parts) if parts else np.zeros((0, *shape, k))
    return ShapOutput(values, base, outputs, name, why)


class ShapRunner:
    """SHAP for many small batches of rows of one model (the what-if editor, new rows to predict).

    The explainer is chosen once, by the same probe as `choose_and_explain`, on `probe` rows;
    each later call explains only the rows it is given (a few milliseconds for a Dense stack).
    """

    def __init__(self, model, task: str, background: np.ndarray, probe: np.ndarray, seed: int = 0):
        import torch

        background = np.ascontiguousarray(background, dtype=np.float32)
        probe = np.ascontiguousarray(probe, dtype=np.float32)
        self.shape = tuple(probe.shape[1:])
        self.f = output_fn(model, task)
        self.k = self.f(probe[:1]).shape[1]
        torch.manual_seed(seed)
        with _one_thread(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._run, self.base, self.explainer, self.why = _pick(
                readable_module(model, task), self.f, background, probe, self.shape, self.k, seed, None)

    def __call__(self, X: np.ndarray) -> ShapOutput:
        X = np.ascontiguousarray(X, dtype=np.float32)
        with _one_thread(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = self._run(X)
        return ShapOutput(values, self.base, self.f(X), self.explainer, self.why)


class _one_thread:
    """One torch thread while SHAP runs, restored after: each explained row is one small
    forward/backward over the background, where intra-op threads only contend (10x slower on a
    busy 2-core machine)."""

    def __enter__(self):
        import torch

        self.threads = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc):
        import torch

        torch.set_num_threads(self.threads)


def _pick(module, f, background, X, shape, k, seed, force):
    """(runner, base, name, why): DeepExplainer if its probe adds up, else GradientExplainer, else Kernel."""
    probe = X[:PROBE_ROWS]
    if force in (None, "deep"):
        try:
            run, base = _deep(module, background, X, shape, k)
            sv = run(probe)
            err = np.abs(sv.reshape(len(probe), -1, k).sum(1) + base - f(probe)).max()
            if force == "deep" or err <= ADDITIVITY_TOL:
                return run, base, "deep", ("DeepExplainer (DeepLIFT) was used: it is the fastest, and on "
                                           "this model its attributions add up exactly to the output "
                                           f"(error {err:.1e} on a probe of {len(probe)} rows).")
            deep_note = (f"DeepExplainer's attributions did not add up to the output on this model "
                         f"(error {err:.2g}; layers such as LSTM, GRU, LayerNorm or attention cause "
                         "this), so ")
        except Exception as exc:  # noqa: BLE001 - shap raises many kinds; we fall back and say so
            log.info("DeepExplainer failed: %s", exc)
            deep_note = f"DeepExplainer could not run on this model ({type(exc).__name__}), so "
    else:
        deep_note = ""
    if force in (None, "gradient"):
        try:
            run, base = _gradient(module, background, X, shape, k, seed)
            run(probe[:2])
            return run, base, "gradient", _cap(deep_note + "GradientExplainer (expected gradients) was "
                                           "used: it works on any differentiable stack; its "
                                           "attributions add up to the output only approximately.")
        except Exception as exc:  # noqa: BLE001
            log.info("GradientExplainer failed: %s", exc)
            deep_note += f"GradientExplainer could not run either ({type(exc).__name__}), so "
    import shap

    if int(np.prod(shape)) > KERNEL_MAX_INPUTS:
        raise LayerLabError(_cap(deep_note + f"KernelExplainer cannot explain {int(np.prod(shape)):,} "
                                 "inputs in reasonable time. Simplify the model (plain Dense, Conv2D "
                                 "and pooling layers explain exactly) or use fewer inputs."))
    bg = shap.kmeans(background.reshape(len(background), -1), min(KERNEL_CENTROIDS, len(background)))
    run, base = kernel_runner(f, bg, shape, k, seed)
    return run, base, "kernel", _cap(deep_note + "KernelExplainer (model-agnostic, slower) was used on a "
                                 f"{KERNEL_CENTROIDS}-centroid summary of the background.")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
