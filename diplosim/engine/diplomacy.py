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
    note_cause,
    pay_one,
    precondition_passes,
    schedule,
    schedule_one,
    target_column,
)
from diplosim.engine.compiled import jit
from diplosim.engine.log import Causes, LogEntry, tool_cause
from diplosim.engine.mechanics import sigmoid
from diplosim.engine.params import Params
from diplosim.engine.rng import uniform_one
from diplosim.engine.state import State
from diplosim.engine.sums import country_mean, theme_mean

FACE_COST = 12.0  # face a fully public move costs a government
F = np.float32
CAPITAL, BUDGET, CREDIBILITY, INERTIA, FLUENCY = L.CAPITAL, L.BUDGET, L.CREDIBILITY, L.INERTIA, L.FLUENCY
COMMERCE, PSECURITY, FACE, RELATIONS, RESISTANCE = L.COMMERCE, L.PSECURITY, L.FACE, L.RELATIONS, L.RESISTANCE
CULTURAL_DISTANCE, EVIDENCE, LEGITIMACY, COALITION = L.CULTURAL_DISTANCE, L.EVIDENCE, L.LEGITIMACY, L.COALITION
TRADE, SECURITY, UNCERTAINTY = L.TRADE, L.SECURITY, L.UNCERTAINTY
STALL, ACCEPT, VOTE, BACKFIRE, RISK = (int(p) for p in (rng.Purpose.STALL, rng.Purpose.ACCEPT, rng.Purpose.VOTE,
                                                         rng.Purpose.BACKFIRE, rng.Purpose.RISK))


@dataclass(frozen=True)
class ActionPhase:
    """What stays fixed while a turn's actions are carried out, worked out once for all slots:
    rights and relations change only when effects come due, after the actions."""

    passes: np.ndarray  # (W, T, C) the tools' preconditions at the start of the turn (precondition_passes)
    mean_rights: np.ndarray  # (W, C) true rights averaged over themes
    mean_relations: np.ndarray  # (W,) the player's relations averaged over countries


def action_phase(params: Params, s: State) -> ActionPhase:
    """The fixed facts of this turn's action phase."""
    return ActionPhase(precondition_passes(params, s), theme_mean(s.rights),
                       country_mean(s.country[:, :, L.RELATIONS]))


def take_action(params: Params, s: State, tool: np.ndarray, target: np.ndarray, slot: int,
                phase: ActionPhase, log: list[LogEntry] | None, causes: Causes | None) -> None:
    """Carry out slot `slot` of this turn's actions in every world (illegal ones are refused)."""
    tt, k = params.tools, params.constants
    w = s.worlds
    requested = (tool >= 0) & ~s.done
    if not requested.any():
        return
    # Orders naming no tool or country of this scenario are refused like any other illegal order.
    known = (tool < params.n_tools) & (target < params.n_countries)
    t = np.where(known, np.maximum(tool, 0), 0)
    target = np.where(known, target, -1)
    column = target_column(params, t, target)
    # Legal as the turn began (preconditions then), with what this turn's earlier orders spent and used.
    static = legality(params, s, ignore_costs=True, passes=phase.passes,
                      only=(t, np.maximum(column, 0)))  # a country's column, or C: never past it
    o = _Outcome(w, params.n_countries)
    _land(s.country, s.player, s.leverage, s.tool_uses, s.last_used, s.seed, s.turn, slot, t, target, column, static,
          requested, known, tt.cooldown, o.codes, phase.mean_relations, phase.mean_rights, params.trade_between,
          tt.target_kind, tt.capital, tt.budget, tt.inertia_sensitivity, tt.acceptance, tt.leverage_weight, tt.visibility,
          o.live, o.stalled, o.m, o.logit, o.vote_logit)
    # Chances go through numpy's exp (the compiled one rounds differently in the last bit).
    _resolve(s.country, s.player, s.leverage, s.pressure, s.econ_pressure, s.face_lost, s.pressure_received,
             s.tool_successes, s.seed, s.turn, slot, t, target, o.live, o.m, sigmoid(o.logit), sigmoid(o.vote_logit),
             phase.mean_rights, params.ally, tt.target_kind, tt.votes_needed, tt.visibility, tt.pressure,
             tt.leverage_weight, tt.commerce_cost, tt.security_cost, tt.intervention,
             F(params.commerce_weight), F(params.security_weight), F(k.hypocrisy_gap), F(k.intervention_legitimacy),
             o.success, o.passed, o.yes, o.voters, o.face_cost, o.backfire, o.hypocrisy)

    schedule(params, s, tt.effects, 2 * t + (o.live & ~o.success), target, o.m, o.live, tool_cause(t), log is not None)
    struck = _risks(params, s, t, target, o.live, o.m, slot, log is not None)
    if log is not None:
        _log_action(params, s, tool, target, requested, o.codes == LEGAL, o.codes, o.stalled, o.success,
                    o.live & (tt.target_kind[t] == 1), o.yes, o.voters, o.face_cost, o.backfire, o.hypocrisy, struck, log, causes)


