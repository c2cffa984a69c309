"""The country-side mechanics of a turn: each a small named function over all worlds.

Every function updates the state it is given in place (``step`` hands it a private copy) and
only touches worlds that are still playing (``live``), so finished worlds stay as they are.
"""

from __future__ import annotations

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import rng
from diplosim.engine.params import Params
from diplosim.engine.state import State
from diplosim.engine.sums import country_sum, theme_mean, theme_min


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def derive_leverage(params: Params, s: State) -> None:
    """The player's leverage over each government: trade share, aid, security ties, coalition,
    less what the rival patron offers."""
    c = s.country
    trade_p = c[:, :, L.TRADE]
    other_trade = params.trade_between.sum(axis=1)
    trade_share = 100.0 * trade_p / (trade_p + other_trade + 10.0)
    lev = (0.45 * trade_share + 0.35 * c[:, :, L.AID] + 0.25 * c[:, :, L.SECURITY]
           + 0.3 * c[:, :, L.COALITION] - 0.5 * c[:, :, L.RIVAL_PULL])
    s.leverage[:] = np.clip(lev, 0.0, 100.0)


def decide(params: Params, s: State, live: np.ndarray) -> np.ndarray:
    """Each government picks reform, stall, harden, retaliate or turn to the rival patron by a
    noisy utility over pressure, leverage, face, stability and the patron's pull."""
    k = params.constants
    c = s.country
    pressure, lev = s.pressure, s.leverage
    rel, res, face = c[:, :, L.RELATIONS], c[:, :, L.RESISTANCE], c[:, :, L.FACE]
    u = np.empty(s.pressure.shape + (5,))
    # Without pressure a government has no reason to move: goodwill and stance only matter under pressure.
    engaged = np.minimum(1.0, pressure / 10.0)
    u[..., L.REFORM] = (-1.5 + 0.06 * pressure * (0.5 + lev / 100.0)
                        + engaged * (0.02 * (rel - 50.0) + 0.01 * c[:, :, L.LEGITIMACY]
                                     + 0.01 * (c[:, :, L.CAPACITY] - 30.0) - 0.03 * (res - 50.0)))
    u[..., L.STALL] = 0.0
    u[..., L.HARDEN] = (-1.6 + k.hardening * (0.08 * s.face_lost + 0.03 * np.maximum(0.0, 45.0 - face))
                        + 0.02 * (res - 50.0) - 0.01 * (c[:, :, L.STABILITY] - 50.0))
    u[..., L.RETALIATE] = (-2.5 + k.retaliation * 0.06 * s.econ_pressure * (1.0 - lev / 100.0)
                           + 0.02 * (50.0 - rel))
    u[..., L.TURN_TO_RIVAL] = (-3.0 + 0.02 * c[:, :, L.RIVAL_PULL]
                               + 0.08 * pressure * (1.0 - rel / 100.0))
    noise = rng.gumbel(s.seed, s.turn, rng.Purpose.AGENT, (params.n_countries, 5)) * k.agent_noise
    choice = np.argmax(u + noise, axis=-1)
    return np.where(live[:, None], choice, L.STALL)


def act_on_decisions(params: Params, s: State, decision: np.ndarray) -> None:
    """Carry out the governments' decisions."""
    k = params.constants
    c = s.country
    s.decision[:] = np.where(s.done[:, None], s.decision, decision)
    reform = (decision == L.REFORM)[:, :, None]
    harden = decision == L.HARDEN
    retaliate = decision == L.RETALIATE
    rival = decision == L.TURN_TO_RIVAL
    step = k.reform_step * (0.5 + c[:, :, L.CAPACITY] / 100.0)
    c[:, :, L.RIGHTS0:] += reform * step[:, :, None]
    c[:, :, L.RIGHTS0:] -= harden[:, :, None] * k.crackdown_step
    c[:, :, L.RESISTANCE] += np.where(decision == L.REFORM, -2.0, 0.0) + harden * 4.0 * k.hardening
    c[:, :, L.RELATIONS] += (np.where(decision == L.REFORM, 1.0, 0.0) - 3.0 * harden - 4.0 * retaliate
                             - 2.0 * rival)
    c[:, :, L.CIVIL_SOCIETY] -= harden * 1.0
    trade_cut = retaliate * 6.0 * k.retaliation + rival * 2.0
    commerce_hit = country_sum(trade_cut * c[:, :, L.TRADE] / 30.0) * params.commerce_weight * 0.5
    c[:, :, L.TRADE] -= trade_cut
    s.player[:, L.COMMERCE] -= commerce_hit
    c[:, :, L.RIVAL_PULL] += rival * 6.0 * (1.0 - c[:, :, L.RIVAL_PULL] / 100.0)
    s.pressure[:] = np.where(decision == L.REFORM, s.pressure * 0.3, s.pressure)


