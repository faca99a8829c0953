"""Plain-language diagnosis of a run from its curves and per-layer internals.

Each rule follows the debugging checklist of the whitepapers (shared/references/000): loss
curves for over/underfitting, the learning rate from oscillating or flat loss, activations
and gradients for dead units and vanishing/exploding gradients. Rules are written by hand
because no library turns training curves into advice; each returns data (kind, severity,
evidence, advice) that the page renders and the store keeps with the run.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from core.audit.evaluate import TIE as LINEAR_TIE  # one tie rule for the page and the diagnosis

KINDS = ("diverged", "overfitting", "underfitting", "lr_too_high", "lr_too_low", "dead_units",
         "vanishing_gradients", "exploding_gradients", "no_better_than_baseline",
         "class_imbalance", "possible_leakage", "no_better_than_linear")


@dataclass
class Finding:
    kind: str  # one of KINDS: stable, for scripts and the model card
    severity: str  # "problem" (fix it) or "warning" (worth a look)
    title: str
    evidence: str  # the number or the chart region that shows it
    advice: str  # what to try next
    epochs: tuple[int, int] | None = None  # the region of the curves it refers to
    layers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class RunFacts:
    """What the rules look at; built from a run's store records (see `facts_from_run`)."""

    task: str  # "binary" | "multiclass" | "regression"
    status: str
    train_loss: list[float | None]  # per epoch, index 0 = before training
    val_loss: list[float | None]
    train_metric: list[float | None]  # accuracy, or R² for regression
    val_metric: list[float | None]
    internals: list  # LayerStat-like objects: epoch, layer, grad_norm, weight_norm, dead_fraction
    baseline: float | None = None  # majority-class accuracy (classification) or 0.0 R²
    test_metric: float | None = None
    class_shares: dict[str, float] = field(default_factory=dict)
    dataset: str = ""
    # Input columns that alone decide the target on every training row (a copy of it, or a
    # field filled in after the outcome was known).
    leaky_columns: list[str] = field(default_factory=list)
    class_weighted: bool = False  # a weighted loss has another scale than the class entropy
    # Test score of a straight-line model on the same rows (core.audit.evaluate.linear_baseline).
    linear_baseline: float | None = None
    linear_model: str = ""


def _finite(xs) -> list[float]:
    return [x for x in xs if x is not None and math.isfinite(x)]


def diverged(f: RunFacts) -> Finding | None:
    losses = f.train_loss + f.val_loss
    bad = f.status == "diverged" or any(x is not None and not math.isfinite(x) for x in losses)
    if not bad:
        return None
    return Finding("diverged", "problem", "Training diverged",
                   "The loss became infinite or not a number, so the weights are no longer usable.",
                   "Lower the learning rate (try 10x smaller), add gradient clipping (norm 1.0), "
                   "and check that the inputs are scaled.")


def overfitting(f: RunFacts) -> Finding | None:
    val = f.val_loss
    pts = [(i, v) for i, v in enumerate(val) if v is not None and math.isfinite(v)]
    if len(pts) < 4:
        return None
    best_epoch, best = min(pts, key=lambda p: p[1])
    last_epoch, last = pts[-1]
    train_last = _finite(f.train_loss)[-1] if _finite(f.train_loss) else None
    # Validation loss rose clearly after its best while the train loss kept improving. The
    # rise must hold for the last few epochs: one noisy epoch (a high lr) is not overfitting.
    recent = min(v for _, v in pts[-3:])
    rose = recent > best * 1.10 and recent - best > 0.01 and last_epoch - best_epoch >= 2
    if not rose or train_last is None or train_last >= last:
        return None
    gap = last - train_last
    return Finding("overfitting", "problem", "The model is overfitting",
                   f"Validation loss was lowest at epoch {best_epoch} ({best:.3f}) and rose to "
                   f"{last:.3f} by epoch {last_epoch}, while training loss fell to {train_last:.3f} "
                   f"(gap {gap:.3f}).",
                   "Turn on early stopping, add Dropout or L2, use a smaller model, or get more data.",
                   epochs=(best_epoch, last_epoch))


def underfitting(f: RunFacts) -> Finding | None:
    if f.baseline is None or f.task == "regression":
        return None
    tm = _finite(f.train_metric)
    if len(tm) < 3:
        return None
    # Even on the data it learns from, the model barely beats always answering the majority.
    if tm[-1] <= f.baseline + 0.02:
        return Finding("underfitting", "problem", "The model is underfitting",
                       f"Training accuracy ends at {tm[-1]:.1%}, hardly above the {f.baseline:.1%} "
                       "of always answering the most common class.", _UNDERFIT_ADVICE)
    # Or its loss is no lower than that of predicting the class shares for everyone (the
    # entropy of the classes): the answers may be right, but only barely and by luck of sign.
    tl, chance = _finite(f.train_loss), _class_entropy(f.class_shares)
    if chance and not f.class_weighted and len(tl) >= 3 and tl[-1] >= 0.97 * chance:
        return Finding("underfitting", "problem", "The model is underfitting",
                       f"Training loss ends at {tl[-1]:.3f}, no lower than the {chance:.3f} of "
                       "predicting the class shares for every example: the model has learnt "
                       "almost nothing it is sure of.", _UNDERFIT_ADVICE)
    return None


