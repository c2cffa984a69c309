"""Objectives, score and the outcome of a game."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diplosim.engine.compiled import jit
from diplosim.engine.conditions import compile_reader
from diplosim.engine.params import Params
from diplosim.engine.state import State


def update_objectives(params: Params, s: State, played: np.ndarray, final: np.ndarray) -> None:
    """After a turn: mark objectives met or failed. `played` is the turn just played per world,
    `final` marks worlds whose game ends now."""
    _judge(params.objective_conditions(s), params.objective_kind, params.objective_at_end, params.objective_required,
           params.objective_deadline, played, final, s.done, s.objective_met, s.objective_failed, s.on_course_from)


@jit
def _judge(held, kind, at_end, required, deadline, played, final, done, met, failed, on_course_from):
    """A reach objective is met once it holds by its deadline (or judged at the deadline or the end
    when at_end); keep fails the first turn it does not hold; avoid fails the first turn it does.
    A game is on course while every required objective is met, or not failed and as it should be now."""
    for w in range(held.shape[0]):
        if done[w]:
            continue
        on_course = True
        for o in range(held.shape[1]):
            holds = True
            for j in range(held.shape[2]):
                holds = holds and held[w, o, j]
            if required[o]:
                on_course = on_course and (met[w, o] or (not failed[w, o] and holds != (kind[o] == 2)))
            if met[w, o] or failed[w, o]:
                continue
            if kind[o] == 0 and at_end[o]:
                if final[w] or played[w] >= deadline[o]:
                    met[w, o], failed[w, o] = holds, not holds
            elif kind[o] == 0:
                met[w, o] = holds and played[w] <= deadline[o]
                failed[w, o] = not holds and (played[w] >= deadline[o] or final[w])
            elif kind[o] == 1:
                failed[w, o] = not holds
                met[w, o] = holds and final[w]
            else:
                failed[w, o] = holds
                met[w, o] = not holds and final[w]
        if not on_course:
            on_course_from[w] = played[w] + 1


def required_failed(params: Params, s: State) -> np.ndarray:
    """Worlds where a required objective can no longer be met."""
    return (s.objective_failed & params.objective_required[None, :]).any(axis=1)


def score(params: Params, s: State) -> np.ndarray:
    """Points of the objectives met plus the scenario's score terms (W,)."""
    total, terms = score_parts(params, s)
    for weight, value in terms:
        total = total + weight * value
    return total


def score_parts(params: Params, s: State) -> tuple[np.ndarray, list[tuple[float, np.ndarray]]]:
    """The score's parts: the objective points met (W,), then (weight, final value (W,)) of each of
    the scenario's score terms, in order; the score is the points plus each weight x value."""
    points = np.array([o.points for o in params.objectives])
    met = (s.objective_met * points[None, :]).sum(axis=1)
    return met, [(weight, np.broadcast_to(read(s), (s.worlds, params.n_countries))[:, 0])
                 for read, weight in params.score_readers]


def won(params: Params, s: State) -> np.ndarray:
    """Finished worlds that met every required objective (W,)."""
    return s.done & ~s.lost & (s.objective_met | ~params.objective_required[None, :]).all(axis=1)


@dataclass(frozen=True)
class ObjectiveStatus:
    """Where one objective stands for the player: met or failed for good, else whether its condition
    holds now as the player sees the world (rights by their estimates, never the hidden truth)."""

    met: bool
    failed: bool
    holds: bool
    value: float | None  # what a one-field condition reads now (as the player sees it), else None


def objective_status(params: Params, s: State, world: int = 0) -> list[ObjectiveStatus]:
    """Every objective's standing in one world, for the player's objectives panel."""
    # Imported here: lookahead steps the game, and the step imports this module.
    from diplosim.engine.lookahead import player_view

    seen = player_view(params, s.world(world))
    held = params.objective_conditions(seen).all(axis=2)[0]
    out = []
    for o, objective in enumerate(params.objectives):
        value = None
        if objective.condition.field is not None:
            read = compile_reader(objective.condition.field, list(params.themes), list(params.country_ids))
            values = np.asarray(read(seen), dtype=np.float64)
            if values.ndim == 2 and values.shape[1] == 1:  # one number (a country, mean/min/max, player, turn)
                value = float(values[0, 0])
        out.append(ObjectiveStatus(bool(seen.objective_met[0, o]), bool(seen.objective_failed[0, o]),
                                   bool(held[o]), value))
    return out


@dataclass(frozen=True)
class Outcome:
    """How one game ended, and why."""

    result: str  # "won", "lost" or "playing"
    score: float
    met: tuple[str, ...]
    failed: tuple[str, ...]
    reason: str


def outcome(params: Params, s: State, world: int = 0) -> Outcome:
    """The outcome of one world, with the reason in words."""
    met = tuple(o.id for i, o in enumerate(params.objectives) if s.objective_met[world, i])
    failed = tuple(o.id for i, o in enumerate(params.objectives) if s.objective_failed[world, i])
    sc = float(score(params, s.world(world))[0])
    if not s.done[world]:
        return Outcome("playing", sc, met, failed, "the game is still going")
    texts = {o.id: o.text for o in params.objectives}
    req_failed = [texts[i] for i in failed if next(o for o in params.objectives if o.id == i).required]
    if won(params, s.world(world))[0]:
        reason = "every required objective was met" + (
            f"; objectives met: {'; '.join(texts[i].rstrip('.') for i in met)}" if met else "")
        return Outcome("won", sc, met, failed, reason)
    reason = ("required objective failed: " + "; ".join(t.rstrip(".") for t in req_failed)) if req_failed \
        else "required objectives unmet"
    return Outcome("lost", sc, met, failed, reason)
