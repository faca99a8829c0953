"""Every diagnosis rule, in order, and how their findings combine into one list."""
from __future__ import annotations

from core.audit.diagnose import _findings as _f
from core.audit.diagnose import _layers as _l
from core.audit.diagnose._findings import Finding, RunFacts

_RULES = (_f.diverged, _f.overfitting, _f.underfitting, _f.lr_too_high, _f.lr_too_low,
          _l.dead_units, _l.vanishing_gradients, _l.exploding_gradients,
          _l.no_better_than_baseline, _l.class_imbalance, _l.possible_leakage,
          _f.no_better_than_linear)


def diagnose(facts: RunFacts) -> list[Finding]:
    found = [f for rule in _RULES if (f := rule(facts)) is not None]
    if any(f.kind == "diverged" for f in found):
        # Curves after a divergence are meaningless; only say what matters.
        found = [f for f in found if f.kind in ("diverged", "exploding_gradients", "class_imbalance")]
    if any(f.kind == "dead_units" for f in found):
        # Dead ReLUs pass no gradient, which looks like vanishing; the cause (and the advice)
        # is the dead units, not Sigmoid-style saturation.
        found = [f for f in found if f.kind != "vanishing_gradients"]
    return sorted(found, key=lambda f: f.severity != "problem")
