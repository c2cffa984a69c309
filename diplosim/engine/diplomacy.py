"""How a diplomatic action lands: bureaucratic stalls, acceptance, votes, face, leverage costs,
backfire, hypocrisy, and the tool's own effects and risks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import rng
from diplosim.engine.actions import (
    COOLDOWN,
    LEGAL,
    NO_BUDGET,
    NO_CAPITAL,
    UNAVAILABLE,
    WRONG_TARGET,
    legality,
    pay,
    schedule,
    target_column,
)
from diplosim.engine.log import Causes, LogEntry
from diplosim.engine.mechanics import sigmoid
from diplosim.engine.params import Params
from diplosim.engine.state import State
from diplosim.engine.sums import country_mean, theme_mean

FACE_COST = 12.0  # face a fully public move costs a government


@dataclass(frozen=True)
class ActionPhase:
    """What stays fixed while a turn's actions are carried out, worked out once for all slots:
    rights and relations change only when effects come due, after the actions."""

    static_codes: np.ndarray  # (W, T, C + 1) legality(..., ignore_costs=True) at the start of the turn
    mean_rights: np.ndarray  # (W, C) true rights averaged over themes
    mean_relations: np.ndarray  # (W,) the player's relations averaged over countries


def action_phase(params: Params, s: State) -> ActionPhase:
    """The fixed facts of this turn's action phase."""
    return ActionPhase(legality(params, s, ignore_costs=True), theme_mean(s.rights),
                       country_mean(s.country[:, :, L.RELATIONS]))


