"""Counter-based randomness: every draw is a pure function of (seed, turn, purpose, index).

A world therefore draws the same numbers whatever batch it sits in, and a counterfactual
replay without one action still sees the same luck for everything else.
"""

from __future__ import annotations

import functools
import math
import statistics
from collections.abc import Callable
from enum import IntEnum

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / float(1 << 53)


class Purpose(IntEnum):
    """Separate streams, so adding a draw for one mechanic never shifts another's luck."""

    STALL = 1
    ACCEPT = 2
    VOTE = 3
    RISK = 4
    BACKFIRE = 5
    AGENT = 6
    RIGHTS_NOISE = 7
    ESTIMATE = 8
    EVENT = 9
    POLICY = 10
    OUTCOME = 11
    DEFAULT_SEED = 12


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijective avalanche over uint64."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _key(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, salt: int, dims: int) -> np.ndarray:
    """Each world's key for one (turn, purpose, salt), shaped to broadcast over `dims` trailing axes."""
    w = seeds.astype(np.uint64).reshape((-1,) + (1,) * dims)
    t = np.asarray(turn, dtype=np.uint64).reshape((-1,) + (1,) * dims)
    return _mix(w ^ _mix(t * _GOLDEN + np.uint64(purpose) * _M1 + np.uint64(salt) * _M2))


def uniform(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...] = (),
            salt: int = 0) -> np.ndarray:
    """Uniform floats in [0, 1) of shape (W, *shape) for each world's seed (53 bits)."""
    return (_bits(seeds, turn, purpose, shape, salt) >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def _bits(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...], salt: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        key = _key(seeds, turn, purpose, salt, len(shape))
        n = int(np.prod(shape)) if shape else 1
        idx = np.arange(n, dtype=np.uint64).reshape(shape) if shape else np.uint64(0)
        return _mix(key + (idx + np.uint64(1)) * _GOLDEN)


def _bits32(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...],
            salt: int) -> np.ndarray:
    """32 random bits per element of (W, *shape): the world's 64-bit key, then a 32-bit hash
    (lowbias32) per element, because numpy multiplies uint32 several times faster than uint64."""
    with np.errstate(over="ignore"):
        key = _key(seeds, turn, purpose, salt, len(shape))
        x = (key ^ (key >> np.uint64(32))).astype(np.uint32) + _weyl32(shape)
        x ^= x >> np.uint32(16)
        x *= np.uint32(0x7FEB352D)
        x ^= x >> np.uint32(15)
        x *= np.uint32(0x846CA68B)
        x ^= x >> np.uint32(16)
        return x


@functools.cache
def _weyl32(shape: tuple[int, ...]) -> np.ndarray:
    n = int(np.prod(shape)) if shape else 1
    with np.errstate(over="ignore"):
        return ((np.arange(n, dtype=np.uint32) + np.uint32(1)) * np.uint32(0x9E3779B9)).reshape(shape)


def _quantiles(inverse_cdf: Callable[[float], float]) -> np.ndarray:
    """The distribution at the midpoints of 4,096 equal-probability bins: drawing from the
    table is one lookup per draw, and game noise needs no finer grain (tails stop near 3.5 sd)."""
    return np.array([inverse_cdf((i + 0.5) / _TABLE) for i in range(_TABLE)], dtype=np.float32)


_TABLE = 4096
_NORMAL = _quantiles(statistics.NormalDist().inv_cdf)
_GUMBEL = _quantiles(lambda p: -math.log(-math.log(p)))


def normal(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...] = (),
           salt: int = 0) -> np.ndarray:
    """Standard normal draws (float32) of shape (W, *shape), from a table of its quantiles."""
    return _NORMAL[_bits32(seeds, turn, purpose, shape, salt) >> np.uint32(20)]


def gumbel(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...] = (),
           salt: int = 0) -> np.ndarray:
    """Gumbel draws (float32): argmax(utility + gumbel) is a logit choice."""
    return _GUMBEL[_bits32(seeds, turn, purpose, shape, salt) >> np.uint32(20)]


def game_seed(base_seed: int, index: int | np.ndarray) -> np.ndarray:
    """The seed of game `index` of a batch started from `base_seed` (kept below 2**63 for JSON/CLI)."""
    with np.errstate(over="ignore"):
        idx = np.asarray(index, dtype=np.uint64)
        s = _mix(np.uint64(base_seed) * _GOLDEN + idx + np.uint64(Purpose.DEFAULT_SEED))
    return s >> np.uint64(1)
