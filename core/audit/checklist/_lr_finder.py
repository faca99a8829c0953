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
from core.train import TrainHooks

START_LR, END_LR, STEPS = 1e-7, 10.0, 100
BETA = 0.98  # smoothing of the loss (fastai's value)
EXPLODE_FACTOR = 4.0  # stop once the smoothed loss is 4x its best
SKIP_START = 10  # the first steps are too noisy to read a slope from
MIN_DROP = 0.02  # the smoothed loss must fall by 2 % somewhere, else no lr is suggested

PROGRESS = "Learning rate {lr:.1e} ({step} of {steps} steps)"
NO_DROP = ("The loss did not fall clearly at any learning rate from {first:.0e} to {last:.1e}, "
           "so no learning rate is suggested: the learning rate is not what holds this model "
           "back. Look for vanishing gradients or dead units (Internals), an architecture that "
           "is too deep or narrow, or unscaled inputs.")
UNUSABLE = ("The loss became unusable within the first few steps, so no learning rate can be "
            "suggested. Check that the inputs are scaled and the model builds sensibly.")
TRIED = ("The learning rate grew step by step from {first:.0e} to {last:.1e} ({optimizer}), and "
         "the smoothed loss was recorded until it blew up.")
STEEPEST = ("{tried} The loss fell fastest at {steepest:.2g}, so {suggested:.2g} is suggested "
            "(steepest descent). The other usual rule, the lr of the lowest loss divided by 10, "
            "gives {min_over_10:.2g}. The run used {run_lr:g}.")
MIN_OVER_10 = ("{tried} The curve has no clear downhill stretch, so the suggestion is the lr of "
               "the lowest loss divided by 10: {suggested:.2g}. The run used {run_lr:g}.")


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

    from core.train import LoopState, run_steps

    batch = min(s.config.batch_size, len(s.X))
    gen = torch.Generator().manual_seed(s.config.seed)
    order = torch.randperm(len(s.X), generator=gen)
    sweep = _RangeTest(start_lr, (end_lr / start_lr) ** (1 / max(1, steps - 1)), steps, on_progress)

    def batches():
        for i in range(steps):
            pos = (i * batch) % max(1, len(s.X) - batch + 1)  # cycle through the shuffled rows
            idx = order[pos:pos + batch]
            yield s.X[idx], s.y[idx]

    run_steps(LoopState(setup=s.train), batches(), [sweep])
    return sweep.lrs, sweep.losses


class _RangeTest(TrainHooks):
    """The LR range test as a training hook: sets each step's rate, records the smoothed loss.

    A step's loss is computed before its update, so the point recorded for a rate is the loss
    the model had when that rate was applied; the sweep stops at a non-finite or exploded loss."""

    def __init__(self, start_lr: float, mult: float, steps: int, on_progress):
        self.start_lr, self.mult, self.steps, self.on_progress = start_lr, mult, steps, on_progress
        self.lrs, self.losses = [], []
        self.avg, self.best = 0.0, math.inf

    def before_step(self, state) -> None:
        self.lr = self.start_lr * self.mult ** state.global_step
        for group in state.setup.optimizer.param_groups:
            group["lr"] = self.lr

    def after_step(self, state, value: float) -> None:
        i = state.global_step - 1
        if not math.isfinite(value):
            state.stop = True
            return
        self.avg = BETA * self.avg + (1 - BETA) * value
        smooth = self.avg / (1 - BETA ** (i + 1))  # bias correction for the first steps
        self.lrs.append(self.lr)
        self.losses.append(smooth)
        self.best = min(self.best, smooth)
        if smooth > EXPLODE_FACTOR * self.best:
            state.stop = True
        elif self.on_progress and i % 5 == 0:
            self.on_progress((i + 1) / self.steps,
                             PROGRESS.format(lr=self.lr, step=i + 1, steps=self.steps))


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
        return NO_DROP.format(first=lrs[0], last=lrs[-1])
    if suggested is None:
        return UNUSABLE
    tried = TRIED.format(first=lrs[0], last=lrs[-1], optimizer=optimizer_words(cfg))
    template = STEEPEST if rule == "steepest" else MIN_OVER_10
    return template.format(tried=tried, steepest=steepest, suggested=suggested,
                           min_over_10=min_over_10, run_lr=run_lr)