def _at(a: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-world value of a (W, C) array at each world's target."""
    return a[np.arange(a.shape[0]), np.maximum(target, 0)]


def effectiveness(params: Params, s: State, target: np.ndarray, repeated: np.ndarray) -> np.ndarray:
    """How well an action lands: credibility, evidence from monitoring, and cultural fluency
    against the target's cultural distance; repeating a tool on the same target in a turn halves it."""
    c = s.country
    cred = s.player[:, L.CREDIBILITY]
    evidence = _at(c[:, :, L.EVIDENCE], target)
    fit = s.player[:, L.FLUENCY] - _at(c[:, :, L.CULTURAL_DISTANCE], target)
    m = (0.5 + cred / 100.0) * (1.0 + 0.4 * evidence / 100.0) * (1.0 + 0.3 * fit / 100.0)
    return np.where(repeated, 0.5 * m, m)


def acceptance_chance(params: Params, s: State, tool: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Chance the government accepts: relations, fluency, leverage, credibility and evidence help;
    resistance hurts, and public moves against a proud government (high face) hurt most."""
    tt = params.tools
    c = s.country
    vis = tt.visibility[tool]
    rel, res, face = (_at(c[:, :, f], target) for f in (L.RELATIONS, L.RESISTANCE, L.FACE))
    fit = s.player[:, L.FLUENCY] - _at(c[:, :, L.CULTURAL_DISTANCE], target)
    logit = (tt.acceptance[tool] + 0.03 * (rel - 50.0) + 0.015 * fit
             + tt.leverage_weight[tool] * 0.04 * (_at(s.leverage, target) - 30.0)
             + 0.015 * (s.player[:, L.CREDIBILITY] - 50.0) + 0.01 * _at(c[:, :, L.EVIDENCE], target)
             + 0.015 * vis * _at(c[:, :, L.LEGITIMACY], target)
             - 0.03 * (res - 50.0) - vis * 0.03 * (face - 40.0))
    return sigmoid(logit)


def forum_vote(params: Params, s: State, phase: ActionPhase, target: np.ndarray,
               slot: int) -> tuple[np.ndarray, np.ndarray]:
    """Votes on a resolution about the target: each other government votes by its relations with the
    player, its own record, the player's credibility, the coalition built, and its trade with the target.
    Returns (yes votes, voters)."""
    c = s.country
    logit = (0.04 * (c[:, :, L.RELATIONS] - 50.0) + 0.03 * (phase.mean_rights - 50.0)
             + 0.03 * (s.player[:, L.CREDIBILITY] - 50.0)[:, None]
             + 0.02 * _at(c[:, :, L.COALITION], target)[:, None] + 0.01 * _at(c[:, :, L.EVIDENCE], target)[:, None]
             - 0.03 * params.trade_between[np.maximum(target, 0)])
    u = rng.uniform(s.seed, s.turn, rng.Purpose.VOTE, (params.n_countries,), salt=slot)
    voter = np.ones_like(logit, dtype=bool)
    voter[np.arange(s.worlds), np.maximum(target, 0)] = False
    yes = (u < sigmoid(logit)) & voter
    return yes.sum(axis=1), voter.sum(axis=1)


def allowed_now(params: Params, s: State, static_codes: np.ndarray, tool: np.ndarray,
                column: np.ndarray) -> np.ndarray:
    """Whether each world's action is legal given what has been spent and used so far this turn;
    static_codes is legality(..., ignore_costs=True) from the start of the turn. Returns the codes."""
    tt = params.tools
    wi = np.arange(s.worlds)
    col = np.clip(column, 0, params.n_countries)
    codes = static_codes[wi, tool, col].astype(np.int64)
    cooling = s.turn - s.last_used[wi, tool, col] < tt.cooldown[tool]
    codes = np.where((codes == LEGAL) & cooling, COOLDOWN, codes)
    codes = np.where((codes == LEGAL) & (s.player[:, L.BUDGET] < tt.budget[tool]), NO_BUDGET, codes)
    codes = np.where((codes == LEGAL) & (s.player[:, L.CAPITAL] < tt.capital[tool]), NO_CAPITAL, codes)
    return np.where(column < 0, WRONG_TARGET, codes)


def take_action(params: Params, s: State, tool: np.ndarray, target: np.ndarray, slot: int,
                phase: ActionPhase, log: list[LogEntry] | None, causes: Causes | None) -> None:
    """Carry out slot `slot` of this turn's actions in every world (illegal ones are refused)."""
    tt, k = params.tools, params.constants
    w = s.worlds
    wi = np.arange(w)
    requested = (tool >= 0) & ~s.done
    # Orders naming no tool or country of this scenario are refused like any other illegal order.
    known = (tool < params.n_tools) & (target < params.n_countries)
    t = np.where(known, np.maximum(tool, 0), 0)
    target = np.where(known, target, -1)
    column = target_column(params, t, target)
    codes = np.where(known, allowed_now(params, s, phase.static_codes, t, column), UNAVAILABLE)
    active = requested & (codes == LEGAL)
    repeated = active & (s.last_used[wi, t, np.maximum(column, 0)] == s.turn)
    pay(params, s, t, np.maximum(column, 0), active)

    stall_u = rng.uniform(s.seed, s.turn, rng.Purpose.STALL, (), salt=slot)
    stalled = active & (stall_u < s.player[:, L.INERTIA] / 100.0 * tt.inertia_sensitivity[t] * 0.6)
    live = active & ~stalled
    kind = tt.target_kind[t]
    targeted = kind <= 1
    m = effectiveness(params, s, target, repeated)
    m = np.where(targeted, m, 0.5 + s.player[:, L.CREDIBILITY] / 100.0)

    accept_u = rng.uniform(s.seed, s.turn, rng.Purpose.ACCEPT, (), salt=slot)
    p_country = acceptance_chance(params, s, t, target)
    p = np.where(kind == 0, p_country, 1.0)
    if (live & (kind == 2)).any():  # the treaty track: credibility and relations across the region
        p_global = sigmoid(tt.acceptance[t] + 0.04 * (s.player[:, L.CREDIBILITY] - 50.0)
                           + 0.03 * (phase.mean_relations - 50.0))
        p = np.where(kind == 2, p_global, p)
    success = live & (accept_u < p)
    is_forum = live & (kind == 1)
    passed = np.zeros(w, dtype=bool)
    yes = voters = np.zeros(w, dtype=np.int64)
    if is_forum.any():
        yes, voters = forum_vote(params, s, phase, target, slot)
        passed = is_forum & (yes >= np.ceil(tt.votes_needed[t] * voters))
        success = np.where(kind == 1, passed, success)
    failure = live & ~success
    s.tool_successes[wi, t] += success

    # Public moves spend face; a coalition or a passed resolution shares the cost.
    c = s.country
    tgt = np.maximum(target, 0)
    share = (1.0 - _at(c[:, :, L.COALITION], target) / 200.0) * np.where(passed, 0.5, 1.0)
    face_cost = live * targeted * tt.visibility[t] * FACE_COST * share
    c[wi, tgt, L.FACE] -= face_cost
    s.face_lost[wi, tgt] += face_cost
    push = live * targeted * tt.pressure[t] * m * (1.0 + tt.leverage_weight[t] * _at(s.leverage, target) / 100.0)
    s.pressure[wi, tgt] += push
    s.econ_pressure[wi, tgt] += push * (tt.leverage_weight[t] >= 0.5)
    s.pressure_received[wi, tgt] += push
    s.player[:, L.COMMERCE] -= live * targeted * tt.commerce_cost[t] * _at(c[:, :, L.TRADE], target) / 10.0 * params.commerce_weight
    s.player[:, L.PSECURITY] -= live * targeted * tt.security_cost[t] * _at(c[:, :, L.SECURITY], target) / 10.0 * params.security_weight

    # Criticism built on a shaky picture can be rebutted, at the player's expense.
    shaky = np.maximum(0.0, _at(c[:, :, L.UNCERTAINTY], target) - 10.0) / 100.0
    backfire_p = tt.visibility[t] * 0.8 * shaky * (1.0 - _at(c[:, :, L.EVIDENCE], target) / 100.0)
    backfire = live & targeted & (tt.visibility[t] >= 0.3) & (
        rng.uniform(s.seed, s.turn, rng.Purpose.BACKFIRE, (), salt=slot) < backfire_p)
    s.player[:, L.CREDIBILITY] -= backfire * 4.0
    c[wi, tgt, L.FACE] += backfire * 6.0

    # Criticising one government while sparing a worse ally invites charges of hypocrisy.
    hypocrisy = live & targeted & (tt.visibility[t] >= 0.5) & ~params.ally[tgt]
    if params.ally.any() and hypocrisy.any():
        mean_rights = phase.mean_rights
        spared = params.ally[None, :] & (s.pressure_received < 5.0)
        worst_spared = np.where(spared, mean_rights, np.inf).min(axis=1)
        hypocrisy &= worst_spared < _at(mean_rights, target) - k.hypocrisy_gap
    else:
        hypocrisy &= False
    s.player[:, L.CREDIBILITY] -= hypocrisy * 3.0

    # Interventions without legitimacy cost credibility; with it they earn a little.
    legit_gap = (_at(c[:, :, L.LEGITIMACY], target) - k.intervention_legitimacy) / 10.0
    s.player[:, L.CREDIBILITY] += live * tt.intervention[t] * np.clip(legit_gap, -8.0, 3.0)

    schedule(params, s, tt.effects, 2 * t + failure, target, m, live)
    struck = _risks(params, s, t, target, live, m, slot)

    if log is not None:
        _log_action(params, s, tool, target, requested, active, codes, stalled, success, is_forum, yes, voters,
                    face_cost, backfire, hypocrisy, struck, log, causes)


def _risks(params: Params, s: State, t: np.ndarray, target: np.ndarray, live: np.ndarray, m: np.ndarray,
           slot: int) -> list[tuple[int, np.ndarray]]:
    tt = params.tools
    n_r = tt.risk_chance.shape[0]
    if n_r == 0:
        return []
    u = rng.uniform(s.seed, s.turn, rng.Purpose.RISK, (n_r,), salt=slot)
    struck = []
    for r in range(n_r):
        mask = live & (t == tt.risk_tool[r]) & (u[:, r] < tt.risk_chance[r])
        if tt.risk_when[r] is not None:
            mask &= np.broadcast_to(tt.risk_when[r](s), (s.worlds, params.n_countries))[
                np.arange(s.worlds), np.maximum(target, 0)]
        if mask.any():
            schedule(params, s, tt.risk_effects, np.full(s.worlds, r), target, m, mask)
            struck.append((r, mask))
    return struck


def _hint(params: Params, tool_id: str, text: str) -> str:
    """A pointer to a remedy, only when the scenario has that tool (named as the scenario names it)."""
    if tool_id not in params.tools.ids:
        return ""
    return "; " + text.format(params.tools.tools[params.tool_index(tool_id)].name)


def _log_action(params, s, tool, target, requested, active, codes, stalled, success, is_forum, yes, voters,
                face_cost, backfire, hypocrisy, struck, log, causes) -> None:
    from diplosim.engine.actions import reason

    tt = params.tools
    for w in np.nonzero(requested)[0]:
        t = int(tool[w])
        if t >= params.n_tools:
            log.append(LogEntry(int(w), int(s.turn[w]), "warning", f"order refused: no tool number {t}"))
            continue
        name = tt.tools[t].name
        c = int(target[w])
        where = f" on {params.country_names[c]}" if tt.target_kind[t] <= 1 and c >= 0 else ""
        turn = int(s.turn[w])
        if not active[w]:
            why = reason(params, s, w, t, c, int(codes[w]))
            log.append(LogEntry(int(w), turn, "warning", f"{name}{where} was refused: {why}", country=c))
            continue
        if stalled[w]:
            log.append(LogEntry(int(w), turn, "action", f"{name}{where} stalled in your own bureaucracy",
                                "bureaucratic inertia" + _hint(params, "evaluation_reports", "'{}' reduces it"), c))
            continue
        if is_forum[w]:
            verdict = "passed" if success[w] else "failed"
            text = f"Resolution on {params.country_names[c]} {verdict}, {yes[w]} of {voters[w]} votes in favour"
            cause = ("legitimacy for further action; the face cost is shared" if success[w]
                     else "too few votes: relations, credibility and a coalition win votes")
        else:
            verdict = "landed" if success[w] else "was rebuffed"
            text = f"{name}{where}: {verdict}"
            cause = tt.tools[t].description.split(".")[0].lower()
        log.append(LogEntry(int(w), turn, "action", text, cause, c if tt.target_kind[t] <= 1 else -1))
        if face_cost[w] >= 1 and causes is not None:
            causes.add(int(w), c, f"your '{name}' cost their government {face_cost[w]:.0f} face")
        if backfire[w]:
            log.append(LogEntry(int(w), turn, "action", f"{params.country_names[c]} rebutted your claims",
                                "your picture of the country was shaky"
                                + _hint(params, "monitoring", "'{}' first makes criticism stick") + "; "
                                "credibility -4", c))
        if hypocrisy[w]:
            log.append(LogEntry(int(w), turn, "action", "Charges of hypocrisy: you spare a worse ally",
                                "criticising a partner while ignoring an ally's worse record; credibility -3", c))
        for r, mask in struck:
            if mask[w]:
                log.append(LogEntry(int(w), turn, "action", f"Risk: {tt.risk_text[r]}", name, c))
