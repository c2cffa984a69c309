"""Batch runs for balance testing: thousands of headless games, statistics and an HTML report.

    from diplosim.batch import run_batch
    status = run_batch(None, games=1000, policies=["random", "greedy"], seed=1, turns=None,
                       out="out", workers=None, dask=None, ablate=False, sets=[], sweeps=[])

Modules: runner (chunks, resume), executors (where chunks run), worker (one chunk in a worker
process) and warm (a worker's head start), results (games.csv and statistics from the chunks on
disk), stats, report, sweep (--set/--sweep).
"""

from __future__ import annotations

from typing import Any

__all__ = ["run_batch"]


def run_batch(*args: Any, **kwargs: Any) -> int:
    """See diplosim.batch.api.run_batch (imported lazily: numpy and friends load only when used)."""
    from diplosim.batch.api import run_batch as _run

    return _run(*args, **kwargs)
