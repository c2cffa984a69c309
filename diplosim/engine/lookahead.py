"""One-step lookahead for the greedy bot and the front end's expected effects.

The bot imagines the next turn on a copy of the state: with its own imagined luck (never the
world's real dice) and with its estimates standing in for the hidden true rights.
"""

from __future__ import annotations

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import rng
from diplosim.engine.actions import LEGAL, Actions, legality
from diplosim.engine.mechanics import rights_equilibrium
from diplosim.engine.objectives import score
from diplosim.engine.params import Params
from diplosim.engine.state import State
from diplosim.scenario.models import Condition

_IMAGINED = np.uint64(0x5DEECE66D)


def shaped_value(params: Params, s: State) -> np.ndarray:
    """The score plus partial credit for progress toward open objectives (W,): what the bot maximises."""
    total = score(params, s)
    # Judge rights halfway to where they are heading, so gains that will not last count for less.
    ahead = s.copy()
    ahead.country[:, :, L.RIGHTS0:] = 0.5 * (s.rights + rights_equilibrium(params, s))
    s = ahead
    for o, (obj, prog) in enumerate(zip(params.objectives, params.objective_progress)):
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


def _named_countries(cond: Condition, countries: tuple[str, ...]) -> set[int]:
    if cond.field is not None:
        subject = cond.field.split(".")[0]
        return {countries.index(subject)} if subject in countries else set()
    parts = cond.all or cond.any or ([cond.not_] if cond.not_ is not None else [])
    return set().union(*(_named_countries(c, countries) for c in parts)) if parts else set()


def candidate_targets(params: Params, s: State, worst: int = 3) -> np.ndarray:
    """Targets worth trying (W, C + 1): the countries the objectives name, the few with the worst
    estimated record, and "no target". Trying fewer targets keeps the lookahead affordable."""
    named = set().union(*(_named_countries(o.condition, params.country_ids) for o in params.objectives))
    mask = np.zeros((s.worlds, params.n_countries + 1), dtype=bool)
    mask[:, sorted(named)] = True
    mask[:, params.n_countries] = True
    order = np.argsort(s.estimate.mean(axis=-1), axis=1, kind="stable")[:, :worst]
    mask[np.arange(s.worlds)[:, None], order] = True
    return mask


def action_values(params: Params, s: State) -> tuple[np.ndarray, np.ndarray]:
    """Gain in shaped value of each candidate (tool, target column) pair after one imagined turn,
    (W, T*(C+1)), -inf where illegal or not tried; and the value of doing nothing (W,)."""
    w = s.worlds
    n_cols = params.n_countries + 1
    legal = (legality(params, s) == LEGAL) & candidate_targets(params, s)[:, None, :]
    legal = legal.reshape(w, -1)
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
