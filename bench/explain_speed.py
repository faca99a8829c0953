"""SHAP speed on Adult: the gradient explainer LayerLab picks against KernelExplainer, per row.

Walkthrough MLP (128-64) trained briefly on Adult (106 model inputs). All SHAP explainers get
the same 100-row background from the training split (seed 0); 500 test rows (seed 0).
- DeepExplainer (what LayerLab picks for this model) on all 500 rows; GradientExplainer on 100.
- KernelExplainer on the same background, per row, on a sample of the rows (it is ~100x slower;
  per-row time does not depend on which rows), and on a 10-centroid shap.kmeans background.
- The rank correlation of the global importances (mean |SHAP| per original column) of
  DeepExplainer against KernelExplainer, on the rows both explained.
- LIME's time per row (LimeTabularExplainer on the original columns, 1,000 samples).
Goal: DeepExplainer >= 50x faster per row than KernelExplainer, rank correlation >= 0.9.
Run: python bench/explain_speed.py [--kernel-rows N]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LAYERLAB_HOME", tempfile.mkdtemp(prefix="layerlab-bench-"))
ROWS, BACKGROUND = 500, 100


def train(data):
    import torch

    from core.build import build_model
    from core.spec import get_preset

    torch.manual_seed(0)
    model = build_model(get_preset("walkthrough_mlp"), data.input_shape, data.task, data.n_outputs)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    X, y = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train).float()
    gen = torch.Generator().manual_seed(0)
    for _ in range(2):
        perm = torch.randperm(len(X), generator=gen)
        for i in range(0, len(X), 256):
            idx = perm[i:i + 256]
            opt.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(model(X[idx])[:, 0], y[idx]).backward()
            opt.step()
    return model.eval()


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    import numpy as np
    import shap
    from scipy.stats import spearmanr

    from core.audit.explain import (TabularLime, choose_and_explain, kernel_runner, lime_label,
                                    output_fn, to_columns)
    from core.data import default_ref
    from core.data import prepared

    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel-rows", type=int, default=20)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    bundle, data = prepared(default_ref("adult"))
    model = train(data)
    rng = np.random.default_rng(0)
    bg = data.X_train[np.sort(rng.choice(len(data.X_train), BACKGROUND, replace=False))]
    pos = np.sort(rng.choice(len(data.X_test), ROWS, replace=False))
    X = data.X_test[pos]
    f = output_fn(model, "binary")

    deep, t_deep = timed(lambda: choose_and_explain(model, "binary", bg, X, force="deep"))
    grad, t_grad = timed(lambda: choose_and_explain(model, "binary", bg, X[:100], force="gradient"))
    kr = args.kernel_rows
    run, _ = kernel_runner(f, bg, X.shape[1:], 1)
    kern, t_kern = timed(lambda: run(X[:kr]))
    run_km, _ = kernel_runner(f, shap.kmeans(bg, 10), X.shape[1:], 1)
    _, t_km = timed(lambda: run_km(X[:kr]))

    cols = data.feature_columns
    _, deep_cols = to_columns(deep.values[:kr, :, 0], cols)
    _, kern_cols = to_columns(kern[..., 0], cols)
    rho = float(spearmanr(np.abs(deep_cols).mean(0), np.abs(kern_cols).mean(0)).statistic)
    _, deep_all = to_columns(deep.values[..., 0], cols)

    tab = TabularLime.from_run(bundle, data, f)
    explainer = tab.explainer(bundle.frame.iloc[data.idx_train], 0, data.classes)
    codes = tab.encode(bundle.frame.iloc[data.idx_test[pos[:10]]])
    _, t_lime = timed(lambda: [tab.explain(explainer, c, lime_label("binary", 0)) for c in codes])

    ms = {"deep_ms_per_row": 1000 * t_deep / ROWS, "gradient_ms_per_row": 1000 * t_grad / 100,
          "kernel_ms_per_row": 1000 * t_kern / kr, "kernel_kmeans10_ms_per_row": 1000 * t_km / kr,
          "lime_ms_per_row": 1000 * t_lime / 10}
    figures = {**ms, "speedup_deep_vs_kernel": ms["kernel_ms_per_row"] / ms["deep_ms_per_row"],
               "speedup_gradient_vs_kernel": ms["kernel_ms_per_row"] / ms["gradient_ms_per_row"],
               "rank_corr_deep_vs_kernel": rho, "additivity_error_deep": deep.additivity_error,
               "kernel_rows": kr, "rows": ROWS, "inputs": int(X.shape[1]), "device": "cpu"}
    goals = {"speedup_deep_vs_kernel": ">= 50", "rank_corr_deep_vs_kernel": ">= 0.9"}
    met = figures["speedup_deep_vs_kernel"] >= 50 and rho >= 0.9
    print(f"Adult, walkthrough MLP, {X.shape[1]} inputs, background {BACKGROUND} training rows")
    print(f"{'explainer':<34}{'ms per row':>12}")
    for name, key in [("DeepExplainer (500 rows)", "deep_ms_per_row"),
                      ("GradientExplainer (100 rows)", "gradient_ms_per_row"),
                      (f"KernelExplainer ({kr} rows)", "kernel_ms_per_row"),
                      (f"KernelExplainer k-means 10 ({kr} rows)", "kernel_kmeans10_ms_per_row"),
                      ("LIME tabular (10 rows)", "lime_ms_per_row")]:
        print(f"{name:<34}{ms[key]:>12.1f}")
    print(f"Deep vs Kernel: {figures['speedup_deep_vs_kernel']:.0f}x faster per row; rank correlation "
          f"of global column importances {rho:.3f}; Deep additivity error {deep.additivity_error:.1e}")
    print("top columns (Deep, 500 rows):", [cols_ for cols_ in
          np.array(list(dict.fromkeys(cols)))[np.argsort(-np.abs(deep_all).mean(0))][:5]])
    print(json.dumps({"bench": "explain_speed", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
