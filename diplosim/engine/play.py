"""Whole games: every world of a state played to its end by a policy, as batches and benchmarks do."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from diplosim.engine.params import Params
from diplosim.engine.policies import Policy
from diplosim.engine.state import State
from diplosim.engine.step import step

# Finished worlds are set aside once they are this share of the worlds still stepped: the step
# skips them, but its passes over the arrays still walk them (a copy of the rest costs less than
# a turn or two of that).
SET_ASIDE_SHARE = 0.25


def play_out(params: Params, state: State, policy: Policy,
             each_turn: Callable[[np.ndarray, State], None] | None = None, *, inplace: bool = False) -> State:
    """Play every world to its end with the policy and return the final state, worlds in their
    order. each_turn(index, s), if given, sees after every turn the worlds still played (index:
    their positions in `state`). The games are the same, bit for bit, as stepping all worlds
    together: each world's numbers depend on its own seed and actions only. inplace=True lets it
    reuse the input's buffers."""
    s = state if inplace else state.copy()
    index = np.arange(s.worlds)
    parts: list[State] = []
    places: list[np.ndarray] = []
    played = 0
    while s.worlds and not s.done.all():
        if played == params.turns:
            raise RuntimeError(f"the games did not end after their {params.turns} turns")
        s, _ = step(params, s, policy(params, s), inplace=True)
        played += 1
        if each_turn is not None:
            each_turn(index, s)
        finished = int(s.done.sum())
        if SET_ASIDE_SHARE * s.worlds <= finished < s.worlds:
            parts.append(s.worlds_where(s.done))
            places.append(index[s.done])
            s, index = s.worlds_where(~s.done), index[~s.done]
    if not parts:
        return s
    parts.append(s)
    places.append(index)
    return State.concat(parts).worlds_where(np.argsort(np.concatenate(places), kind="stable"))
