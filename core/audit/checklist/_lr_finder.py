"""Smith's learning-rate range test ("LR finder").

A fresh copy of the model trains for ~100 mini-batches while the learning rate grows
exponentially from 1e-7 to 10 (Smith, "Cyclical Learning Rates for Training Neural Networks",
2017; popularised by fastai). The loss is smoothed with a bias-corrected moving average and the
test stops once it explodes. A good learning rate lies where the loss falls fastest (steepest
descent of the smoothed curve); the other common rule, the lr of the lowest loss divided by 10,
is reported too, and the explanation says which one was suggested.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from core.audit.checklist._common import fresh_setup, optimizer_words, threads_for

START_LR, END_LR, STEPS = 1e-7, 10.0, 100
BETA = 0.98  # smoothing of the loss (fastai's value)
EXPLODE_FACTOR = 4.0  # stop once the smoothed loss is 4x its best
SKIP_START = 10  # the first steps are too noisy to read a slope from
MIN_DROP = 0.02  # the smoothed loss must fall by 2 % somewhere, else no lr is suggested


def lr_range_test(run, *, start_lr: float = START_LR, end_lr: float = END_LR,
                  steps: int = STEPS,
                  on_progress: Callable[[float, str], None] | None = None) -> dict:
    """The lr range test on a fresh copy of `run`'s model; see the module doc."""
    run_lr = float(run.config.get("lr", 1e-3))
    s = fresh_setup(run, lr=start_lr)
    with threads_for(s.model):
        lrs, losses = _sweep(s, start_lr, end_lr, steps, on_progress)
    suggested, rule, steepest, min_over_10 = suggest(lrs, losses)
    return {"lrs": lrs, "losses": losses, "suggested_lr": suggested, "rule": rule,
            "steepest_lr": steepest, "min_loss_lr_over_10": min_over_10,
            "optimizer": s.config.optimizer, "current_lr": run_lr,
            "explanation": _explain(suggested, rule, steepest, min_over_10, s.config, lrs, run_lr)}


def _sweep(s, start_lr: float, end_lr: float, steps: int, on_progress) -> tuple[list, list]:
    """(lrs, smoothed losses) of one exponential sweep, stopped when the loss explodes."""
    import torch

    batch = min(s.config.batch_size, len(s.X))
    gen = torch.Generator().manual_seed(s.config.seed)
    order = torch.randperm(len(s.X), generator=gen)
    mult = (end_lr / start_lr) ** (1 / max(1, steps - 1))
    lrs, losses = [], []
    avg, best = 0.0, math.inf
    for i in range(steps):
        lr = start_lr * mult ** i
        for group in s.optimizer.param_groups:
            group["lr"] = lr
        pos = (i * batch) % max(1, len(s.X) - batch + 1)  # cycle through the shuffled rows
        idx = order[pos:pos + batch]
        s.optimizer.zero_grad(set_to_none=True)
        loss = s.loss_fn(s.model(s.X[idx]), s.y[idx])
        value = loss.item()
        if not math.isfinite(value):
            break
        avg = BETA * avg + (1 - BETA) * value
        smooth = avg / (1 - BETA ** (i + 1))  # bias correction for the first steps
        lrs.append(lr)
        losses.append(smooth)
        best = min(best, smooth)
        if smooth > EXPLODE_FACTOR * best:
            break
        loss.backward()
        s.optimizer.step()
        if on_progress and i % 5 == 0:
            on_progress((i + 1) / steps, f"Learning rate {lr:.1e} ({i + 1} of {steps} steps)")
    return lrs, losses


def suggest(lrs: list[float], losses: list[float]):
    """(suggested lr, rule, steepest-descent lr, min-loss lr / 10); None where undefined."""
    if len(losses) < 3:
        return None, "none", None, None
    y = np.asarray(losses)
    x = np.log10(np.asarray(lrs))
    i_min = int(np.argmin(y))
    start = float(np.median(y[:SKIP_START]))  # the median: the first smoothed points still settle
    if y[i_min] > (1 - MIN_DROP) * start:
        return None, "no_drop", None, None  # a flat curve: its "steepest" point is noise
    min_over_10 = float(lrs[i_min] / 10)
    # Read the slope only on the way down: from the last point that had not yet made a tenth
    # of the total drop, to the minimum, so noise on the flat start cannot pass for descent.
    above = np.flatnonzero(y[:i_min] >= y[i_min] + 0.9 * (start - y[i_min]))
    lo = int(above[-1]) if len(above) else 0
    steepest = None
    if i_min - lo >= 2:
        slope = np.gradient(y[lo:i_min + 1], x[lo:i_min + 1])
        k = int(np.argmin(slope))
        if slope[k] < 0:
            steepest = float(lrs[lo + k])
    if steepest is not None:
        return steepest, "steepest", steepest, min_over_10
    return min_over_10, "min_over_10", steepest, min_over_10


def _explain(suggested, rule, steepest, min_over_10, cfg, lrs, run_lr) -> str:
    if rule == "no_drop":
        return ("The loss did not fall clearly at any learning rate from "
                f"{lrs[0]:.0e} to {lrs[-1]:.1e}, so no learning rate is suggested: the learning "
                "rate is not what holds this model back. Look for vanishing gradients or dead "
                "units (Internals), an architecture that is too deep or narrow, or unscaled inputs.")
    if suggested is None:
        return ("The loss became unusable within the first few steps, so no learning rate can be "
                "suggested. Check that the inputs are scaled and the model builds sensibly.")
    span = f"from {lrs[0]:.0e} to {lrs[-1]:.1e}"
    tried = (f"The learning rate grew step by step {span} ({optimizer_words(cfg)}), and the "
             "smoothed loss was recorded until it blew up.")
    if rule == "steepest":
        return (f"{tried} The loss fell fastest at {steepest:.2g}, so {suggested:.2g} is "
                f"suggested (steepest descent). The other usual rule, the lr of the lowest loss "
                f"divided by 10, gives {min_over_10:.2g}. The run used {run_lr:g}.")
    return (f"{tried} The curve has no clear downhill stretch, so the suggestion is the lr of "
            f"the lowest loss divided by 10: {suggested:.2g}. The run used {run_lr:g}.")
