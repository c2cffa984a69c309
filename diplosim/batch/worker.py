"""What runs in a worker process: play one chunk of worlds and return per-game arrays.

A task names the scenario by (path, overrides) and carries the file's digest; each worker process
loads and builds the rules itself and keeps them (a small per-process cache), so only small
tasks and compact results travel between processes, also to and from a Dask cluster.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# Final figures recorded per game, beside outcome, score, objectives and tool use; the last two are
# turn numbers (on_course_from: from which turn every required objective was met or holding).
FIGURES = ("credibility", "commerce", "security", "budget", "treaty", "mean_rights", "mean_estimate",
           "turns_played", "on_course_from")
TURN_FIGURES = ("turns_played", "on_course_from")


@dataclass(frozen=True)
class ChunkTask:
    """Games [start, stop) of one arm (policy, variant, ablated tool) of a batch."""

    scenario: str  # path of the scenario file, as the worker should open it
    digest: str  # sha256 of the file when the batch started
    overrides: tuple[tuple[str, Any], ...]
    policy: str
    forbid: str | None  # tool forbidden in this arm (ablation), or None
    seed: int
    start: int
    stop: int
    rules: str = ""  # rules_version() of the process that planned the batch
    metrics: tuple[str, ...] = ()  # field paths read at the end of each game (for claims)


@functools.cache
def rules_version() -> str:
    """A hash of the engine's code and the standard rules: results from different rules never mix."""
    import diplosim.engine
    import diplosim.scenario

    h = hashlib.sha256()
    for package in (diplosim.engine, diplosim.scenario):
        folder = Path(package.__file__).parent
        for path in sorted(folder.glob("*.py")) + sorted(folder.glob("*.yaml")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class WorkerError(Exception):
    """A chunk could not be played for a reason the user can fix (one sentence)."""


_CACHE: OrderedDict[tuple, Any] = OrderedDict()
_CACHE_SIZE = 16


def _params(task: ChunkTask) -> Any:
    from diplosim.engine import build_params
    from diplosim.scenario.loader import load_scenario
    from diplosim.scenario.yamlsafe import ScenarioError

    if task.rules and task.rules != rules_version():
        raise WorkerError("a worker runs different diplosim rules (engine code) than this command; install the "
                          "same diplosim version everywhere, then rerun the command")
    key = (task.scenario, task.digest, json.dumps(task.overrides, sort_keys=True))  # values may be lists or maps
    if key not in _CACHE:
        try:
            loaded = load_scenario(task.scenario, overrides=dict(task.overrides))
        except ScenarioError as exc:
            raise WorkerError(f"a worker could not load the scenario {task.scenario}: "
                              f"{exc.problems[0].format() if exc.problems else exc}") from None
        if loaded.digest != task.digest:
            raise WorkerError(f"the scenario file {task.scenario} changed while the batch ran "
                              "(or differs on a worker); run the batch again into a new --out folder")
        _CACHE[key] = build_params(loaded)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    params = _CACHE[key]
    return params.forbid(task.forbid) if task.forbid else params


def run_chunk(task: ChunkTask) -> dict[str, np.ndarray]:
    """Play games [start, stop) to the end; one row per game in every returned array."""
    from diplosim.engine import get_policy, initial_state, score, won
    from diplosim.engine.play import play_out
    from diplosim.engine.rng import game_seed
    from diplosim.engine.sums import overall_mean

    began = time.perf_counter()
    params = _params(task)
    policy = get_policy(task.policy)
    seeds = np.asarray(game_seed(task.seed, np.arange(task.start, task.stop, dtype=np.uint64)), dtype=np.uint64)
    turns = params.turns
    # Mean true rights over countries and themes, at the start and after every turn; a finished
    # game's stays where it ended.
    trajectory = np.empty((seeds.size, turns + 1), dtype=np.float32)
    state = initial_state(params, seeds)
    trajectory[:, 0] = overall_mean(state.rights)
    last = np.zeros(seeds.size, dtype=np.int64)  # the last turn recorded, per game

    def record(index: np.ndarray, s: Any) -> None:
        last[index] += 1
        trajectory[index, last[index]] = overall_mean(s.rights)

    state = play_out(params, state, policy, each_turn=record, inplace=True)
    for t in range(1, turns + 1):
        ended = last < t
        trajectory[ended, t] = trajectory[ended, t - 1]
    figures = np.stack([state.player_field("credibility"), state.player_field("commerce"),
                        state.player_field("security"), state.player_field("budget"),
                        state.player_field("treaty"), overall_mean(state.rights),
                        overall_mean(state.estimate), (state.turn - 1).astype(np.float64),
                        state.on_course_from.astype(np.float64)], axis=1)
    return {
        "start": np.int64(task.start), "stop": np.int64(task.stop),
        "seed": seeds, "won": won(params, state), "lost": state.lost.copy(),
        "score": np.asarray(score(params, state), dtype=np.float64),
        "met": state.objective_met.copy(), "uses": state.tool_uses.astype(np.int32),
        "successes": state.tool_successes.astype(np.int32), "figures": figures.astype(np.float64),
        "trajectory": trajectory, "seconds": np.float64(time.perf_counter() - began),
        "metrics": _read_metrics(params, state, task.metrics),
    }


def warm_up() -> None:
    """Load the engine and its compiled loops (engine.step.warm_up on the built-in scenario), so that
    a worker, or every process forked from this one, plays its first chunk at full speed."""
    # Only a head start: a chunk that cannot be played says why itself.
    with contextlib.suppress(Exception):
        from diplosim.engine import build_params
        from diplosim.engine.step import warm_up as load_loops
        from diplosim.scenario.loader import load_scenario

        load_loops(build_params(load_scenario(None)))


def _read_metrics(params: Any, state: Any, paths: tuple[str, ...]) -> np.ndarray:
    """Final values of field paths (like varenna.rights.expression), one column per path."""
    from diplosim.engine.conditions import compile_reader

    columns = [np.broadcast_to(compile_reader(p, list(params.themes), list(params.country_ids))(state),
                               (state.worlds, params.n_countries))[:, 0] for p in paths]
    return np.stack(columns, axis=1) if columns else np.zeros((state.worlds, 0))