def rights_equilibrium(params: Params, s: State) -> np.ndarray:
    """What each government's stance and institutions support (W, C, H): the starting record moved
    by changes in capacity, civil society, resistance and stability since the start."""
    c, c0 = s.country, params.initial_country
    shift = (0.3 * (c[:, :, L.CAPACITY] - c0[:, L.CAPACITY]) + 0.3 * (c[:, :, L.CIVIL_SOCIETY] - c0[:, L.CIVIL_SOCIETY])
             - 0.25 * (c[:, :, L.RESISTANCE] - c0[:, L.RESISTANCE])
             + 0.1 * (c[:, :, L.STABILITY] - c0[:, L.STABILITY]))
    return np.clip(c0[:, L.RIGHTS0:] + shift[:, :, None], 0.0, 100.0)


def drift_rights(params: Params, s: State, live: np.ndarray) -> None:
    """Rights drift toward what the government's stance and institutions support: slow
    progress below it, backsliding above it, damped by capacity and civil society."""
    k = params.constants
    c = s.country
    equilibrium = rights_equilibrium(params, s)
    rights = c[:, :, L.RIGHTS0:]
    durable = k.durability * (c[:, :, L.CAPACITY] + c[:, :, L.CIVIL_SOCIETY]) / 200.0
    backslide = (k.backslide_rate * (1.0 - durable))[:, :, None]
    rate = np.where(rights > equilibrium, backslide, k.drift_rate)
    noise = rng.normal(s.seed, s.turn, rng.Purpose.RIGHTS_NOISE, rights.shape[1:]) * 0.4
    rights += live[:, None, None] * (rate * (equilibrium - rights) + noise)


def gross_abuses(params: Params, s: State, live: np.ndarray) -> None:
    """Gross abuses start when a country's worst theme falls below the threshold and end once it
    is clearly above it; while they last, the country destabilises."""
    k = params.constants
    worst = theme_min(s.rights)
    s.abuse[:] = np.where(live[:, None], (worst < k.abuse_threshold) | (s.abuse & (worst < k.abuse_threshold + 5)),
                          s.abuse)
    s.country[:, :, L.STABILITY] -= (s.abuse & live[:, None]) * 1.0


def update_estimates(params: Params, s: State, live: np.ndarray) -> None:
    """The player's picture: the estimate wanders within its uncertainty, which grows without
    monitoring and shrinks with evidence."""
    k = params.constants
    c = s.country
    unc = c[:, :, L.UNCERTAINTY]
    growth = k.uncertainty_growth * (1.0 - c[:, :, L.EVIDENCE] / 100.0)
    unc[:] = np.where(live[:, None], np.clip(unc + growth, 2.0, 40.0), unc)
    noise = rng.normal(s.seed, s.turn, rng.Purpose.ESTIMATE, s.estimate.shape[1:])
    # An AR(1) walk: the error persists from turn to turn, with spread unc * estimate_noise.
    bias = 0.95 * s.estimate_bias + 0.31 * noise * unc[:, :, None] * k.estimate_noise
    # The range shown is a promise: the truth stays within estimate ± uncertainty, so narrowing the
    # uncertainty (monitoring) also corrects the estimate.
    bias = np.clip(bias, -unc[:, :, None], unc[:, :, None])
    s.estimate_bias[:] = np.where(live[:, None, None], bias, s.estimate_bias)
    s.estimate[:] = np.where(live[:, None, None], np.clip(s.rights + s.estimate_bias, 0.0, 100.0), s.estimate)


def _partner_quality(s: State) -> np.ndarray:
    return 0.5 * s.country[:, :, L.STABILITY] + 0.5 * theme_mean(s.rights)


