"""One-step lookahead for the greedy bot and the front end's expected effects.

The bot imagines the next turn on a copy of the state: with its own imagined luck (never the
world's real dice) and with its estimates standing in for the hidden true rights.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import rng
from diplosim.engine.actions import LEGAL, Actions, legality
from diplosim.engine.conditions import compile_reader
from diplosim.engine.objectives import score
from diplosim.engine.params import Params
from diplosim.engine.state import State
from diplosim.scenario.models import Condition

Progress = Callable[[State], np.ndarray]
_IMAGINED = np.uint64(0x5DEECE66D)
_progress_cache: dict[int, tuple[Progress, ...]] = {}


def compile_progress(cond: Condition, themes: list[str], countries: list[str]) -> Progress:
    """How close a condition is to holding, from 0 (far) to 1 (holds), vectorised like conditions."""
    if cond.field is not None:
        read = compile_reader(cond.field, themes, countries)
        x, op = float(cond.value), cond.op
        if op in (">=", ">"):
            return lambda s: np.clip(1.0 - (x - read(s)) / 40.0, 0.0, 1.0)
        if op in ("<=", "<"):
            return lambda s: np.clip(1.0 - (read(s) - x) / 40.0, 0.0, 1.0)
        if op == "==":
            return lambda s: np.clip(1.0 - np.abs(read(s) - x) / 40.0, 0.0, 1.0)
        return lambda s: np.where(read(s) != x, 1.0, 0.0)
    if cond.all is not None:
        parts = [compile_progress(c, themes, countries) for c in cond.all]
        return lambda s: sum(p(s) for p in parts) / len(parts)
    if cond.any is not None:
        parts = [compile_progress(c, themes, countries) for c in cond.any]
        return lambda s: np.maximum.reduce([np.broadcast_to(p(s), (s.worlds, len(countries))) for p in parts])
    inner = compile_progress(cond.not_, themes, countries)
    return lambda s: 1.0 - inner(s)


def _progress_table(params: Params) -> tuple[Progress, ...]:
    key = id(params.objectives)
    if key not in _progress_cache:
        _progress_cache[key] = tuple(compile_progress(o.condition, list(params.themes), list(params.country_ids))
                                     for o in params.objectives)
    return _progress_cache[key]


def shaped_value(params: Params, s: State) -> np.ndarray:
    """The score plus partial credit for progress toward open objectives (W,): what the bot maximises."""
    total = score(params, s)
    for o, (obj, prog) in enumerate(zip(params.objectives, _progress_table(params))):
        open_ = ~s.objective_met[:, o] & ~s.objective_failed[:, o]
        p = np.broadcast_to(prog(s), (s.worlds, params.n_countries)).min(axis=1)
        if obj.kind == "avoid":
            p = np.where(p >= 1.0, 0.0, 1.0)
        weight = 0.9 if obj.kind == "reach" else 0.5
        total = total + open_ * obj.points * weight * p * (3.0 if obj.required else 1.0)
    return total


def player_view(params: Params, s: State) -> State:
    """A copy where the estimates stand in for the true rights and the luck is imagined."""
    view = s.copy()
    view.country[:, :, L.RIGHTS0:] = view.estimate
    with np.errstate(over="ignore"):
        view.seed = rng.game_seed(0, view.seed ^ _IMAGINED).astype(np.uint64)
    return view


def action_values(params: Params, s: State) -> tuple[np.ndarray, np.ndarray]:
    """Gain in shaped value of each (tool, target column) pair after one imagined turn, (W, T*(C+1)),
    -inf where illegal; and the value of doing nothing (W,)."""
    w = s.worlds
    n_cols = params.n_countries + 1
    legal = (legality(params, s) == LEGAL).reshape(w, -1)
    candidates = np.nonzero(legal.any(axis=0))[0]
    n = candidates.size + 1
    view = player_view(params, s)
    big = view.worlds_where(np.repeat(np.arange(w), n))
    acts = Actions.empty(params, w * n, 1)
    tool = np.append(candidates // n_cols, -1)
    col = np.append(candidates % n_cols, -1)
    acts.tool[:, 0] = np.tile(tool, w)
    acts.target[:, 0] = np.tile(np.where(col >= params.n_countries, -1, col), w)
    from diplosim.engine.step import step

    after, _ = step(params, big, acts, inplace=True)
    value = shaped_value(params, after).reshape(w, n)
    gains = np.full((w, params.n_tools * n_cols), -np.inf)
    gains[:, candidates] = np.where(legal[:, candidates], value[:, :-1] - value[:, -1:], -np.inf)
    return gains, value[:, -1]
