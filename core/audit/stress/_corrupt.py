"""Random noise and corruptions: what the world (not an attacker) does to inputs.

Each corruption maps (x (N, *input_shape) float32 numpy, strength, rng) to corrupted inputs
with the same shape. Strength is on the same axis as ε where that makes sense (noise σ in
the attack's unit); for the others the legend names what it means (share of values flipped
or missing, blur radius, occlusion size).
"""
from __future__ import annotations

import numpy as np

# name -> (title, what the strength s means); tabular and image sets have their own lists.
TABULAR = {
    "noise": ("Gaussian noise", "σ = s standard deviations on each numeric column"),
    "flip": ("Category flips", "each categorical value replaced by another with probability s"),
    "missing": ("Missing values", "each value blanked with probability s, then filled by the imputer"),
}
IMAGE = {
    "noise": ("Gaussian noise", "σ = s in pixel intensity"),
    "blur": ("Blur", "Gaussian blur of σ = 10·s pixels"),
    "occlusion": ("Occlusion", "a black square covering a side of 2·s of the image"),
}
SEQUENCE = {"noise": ("Gaussian noise", "σ = s on the sequence values")}


def corruptions_for(modality: str) -> dict[str, tuple[str, str]]:
    return {"tabular": TABULAR, "image": IMAGE}.get(modality, SEQUENCE)


def corrupt(name: str, x: np.ndarray, s: float, space, rng: np.random.Generator,
            preprocessor=None) -> np.ndarray:
    """Corrupted copy of x; s = 0 returns x unchanged."""
    x = np.array(x, dtype=np.float32, copy=True)
    if s == 0:
        return x
    if name == "noise":
        return _noise(x, s, space, rng)
    if name == "flip":
        return _flip(x, s, space, rng)
    if name == "missing":
        return _missing(x, s, space, rng, preprocessor)
    if name == "blur":
        return _blur(x, 10 * s)
    if name == "occlusion":
        return _occlude(x, 2 * s, rng)
    raise ValueError(f"Unknown corruption {name!r}")


def _noise(x, s, space, rng):
    if space.modality == "tabular":
        # Every numeric input, whether the user locked it or not: noise is not an attacker.
        cols = [j for j, _, _ in space.numeric.values()]
        x[:, cols] += rng.normal(0.0, s, size=(len(x), len(cols))).astype(np.float32)
        return x
    x += rng.normal(0.0, s, size=x.shape).astype(np.float32)
    return np.clip(x, space.lo, space.hi) if space.lo is not None else x


def _flip(x, s, space, rng):
    """Replace a categorical value by another category seen in training (uniformly)."""
    for inputs in space.categorical.values():
        if len(inputs) < 2:
            continue
        hit = rng.random(len(x)) < s  # (N,)
        block = x[hit][:, inputs]  # (n_hit, n_categories)
        current = block.argmax(1)
        shift = rng.integers(1, len(inputs), size=len(current))
        new = (current + shift) % len(inputs)  # never the current category
        block[:] = 0.0
        block[np.arange(len(new)), new] = 1.0
        rows = np.flatnonzero(hit)
        x[np.ix_(rows, inputs)] = block
    return x


def _missing(x, s, space, rng, pre):
    """Blank values at random, then fill them as the fitted preprocessor would."""
    from core.audit.stress._space import imputed_value
    from core.data import MISSING_CATEGORY

    for col, (j, _, _) in space.numeric.items():
        hit = rng.random(len(x)) < s
        x[hit, j] = imputed_value(pre, col)
    if space.categorical:
        encoder = pre.named_transformers_["cat"]
        for col, cats in zip(encoder.feature_names_in_, encoder.categories_):
            inputs = space.categorical.get(col)
            if not inputs:
                continue
            hit = rng.random(len(x)) < s
            block = np.zeros(len(inputs), dtype=np.float32)
            known = list(cats)
            # A missing value is its own category when training saw one; else all zeros (unknown).
            if MISSING_CATEGORY in known:
                block[known.index(MISSING_CATEGORY)] = 1.0
            x[np.ix_(np.flatnonzero(hit), inputs)] = block
    return x


def _blur(x, sigma):
    from scipy.ndimage import gaussian_filter

    # Blur over height and width only: (N, C, H, W).
    return gaussian_filter(x, sigma=(0, 0, sigma, sigma), mode="constant").astype(np.float32)


def _occlude(x, side_fraction, rng):
    n, _, h, w = x.shape
    size = max(1, int(round(min(1.0, side_fraction) * min(h, w))))
    tops = rng.integers(0, h - size + 1, size=n)
    lefts = rng.integers(0, w - size + 1, size=n)
    for i in range(n):
        x[i, :, tops[i]:tops[i] + size, lefts[i]:lefts[i] + size] = 0.0
    return x
