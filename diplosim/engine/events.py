"""Scenario events (by turn, condition or chance), the player's answers to their choices, and the
delayed effects that come due."""

from __future__ import annotations

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine import rng
from diplosim.engine.actions import note_cause, schedule_one
from diplosim.engine.compiled import jit
from diplosim.engine.conditions import field_words
from diplosim.engine.log import Causes, LogEntry, answer_cause, event_cause
from diplosim.engine.params import Params
from diplosim.engine.state import State

F = np.float32
BUDGET = L.BUDGET


def resolve_choices(params: Params, s: State, choice: np.ndarray, log: list[LogEntry] | None,
                    causes: Causes | None) -> None:
    """Apply the answers to events waiting for a choice (the default where none was given). An
    answer the budget cannot pay for, counting what earlier answers this turn promised, is not
    taken: the default stands instead."""
    ev = params.events
    if not ev.n_choices.any():
        return
    picked = np.full(s.awaiting.shape, -1, dtype=np.int64)
    refused = np.full(s.awaiting.shape, np.nan)  # the budget left for an answer refused for want of it
    _answer(s.player, s.awaiting, s.done, s.turn, choice, ev.n_choices, ev.default_choice, ev.first_answer,
            ev.answer_cost, ev.country, picked, refused, *s.ring_buffers(), s.cause_book(log is not None),
            answer_cause(params, 0), *ev.answers.entries)
    if log is not None:
        _log_answers(params, s, choice, picked, refused, log, causes)


@jit
def _answer(player, awaiting, done, turn, choice, n_choices, default_choice, first_answer, answer_cost, subject,
            picked, refused, pending_country, pending_player, pending_cause, first_cause, offsets, where, delay, country,
            field, fixed, scaled):
    for w in range(awaiting.shape[0]):
        if done[w]:
            continue
        promised = 0.0  # budget already promised to earlier answers this turn
        for e in range(awaiting.shape[1]):
            if n_choices[e] == 0 or not awaiting[w, e]:
                continue
            default = default_choice[e]
            pick = choice[w, e] if 0 <= choice[w, e] < n_choices[e] else default
            if pick != default and (np.float64(answer_cost[first_answer[e] + pick])
                                    > np.float64(player[w, BUDGET]) - promised + 1e-6):
                refused[w, e] = np.float64(player[w, BUDGET]) - promised
                pick = default
            promised += answer_cost[first_answer[e] + pick]
            schedule_one(pending_country, pending_player, w, turn[w], first_answer[e] + pick, subject[e], F(1.0),
                         offsets, where, delay, country, field, fixed, scaled)
            if pending_cause.shape[0]:
                note_cause(pending_cause, w, turn[w], first_answer[e] + pick, subject[e], F(1.0),
                           first_cause + first_answer[e] + pick, offsets, where, delay, country, field, fixed, scaled)
            picked[w, e] = pick
            awaiting[w, e] = False


def _log_answers(params: Params, s: State, choice: np.ndarray, picked: np.ndarray, refused: np.ndarray,
                 log: list[LogEntry], causes: Causes | None) -> None:
    ev = params.events
    for w, e in zip(*np.nonzero(picked >= 0), strict=True):
        event, c, turn = ev.events[e], int(ev.country[e]), int(s.turn[w])
        option = event.choices[int(picked[w, e])]
        if not np.isnan(refused[w, e]):
            wanted = int(choice[w, e])
            log.append(LogEntry(int(w), turn, "warning",
                                f"{event.title}: '{event.choices[wanted].label}' needs {ev.choice_cost[e][wanted]:g} "
                                f"from the budget, which has {refused[w, e]:.0f} left",
                                f"the default answer, '{option.label}', was taken instead", c))
        log.append(LogEntry(int(w), turn, "choice", f"{event.title}: you chose '{option.label}'", option.text, c))
        if causes is not None and c >= 0:
            causes.add(int(w), c, f"your answer to '{event.title}'", rights_sign(option.effects, params.country_ids[c]))


def fire_events(params: Params, s: State, log: list[LogEntry] | None, causes: Causes | None) -> None:
    """Fire the events whose trigger holds this turn; events with choices then wait for an answer."""
    ev = params.events
    n_e = len(ev.events)
    if n_e == 0:
        return
    u = rng.uniform(s.seed, s.turn, rng.Purpose.EVENT, (n_e,))
    triggered = ev.triggers(s) if ev.conditional.any() else np.zeros((0, 0, 0), dtype=bool)  # (W, E, C)
    fired_now = np.zeros((s.worlds, n_e), dtype=bool)
    _fire(u, ev.chance, ev.once, ev.turn, ev.conditional, triggered, ev.country, ev.n_choices, s.turn, s.done, s.fired,
          s.awaiting, fired_now, *s.ring_buffers(), s.cause_book(log is not None), event_cause(params, 0),
          *ev.effects.entries)
    if log is not None:
        for w, e in zip(*np.nonzero(fired_now), strict=True):
            event, c = ev.events[e], int(ev.country[e])
            log.append(LogEntry(int(w), int(s.turn[w]), "event", event.title,
                                event.text + effects_words(params, event.effects, c), c))
            if causes is not None and c >= 0:
                causes.add(int(w), c, f"the event '{event.title}'", rights_sign(event.effects, params.country_ids[c]))


@jit
def _fire(u, chance, once, event_turn, conditional, triggered, subject, n_choices, turn, done, fired, awaiting,
          fired_now, pending_country, pending_player, pending_cause, first_cause, offsets, where, delay, country, field,
          fixed, scaled):
    for w in range(u.shape[0]):
        if done[w]:
            continue
        for e in range(u.shape[1]):
            fire = u[w, e] < np.float64(chance[e])
            fire = fire and not (once[e] and fired[w, e])
            fire = fire and (event_turn[e] < 0 or turn[w] == event_turn[e])
            if fire and conditional[e]:
                if subject[e] >= 0:
                    fire = triggered[w, e, subject[e]]
                else:
                    fire = False
                    for j in range(triggered.shape[2]):
                        fire = fire or triggered[w, e, j]
            if not fire:
                continue
            fired_now[w, e] = True
            fired[w, e] = True
            schedule_one(pending_country, pending_player, w, turn[w], e, subject[e], F(1.0), offsets, where, delay,
                         country, field, fixed, scaled)
            if pending_cause.shape[0]:
                note_cause(pending_cause, w, turn[w], e, subject[e], F(1.0), first_cause + e, offsets, where, delay,
                           country, field, fixed, scaled)
            if n_choices[e] > 0:
                awaiting[w, e] = True


def apply_pending(params: Params, s: State, logging: bool = False) -> None:
    """Apply the effects that come due this turn in every playing world and clear their slot of
    the ring buffer (finished worlds keep theirs, like everything else)."""
    _apply_pending(s.country, s.player, *s.ring_buffers(), s.cause_book(logging), s.turn, s.done)


@jit
def _apply_pending(country, player, pending_country, pending_player, pending_cause, turn, done):
    for w in range(country.shape[0]):
        if done[w]:
            continue
        slot = turn[w] % pending_country.shape[0]
        due, due_player = pending_country[slot, w], pending_player[slot, w]
        for j in range(country.shape[1]):
            for f in range(country.shape[2]):
                country[w, j, f] += due[j, f]
                due[j, f] = 0.0
            if pending_cause.shape[0]:  # only steps that log keep the book
                for side in range(2):
                    for k in range(3):
                        pending_cause[w, slot, j, side, k] = 0.0
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