_UNDERFIT_ADVICE = ("Train longer, raise the learning rate, lower L2 or Dropout, or use a bigger "
                    "model (more units or layers).")


def _class_entropy(shares: dict[str, float]) -> float | None:
    ps = [p for p in shares.values() if p > 0]
    return -sum(p * math.log(p) for p in ps) if len(ps) > 1 else None


def lr_too_high(f: RunFacts) -> Finding | None:
    spike = _loss_spike(f)
    if spike is not None:
        return spike
    tl = _finite(f.train_loss[1:])
    if len(tl) < 6:
        return None
    diffs = [b - a for a, b in zip(tl, tl[1:])]
    ups = sum(d > 0 for d in diffs)
    late = sorted(tl[len(tl) // 2:])
    swing, level = late[-1] - late[0], late[len(late) // 2]
    # Many rises and, late in training, swings of over a quarter of the loss's own level: steps
    # overshoot the minimum. (Small wiggles of a loss that keeps falling are only batch noise.)
    if ups / len(diffs) < 0.35 or swing < 0.25 * max(level, 1e-8):
        return None
    return Finding("lr_too_high", "warning", "The learning rate looks too high",
                   f"The training loss went up in {ups} of {len(diffs)} epochs and swings by "
                   f"{swing:.3f} in the second half instead of settling.",
                   "Lower the learning rate (try 3-10x smaller) or use a schedule (cosine, reduce-on-plateau).")


SPIKE_FACTOR = 2.0  # a healthy run's loss never climbs far above where it started


def _loss_spike(f: RunFacts) -> Finding | None:
    tl = f.train_loss
    if not tl or tl[0] is None or not math.isfinite(tl[0]) or tl[0] <= 0:
        return None
    later = [(i, x) for i, x in enumerate(tl[1:], start=1) if x is not None and math.isfinite(x)]
    if not later:
        return None
    epoch, peak = max(later, key=lambda p: p[1])
    if peak < SPIKE_FACTOR * tl[0]:
        return None
    return Finding("lr_too_high", "warning", "The learning rate looks too high",
                   f"The training loss jumped to {peak:.3g} in epoch {epoch}, {peak / tl[0]:.0f}x "
                   f"its starting value {tl[0]:.3g}: the steps overshoot.",
                   "Lower the learning rate (try 3-10x smaller), add gradient clipping (norm 1.0), "
                   "or use a warm-up schedule (one-cycle).", epochs=(epoch, epoch))


def lr_too_low(f: RunFacts) -> Finding | None:
    tl = _finite(f.train_loss)
    if len(tl) < 4 or tl[0] <= 0:
        return None
    drop = (tl[0] - tl[-1]) / tl[0]
    # Loss barely moved over the whole run: steps are too small to make progress.
    if drop > 0.02:
        return None
    return Finding("lr_too_low", "warning", "The learning rate looks too low",
                   f"The training loss moved only {drop:.1%} from {tl[0]:.3f} to {tl[-1]:.3f} "
                   f"in {len(tl) - 1} epochs.",
                   "Raise the learning rate (try 10x larger), or use the learning-rate finder.")


NO_BETTER_THAN_LINEAR_ADVICE = (
    "Train longer (more epochs, early stopping keeps the best weights), try a learning rate 3× "
    "higher or lower, or add L2 / dropout if the training score is far above the validation "
    "score; if nothing helps, the straight-line model is the better choice for this data.")


def no_better_than_linear(f: RunFacts) -> Finding | None:
    """The network does not beat a straight-line model (said only when it beats the majority)."""
    if f.test_metric is None or f.linear_baseline is None:
        return None
    if f.test_metric > f.linear_baseline + LINEAR_TIE:
        return None
    if f.baseline is not None and f.test_metric <= f.baseline + (0.005 if f.task != "regression" else 0.02):
        return None  # "no better than the baseline" already says more
    pct = f.task != "regression"
    fmt = (lambda v: f"{v * 100:.1f} %") if pct else (lambda v: f"R² {v:.3f}")
    return Finding("no_better_than_linear", "warning", "No better than a straight-line model",
                   f"Your network gets {fmt(f.test_metric)} on the test rows; a straight-line "
                   f"model ({f.linear_model or 'linear'}) gets {fmt(f.linear_baseline)} on the "
                   "same rows.", NO_BETTER_THAN_LINEAR_ADVICE)
