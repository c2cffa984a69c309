"""The player's actions: what is legal (and why not), and how a tool lands."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine.compiled import jit
from diplosim.engine.effects import EffectBlock
from diplosim.engine.params import Params
from diplosim.engine.state import State

# Why an action is not allowed; 0 means it is.
CAPITAL, BUDGET, RIGHTS0 = L.CAPITAL, L.BUDGET, L.RIGHTS0
LEGAL, GAME_OVER, WRONG_TARGET, NO_CAPITAL, NO_BUDGET, PRECONDITION, NO_LEGITIMACY, COOLDOWN, UNAVAILABLE = range(9)


@dataclass
class Actions:
    """One turn's orders for W worlds: up to K tool uses and an answer to each waiting event."""

    tool: np.ndarray  # (W, K) tool index, -1 for none
    target: np.ndarray  # (W, K) country index, -1 for tools without a target
    choice: np.ndarray  # (W, E) choice index per event, -1 for the default

    @staticmethod
    def empty(params: Params, worlds: int, slots: int = 1) -> Actions:
        """No actions, default answers."""
        e = len(params.events.events)
        return Actions(np.full((worlds, slots), -1, dtype=np.int64), np.full((worlds, slots), -1, dtype=np.int64),
                       np.full((worlds, e), -1, dtype=np.int64))


