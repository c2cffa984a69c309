"""The country-side mechanics of a turn: each a small named function over all worlds.

Every function updates the state it is given in place (``step`` hands it a private copy) and
only touches worlds that are still playing (``live``), so finished worlds stay as they are.
The arithmetic runs in compiled loops over worlds and countries (numba): one pass over each
world's numbers instead of a dozen whole-batch temporaries. The loops keep numpy's float32
arithmetic step for step (f32 constants; float64 where numpy's rules gave float64), so a world's
numbers do not depend on the batch it sits in.
"""

from __future__ import annotations

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import rng
from diplosim.engine.compiled import jit
from diplosim.engine.params import Params
from diplosim.engine.state import State
from diplosim.engine.sums import theme_mean

F = np.float32

FACE, RESISTANCE, RELATIONS, SECURITY, AID = L.FACE, L.RESISTANCE, L.RELATIONS, L.SECURITY, L.AID
CAPACITY, CIVIL_SOCIETY, STABILITY, RIVAL_PULL = L.CAPACITY, L.CIVIL_SOCIETY, L.STABILITY, L.RIVAL_PULL
LEGITIMACY, EVIDENCE, COALITION, TRADE, UNCERTAINTY = L.LEGITIMACY, L.EVIDENCE, L.COALITION, L.TRADE, L.UNCERTAINTY
RIGHTS0, COMMERCE, PSECURITY, INERTIA, FLUENCY = L.RIGHTS0, L.COMMERCE, L.PSECURITY, L.INERTIA, L.FLUENCY
REFORM, STALL, HARDEN, RETALIATE, TURN_TO_RIVAL = L.REFORM, L.STALL, L.HARDEN, L.RETALIATE, L.TURN_TO_RIVAL


@jit
def _f64(flag):
    """numpy's bool -> float64 (a mask times a Python float)."""
    return 1.0 if flag else 0.0


