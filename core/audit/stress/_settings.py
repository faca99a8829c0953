"""StressSettings: which attacks and corruptions, how strong, on how many rows (typed, checked)."""
from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from core.audit.stress._attacks import ATTACKS
from core.errors import LayerLabError

# Default strengths per kind of data, and the one the summary sentence speaks about.
DEFAULT_STRENGTHS = {"tabular": [0.0, 0.05, 0.1, 0.2, 0.3, 0.5],
                     "image": [0.0, 0.02, 0.05, 0.1, 0.15, 0.2],
                     "sequence": [0.0, 0.05, 0.1, 0.2, 0.3, 0.5]}
REFERENCE_STRENGTH = 0.1
# Beyond these an "attack" is no longer a small change: 5 standard deviations rewrites a
# table row, a pixel change of 1 turns black into white.
MAX_STRENGTH = {"tabular": 5.0, "image": 1.0, "sequence": 10.0}


class StressSettings(BaseModel):
    """What one stress test runs; stored with its result."""

    model_config = ConfigDict(extra="forbid")

    attacks: list[str] = Field(default_factory=lambda: list(ATTACKS))
    corruptions: list[str] | None = None  # None: every corruption that fits the data
    strengths: list[float] | None = None  # None: DEFAULT_STRENGTHS of the data's kind
    steps: int = Field(10, ge=1, le=1000)
    step_size: float | None = Field(None, gt=0)  # None: 2.5 ε / steps
    random_start: bool = False  # off by default so results are reproducible to the digit
    n_rows: int = Field(1000, ge=10, le=100_000)  # test rows attacked (a seeded subsample)
    locked: list[str] = Field(default_factory=list)  # table columns that must not move
    seed: int = Field(0, ge=0)
    device: str = "auto"


def check_settings(s: StressSettings, modality: str, corruption_names) -> list[float]:
    """The strengths to use; clear errors for unknown names and negative or absurd strengths."""
    unknown = [a for a in s.attacks if a not in ATTACKS]
    if unknown:
        raise LayerLabError(f"Unknown attack {unknown[0]!r}; choose from {', '.join(ATTACKS)}.")
    bad = [c for c in (s.corruptions or []) if c not in corruption_names]
    if bad:
        raise LayerLabError(f"The corruption {bad[0]!r} does not apply to {modality} data; choose "
                            f"from {', '.join(corruption_names)}.")
    strengths = DEFAULT_STRENGTHS[modality] if s.strengths is None else s.strengths
    odd = [e for e in strengths if not math.isfinite(e)]
    if odd:
        raise LayerLabError(f"The strength ε = {odd[0]:g} is not a number; give values such as "
                            "0, 0.1, 0.2.")
    strengths = sorted(set(strengths))
    if not strengths:
        raise LayerLabError("Give at least one strength ε (for example 0.1).")
    if strengths[0] < 0:
        raise LayerLabError(f"The strength ε = {strengths[0]:g} is negative; ε is the size of a "
                            "change and must be 0 or more.")
    top = MAX_STRENGTH[modality]
    if strengths[-1] > top:
        raise LayerLabError(f"The strength ε = {strengths[-1]:g} is too large for {modality} data "
                            f"(at most {top:g}): a change that big is no longer a small "
                            "perturbation. Use values between 0 and "
                            f"{DEFAULT_STRENGTHS[modality][-1]:g}.")
    return strengths