def target_column(params: Params, tool: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Column of the (T, C + 1) legality grid: the target country, or C for untargeted tools."""
    targeted = params.tools.target_kind[np.maximum(tool, 0)] <= 1
    return np.where(targeted, target, params.n_countries)


def legality(params: Params, s: State, ignore_costs: bool = False, passes: np.ndarray | None = None,
             only: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Why each (tool, target) pair is not allowed now, per world: codes (W, T, C + 1), 0 = legal.
    Column C stands for "no target" (global and self tools). ignore_costs leaves capital and budget
    out, for policies that track what they have spent themselves. passes may give the preconditions'
    answers (precondition_passes) as they stood earlier; only=(tool, column) asks for just each world's
    own pair and returns its code (W,)."""
    tt = params.tools
    w = s.worlds
    none = np.full(w, -1)
    only_tool, only_column = only if only is not None else (none, none)
    codes = np.empty((w, 1, 1) if only is not None else (w, params.n_tools, params.n_countries + 1), dtype=np.int8)
    _legality(codes, precondition_passes(params, s) if passes is None else passes, tt.has_preconditions,
              s.country[:, :, L.LEGITIMACY], tt.legitimacy_needed, tt.cooldown, s.turn, s.last_used,
              s.player[:, L.BUDGET], s.player[:, L.CAPITAL], tt.budget, tt.capital, ignore_costs,
              tt.target_kind <= 1, params.available, s.done, only_tool, only_column)
    return codes[:, 0, 0] if only is not None else codes


def precondition_passes(params: Params, s: State) -> np.ndarray:
    """Whether each tool's preconditions hold against each country (W, T, C): the scenario's own
    conditions, compiled."""
    return params.tools.all_preconditions(s)


@jit
def _legality(codes, passes, has_test, legitimacy, legitimacy_needed, cooldown, turn, last_used, budget, capital,
              tool_budget, tool_capital, ignore_costs, targeted, available, done, only_tool, only_column):
    n_w, n_t, n_c = passes.shape
    scratch = np.empty(n_c + 1, dtype=codes.dtype)
    for w in range(n_w):
        one = only_tool[w] >= 0  # asked for one pair: work out its tool's row, keep that pair's code
        t0, t1 = (only_tool[w], only_tool[w] + 1) if one else (0, n_t)
        for t in range(t0, t1):
            row = scratch if one else codes[w, t]
            # The reason shown is the most basic one that applies, so the checks run from it down.
            if done[w] or not available[t]:
                row[:] = GAME_OVER if done[w] else UNAVAILABLE
            else:
                cost = LEGAL
                if not ignore_costs:
                    cost = NO_CAPITAL if capital[w] < tool_capital[t] else (
                        NO_BUDGET if budget[w] < tool_budget[t] else LEGAL)
                # Most tools need no per-target check: their row is the cost's code or legal throughout.
                simple = cost != LEGAL or not (cooldown[t] > 0 or legitimacy_needed[t] > 0 or has_test[t])
                if targeted[t]:  # aimed at a country: no "no target" column
                    row[n_c] = WRONG_TARGET
                    for col in range(n_c):
                        if simple:
                            code = cost
                        elif cooldown[t] > 0 and turn[w] - last_used[w, t, col] < cooldown[t]:
                            code = COOLDOWN
                        elif legitimacy_needed[t] > 0 and legitimacy[w, col] < legitimacy_needed[t]:
                            code = NO_LEGITIMACY
                        elif has_test[t] and not passes[w, t, col]:
                            code = PRECONDITION
                        else:
                            code = LEGAL
                        row[col] = code
                else:  # global or self: only the "no target" column
                    row[:n_c] = WRONG_TARGET
                    code = cost
                    if not simple and cooldown[t] > 0 and turn[w] - last_used[w, t, n_c] < cooldown[t]:
                        code = COOLDOWN
                    elif not simple and has_test[t] and not passes[w, t].all():
                        code = PRECONDITION
                    row[n_c] = code
            if one:
                codes[w, 0, 0] = scratch[only_column[w]]


def reason(params: Params, s: State, world: int, tool: int, target: int, code: int) -> str:
    """The sentence the player sees for a legality code."""
    t = params.tools.tools[tool]
    if code == LEGAL:
        return "allowed"
    if code == GAME_OVER:
        return "the game is over"
    if code == WRONG_TARGET:
        return {"country": "choose a country to aim it at", "forum": "choose the country the resolution is about",
                "global": "it is aimed at the treaty track, not at one country",
                "self": "it reforms your own service, not another country"}[t.target]
    if code == NO_CAPITAL:
        return f"needs {t.cost.capital} political capital; {s.player[world, L.CAPITAL]:.0f} left this turn"
    if code == NO_BUDGET:
        return f"needs {t.cost.budget:g} budget; {s.player[world, L.BUDGET]:.0f} left"
    if code == PRECONDITION:
        failed = [d for test, d in params.tools.preconditions[tool]
                  if not np.broadcast_to(test(s.world(world)), (1, params.n_countries))[0, max(target, 0)]]
        return "needs " + "; ".join(failed or [d for _, d in params.tools.preconditions[tool]])
    if code == NO_LEGITIMACY:
        have = s.country[world, target, L.LEGITIMACY]
        return (f"needs legitimacy {t.legitimacy_needed:g} against this government (has {have:.0f}): "
                "pass a resolution, build a coalition or document the abuses first")
    if code == COOLDOWN:
        col = int(target_column(params, np.array([tool]), np.array([target]))[0])  # self/global tools: column C
        since = int(s.turn[world] - s.last_used[world, tool, col if col >= 0 else params.n_countries])
        wait = int(t.cooldown) - since
        head = "already used or queued this turn" if since == 0 else f"used {since} turn{'s' * (since != 1)} ago"
        when = "next turn" if wait == 1 else f"in {wait} turns"
        return f"{head}; it can be used again {when} (once every {int(t.cooldown)} turns at most)"
    return "not available in this game"


def pay(params: Params, s: State, tool: np.ndarray, column: np.ndarray, active: np.ndarray) -> None:
    """Spend an action's capital and budget and record its use (for cooldowns and statistics)."""
    tt = params.tools
    for w in np.nonzero(active)[0]:
        pay_one(s.player[w], s.tool_uses[w], s.last_used[w], s.turn[w], max(tool[w], 0), column[w], tt.capital,
                tt.budget)


@jit
def pay_one(player, tool_uses, last_used, turn, t, column, capital, budget):
    """pay() for one world's order, callable from the compiled action phase."""
    player[CAPITAL] -= capital[t]
    player[BUDGET] -= budget[t]
    tool_uses[t] += 1
    last_used[t, column] = turn


def schedule(params: Params, s: State, block: EffectBlock, row: np.ndarray, target: np.ndarray,
             scale: np.ndarray, mask: np.ndarray, cause: np.ndarray, logging: bool = False) -> None:
    """Add row `row` (per world) of an effect block to the pending buffer from this turn on, for the
    worlds in mask; scaled parts are multiplied by `scale`; `cause` (per world) is the code
    (log.py) the log gives for the rights changes it brings, noted when logging."""
    if mask.any():
        _schedule(*s.ring_buffers(), s.cause_book(logging), s.turn, row, target, scale, mask, cause,
                  *block.entries)


@jit
def _schedule(pending_country, pending_player, pending_cause, turn, row, target, scale, mask, cause, offsets, where,
              delay, country, field, fixed, scaled):
    for w in range(mask.shape[0]):
        if mask[w]:
            schedule_one(pending_country, pending_player, w, turn[w], row[w], target[w], scale[w], offsets, where,
                         delay, country, field, fixed, scaled)
            if pending_cause.shape[0]:
                note_cause(pending_cause, w, turn[w], row[w], target[w], scale[w], cause[w], offsets, where, delay,
                           country, field, fixed, scaled)


@jit
def schedule_one(pending_country, pending_player, w, turn, r, target, scale, offsets, where, delay, country, field,
                 fixed, scaled):
    """schedule() of row r for world w alone, into the ring buffers as State.ring_buffers gives them,
    callable from other compiled loops; those that log follow it with note_cause. (Kept small, so the
    compiler inlines it: a call per world with this many arrays costs more than the additions.)"""
    horizon = pending_country.shape[0]
    tgt, now = max(target, 0), turn % horizon
    for e in range(offsets[r], offsets[r + 1]):
        slot = now + delay[e]  # delays are shorter than the buffer: one wrap at most
        if slot >= horizon:
            slot -= horizon
        value = fixed[e] + scaled[e] * scale
        if where[e] == 1:
            pending_player[slot, w, field[e]] += value
        else:
            pending_country[slot, w, tgt if where[e] == 0 else country[e], field[e]] += value


@jit
def note_cause(pending_cause, w, turn, r, target, scale, cause, offsets, where, delay, country, field, fixed, scaled):
    """Keep the cause of the changes to rights schedule_one just scheduled: per country and turn slot,
    the largest push up and the largest down, each as a stamp (its cause code and the turn it was
    scheduled, log.describe_cause), its size (the sums cannot tell it) and the themes it moves (bit h
    for theme h). Only steps that log keep this book."""
    horizon = pending_cause.shape[1]
    tgt, now = max(target, 0), turn % horizon
    stamp = cause * 256 + turn % 256
    for e in range(offsets[r], offsets[r + 1]):
        value = fixed[e] + scaled[e] * scale
        if where[e] == 1 or field[e] < RIGHTS0 or value == 0:
            continue
        slot = now + delay[e]
        if slot >= horizon:
            slot -= horizon
        c = tgt if where[e] == 0 else country[e]
        book, theme = pending_cause[w, slot, c, 0 if value > 0 else 1], np.int64(1) << (field[e] - RIGHTS0)
        if book[0] == stamp:
            book[1] = max(book[1], abs(value))
            book[2] = np.int64(book[2]) | theme
        elif abs(value) >= book[1]:
            book[0], book[1], book[2] = stamp, abs(value), theme
