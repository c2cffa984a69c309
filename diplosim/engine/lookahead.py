"""A short lookahead for the greedy bot, and the player's view for the front end's expected effects.

The bot imagines, on copies of the state, each candidate action now and then a couple of quiet
turns (doing nothing), so that effects which show a turn or two later count (a government that
hardens, gains that come due); with its own imagined luck (never the world's real dice, but derived
from the world's seed, so a game replays exactly) and with its estimates standing in for the hidden
true rights.
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
from diplosim.engine.sums import theme_mean
from diplosim.scenario.models import Condition

_IMAGINED = np.uint64(0x5DEECE66D)
_ROLL = np.uint64(0x2545F4914F6CDD1D)
QUIET_TURNS = 2  # imagined turns of doing nothing after the candidate action
ROLLS = 1  # imagined rolls of luck averaged per candidate


def shaped_value(params: Params, s: State, inplace: bool = False) -> np.ndarray:
    """The score plus partial credit for progress toward open objectives (W,): what the bot maximises.
    inplace=True lets it overwrite the rights of a state that is thrown away afterwards."""
    total = score(params, s)
    # Judge rights halfway to where they are heading, so gains that will not last count for less.
    halfway = 0.5 * (s.rights + rights_equilibrium(params, s))
    if not inplace:
        s = s.copy()
    s.country[:, :, L.RIGHTS0:] = halfway
    for o, (obj, prog) in enumerate(zip(params.objectives, params.objective_progress)):
        met = s.objective_met[:, o]
        open_ = ~met & ~s.objective_failed[:, o]
        p = np.broadcast_to(prog(s), (s.worlds, params.n_countries)).min(axis=1)
        if obj.kind == "avoid":
            p = np.where(p >= 1.0, 0.0, 1.0)
        weight = 0.9 if obj.kind == "reach" else 0.5
        credit = obj.points * weight * (3.0 if obj.required else 1.0)
        # A met objective keeps the credit of full progress (its points are already in the score):
        # otherwise meeting a required one would look like a loss, and the bot would stop short of it.
        total = total + open_ * credit * p + met * max(0.0, credit - obj.points)
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
    order = np.argsort(theme_mean(s.estimate), axis=1, kind="stable")[:, :worst]
    mask[np.arange(s.worlds)[:, None], order] = True
    return mask


def _imagined_worlds(params: Params, s: State, source: np.ndarray, roll: np.ndarray) -> State:
    """Copies of the worlds `source` as the player sees them (player_view), roll r with its own
    imagined luck, derived from the world's seed (never its real dice)."""
    view = s.worlds_where(source)
    view.country[:, :, L.RIGHTS0:] = view.estimate
    with np.errstate(over="ignore"):
        view.seed = rng.game_seed(0, view.seed ^ _IMAGINED ^ (roll.astype(np.uint64) * _ROLL)).astype(np.uint64)
    return view


def action_values(params: Params, s: State, quiet: int = QUIET_TURNS,
                  rolls: int = ROLLS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A short lookahead: each candidate action now, then `quiet` imagined turns of doing nothing,
    judged by shaped_value at the end and averaged over `rolls` imagined rolls of luck.

    Returns the gain over doing nothing of each candidate (tool, target column) pair, (W, T*(C+1)),
    -inf where illegal or not tried; the value of doing nothing (W,); and the best answer to each
    event awaiting a choice (W, E), -1 for the default (each answer is judged the same way, alone).
    """
    from diplosim.engine.step import step

    w, n_cols, n_e = s.worlds, params.n_countries + 1, len(params.events.events)
    legal = ((legality(params, s) == LEGAL) & candidate_targets(params, s)[:, None, :]).reshape(w, -1)
    # Rows to imagine, per world: its legal pairs, then one row per answer to each awaiting
    # event, then doing nothing. Only the pairs each world can play are imagined.
    pw, pair = np.nonzero(legal)
    n_choices = np.array([len(e.choices) for e in params.events.events], dtype=np.int64)
    ew, ee = np.nonzero(s.awaiting & (n_choices[None, :] > 0) & ~s.done[:, None]) if n_e else (np.zeros(0, np.int64),) * 2
    ck = n_choices[ee]
    cw, ce = np.repeat(ew, ck), np.repeat(ee, ck)
    cc = np.arange(ck.sum()) - np.repeat(np.cumsum(ck) - ck, ck)
    src = np.concatenate([pw, cw, np.arange(w)])
    tool = np.concatenate([pair // n_cols, np.full(cw.size + w, -1)])
    col = np.concatenate([pair % n_cols, np.full(cw.size + w, n_cols - 1)])
    n = src.size
    big = _imagined_worlds(params, s, np.tile(src, rolls), np.repeat(np.arange(rolls), n))
    acts = Actions.empty(params, n * rolls, 1)
    acts.tool[:, 0] = np.tile(tool, rolls)
    acts.target[:, 0] = np.tile(np.where(col >= params.n_countries, -1, col), rolls)
    rows = pw.size + np.arange(cw.size)
    for r in range(rolls):
        acts.choice[r * n + rows, ce] = cc
    after, _ = step(params, big, acts, inplace=True)
    for _ in range(quiet):
        after, _ = step(params, after, Actions.empty(params, n * rolls, 1), inplace=True)
    value = shaped_value(params, after, inplace=True).reshape(rolls, n).mean(axis=0)
    nothing = value[-w:]
    gains = np.full((w, params.n_tools * n_cols), -np.inf)
    gains[pw, pair] = value[:pw.size] - nothing[pw]
    choice = np.full((w, n_e), -1, dtype=np.int64)
    if cw.size:
        # Per (world, event): the answer with the highest value; the default (-1) when it ties.
        best = np.full((w, n_e), -np.inf)
        v = value[rows]
        np.maximum.at(best, (cw, ce), v)
        is_best = v >= best[cw, ce]
        choice[cw[is_best], ce[is_best]] = cc[is_best]
        is_default = is_best & (cc == params.events.default_choice[ce])
        choice[cw[is_default], ce[is_default]] = -1
    return gains, nothing, choice
