"""One turn of the game for every world: ``step(params, state, actions) -> (state, log)``.

The step is pure: it copies its input (unless told it may reuse it), draws all its luck from
the counter-based generator keyed by each world's seed, and returns the new state and the log.
"""

from __future__ import annotations

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import mechanics as M
from diplosim.engine.actions import Actions
from diplosim.engine.diplomacy import action_phase, take_action
from diplosim.engine.events import apply_pending, fire_events, resolve_choices
from diplosim.engine.log import Causes, LogEntry, describe_cause
from diplosim.engine.objectives import required_failed, update_objectives
from diplosim.engine.params import Params
from diplosim.engine.state import State, initial_state

# What each decision says, and why: the first reason when the government is under the player's
# pressure, the second when it is not (a crackdown or an overture to the rival can come from
# within; the log must not blame the player for it).
_DECISION_TEXT = {
    L.REFORM: ("{c} announced reforms", "pressure and leverage outweighed the cost of conceding",
               "its own reformers won the argument (no pressure from you weighed on it)"),
    L.HARDEN: ("{c} hardened its stance and cracked down", "its government will not be seen to yield to pressure",
               "its own stance and fears, not your pressure (governments like it crack down from time to time)"),
    L.RETALIATE: ("{c} retaliated against your trade", "its government resents your pressure",
                  "its government resents poor relations with you"),
    L.TURN_TO_RIVAL: ("{c} turned to the rival patron", "pressure pushed it toward the rival's offers",
                      "the rival patron's offers looked better than its ties with you"),
}


def step(params: Params, state: State, actions: Actions, *, log: bool = False,
         inplace: bool = False) -> tuple[State, list[LogEntry]]:
    """Play one turn in every world. With log=True the returned list says what happened and why
    (the numbers are the same either way); inplace=True lets a batch reuse the input's buffers."""
    s = state if inplace else state.copy()
    entries: list[LogEntry] | None = [] if log else None
    causes = Causes() if log else None
    before_rights = s.rights.copy() if log else None
    before_face = s.face.copy() if log else None
    before_estimate = s.estimate.copy() if log else None
    live = ~s.done

    resolve_choices(params, s, actions.choice, entries, causes)
    M.derive_leverage(params, s)
    slots = min(actions.tool.shape[1], params.constants.max_actions)
    if slots and (actions.tool >= 0).any():
        phase = action_phase(params, s)
        for k in range(slots):
            take_action(params, s, actions.tool[:, k], actions.target[:, k], k, phase, entries, causes)
    fire_events(params, s, entries, causes)
    if log:
        _due_causes(params, s, live, causes)
    apply_pending(params, s, log)
    M.clip_state(params, s)
    decision = M.decide(params, s, live)
    M.act_on_decisions(params, s, decision)
    M.drift_rights(params, s, live)
    M.gross_abuses(params, s, live)
    M.converge_interests(params, s, live)
    M.recover_and_decay(params, s, live)
    M.clip_state(params, s)
    M.update_estimates(params, s, live)
    M.derive_leverage(params, s)

    played = s.turn.copy()
    final = live & (played >= params.turns)
    update_objectives(params, s, played, final)
    lost_now = live & required_failed(params, s)
    s.lost |= lost_now
    s.done |= final | lost_now
    s.turn += live
    M.player_upkeep(params, s, live & ~s.done)
    if log:
        _log_turn(params, s, live, played, decision, (before_rights, before_estimate), before_face, lost_now, entries,
                  causes)
    return s, entries or []


def warm_up(params: Params) -> None:
    """Compile the engine's loops now rather than on the first turn played (numba keeps them on disk,
    so only the first start after an install or an update waits)."""
    from diplosim.engine.policies import get_policy

    s = initial_state(params, np.zeros(1, dtype=np.uint64))
    for name in ("random", "greedy"):
        step(params, s, get_policy(name)(params, s), log=True)


def _due_causes(params: Params, s: State, live: np.ndarray, causes: Causes) -> None:
    """Name what brought the changes to rights that come due this turn, also those scheduled on earlier
    turns (a court's deterrence, a training course bearing fruit), unless already named this turn."""
    slot = s.turn % params.horizon
    for w in np.nonzero(live)[0]:
        for c, rising in zip(*np.nonzero(s.pending_cause[w, slot[w], :, :, 0]), strict=True):
            text = describe_cause(params, s.pending_cause[w, slot[w], c, rising, 0], int(s.turn[w]))
            if not any(known.startswith(text) for known in causes.of(int(w), int(c))):
                causes.add(int(w), int(c), text, sign=1 if rising == 0 else -1, rights_only=True,
                           themes=int(s.pending_cause[w, slot[w], c, rising, 2]))


def _log_turn(params, s, live, played, decision, before, before_face, lost_now, entries, causes) -> None:
    """Decisions of governments, then per country what visibly changed and why."""
    before_rights, before_estimate = before
    blur_hint = ("; monitoring sharpens it" if "monitoring" in params.tools.ids else "")
    themes = params.themes
    for w in np.nonzero(live)[0]:
        turn = int(played[w])
        for c in range(params.n_countries):
            name = params.country_names[c]
            d = int(decision[w, c])
            if d in _DECISION_TEXT:
                text, pressed, unpressed = _DECISION_TEXT[d]
                extra = causes.of(int(w), c)
                cause = (pressed if s.pressure[w, c] >= 1.0 or extra else unpressed) + (
                    "; " + "; ".join(extra) if extra and d == L.HARDEN else "")
                entries.append(LogEntry(int(w), turn, "decision", text.format(c=name), cause, c))
                if d in (L.REFORM, L.HARDEN):  # retaliating or turning to the rival moves trade, not rights
                    causes.add(int(w), c, f"its government chose to {L.DECISIONS[d].replace('_', ' ')}",
                               sign=1 if d == L.REFORM else -1)
            delta = s.rights[w, c] - before_rights[w, c]
            for h in np.nonzero(np.abs(delta) >= 2.5)[0]:
                verb = "improved" if delta[h] > 0 else "worsened"
                why = causes.of(int(w), c, sign=1 if delta[h] > 0 else -1, rights=True, theme=int(h)) or [
                    "drift toward what its institutions and stance support"]
                unc = s.country[w, c, L.UNCERTAINTY]
                now, was = s.estimate[w, c, h], before_estimate[w, c, h]
                # The estimate is the player's picture, noise and all: when it moved the other way,
                # say so rather than let the log contradict the panel.
                blurred = (now - was) * delta[h] < 0 and abs(now - was) >= 0.5
                entries.append(LogEntry(int(w), turn, "change",
                                        f"Reports: {themes[h].replace('_', ' ')} in {name} {verb} "
                                        f"(your estimate {now:.0f} ± {unc:.0f}, was {was:.0f}"
                                        + (f": your picture is too blurred to show it{blur_hint})" if blurred
                                           else ")"),
                                        "; ".join(why), c))
            face_drop = before_face[w, c] - s.face[w, c]
            if face_drop >= 5.0:
                entries.append(LogEntry(int(w), turn, "change", f"{name}'s government lost {face_drop:.0f} face this turn (net of its recovery)",
                                        "; ".join(causes.of(int(w), c)) or "public pressure", c))
        if lost_now[w]:
            entries.append(LogEntry(int(w), turn, "objective", "The game is lost",
                                    "a required objective can no longer be met"))
        elif s.done[w]:
            entries.append(LogEntry(int(w), turn, "objective", "The game is over", "the last turn was played"))
