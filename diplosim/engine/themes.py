"""Summaries of per-theme arrays (rights, estimates) across their last, themes axis."""

from __future__ import annotations

import numpy as np


def theme_mean(a: np.ndarray) -> np.ndarray:
    """Mean over the last (themes) axis. Summed slice by slice in the order numpy's mean adds
    (the same bits), because numpy's reductions over a short strided last axis are several times slower."""
    total = a[..., 0].copy()
    for h in range(1, a.shape[-1]):
        total += a[..., h]
    return total / a.shape[-1]


def theme_min(a: np.ndarray) -> np.ndarray:
    """Minimum over the last (themes) axis, slice by slice (see theme_mean)."""
    least = a[..., 0].copy()
    for h in range(1, a.shape[-1]):
        np.minimum(least, a[..., h], out=least)
    return least