class _Outcome:
    """Per-world results of one action slot, filled by the compiled kernels (and read by the log)."""

    def __init__(self, w: int, n_c: int) -> None:
        self.codes = np.full(w, UNAVAILABLE, dtype=np.int64)
        self.live, self.stalled = np.zeros(w, dtype=bool), np.zeros(w, dtype=bool)
        self.m, self.logit = np.zeros(w, dtype=np.float32), np.zeros(w, dtype=np.float32)
        self.vote_logit = np.zeros((w, n_c), dtype=np.float32)
        self.success, self.passed = np.zeros(w, dtype=bool), np.zeros(w, dtype=bool)
        self.yes, self.voters = np.zeros(w, dtype=np.int64), np.zeros(w, dtype=np.int64)
        self.face_cost = np.zeros(w)
        self.backfire, self.hypocrisy = np.zeros(w, dtype=bool), np.zeros(w, dtype=bool)


@jit
def _land(country, player, leverage, tool_uses, last_used, seed, turn, slot, tool, target, column, static, requested, known,
          cooldown, codes, mean_relations, mean_rights, trade_between, target_kind, capital, budget,
          inertia_sensitivity, acceptance, leverage_weight, visibility, live, stalled, effect, logit, vote_logit):
    """Check each order (codes), pay for the legal ones, see whether the bureaucracy stalls them, and
    work out how well each would land (effect) and the logits of the chance it is accepted (per voter
    for a resolution)."""
    for w in range(country.shape[0]):
        if not requested[w]:
            continue
        t, tgt, kind, col = tool[w], max(target[w], 0), target_kind[tool[w]], column[w]
        cc = min(max(col, 0), last_used.shape[2] - 1)
        code = static[w]
        if code == LEGAL and turn[w] - last_used[w, t, cc] < cooldown[t]:
            code = COOLDOWN
        if code == LEGAL and player[w, BUDGET] < budget[t]:
            code = NO_BUDGET
        if code == LEGAL and player[w, CAPITAL] < capital[t]:
            code = NO_CAPITAL
        # Orders naming no tool or country of this scenario are refused like any other illegal order.
        codes[w] = UNAVAILABLE if not known[w] else (WRONG_TARGET if col < 0 else code)
        if codes[w] != LEGAL:
            continue
        repeated = last_used[w, t, col] == turn[w]
        pay_one(player[w], tool_uses[w], last_used[w], turn[w], t, col, capital, budget)
        stalled[w] = (uniform_one(seed[w], turn[w], STALL, slot, 0)
                      < player[w, INERTIA] / F(100.0) * inertia_sensitivity[t] * F(0.6))
        live[w] = not stalled[w]
        c, pl = country[w, tgt], player[w]
        cred = pl[CREDIBILITY]
        fit = pl[FLUENCY] - c[CULTURAL_DISTANCE]
        if kind > 1:
            effect[w] = F(0.5) + cred / F(100.0)
        else:
            # Credibility, evidence from monitoring, and fluency against cultural distance; repeating a
            # tool on the same target in a turn halves it.
            m = ((F(0.5) + cred / F(100.0)) * (F(1.0) + F(0.4) * c[EVIDENCE] / F(100.0))
                 * (F(1.0) + F(0.3) * fit / F(100.0)))
            effect[w] = F(0.5) * m if repeated else m
        vis = visibility[t]
        if kind == 0:
            # Relations, fluency, leverage, credibility and evidence help; resistance hurts, and public
            # moves against a proud government (high face) hurt most.
            logit[w] = (acceptance[t] + F(0.03) * (c[RELATIONS] - F(50.0)) + F(0.015) * fit
                        + leverage_weight[t] * F(0.04) * (leverage[w, tgt] - F(30.0))
                        + F(0.015) * (cred - F(50.0)) + F(0.01) * c[EVIDENCE] + F(0.015) * vis * c[LEGITIMACY]
                        - F(0.03) * (c[RESISTANCE] - F(50.0)) - vis * F(0.03) * (c[FACE] - F(40.0)))
        elif kind == 2:  # the treaty track: credibility and relations across the region
            logit[w] = (acceptance[t] + F(0.04) * (cred - F(50.0)) + F(0.03) * (mean_relations[w] - F(50.0)))
        elif kind == 1:
            # Each other government votes by its relations with the player, its own record, the player's
            # credibility, the coalition built, and its trade with the target.
            for j in range(country.shape[1]):
                vote_logit[w, j] = (F(0.04) * (country[w, j, RELATIONS] - F(50.0))
                                    + F(0.03) * (mean_rights[w, j] - F(50.0)) + F(0.03) * (cred - F(50.0))
                                    + F(0.02) * c[COALITION] + F(0.01) * c[EVIDENCE]
                                    - F(0.03) * trade_between[tgt, j])


