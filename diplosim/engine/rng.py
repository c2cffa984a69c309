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

from diplosim.engine.compiled import jit

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


_mix_one = jit(_mix)  # the same function on one uint64, compiled


def _turns(seeds: np.ndarray, turn: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    seeds = np.ascontiguousarray(seeds, dtype=np.uint64).reshape(-1)
    if np.shape(turn) == seeds.shape:  # a state's turns: one per world already
        return seeds, np.ascontiguousarray(turn, dtype=np.uint64)
    return seeds, np.ascontiguousarray(np.broadcast_to(np.asarray(turn, dtype=np.uint64), seeds.shape))


def uniform(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...] = (),
            salt: int = 0) -> np.ndarray:
    """Uniform floats in [0, 1) of shape (W, *shape) for each world's seed (53 bits)."""
    seeds, turns = _turns(seeds, turn)
    n = math.prod(shape)
    out = np.empty((seeds.shape[0], n))
    _uniform(seeds, turns, np.uint64(purpose), np.uint64(salt), out)
    return out.reshape((seeds.shape[0],) + tuple(shape))


@jit
def _key(seed, turn, purpose, salt):
    """A world's key for one (turn, purpose, salt)."""
    return _mix_one(seed ^ _mix_one(turn * _GOLDEN + purpose * _M1 + salt * _M2))


@jit
def _unit(key, i):
    """Draw i of a key as a uniform float in [0, 1) (53 bits)."""
    return np.float64(_mix_one(key + np.uint64(i + 1) * _GOLDEN) >> np.uint64(11)) * _TO_UNIT


@jit
def _uniform(seeds, turns, purpose, salt, out):
    for w in range(seeds.shape[0]):
        key = _key(seeds[w], turns[w], purpose, salt)
        for i in range(out.shape[1]):
            out[w, i] = _unit(key, i)


@jit
def uniform_one(seed, turn, purpose, salt, i):
    """uniform(seeds, turn, purpose, shape, salt)[w, i] for one world, from compiled code."""
    return _unit(_key(seed, np.uint64(turn), np.uint64(purpose), np.uint64(salt)), i)


@jit
def _from_table(seeds, turns, purpose, salt, table, weyl, out):
    """32 random bits per draw -- the world's 64-bit key folded to 32 bits plus a Weyl step, then the
    lowbias32 hash -- whose top 12 bits pick one of the table's 4,096 quantiles."""
    for w in range(seeds.shape[0]):
        key = _key(seeds[w], turns[w], purpose, salt)
        folded = np.uint32(key ^ (key >> np.uint64(32)))
        for i in range(out.shape[1]):
            x = np.uint32(folded + weyl[i])
            x ^= x >> np.uint32(16)
            x = np.uint32(x * np.uint32(0x7FEB352D))
            x ^= x >> np.uint32(15)
            x = np.uint32(x * np.uint32(0x846CA68B))
            x ^= x >> np.uint32(16)
            out[w, i] = table[x >> np.uint32(20)]


def _draw_table(table: np.ndarray, seeds: np.ndarray, turn: int | np.ndarray, purpose: int,
                shape: tuple[int, ...], salt: int) -> np.ndarray:
    seeds, turns = _turns(seeds, turn)
    out = np.empty((seeds.shape[0], math.prod(shape)), dtype=np.float32)
    _from_table(seeds, turns, np.uint64(purpose), np.uint64(salt), table, _weyl32(tuple(shape)).reshape(-1), out)
    return out.reshape((seeds.shape[0],) + tuple(shape))


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
    return _draw_table(_NORMAL, seeds, turn, purpose, shape, salt)


def gumbel(seeds: np.ndarray, turn: int | np.ndarray, purpose: int, shape: tuple[int, ...] = (),
           salt: int = 0) -> np.ndarray:
    """Gumbel draws (float32): argmax(utility + gumbel) is a logit choice."""
    return _draw_table(_GUMBEL, seeds, turn, purpose, shape, salt)


def game_seed(base_seed: int, index: int | np.ndarray) -> np.ndarray:
    """The seed of game `index` of a batch started from `base_seed` (kept below 2**63 for JSON/CLI)."""
    with np.errstate(over="ignore"):
        idx = np.asarray(index, dtype=np.uint64)
        s = _mix(np.uint64(base_seed) * _GOLDEN + idx + np.uint64(Purpose.DEFAULT_SEED))
    return s >> np.uint64(1)
