""""Can it overfit a tiny batch?": the first check of the whitepapers' debugging checklist.

A fresh copy of the model trains on 32 training examples, full batch, for a few hundred steps
with the run's optimizer and learning rate. A model that works can memorise 32 examples, so
the loss should reach near zero; if it cannot, the problem is in the setup (learning rate,
architecture, a bug in the data), not in the amount of data or regularisation.
"""
from __future__ import annotations

import math
from typing import Callable

from core.audit.checklist._common import fresh_setup, optimizer_words, threads_for
from core.train import TrainHooks

N_EXAMPLES = 32
MAX_STEPS = 300
# "Near zero": cross-entropy under 0.05 means every example gets ~95 % of the probability;
# regression has no fixed scale, so its loss must fall under 5 % of where it started.
CLASSIFICATION_TARGET = 0.05
REGRESSION_FRACTION = 0.05

PROGRESS = "Step {step} of at most {max_steps}"
PASSED = ("Yes. The loss fell from {initial:.3g} to {final:.3g} on {n} examples in {steps} steps "
          "({opt}), so the model and its training setup can learn. If the full run still does "
          "badly, look at the data, the amount of training or the regularisation rather than "
          "for a bug.")
BLEW_UP = ("No. The loss became infinite or not a number within {steps} steps ({opt}). The "
           "learning rate is too high for this model: lower it 10x, add gradient clipping, or "
           "run the learning-rate finder.")
NO_PROGRESS = ("No. The loss hardly moved ({initial:.3g} → {final:.3g}) in {steps} steps on only "
               "{n} examples ({opt}). Training makes no progress at all: the learning rate is "
               "probably far too low, or the gradients do not reach the weights (vanishing "
               "gradients, dead units, a layer too narrow). Raise the learning rate or run the "
               "learning-rate finder, and check the Internals charts.")
NOT_NEAR_ZERO = ("No. The loss fell from {initial:.3g} to {final:.3g} but not near zero in "
                 "{steps} steps on only {n} examples ({opt}). A model that cannot memorise {n} "
                 "examples is too small or too constrained (a very narrow layer, heavy Dropout, "
                 "strong L2), or its learning rate is too low. Try more units, less Dropout or "
                 "L2, or a higher learning rate.")
OPTIMIZER = "{optimizer} at learning rate {lr:g}"


def tiny_batch_check(run, *, n_examples: int = N_EXAMPLES, max_steps: int = MAX_STEPS,
                     on_progress: Callable[[float, str], None] | None = None) -> dict:
    """Train a fresh copy of `run`'s model on `n_examples` training rows; see the module doc."""
    s = fresh_setup(run)
    with threads_for(s.model):
        return _check(s, n_examples, max_steps, on_progress)


class _TinyBatch(TrainHooks):
    """Records each step's loss; stops at a non-finite loss or once well under the goal."""

    def __init__(self, s, xb, yb, goal: float, max_steps: int, on_progress):
        self.s, self.xb, self.yb, self.goal = s, xb, yb, goal
        self.max_steps, self.on_progress = max_steps, on_progress
        self.losses: list[float | None] = []

    def after_step(self, state, value: float) -> None:
        step = state.global_step
        self.losses.append(value if math.isfinite(value) else None)
        if not math.isfinite(value):
            state.stop = True  # NaN cannot recover
        elif step % 10 == 0 and (now := _eval_loss(self.s, self.xb, self.yb)) is not None \
                and now < self.goal / 2:
            state.stop = True  # well under the goal: more steps would show nothing new
        elif self.on_progress and step % 10 == 0:
            self.on_progress(step / self.max_steps,
                             PROGRESS.format(step=step, max_steps=self.max_steps))


def _check(s, n_examples: int, max_steps: int, on_progress) -> dict:
    import itertools

    import torch

    from core.train import LoopState, run_steps

    gen = torch.Generator().manual_seed(s.config.seed)
    idx = torch.randperm(len(s.X), generator=gen)[:n_examples]
    xb, yb = s.X[idx], s.y[idx]  # (n_examples, *input_shape), targets
    initial = _eval_loss(s, xb, yb)
    goal = (CLASSIFICATION_TARGET if s.task != "regression"
            else REGRESSION_FRACTION * (initial or 0.0))
    hook = _TinyBatch(s, xb, yb, goal, max_steps, on_progress)
    run_steps(LoopState(setup=s.train), itertools.repeat((xb, yb), max_steps), [hook])
    losses = hook.losses
    final = _eval_loss(s, xb, yb)
    passed = final is not None and final < goal
    return {"n_examples": int(len(idx)), "steps": len(losses), "losses": losses,
            "initial_loss": initial, "final_loss": final, "goal": goal, "passed": passed,
            "lr": s.config.lr, "optimizer": s.config.optimizer,
            "verdict": _verdict(passed, initial, final, len(losses), len(idx), s.config)}


def _eval_loss(s, xb, yb) -> float | None:
    """Loss on the tiny batch with dropout off (what the model has learnt, not the noise)."""
    import torch

    s.model.eval()
    try:
        with torch.no_grad():
            value = float(s.loss_fn(s.model(xb), yb))
    finally:
        s.model.train()
    return value if math.isfinite(value) else None


def _verdict(passed: bool, initial, final, steps: int, n: int, cfg) -> str:
    opt = OPTIMIZER.format(optimizer=optimizer_words(cfg), lr=cfg.lr)
    if passed:
        template = PASSED
    elif final is None:
        template = BLEW_UP
    elif initial and final > 0.9 * initial:
        template = NO_PROGRESS
    else:
        template = NOT_NEAR_ZERO
    return template.format(initial=initial, final=final, steps=steps, n=n, opt=opt)