@jit
def _resolve(country, player, leverage, pressure, econ_pressure, face_lost, pressure_received, tool_successes, seed,
             turn, slot, tool, target, live, effect, accept_p, vote_p, mean_rights, ally, target_kind,
             votes_needed, visibility, tool_pressure, leverage_weight, commerce_cost, security_cost, intervention,
             commerce_weight, security_weight, hypocrisy_gap, intervention_legitimacy,
             success, passed, yes, voters, face_cost, backfire, hypocrisy):
    """Whether each landed order is accepted (or its resolution passes), and what it costs the target
    government's face, the player's commerce, security and credibility, and adds to the pressure."""
    n_c = country.shape[1]
    for w in range(country.shape[0]):
        if not live[w]:
            continue
        t, tgt, kind = tool[w], max(target[w], 0), target_kind[tool[w]]
        c, pl, m = country[w, tgt], player[w], effect[w]
        if kind == 1:
            for j in range(n_c):
                if j != tgt:
                    yes[w] += uniform_one(seed[w], turn[w], VOTE, slot, j) < vote_p[w, j]
            voters[w] = n_c - 1
            passed[w] = yes[w] >= np.ceil(np.float64(votes_needed[t]) * voters[w])
            success[w] = passed[w]
        else:
            success[w] = uniform_one(seed[w], turn[w], ACCEPT, slot, 0) < (accept_p[w] if kind != 3 else F(1.0))
        tool_successes[w, t] += success[w]
        if kind <= 1:  # moves aimed at a government
            # Public moves spend face; a coalition or a passed resolution shares the cost.
            vis = visibility[t]
            share = np.float64(F(1.0) - c[COALITION] / F(200.0)) * (0.5 if passed[w] else 1.0)
            face_cost[w] = np.float64(vis * F(FACE_COST)) * share
            c[FACE] = F(np.float64(c[FACE]) - face_cost[w])
            face_lost[w, tgt] = F(np.float64(face_lost[w, tgt]) + face_cost[w])
            push = tool_pressure[t] * m * (F(1.0) + leverage_weight[t] * leverage[w, tgt] / F(100.0))
            pressure[w, tgt] += push
            econ_pressure[w, tgt] += push * (F(1.0) if leverage_weight[t] >= F(0.5) else F(0.0))
            pressure_received[w, tgt] += push
            pl[COMMERCE] -= commerce_cost[t] * c[TRADE] / F(10.0) * commerce_weight
            pl[PSECURITY] -= security_cost[t] * c[SECURITY] / F(10.0) * security_weight
            # Criticism built on a shaky picture can be rebutted, at the player's expense.
            shaky = max(F(0.0), c[UNCERTAINTY] - F(10.0)) / F(100.0)
            backfire[w] = vis >= F(0.3) and (uniform_one(seed[w], turn[w], BACKFIRE, slot, 0)
                                             < vis * F(0.8) * shaky * (F(1.0) - c[EVIDENCE] / F(100.0)))
            if backfire[w]:
                pl[CREDIBILITY] = F(np.float64(pl[CREDIBILITY]) - 4.0)
                c[FACE] = F(np.float64(c[FACE]) + 6.0)
            # Criticising one government while sparing a worse ally invites charges of hypocrisy.
            if vis >= F(0.5) and not ally[tgt]:
                worst_spared = np.inf
                for j in range(n_c):
                    if ally[j] and pressure_received[w, j] < F(5.0):
                        worst_spared = min(worst_spared, mean_rights[w, j])
                hypocrisy[w] = worst_spared < mean_rights[w, tgt] - hypocrisy_gap
                if hypocrisy[w]:
                    pl[CREDIBILITY] = F(np.float64(pl[CREDIBILITY]) - 3.0)
        # Interventions without legitimacy cost credibility; with it they earn a little.
        if intervention[t]:
            gap = (c[LEGITIMACY] - intervention_legitimacy) / F(10.0)
            pl[CREDIBILITY] += min(max(gap, F(-8.0)), F(3.0))


