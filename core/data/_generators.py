"""Seeded generators for the built-in toy sets: 2-D points (in the spirit of TensorFlow
Playground) and short 1-D signals.

Each function is pure: the same arguments give byte-identical frames, because a worker
rebuilds the data from the `DatasetRef` alone.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def _points_frame(xy: np.ndarray, target: np.ndarray, target_name: str = "label") -> pd.DataFrame:
    return pd.DataFrame({"x1": xy[:, 0].round(6), "x2": xy[:, 1].round(6), target_name: target})


def moons(n_points: int, noise: float, seed: int) -> pd.DataFrame:
    from sklearn.datasets import make_moons

    xy, label = make_moons(n_samples=n_points, noise=noise, random_state=seed)
    return _points_frame(xy, label.astype(np.int64))


def circles(n_points: int, noise: float, seed: int) -> pd.DataFrame:
    from sklearn.datasets import make_circles

    # factor: radius of the inner circle relative to the outer one.
    xy, label = make_circles(n_samples=n_points, noise=noise, factor=0.5, random_state=seed)
    return _points_frame(xy, label.astype(np.int64))


def xor(n_points: int, noise: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-1.0, 1.0, size=(n_points, 2))
    # Keep points off the axes (as TF Playground does) so the four quadrants stay readable.
    xy += np.sign(xy) * 0.05
    label = (xy[:, 0] * xy[:, 1] > 0).astype(np.int64)
    xy += rng.normal(0.0, noise, size=xy.shape)  # noise moves points after labelling
    return _points_frame(xy, label)


def spirals(n_points: int, noise: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    half = n_points // 2
    label = np.r_[np.zeros(half, np.int64), np.ones(n_points - half, np.int64)]
    # Radius grows with the angle; the second spiral is the first turned by half a circle.
    t = np.r_[np.linspace(0, 1, half), np.linspace(0, 1, n_points - half)]
    angle = 1.75 * t * 2 * np.pi + label * np.pi
    xy = np.c_[t * np.cos(angle), t * np.sin(angle)]
    xy += rng.normal(0.0, noise * 0.5, size=xy.shape)
    return _points_frame(xy, label)


def blobs(n_points: int, noise: float, seed: int, classes: int = 3) -> pd.DataFrame:
    from sklearn.datasets import make_blobs

    # noise 0..0.5 maps to a cluster spread of 0.5..3 on a (-6, 6) box: from apart to overlapping.
    xy, label = make_blobs(n_samples=n_points, centers=int(classes), cluster_std=0.5 + 5 * noise,
                           center_box=(-6.0, 6.0), random_state=seed)
    return _points_frame(xy, label.astype(np.int64))


def plane_regression(n_points: int, noise: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-1.0, 1.0, size=(n_points, 2))
    y = 0.6 * xy[:, 0] - 0.4 * xy[:, 1] + rng.normal(0.0, noise, size=n_points)
    return _points_frame(xy, y.round(6), "y")


def surface_regression(n_points: int, noise: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-1.0, 1.0, size=(n_points, 2))
    y = np.sin(np.pi * xy[:, 0]) * np.cos(np.pi * xy[:, 1]) + rng.normal(0.0, noise, size=n_points)
    return _points_frame(xy, y.round(6), "y")


WAVE_SHAPES = ("sine", "sawtooth", "square")


def waves(n_points: int, seq_len: int, noise: float, seed: int) -> pd.DataFrame:
    """Sine, sawtooth and square waves with random frequency, phase, amplitude; label `shape`."""
    rng = np.random.default_rng(seed)
    kind = np.arange(n_points) % len(WAVE_SHAPES)  # balanced classes
    rng.shuffle(kind)
    t = np.arange(seq_len)[None, :]  # (1, T)
    freq = rng.uniform(1.0, 4.0, size=(n_points, 1)) / seq_len  # 1..4 periods per sample
    phase = rng.uniform(0.0, 1.0, size=(n_points, 1))
    amp = rng.uniform(0.5, 1.5, size=(n_points, 1))
    cycle = (t * freq + phase) % 1.0  # (n, T) position within the period, 0..1
    sig = np.where(kind[:, None] == 0, np.sin(2 * np.pi * cycle),
                   np.where(kind[:, None] == 1, 2 * cycle - 1, np.where(cycle < 0.5, 1.0, -1.0)))
    sig = amp * sig + rng.normal(0.0, noise, size=sig.shape)  # (n, T)
    frame = pd.DataFrame(sig.round(5), columns=[f"t{i}" for i in range(seq_len)])
    frame["shape"] = pd.Series(np.asarray(WAVE_SHAPES)[kind], dtype="str")
    return frame


def series_forecast(n_points: int, seq_len: int, noise: float, seed: int) -> pd.DataFrame:
    """Windows of a noisy sum of two sines; the target `next` is the value after the window."""
    rng = np.random.default_rng(seed)
    t = np.arange(seq_len + 1)[None, :]  # (1, T + 1)
    f1 = rng.uniform(1.0, 3.0, size=(n_points, 1)) / seq_len
    f2 = rng.uniform(3.0, 6.0, size=(n_points, 1)) / seq_len
    phase = rng.uniform(0.0, 2 * np.pi, size=(n_points, 2))
    sig = (np.sin(2 * np.pi * f1 * t + phase[:, :1]) + 0.5 * np.sin(2 * np.pi * f2 * t + phase[:, 1:]))
    sig = sig + rng.normal(0.0, noise, size=sig.shape)  # (n, T + 1)
    frame = pd.DataFrame(sig[:, :seq_len].round(5), columns=[f"t{i}" for i in range(seq_len)])
    frame["next"] = sig[:, seq_len].round(5)
    return frame
