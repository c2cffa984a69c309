"""Helpers for the batch tests: run a batch quietly and read what it wrote."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from diplosim.batch import run_batch


def batch(scenario: str | None, out: Path, **kw: Any) -> int:
    args: dict[str, Any] = {"games": 32, "policies": ["random"], "seed": 11, "turns": None, "workers": 1, "dask": None,
                                "ablate": False, "sets": [], "sweeps": [], "dominant_threshold": 0.15,
                                "useless_threshold": 0.01, "chunk_size": 8, "progress": False}
    args.update(kw)
    return run_batch(scenario, out=str(out), **args)


def rows(out: Path) -> list[dict[str, str]]:
    with open(out / "games.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def summary(out: Path) -> dict[str, Any]:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def play(params: Any, policy_name: str, seeds: np.ndarray) -> Any:
    """Play complete games for these seeds as one batch of worlds; the final state."""
    from diplosim.engine import get_policy, initial_state, step

    policy = get_policy(policy_name)
    state = initial_state(params, np.asarray(seeds, dtype=np.uint64))
    while not state.done.all():
        state, _ = step(params, state, policy(params, state), inplace=True)
    return state