@jit
def _f32(flag):
    """numpy's bool -> float32 (a mask times a float32 array)."""
    return F(1.0) if flag else F(0.0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def derive_leverage(params: Params, s: State) -> None:
    """The player's leverage over each government: trade share, aid, security ties, coalition,
    less what the rival patron offers."""
    _leverage(s.country, params.trade_between.sum(axis=1), s.leverage)


@jit
def _leverage(country, other_trade, leverage):
    for w in range(country.shape[0]):
        for j in range(country.shape[1]):
            c = country[w, j]
            share = F(100.0) * c[TRADE] / (c[TRADE] + other_trade[j] + F(10.0))
            lev = (F(0.45) * share + F(0.35) * c[AID] + F(0.25) * c[SECURITY]
                   + F(0.3) * c[COALITION] - F(0.5) * c[RIVAL_PULL])
            leverage[w, j] = min(max(lev, F(0.0)), F(100.0))


def decide(params: Params, s: State, live: np.ndarray) -> np.ndarray:
    """Each government picks reform, stall, harden, retaliate or turn to the rival patron by a
    noisy utility over pressure, leverage, face, stability and the patron's pull."""
    k = params.constants
    noise = rng.gumbel(s.seed, s.turn, rng.Purpose.AGENT, (params.n_countries, 5)) * k.agent_noise
    choice = np.empty(s.pressure.shape, dtype=np.int64)
    _decide(s.country, s.pressure, s.leverage, s.face_lost, s.econ_pressure, noise, live,
            F(k.hardening), F(k.retaliation * 0.06), choice)
    return choice


@jit
def _decide(country, pressure, leverage, face_lost, econ_pressure, noise, live, hardening, retaliation, choice):
    u = np.empty(5)
    for w in range(country.shape[0]):
        for j in range(country.shape[1]):
            if not live[w]:
                choice[w, j] = STALL
                continue
            c, p, lev = country[w, j], pressure[w, j], leverage[w, j]
            rel, res, face = c[RELATIONS], c[RESISTANCE], c[FACE]
            # Without pressure a government has no reason to move: goodwill and stance only matter under pressure.
            engaged = min(F(1.0), p / F(10.0))
            u[REFORM] = (F(-1.5) + F(0.06) * p * (F(0.5) + lev / F(100.0))
                         + engaged * (F(0.02) * (rel - F(50.0)) + F(0.01) * c[LEGITIMACY]
                                      + F(0.01) * (c[CAPACITY] - F(30.0)) - F(0.03) * (res - F(50.0))))
            u[STALL] = 0.0
            u[HARDEN] = (F(-1.6) + hardening * (F(0.08) * face_lost[w, j] + F(0.03) * max(F(0.0), F(45.0) - face))
                         + F(0.02) * (res - F(50.0)) - F(0.01) * (c[STABILITY] - F(50.0)))
            u[RETALIATE] = (F(-2.5) + retaliation * econ_pressure[w, j] * (F(1.0) - lev / F(100.0))
                            + F(0.02) * (F(50.0) - rel))
            u[TURN_TO_RIVAL] = F(-3.0) + F(0.02) * c[RIVAL_PULL] + F(0.08) * p * (F(1.0) - rel / F(100.0))
            best = 0
            for d in range(5):
                u[d] += noise[w, j, d]
                if u[d] > u[best]:
                    best = d
            choice[w, j] = best


def act_on_decisions(params: Params, s: State, decision: np.ndarray) -> None:
    """Carry out the governments' decisions."""
    k = params.constants
    _act(s.country, s.player, s.pressure, s.decision, s.done, decision, F(k.reform_step), k.crackdown_step,
         k.hardening, k.retaliation, params.commerce_weight)


@jit
def _act(country, player, pressure, last_decision, done, decision, reform_step, crackdown, hardening, retaliation,
         commerce_weight):
    for w in range(country.shape[0]):
        commerce_hit = 0.0
        for j in range(country.shape[1]):
            c, d = country[w, j], decision[w, j]
            if not done[w]:
                last_decision[w, j] = d
            reform, harden, retaliate, rival = d == REFORM, d == HARDEN, d == RETALIATE, d == TURN_TO_RIVAL
            step = reform_step * (F(0.5) + c[CAPACITY] / F(100.0))
            for h in range(RIGHTS0, c.shape[0]):
                c[h] += _f32(reform) * step
                c[h] = F(np.float64(c[h]) - _f64(harden) * crackdown)
            c[RESISTANCE] = F(np.float64(c[RESISTANCE]) + ((-2.0 if reform else 0.0)
                                                           + _f64(harden) * 4.0 * hardening))
            c[RELATIONS] = F(np.float64(c[RELATIONS]) + ((1.0 if reform else 0.0) - 3.0 * _f64(harden)
                                                         - 4.0 * _f64(retaliate) - 2.0 * _f64(rival)))
            c[CIVIL_SOCIETY] = F(np.float64(c[CIVIL_SOCIETY]) - _f64(harden) * 1.0)
            trade_cut = _f64(retaliate) * 6.0 * retaliation + _f64(rival) * 2.0
            hit = trade_cut * np.float64(c[TRADE]) / 30.0
            commerce_hit = hit if j == 0 else commerce_hit + hit
            c[TRADE] = F(np.float64(c[TRADE]) - trade_cut)
            c[RIVAL_PULL] = F(np.float64(c[RIVAL_PULL])
                              + _f64(rival) * 6.0 * np.float64(F(1.0) - c[RIVAL_PULL] / F(100.0)))
            if reform:
                pressure[w, j] = pressure[w, j] * F(0.3)
        player[w, COMMERCE] = F(np.float64(player[w, COMMERCE]) - commerce_hit * commerce_weight * 0.5)


def rights_equilibrium(params: Params, s: State) -> np.ndarray:
    """What each government's stance and institutions support (W, C, H): the starting record moved
    by changes in capacity, civil society, resistance and stability since the start."""
    out = np.empty(s.rights.shape, dtype=np.float32)
    _equilibrium(s.country, params.initial_country, out)
    return out


@jit
def _equilibrium_shift(c, c0):
    """How far changes in capacity, civil society, resistance and stability move what a government's
    record can rest at."""
    return (F(0.3) * (c[CAPACITY] - c0[CAPACITY]) + F(0.3) * (c[CIVIL_SOCIETY] - c0[CIVIL_SOCIETY])
            - F(0.25) * (c[RESISTANCE] - c0[RESISTANCE]) + F(0.1) * (c[STABILITY] - c0[STABILITY]))


@jit
def _equilibrium(country, initial, out):
    for w in range(country.shape[0]):
        for j in range(country.shape[1]):
            shift = _equilibrium_shift(country[w, j], initial[j])
            for h in range(out.shape[2]):
                out[w, j, h] = min(max(initial[j, RIGHTS0 + h] + shift, F(0.0)), F(100.0))


def drift_rights(params: Params, s: State, live: np.ndarray) -> None:
    """Rights drift toward what the government's stance and institutions support: slow
    progress below it, backsliding above it, damped by capacity and civil society."""
    k = params.constants
    noise = rng.normal(s.seed, s.turn, rng.Purpose.RIGHTS_NOISE, s.rights.shape[1:]) * 0.4
    _drift(s.country, params.initial_country, noise, live, F(k.durability), F(k.backslide_rate), F(k.drift_rate))


@jit
def _drift(country, initial, noise, live, durability, backslide_rate, drift_rate):
    for w in range(country.shape[0]):
        lv = _f32(live[w])
        for j in range(country.shape[1]):
            c = country[w, j]
            durable = durability * (c[CAPACITY] + c[CIVIL_SOCIETY]) / F(200.0)
            backslide = backslide_rate * (F(1.0) - durable)
            shift = _equilibrium_shift(c, initial[j])  # the same for every theme
            for h in range(noise.shape[2]):
                eq = min(max(initial[j, RIGHTS0 + h] + shift, F(0.0)), F(100.0))
                r = c[RIGHTS0 + h]
                rate = backslide if r > eq else drift_rate
                c[RIGHTS0 + h] = r + lv * (rate * (eq - r) + noise[w, j, h])


def gross_abuses(params: Params, s: State, live: np.ndarray) -> None:
    """Gross abuses start when a country's worst theme falls below the threshold and end once it
    is clearly above it; while they last, the country destabilises."""
    k = params.constants
    _abuses(s.country, s.abuse, live, F(k.abuse_threshold), F(k.abuse_threshold + 5))


@jit
def _abuses(country, abuse, live, start, end):
    for w in range(country.shape[0]):
        for j in range(country.shape[1]):
            c = country[w, j]
            worst = c[RIGHTS0]
            for h in range(RIGHTS0 + 1, c.shape[0]):
                worst = min(worst, c[h])
            if live[w]:
                abuse[w, j] = (worst < start) | (abuse[w, j] & (worst < end))
            c[STABILITY] = F(np.float64(c[STABILITY]) - (1.0 if abuse[w, j] and live[w] else 0.0))


def update_estimates(params: Params, s: State, live: np.ndarray) -> None:
    """The player's picture: the estimate wanders within its uncertainty, which grows without
    monitoring and shrinks with evidence."""
    k = params.constants
    noise = rng.normal(s.seed, s.turn, rng.Purpose.ESTIMATE, s.estimate.shape[1:])
    _estimates(s.country, s.estimate, s.estimate_bias, noise, live, F(k.uncertainty_growth), F(k.estimate_noise))


@jit
def _estimates(country, estimate, bias, noise, live, growth_rate, estimate_noise):
    for w in range(country.shape[0]):
        if not live[w]:
            continue
        for j in range(country.shape[1]):
            c = country[w, j]
            unc = min(max(c[UNCERTAINTY] + growth_rate * (F(1.0) - c[EVIDENCE] / F(100.0)), F(2.0)), F(40.0))
            c[UNCERTAINTY] = unc
            for h in range(estimate.shape[2]):
                # An AR(1) walk: the error persists from turn to turn, with spread unc * estimate_noise.
                b = F(0.95) * bias[w, j, h] + F(0.31) * noise[w, j, h] * unc * estimate_noise
                # The range shown is a promise: the truth stays within estimate ± uncertainty, so
                # narrowing the uncertainty (monitoring) also corrects the estimate.
                b = min(max(b, -unc), unc)
                bias[w, j, h] = b
                estimate[w, j, h] = min(max(c[RIGHTS0 + h] + b, F(0.0)), F(100.0))


def converge_interests(params: Params, s: State, live: np.ndarray) -> None:
    """Convergence of interests and values: commerce and security satisfaction follow how stable and
    rights-respecting the player's partners are, weighted by trade and security ties."""
    c0, p0 = params.initial_country, params.initial_player
    quality0 = 0.5 * c0[:, L.STABILITY] + 0.5 * c0[:, L.RIGHTS0:].mean(axis=-1)
    _converge(s.country, s.player, c0, quality0, theme_mean(s.rights), live, c0[:, L.TRADE].sum() + 1.0,
              c0[:, L.SECURITY].sum() + 1.0, p0[L.COMMERCE], p0[L.PSECURITY], params.constants.convergence)


@jit
def _converge(country, player, initial, quality0, mean_rights, live, trade0, security0, commerce0, psecurity0,
              convergence):
    for w in range(country.shape[0]):
        tq = sq = trade = security = F(0.0)
        for j in range(country.shape[1]):
            c = country[w, j]
            q = F(0.5) * c[STABILITY] + F(0.5) * mean_rights[w, j]
            tq = c[TRADE] * (q - quality0[j]) if j == 0 else tq + c[TRADE] * (q - quality0[j])
            sq = c[SECURITY] * (q - quality0[j]) if j == 0 else sq + c[SECURITY] * (q - quality0[j])
            trade = c[TRADE] if j == 0 else trade + c[TRADE]
            security = c[SECURITY] if j == 0 else security + c[SECURITY]
        commerce_target = commerce0 + F(0.8) * (tq / trade0) + F(40.0) * (trade / trade0 - F(1.0))
        security_target = psecurity0 + F(0.8) * (sq / security0) + F(30.0) * (security / security0 - F(1.0))
        pull = convergence if live[w] else 0.0
        player[w, COMMERCE] = F(np.float64(player[w, COMMERCE])
                                + pull * np.float64(commerce_target - player[w, COMMERCE]))
        player[w, PSECURITY] = F(np.float64(player[w, PSECURITY])
                                 + pull * np.float64(security_target - player[w, PSECURITY]))
        # Rights-respecting, stable partners also trade more over time.
        step = 0.04 if live[w] else 0.0
        for j in range(country.shape[1]):
            c, c0 = country[w, j], initial[j]
            q = F(0.5) * c[STABILITY] + F(0.5) * mean_rights[w, j]
            target = (c0[TRADE] * (F(1.0) + F(0.6) * (q - quality0[j]) / F(100.0))
                      * (F(1.0) - F(0.3) * (c[RIVAL_PULL] - c0[RIVAL_PULL]) / F(100.0)))
            c[TRADE] = F(np.float64(c[TRADE]) + step * np.float64(target - c[TRADE]))


def recover_and_decay(params: Params, s: State, live: np.ndarray) -> None:
    """Slow return of the transient quantities: face recovers, pressure, legitimacy, evidence and
    coalitions fade, relations return toward their baseline, the service slides back."""
    k = params.constants
    _recover(s.country, s.player, s.pressure, s.econ_pressure, s.face_lost, params.initial_country,
             params.initial_player, live, F(k.face_recovery), F(k.pressure_decay))


@jit
def _toward(x, target, rate):
    return F(np.float64(x) + rate * np.float64(target - x))


@jit
def _recover(country, player, pressure, econ_pressure, face_lost, initial, initial_player, live, face_recovery,
             pressure_decay):
    for w in range(country.shape[0]):
        if not live[w]:
            continue
        for j in range(country.shape[1]):
            c, c0 = country[w, j], initial[j]
            c[FACE] = c[FACE] + min(max(c0[FACE] - c[FACE], F(0.0)), face_recovery)
            c[RELATIONS] = _toward(c[RELATIONS], c0[RELATIONS], 0.03)
            c[RIVAL_PULL] = _toward(c[RIVAL_PULL], c0[RIVAL_PULL], 0.03)
            c[EVIDENCE] = F(np.float64(c[EVIDENCE]) * 0.97)
            c[LEGITIMACY] = F(np.float64(c[LEGITIMACY]) * 0.98)
            c[COALITION] = F(np.float64(c[COALITION]) * 0.95)
            pressure[w, j] = pressure[w, j] * pressure_decay
            econ_pressure[w, j] = econ_pressure[w, j] * pressure_decay
            face_lost[w, j] = 0.0
        player[w, INERTIA] = _toward(player[w, INERTIA], initial_player[INERTIA], 0.05)
        player[w, FLUENCY] = _toward(player[w, FLUENCY], initial_player[FLUENCY], 0.02)


def player_upkeep(params: Params, s: State, live: np.ndarray) -> None:
    """A new turn's political capital and budget; discontent at home costs capital."""
    pl = s.player
    discontent = (pl[:, L.COMMERCE] < 25.0).astype(float) + (pl[:, L.PSECURITY] < 25.0)
    pl[:, L.CAPITAL] = np.where(live, np.maximum(1.0, params.capital_per_turn - discontent), pl[:, L.CAPITAL])
    pl[:, L.BUDGET] += live * params.income


def clip_state(params: Params, s: State) -> None:
    """Keep every quantity within its scale."""
    _clip(s.country, s.player, _PLAYER_MAX)


@jit
def _within(x, low, high):
    """np.clip's rule exactly (a bound replaces x only when x is past it, so -0.0 stays -0.0)."""
    x = x if x >= low else low  # noqa: FURB136 -- max() may pick the other zero
    return x if x <= high else high  # noqa: FURB136


@jit
def _clip(country, player, player_max):
    for w in range(country.shape[0]):
        for j in range(country.shape[1]):
            for f in range(country.shape[2]):
                country[w, j, f] = _within(country[w, j, f], F(0.0), F(100.0))
        for f in range(player.shape[1]):
            player[w, f] = _within(player[w, f], F(0.0), player_max[f])


_PLAYER_MAX = np.array([L.PLAYER_MAX.get(name, 100.0) for name in L.PLAYER], dtype=np.float32)
