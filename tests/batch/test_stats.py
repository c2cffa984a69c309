"""Statistics: Wilson intervals against published values, moments, t values, quantiles, flags."""

from __future__ import annotations

import math

import numpy as np
import pytest

from diplosim.batch.stats import (
    AblationRow,
    Moments,
    ablation_flags,
    histogram_quantiles,
    t95,
    wilson,
)


# Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no
# continuity correction), and the usual textbook values for 0/10, 5/10 and 81/100.
@pytest.mark.parametrize(("k", "n", "lo", "hi"), [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (0, 10, 0.0000, 0.2775),
    (5, 10, 0.2366, 0.7634),
    (81, 100, 0.7222, 0.8749),
    (10, 10, 0.7225, 1.0000),
])
def test_wilson_matches_reference_table(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson(k, n)
    assert got[0] == pytest.approx(lo, abs=5e-5)
    assert got[1] == pytest.approx(hi, abs=5e-5)


def test_wilson_without_games_is_uninformative() -> None:
    assert wilson(0, 0) == (0.0, 1.0)


def test_t_values() -> None:
    assert t95(1) == pytest.approx(12.706, abs=1e-3)
    assert t95(10) == pytest.approx(2.228, abs=1e-3)
    assert t95(60) == pytest.approx(2.000, abs=1e-3)
    assert t95(120) == pytest.approx(1.980, abs=1e-3)
    assert t95(10**7) == pytest.approx(1.95996, abs=1e-4)


def test_moments_merge_chunks_like_numpy() -> None:
    values = np.random.default_rng(3).normal(5, 2, 1001)
    m = Moments()
    for part in np.array_split(values, 7):
        m.add(part)
    assert m.n == 1001
    assert m.mean == pytest.approx(values.mean(), rel=1e-12)
    assert m.sd == pytest.approx(values.std(ddof=1), rel=1e-12)
    lo, hi = m.ci()
    half = t95(1000) * values.std(ddof=1) / math.sqrt(1001)
    assert (lo, hi) == pytest.approx((values.mean() - half, values.mean() + half), rel=1e-12)


def test_constant_values_have_a_point_interval() -> None:
    m = Moments()
    m.add(np.zeros(50))
    assert m.ci() == (0.0, 0.0)


def test_histogram_quantiles() -> None:
    edges = np.linspace(0, 100, 101)
    counts = np.zeros(100, dtype=np.int64)
    counts[[10, 50, 90]] = [10, 80, 10]
    q10, q50, q90 = histogram_quantiles(counts, edges, (0.1, 0.5, 0.9))
    assert (q10, q50, q90) == (10.5, 50.5, 50.5)


def _row(delta_win: float, ci: tuple[float, float], score_ci: tuple[float, float], share: float) -> AblationRow:
    return AblationRow("t", 0.6, 0.6 + delta_win, delta_win, ci, 0.0, score_ci, share)


def test_ablation_flags() -> None:
    assert ablation_flags(_row(-0.3, (-0.35, -0.25), (-3, -2), 0.3), 0.15, 0.01) == ["dominant"]
    assert ablation_flags(_row(-0.1, (-0.15, -0.05), (-3, -2), 0.3), 0.15, 0.01) == []
    assert ablation_flags(_row(-0.05, (-0.15, -0.05), (-3, -2), 0.001), 0.15, 0.01) == ["useless"]
    assert ablation_flags(_row(0.0, (-0.01, 0.01), (-0.2, 0.3), 0.2), 0.15, 0.01) == ["useless"]
    assert ablation_flags(_row(0.0, (-0.01, 0.01), (0.1, 0.3), 0.2), 0.15, 0.01) == []


def test_count_quartiles_are_the_values_where_the_count_reaches_each_quarter() -> None:
    from diplosim.batch.stats import count_quartiles

    # Values 3, 3, 5, 8: a quarter of them are 3 or less, half 3 or less, three quarters 5 or less.
    assert count_quartiles(np.bincount([3, 3, 5, 8])) == [3, 3, 5]
    assert count_quartiles(np.bincount([7] * 9 + [2])) == [7, 7, 7]
    assert count_quartiles(np.zeros(4, dtype=np.int64)) is None
