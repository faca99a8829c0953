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

N_EXAMPLES = 32
MAX_STEPS = 300
# "Near zero": cross-entropy under 0.05 means every example gets ~95 % of the probability;
# regression has no fixed scale, so its loss must fall under 5 % of where it started.
CLASSIFICATION_TARGET = 0.05
REGRESSION_FRACTION = 0.05


def tiny_batch_check(run, *, n_examples: int = N_EXAMPLES, max_steps: int = MAX_STEPS,
                     on_progress: Callable[[float, str], None] | None = None) -> dict:
    """Train a fresh copy of `run`'s model on `n_examples` training rows; see the module doc."""
    s = fresh_setup(run)
    with threads_for(s.model):
        return _check(s, n_examples, max_steps, on_progress)


def _check(s, n_examples: int, max_steps: int, on_progress) -> dict:
    import torch

    gen = torch.Generator().manual_seed(s.config.seed)
    idx = torch.randperm(len(s.X), generator=gen)[:n_examples]
    xb, yb = s.X[idx], s.y[idx]  # (n_examples, *input_shape), targets
    initial = _eval_loss(s, xb, yb)
    goal = (CLASSIFICATION_TARGET if s.task != "regression"
            else REGRESSION_FRACTION * (initial or 0.0))
    losses: list[float] = []
    for step in range(1, max_steps + 1):
        s.optimizer.zero_grad(set_to_none=True)
        loss = s.loss_fn(s.model(xb), yb)
        loss.backward()
        s.optimizer.step()
        value = loss.item()
        losses.append(value if math.isfinite(value) else None)
        if not math.isfinite(value):
            break  # NaN cannot recover
        if step % 10 == 0 and (now := _eval_loss(s, xb, yb)) is not None and now < goal / 2:
            break  # well under the goal: more steps would show nothing new
        if on_progress and step % 10 == 0:
            on_progress(step / max_steps, f"Step {step} of at most {max_steps}")
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
    opt = f"{optimizer_words(cfg)} at learning rate {cfg.lr:g}"
    if passed:
        return (f"Yes. The loss fell from {initial:.3g} to {final:.3g} on {n} examples in "
                f"{steps} steps ({opt}), so the model and its training setup can learn. If the "
                "full run still does badly, look at the data, the amount of training or the "
                "regularisation rather than for a bug.")
    if final is None:
        return (f"No. The loss became infinite or not a number within {steps} steps ({opt}). "
                "The learning rate is too high for this model: lower it 10x, add gradient "
                "clipping, or run the learning-rate finder.")
    if initial and final > 0.9 * initial:
        return (f"No. The loss hardly moved ({initial:.3g} → {final:.3g}) in {steps} steps on "
                f"only {n} examples ({opt}). Training makes no progress at all: the learning "
                "rate is probably far too low, or the gradients do not reach the weights "
                "(vanishing gradients, dead units, a layer too narrow). Raise the learning rate "
                "or run the learning-rate finder, and check the Internals charts.")
    return (f"No. The loss fell from {initial:.3g} to {final:.3g} but not near zero in {steps} "
            f"steps on only {n} examples ({opt}). A model that cannot memorise {n} examples "
            "is too small or too constrained (a very narrow layer, heavy Dropout, strong L2), or "
            "its learning rate is too low. Try more units, less Dropout or L2, or a higher "
            "learning rate.")
