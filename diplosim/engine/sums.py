"""Sums, means and minima over the short axes of the state (themes, countries), in a fixed order.

numpy picks the order in which a reduction adds its numbers by the array's shape and memory
(with SIMD lanes for float32), so `a.sum(axis=1)` of one world alone and of the same world in a
batch can differ in the last bit. Adding slice by slice fixes the order: world k of a batch stays
bit for bit the game played alone. It is also several times faster than numpy's reductions over
a short, strided axis.
"""

from __future__ import annotations

import numpy as np

from diplosim.engine.compiled import jit


def theme_mean(a: np.ndarray) -> np.ndarray:
    """Mean over the last (themes) axis."""
    if a.ndim == 3 and a.dtype == np.float32:  # the state's (W, C, H) arrays: one compiled pass
        out = np.empty(a.shape[:2], dtype=np.float32)
        _theme_mean(a, out)
        return out
    total = a[..., 0].copy()
    for h in range(1, a.shape[-1]):
        total += a[..., h]
    return total / a.shape[-1]


@jit
def _theme_mean(a, out):
    n = np.float32(a.shape[2])
    for w in range(a.shape[0]):
        for c in range(a.shape[1]):
            total = a[w, c, 0]
            for h in range(1, a.shape[2]):
                total += a[w, c, h]
            out[w, c] = total / n


def theme_min(a: np.ndarray) -> np.ndarray:
    """Minimum over the last (themes) axis."""
    least = a[..., 0].copy()
    for h in range(1, a.shape[-1]):
        np.minimum(least, a[..., h], out=least)
    return least


def country_sum(a: np.ndarray) -> np.ndarray:
    """Sum over axis 1 (the countries of a (W, C, ...) array)."""
    total = a[:, 0].copy()
    for c in range(1, a.shape[1]):
        total += a[:, c]
    return total


def country_mean(a: np.ndarray) -> np.ndarray:
    """Mean over axis 1 (the countries of a (W, C, ...) array)."""
    return country_sum(a) / a.shape[1]


def overall_mean(a: np.ndarray) -> np.ndarray:
    """Mean over countries and themes of a (W, C, H) array, such as the true rights (W,)."""
    return country_mean(theme_mean(a))
