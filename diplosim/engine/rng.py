"""Counter-based randomness: every draw is a pure function of (seed, turn, purpose, index).

A world therefore draws the same numbers whatever batch it sits in, and a counterfactual
replay without one action still sees the same luck for everything else.
"""

from __future__ import annotations

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


def uniform(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...] = (),
            salt: int = 0) -> np.ndarray:
    """Uniform floats in [0, 1) of shape (W, *shape) for each world's seed."""
    return (_bits(seeds, turn, purpose, shape, salt) >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def _bits(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...], salt: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        w = seeds.astype(np.uint64).reshape((-1,) + (1,) * len(shape))
        t = np.asarray(turn, dtype=np.uint64).reshape((-1,) + (1,) * len(shape))
        key = _mix(w ^ _mix(t * _GOLDEN + np.uint64(purpose) * _M1 + np.uint64(salt) * _M2))
        n = int(np.prod(shape)) if shape else 1
        idx = np.arange(n, dtype=np.uint64).reshape(shape) if shape else np.uint64(0)
        return _mix(key + (idx + np.uint64(1)) * _GOLDEN)


def normal(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...] = (),
           salt: int = 0) -> np.ndarray:
    """Standard normal draws (Box-Muller over two 24-bit halves of one hash, in float32: noise
    needs no more precision, and it halves the cost)."""
    bits = _bits(seeds, turn, purpose, shape, salt)
    u1 = ((bits >> np.uint64(40)).astype(np.float32) + np.float32(0.5)) * np.float32(1.0 / (1 << 24))
    u2 = ((bits >> np.uint64(8)) & np.uint64(0xFFFFFF)).astype(np.float32) * np.float32(1.0 / (1 << 24))
    return np.sqrt(np.float32(-2.0) * np.log(u1)) * np.cos(np.float32(2.0 * np.pi) * u2)


def gumbel(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...] = (),
           salt: int = 0) -> np.ndarray:
    """Gumbel draws: argmax(utility + gumbel) is a logit choice."""
    u = uniform(seeds, turn, purpose, shape, salt)
    return -np.log(-np.log(np.clip(u, 1e-12, 1.0 - 1e-12)))


def game_seed(base_seed: int, index: int | np.ndarray) -> np.ndarray:
    """The seed of game `index` of a batch started from `base_seed` (kept below 2**63 for JSON/CLI)."""
    with np.errstate(over="ignore"):
        idx = np.asarray(index, dtype=np.uint64)
        s = _mix(np.uint64(base_seed) * _GOLDEN + idx + np.uint64(Purpose.DEFAULT_SEED))
    return s >> np.uint64(1)
