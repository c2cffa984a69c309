"""Helpers for engine tests: play fixed orders in many worlds and compare."""

from __future__ import annotations

import numpy as np

from diplosim.engine import Actions, step


def orders(params, worlds: int, *pairs: tuple[str, str | None]) -> Actions:
    """The same orders in every world: (tool id, target id or None) pairs."""
    acts = Actions.empty(params, worlds, max(1, len(pairs)))
    for k, (tool, target) in enumerate(pairs):
        acts.tool[:, k] = params.tool_index(tool)
        acts.target[:, k] = params.country_index(target) if target else -1
    return acts


def play(params, state, acts: Actions, turns: int = 1):
    """Step every world `turns` times with the same orders."""
    for _ in range(turns):
        state, _ = step(params, state, acts)
    return state


def mean(a) -> float:
    """Mean as a plain float."""
    return float(np.mean(a))
