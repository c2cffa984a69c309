"""Scenario events (by turn, condition or chance), the player's answers to their choices, and the
delayed effects that come due."""

from __future__ import annotations

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import rng
from diplosim.engine.actions import schedule
from diplosim.engine.compiled import jit
from diplosim.engine.conditions import field_words
from diplosim.engine.log import Causes, LogEntry
from diplosim.engine.params import Params
from diplosim.engine.state import State


def resolve_choices(params: Params, s: State, choice: np.ndarray, log: list[LogEntry] | None,
                    causes: Causes | None) -> None:
    """Apply the answers to events waiting for a choice (the default where none was given)."""
    ev = params.events
    ones = np.ones(s.worlds, dtype=np.float32)
    promised = np.zeros(s.worlds)  # budget already promised to earlier answers this turn
    for e, event in enumerate(ev.events):
        waiting = s.awaiting[:, e] & ~s.done
        if not event.choices or not waiting.any():
            continue
        picked = np.where((choice[:, e] >= 0) & (choice[:, e] < len(event.choices)), choice[:, e],
                          ev.default_choice[e])
        # An answer the budget cannot pay for is not taken: the default stands instead.
        unaffordable = waiting & (ev.choice_cost[e][picked] > s.player[:, L.BUDGET] - promised + 1e-6) & \
            (picked != ev.default_choice[e])
        if unaffordable.any():
            if log is not None:
                for w in np.nonzero(unaffordable)[0]:
                    option, default = event.choices[int(picked[w])], event.choices[int(ev.default_choice[e])]
                    log.append(LogEntry(int(w), int(s.turn[w]), "warning",
                                        f"{event.title}: '{option.label}' needs {ev.choice_cost[e][picked[w]]:g} "
                                        f"from the budget, which has {s.player[w, L.BUDGET] - promised[w]:.0f} left",
                                        f"the default answer, '{default.label}', was taken instead",
                                        int(ev.country[e])))
            picked = np.where(unaffordable, ev.default_choice[e], picked)
        promised += np.where(waiting, ev.choice_cost[e][picked], 0.0)
        target = np.full(s.worlds, ev.country[e])
        for i, option in enumerate(event.choices):
            mask = waiting & (picked == i)
            if mask.any():
                schedule(params, s, ev.choice_effects[e], np.full(s.worlds, i), target, ones, mask)
                if log is not None:
                    for w in np.nonzero(mask)[0]:
                        log.append(LogEntry(int(w), int(s.turn[w]), "choice", f"{event.title}: you chose "
                                            f"'{option.label}'", option.text, int(ev.country[e])))
                        if causes is not None and ev.country[e] >= 0:
                            causes.add(int(w), int(ev.country[e]), f"your answer to '{event.title}'",
                                       rights_sign(option.effects, params.country_ids[ev.country[e]]))
        s.awaiting[:, e] &= s.done


def fire_events(params: Params, s: State, log: list[LogEntry] | None, causes: Causes | None) -> None:
    """Fire the events whose trigger holds this turn; events with choices then wait for an answer."""
    ev = params.events
    n_e = len(ev.events)
    if n_e == 0:
        return
    u = rng.uniform(s.seed, s.turn, rng.Purpose.EVENT, (n_e,))
    live = ~s.done
    ones = np.ones(s.worlds, dtype=np.float32)
    triggered = ev.triggers(s) if any(w is not None for w in ev.when) else None  # (W, E, C)
    for e, event in enumerate(ev.events):
        fire = live & (u[:, e] < ev.chance[e])
        if event.once:
            fire &= ~s.fired[:, e]
        if ev.turn[e] >= 0:
            fire &= s.turn == ev.turn[e]
        if ev.when[e] is not None:
            held = triggered[:, e]
            fire &= held[:, max(ev.country[e], 0)] if ev.country[e] >= 0 else held.any(axis=1)
        if not fire.any():
            continue
        s.fired[:, e] |= fire
        target = np.full(s.worlds, ev.country[e])
        schedule(params, s, ev.effects, np.full(s.worlds, e), target, ones, fire)
        if event.choices:
            s.awaiting[:, e] |= fire
        if log is not None:
            for w in np.nonzero(fire)[0]:
                log.append(LogEntry(int(w), int(s.turn[w]), "event", event.title,
                                    event.text + effects_words(params, event.effects, int(ev.country[e])),
                                    int(ev.country[e])))
                if causes is not None and ev.country[e] >= 0:
                    causes.add(int(w), int(ev.country[e]), f"the event '{event.title}'",
                               rights_sign(event.effects, params.country_ids[ev.country[e]]))


def apply_pending(params: Params, s: State) -> None:
    """Apply the effects that come due this turn in every playing world and clear their slot of
    the ring buffer (finished worlds keep theirs, like everything else)."""
    _apply_pending(s.country, s.player, s.pending_country, s.pending_player, s.turn, s.done)


@jit
def _apply_pending(country, player, pending_country, pending_player, turn, done):
    for w in range(country.shape[0]):
        if done[w]:
            continue
        slot = turn[w] % pending_country.shape[1]
        due, due_player = pending_country[w, slot], pending_player[w, slot]
        for j in range(country.shape[1]):
            for f in range(country.shape[2]):
                country[w, j, f] += due[j, f]
                due[j, f] = 0.0
        for f in range(player.shape[1]):
            player[w, f] += due_player[f]
            due_player[f] = 0.0


def awaiting_events(params: Params, s: State, world: int = 0) -> list[int]:
    """Indexes of the events waiting for the player's choice in a world."""
    return [int(e) for e in np.nonzero(s.awaiting[world])[0]]


def rights_sign(effects, country_id: str) -> int:
    """+1 when effects can only raise a country's rights, -1 when only lower them, 0 when they do
    not touch them directly: so a crackdown is never given as the cause of an improvement."""
    total = sum(x.add for x in effects
                if x.field.split(".")[0] in ("target", "all", country_id) and x.field.split(".")[1:2] == ["rights"])
    return int(total > 0) - int(total < 0)


def effects_words(params: Params, effects, country: int) -> str:
    """What an event's effects do, in words, for its log line (" (your credibility -5; ...)"); the
    event's country stands in for "target"."""
    names = dict(zip(params.country_ids, params.country_names, strict=True))
    parts = []
    for effect in effects:
        path = effect.field
        if path.startswith("target.") and country >= 0:
            path = params.country_ids[country] + path[len("target"):]
        amount = f"{effect.add:+g}" + (" a turn" if effect.duration > 1 else "")
        timing = (f" for {effect.duration} turns" if effect.duration > 1 else "") + (
            f", starting in {effect.delay} turn{'s' * (effect.delay != 1)}" if effect.delay else "")
        parts.append(f"{field_words(path, names)} {amount}{timing}")
    return f" ({'; '.join(parts)})" if parts else ""