def converge_interests(params: Params, s: State, live: np.ndarray) -> None:
    """Convergence of interests and values: commerce and security satisfaction follow how stable and
    rights-respecting the player's partners are, weighted by trade and security ties."""
    k = params.constants
    c, c0, p0 = s.country, params.initial_country, params.initial_player
    q = _partner_quality(s)
    q0 = 0.5 * c0[:, L.STABILITY] + 0.5 * c0[:, L.RIGHTS0:].mean(axis=-1)
    trade, trade0 = c[:, :, L.TRADE], c0[:, L.TRADE]
    sec, sec0 = c[:, :, L.SECURITY], c0[:, L.SECURITY]
    tq = country_sum(trade * (q - q0)) / (trade0.sum() + 1.0)
    sq = country_sum(sec * (q - q0)) / (sec0.sum() + 1.0)
    commerce_target = p0[L.COMMERCE] + 0.8 * tq + 40.0 * (country_sum(trade) / (trade0.sum() + 1.0) - 1.0)
    security_target = p0[L.PSECURITY] + 0.8 * sq + 30.0 * (country_sum(sec) / (sec0.sum() + 1.0) - 1.0)
    s.player[:, L.COMMERCE] += live * k.convergence * (commerce_target - s.player[:, L.COMMERCE])
    s.player[:, L.PSECURITY] += live * k.convergence * (security_target - s.player[:, L.PSECURITY])
    # Rights-respecting, stable partners also trade more over time.
    trade_target = trade0 * (1.0 + 0.6 * (q - q0) / 100.0) * (1.0 - 0.3 * (c[:, :, L.RIVAL_PULL] - c0[:, L.RIVAL_PULL]) / 100.0)
    trade += live[:, None] * 0.04 * (trade_target - trade)


def recover_and_decay(params: Params, s: State, live: np.ndarray) -> None:
    """Slow return of the transient quantities: face recovers, pressure, legitimacy, evidence and
    coalitions fade, relations return toward their baseline, the service slides back."""
    k = params.constants
    c, c0, p0 = s.country, params.initial_country, params.initial_player
    lw = live[:, None]
    face = c[:, :, L.FACE]
    face += lw * np.clip(c0[:, L.FACE] - face, 0.0, k.face_recovery)
    c[:, :, L.RELATIONS] += lw * 0.03 * (c0[:, L.RELATIONS] - c[:, :, L.RELATIONS])
    c[:, :, L.RIVAL_PULL] += lw * 0.03 * (c0[:, L.RIVAL_PULL] - c[:, :, L.RIVAL_PULL])
    c[:, :, L.EVIDENCE] *= np.where(lw, 0.97, 1.0)
    c[:, :, L.LEGITIMACY] *= np.where(lw, 0.98, 1.0)
    c[:, :, L.COALITION] *= np.where(lw, 0.95, 1.0)
    s.pressure[:] = np.where(lw, s.pressure * k.pressure_decay, s.pressure)
    s.econ_pressure[:] = np.where(lw, s.econ_pressure * k.pressure_decay, s.econ_pressure)
    s.face_lost[:] = np.where(lw, 0.0, s.face_lost)
    pl = s.player
    pl[:, L.INERTIA] += live * 0.05 * (p0[L.INERTIA] - pl[:, L.INERTIA])
    pl[:, L.FLUENCY] += live * 0.02 * (p0[L.FLUENCY] - pl[:, L.FLUENCY])


def player_upkeep(params: Params, s: State, live: np.ndarray) -> None:
    """A new turn's political capital and budget; discontent at home costs capital."""
    pl = s.player
    discontent = (pl[:, L.COMMERCE] < 25.0).astype(float) + (pl[:, L.PSECURITY] < 25.0)
    pl[:, L.CAPITAL] = np.where(live, np.maximum(1.0, params.capital_per_turn - discontent), pl[:, L.CAPITAL])
    pl[:, L.BUDGET] += live * params.income


def clip_state(params: Params, s: State) -> None:
    """Keep every quantity within its scale."""
    np.clip(s.country, 0.0, 100.0, out=s.country)
    np.clip(s.player, 0.0, _PLAYER_MAX, out=s.player)


_PLAYER_MAX = np.array([L.PLAYER_MAX.get(name, 100.0) for name in L.PLAYER], dtype=np.float32)
