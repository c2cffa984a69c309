"""Statistics for batch runs: Wilson intervals, streaming means with t intervals, ablation flags.

Pure functions over numbers and numpy arrays; no I/O. Everything here can be computed chunk by
chunk (``Moments.add`` then ``Moments.merge``), so a batch never has to hold all its games.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054

# Two-sided 95% critical values of Student's t for 1..30 degrees of freedom.
_T95 = (12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
        2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
        2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
        2.048407, 2.045230, 2.042272)


def t95(df: int) -> float:
    """Two-sided 95% critical value of Student's t with df degrees of freedom."""
    if df < 1:
        return math.inf
    if df <= len(_T95):
        return _T95[df - 1]
    z = Z95  # Cornish-Fisher expansion; error < 1e-4 beyond 30 degrees of freedom
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (95% by default); (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if successes <= 0 else max(0.0, centre - half)
    hi = 1.0 if successes >= n else min(1.0, centre + half)
    return lo, hi


@dataclass
class Moments:
    """Count, mean and sum of squared deviations, mergeable chunk by chunk (Chan et al.)."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, values: np.ndarray) -> None:
        """Fold in a chunk of values."""
        values = np.asarray(values, dtype=np.float64).ravel()
        if values.size:
            self.merge(Moments(int(values.size), float(values.mean()), float(((values - values.mean()) ** 2).sum())))

    def merge(self, other: Moments) -> None:
        """Fold in another accumulator."""
        if other.n == 0:
            return
        n = self.n + other.n
        delta = other.mean - self.mean
        self.mean += delta * other.n / n
        self.m2 += other.m2 + delta * delta * self.n * other.n / n
        self.n = n

    @property
    def sd(self) -> float:
        """Sample standard deviation (0 for fewer than two values)."""
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0

    def ci(self) -> tuple[float, float]:
        """95% t interval of the mean; the mean itself when the values do not vary."""
        if self.n == 0:
            return math.nan, math.nan
        if self.n == 1:
            return -math.inf, math.inf
        if self.m2 <= 0.0:
            return self.mean, self.mean
        half = t95(self.n - 1) * self.sd / math.sqrt(self.n)
        return self.mean - half, self.mean + half


def contains_zero(interval: tuple[float, float]) -> bool:
    """True when an interval does not rule out zero."""
    lo, hi = interval
    return lo <= 0.0 <= hi


@dataclass(frozen=True)
class AblationRow:
    """One tool's ablation against the same games with every tool available (paired by seed)."""

    tool: str
    base_win_rate: float
    win_rate: float  # with the tool forbidden
    delta_win: float  # ablated minus base
    delta_win_ci: tuple[float, float]
    delta_score: float
    delta_score_ci: tuple[float, float]
    use_share: float  # share of the policy's actions that used this tool (base games)


def ablation_flags(row: AblationRow, dominant_threshold: float, useless_threshold: float) -> list[str]:
    """'dominant' when forbidding the tool drops the win rate by more than the threshold;
    'useless' when it is almost never chosen or forbidding it changes nothing measurable."""
    flags = []
    if -row.delta_win > dominant_threshold:
        flags.append("dominant")
    never_chosen = row.use_share < useless_threshold
    no_effect = contains_zero(row.delta_win_ci) and contains_zero(row.delta_score_ci)
    if never_chosen or no_effect:
        flags.append("useless")
    return flags


def histogram_quantiles(counts: np.ndarray, edges: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Quantiles from histograms (..., B) with bin edges (B + 1,): the centre of the bin where
    the cumulative count first reaches q of the total; shape (len(qs), ...)."""
    cum = np.cumsum(counts, axis=-1)
    total = cum[..., -1:]
    centres = (edges[:-1] + edges[1:]) / 2
    out = []
    for q in qs:
        idx = np.argmax(cum >= np.maximum(q * total, 1e-12), axis=-1)
        out.append(np.where(total[..., 0] > 0, centres[idx], np.nan))
    return np.array(out)


def count_quartiles(counts: np.ndarray) -> list[int] | None:
    """The 25th, 50th and 75th percentile of whole numbers given as counts per value (counts[v] =
    how many times v occurred): the first value whose cumulative count reaches the quantile; None
    when nothing was counted."""
    cum = np.cumsum(counts)
    if not cum.size or not cum[-1]:
        return None
    return [int(np.argmax(cum >= q * cum[-1])) for q in (0.25, 0.5, 0.75)]
