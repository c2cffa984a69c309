"""Bots that play for balance testing, vectorised over worlds.

A policy maps (params, state) to one turn's Actions. Its luck comes from the same counter-based
generator as the rules, keyed by each world's seed, so a bot's game replays exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import rng
from diplosim.engine.actions import LEGAL, Actions, legality
from diplosim.engine.compiled import jit
from diplosim.engine.params import Params
from diplosim.engine.state import State
from diplosim.engine.sums import theme_mean

Policy = Callable[[Params, State], Actions]
POLICY_NAMES = ("passive", "random", "greedy", "only:TOOL")


def _pairs(params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Tool index and target column of every flattened (tool, column) pair."""
    n_cols = params.n_countries + 1
    flat = np.arange(params.n_tools * n_cols)
    return flat // n_cols, flat % n_cols


def _pick_sequentially(params: Params, s: State, preference: np.ndarray | None = None,
                       min_preference: float = -np.inf, distinct: bool = False,
                       draws: np.ndarray | None = None) -> Actions:
    """Take, slot by slot, the affordable legal pair with the highest preference (W, T*(C+1)) -- or,
    given draws (W, 2 * slots) in [0, 1), a random tool among those allowed somewhere and then a
    random target among its allowed ones -- paying for each as it goes. distinct forbids using the
    same pair twice in a turn."""
    w, tt = s.worlds, params.tools
    acts = Actions.empty(params, w, params.constants.max_actions)
    ok = legality(params, s, ignore_costs=True) == LEGAL
    random = draws is not None
    _pick(ok, s.player[:, L.CAPITAL].copy(), s.player[:, L.BUDGET].copy(), tt.capital, tt.budget, tt.cooldown > 0,
          draws if random else np.zeros((w, 0)), preference if not random else np.zeros((w, 0)),
          random, float(min_preference), distinct, acts.tool, acts.target)
    return acts


@jit
def _nth_allowed(allowed, draw):
    """Index of the allowed entry at quantile `draw` (0 when none is), and whether any is allowed."""
    count = 0
    for i in range(allowed.shape[0]):
        count += allowed[i]
    nth = np.floor(draw * count)
    seen = 0
    for i in range(allowed.shape[0]):
        seen += allowed[i]
        if seen > nth:
            return i, count > 0
    return 0, count > 0


@jit
def _pick(ok, capital, budget, tool_capital, tool_budget, once, draws, preference, random, min_preference, distinct,
          tool, target):
    n_w, n_t, n_cols = ok.shape
    afford = np.empty(n_t, dtype=np.bool_)
    usable = np.empty(n_t, dtype=np.bool_)
    anywhere = np.empty(n_t, dtype=np.bool_)  # whether each tool is allowed on some target, kept up to date
    for w in range(n_w):
        for t in range(n_t):
            anywhere[t] = ok[w, t].any()
        for k in range(tool.shape[1]):
            for t in range(n_t):
                afford[t] = (tool_capital[t] <= capital[w]) & (tool_budget[t] <= budget[w])
            if random:
                for t in range(n_t):
                    usable[t] = afford[t] and anywhere[t]
                t, chosen = _nth_allowed(usable, draws[w, 2 * k])
                col, _ = _nth_allowed(ok[w, t], draws[w, 2 * k + 1])
            else:
                best, best_score = 0, -np.inf
                for i in range(n_t * n_cols):
                    score = preference[w, i] if ok[w, i // n_cols, i % n_cols] and afford[i // n_cols] else -np.inf
                    if score > best_score or i == 0:
                        best, best_score = i, score
                chosen = np.isfinite(best_score) and best_score > min_preference
                t, col = best // n_cols, best % n_cols
            if not chosen:
                break  # nothing spent, so nothing later either
            tool[w, k] = t
            target[w, k] = col if col < n_cols - 1 else -1
            capital[w] -= tool_capital[t]
            budget[w] -= tool_budget[t]
            if distinct or once[t]:
                ok[w, t, col] = False
                anywhere[t] = ok[w, t].any()


def passive(params: Params, s: State) -> Actions:
    """Does nothing and takes the default answer to every event."""
    return Actions.empty(params, s.worlds, 1)


def random_policy(params: Params, s: State) -> Actions:
    """A random tool among those it can afford and use, on a random legal target, until its capital
    runs out; random answers to events."""
    draws = rng.uniform(s.seed, s.turn, rng.Purpose.POLICY, (2 * params.constants.max_actions,))
    acts = _pick_sequentially(params, s, draws=draws)
    n_choices = np.array([max(len(e.choices), 1) for e in params.events.events], dtype=np.int64)
    if n_choices.size:
        u = rng.uniform(s.seed, s.turn, rng.Purpose.POLICY, (n_choices.size,), salt=1)
        acts.choice[:] = (u * n_choices[None, :]).astype(np.int64)
    return acts


def only(tool_id: str) -> Policy:
    """Uses one tool whenever legal, on the legal target with the worst estimated rights."""

    def policy(params: Params, s: State) -> Actions:
        t = params.tool_index(tool_id)
        tool_of, col_of = _pairs(params)
        worst = -np.concatenate([theme_mean(s.estimate), np.zeros((s.worlds, 1))], axis=1)
        pref = np.where(tool_of[None, :] == t, worst[:, col_of], -np.inf)
        return _pick_sequentially(params, s, pref, distinct=True)

    policy.__name__ = f"only:{tool_id}"
    return policy


def greedy(params: Params, s: State, chunk: int = 48) -> Actions:
    """A short lookahead on the score, using the engine itself on copies of each world: every legal
    action now, then a couple of quiet turns, judged on the player's estimates (not the hidden
    truth) with imagined luck (lookahead.action_values). Takes the best actions it can afford, and
    answers each waiting event with the choice that looks best the same way."""
    from diplosim.engine.lookahead import action_values

    parts = []
    for start in range(0, s.worlds, chunk):
        sub = s.worlds_where(np.arange(start, min(start + chunk, s.worlds)))
        gains, _, choice = action_values(params, sub)
        acts = _pick_sequentially(params, sub, gains, min_preference=0.0, distinct=True)
        acts.choice[:] = choice
        parts.append(acts)
    return Actions(np.concatenate([p.tool for p in parts]), np.concatenate([p.target for p in parts]),
                   np.concatenate([p.choice for p in parts]))


def get_policy(name: str) -> Policy:
    """The policy called `name` (passive, random, greedy, only:TOOL); ValueError if unknown."""
    from diplosim.scenario.messages import did_you_mean

    table = {"passive": passive, "random": random_policy, "greedy": greedy}
    if name in table:
        return table[name]
    if name.startswith("only:") and len(name) > 5:
        return only(name[5:])
    raise ValueError(f"unknown policy '{name}'; use passive, random, greedy or only:TOOL."
                     f"{did_you_mean(name, list(table))}")


def check_policy(params: Params, name: str) -> None:
    """Raise ValueError with a sentence when a policy name does not fit this scenario."""
    from diplosim.scenario.messages import did_you_mean

    get_policy(name)
    if name.startswith("only:") and name[5:] not in params.tools.ids:
        raise ValueError(f"policy '{name}' names no tool of this scenario.{did_you_mean(name[5:], params.tools.ids)}")