def _risks(params: Params, s: State, t: np.ndarray, target: np.ndarray, live: np.ndarray, m: np.ndarray,
           slot: int, logging: bool) -> np.ndarray:
    """Roll the risks of each landed order's tool; schedule the effects of those that strike (W, R)."""
    tt = params.tools
    struck = np.zeros((s.worlds, tt.risk_chance.shape[0]), dtype=bool)
    if struck.shape[1] == 0 or not live.any():
        return struck
    held = tt.risk_conditions(s) if tt.risk_conditional.any() else np.zeros((0, 0, 0), dtype=bool)  # (W, R, C)
    _strike(s.seed, s.turn, slot, t, target, live, m, tt.risk_tool, tt.risk_chance, tt.risk_conditional, held, struck,
            *s.ring_buffers(), s.cause_book(logging), tool_cause(t), *tt.risk_effects.entries)
    return struck


@jit
def _strike(seed, turn, slot, tool, target, live, effect, risk_tool, chance, conditional, held, struck,
            pending_country, pending_player, pending_cause, cause, offsets, where, delay, country, field, fixed, scaled):
    for w in range(live.shape[0]):
        if not live[w]:
            continue
        for r in range(risk_tool.shape[0]):
            hit = (risk_tool[r] == tool[w] and uniform_one(seed[w], turn[w], RISK, slot, r) < np.float64(chance[r])
                   and not (conditional[r] and not held[w, r, max(target[w], 0)]))
            if hit:
                struck[w, r] = True
                schedule_one(pending_country, pending_player, w, turn[w], r, target[w], effect[w], offsets, where,
                             delay, country, field, fixed, scaled)
                if pending_cause.shape[0]:
                    note_cause(pending_cause, w, turn[w], r, target[w], effect[w], cause[w], offsets, where,
                               delay, country, field, fixed, scaled)


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
            # Read after "because": why it landed or not, never the tool's description again.
            kind = int(tt.target_kind[t])  # 0/1: a government (or a forum vote about one); else global or self
            if kind <= 1:
                cause = ("the government went along with it" if success[w] else
                         "the government said no; good relations, cultural fluency and leverage make a yes "
                         "likelier, lost face makes it rarer")
            elif tt.tools[t].target == "global":
                cause = ("enough delegations went along with it" if success[w] else
                         "too many delegations held back; your credibility and relations across the region decide it")
            else:
                cause = ("your service carried it through" if success[w] else
                         "it did not take hold this time; your service's inertia makes such reforms slip")
        log.append(LogEntry(int(w), turn, "action", text, cause, c if tt.target_kind[t] <= 1 else -1))
        if face_cost[w] >= 3 and causes is not None:  # a point or two of face explains nothing
            causes.add(int(w), c, f"your '{name}' cost their government {face_cost[w]:.0f} face")
        if backfire[w]:
            log.append(LogEntry(int(w), turn, "action", f"{params.country_names[c]} rebutted your claims",
                                "your picture of the country was shaky"
                                + _hint(params, "monitoring", "'{}' first makes criticism stick") + "; "
                                "credibility -4", c))
        if hypocrisy[w]:
            log.append(LogEntry(int(w), turn, "action", "Charges of hypocrisy: you spare a worse ally",
                                "criticising a partner while ignoring an ally's worse record; credibility -3", c))
        for r in np.nonzero(struck[w])[0]:
            log.append(LogEntry(int(w), turn, "action", f"Risk: {tt.risk_text[r]}", name, c))
