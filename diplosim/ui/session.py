"""The front end's model of one game: the loaded scenario, the engine's Game, saving, hot reload,
cached legality and previews, and the debrief's counterfactuals. No pygame here.

Everything the player sees comes from the engine; the session only remembers, caches and asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diplosim import saves
from diplosim.engine import Game, IllegalAction, build_params
from diplosim.engine.actions import Actions
from diplosim.engine.objectives import score
from diplosim.engine.state import State
from diplosim.engine.step import step
from diplosim.scenario.loader import LoadedScenario, load_scenario, resolve_ref
from diplosim.scenario.yamlsafe import ScenarioError


@dataclass(frozen=True)
class Insight:
    """What one decision changed, found by replaying the game without it on the same luck."""

    turn: int
    index: int
    tool: str
    target: str | None
    score_delta: float  # actual score minus the score without it
    country: int  # country whose estimated rights moved most (-1 if none)
    theme: int  # -1 for the mean over themes
    rights_delta: float  # actual estimate minus the estimate without it
    text: str


class Session:
    """One game in the front end. `version` grows on every change, for the screens' caches."""

    def __init__(self, loaded: LoadedScenario, game: Game) -> None:
        self.loaded = loaded
        self.params = game.params
        self.game = game
        self.version = 0
        self._checks: dict[tuple, dict[str, str | None]] = {}
        self._previews: dict[tuple, object] = {}
        self._insights: tuple[int, list[Insight]] | None = None

    @classmethod
    def start(cls, ref: str | None, seed: int | None = None) -> Session:
        """A new game of a scenario (path or built-in id); raises ScenarioError when it is invalid."""
        loaded = load_scenario(ref)
        return cls(loaded, Game(build_params(loaded), seed))

    # --- names ---------------------------------------------------------------------------------
    @property
    def scenario_id(self) -> str:
        return self.params.scenario_id

    def tool(self, tool_id: str):
        return self.params.tools.tools[self.params.tool_index(tool_id)]

    def tool_name(self, tool_id: str) -> str:
        return self.tool(tool_id).name

    def country_name(self, cid: str | None) -> str:
        return self.params.country_names[self.params.country_index(cid)] if cid else ""

    def theme_name(self, h: int) -> str:
        themes = self.loaded.scenario.themes
        return themes[h].name if 0 <= h < len(themes) else "all themes"

    def touch(self) -> None:
        self.version += 1

    # --- playing -------------------------------------------------------------------------------
    def _queue_key(self) -> tuple:
        g = self.game
        return (id(g), g.turn, tuple(g.current.orders))

    def checks(self, target: str | None) -> dict[str, str | None]:
        """Why each tool cannot be used on `target` now (None = allowed), cached per queue state."""
        key = self._queue_key() + (target,)
        if key not in self._checks:
            if len(self._checks) > 64:
                self._checks.clear()
            out: dict[str, str | None] = {}
            for tool in self.params.tools.tools:
                aimed = tool.target in ("country", "forum")
                if aimed and target is None:
                    out[tool.id] = "select a country on the map to aim it at"
                else:
                    out[tool.id] = self.game.check(tool.id, target if aimed else None)
            self._checks[key] = out
        return self._checks[key]

    def preview(self, tool_id: str, target: str | None, samples: int = 48):
        """The engine's expected effect of adding this action (cached per queue state)."""
        aimed = self.tool(tool_id).target in ("country", "forum")
        key = self._queue_key() + (tool_id, target if aimed else None)
        if key not in self._previews:
            if len(self._previews) > 256:
                self._previews.clear()
            self._previews[key] = self.game.preview(tool_id, target if aimed else None, samples=samples)
        return self._previews[key]

    def queue(self, tool_id: str, target: str | None) -> str | None:
        """Queue an action; returns the reason when the rules refuse it."""
        aimed = self.tool(tool_id).target in ("country", "forum")
        if aimed and target is None:
            return "select a country on the map first"
        try:
            self.game.queue(tool_id, target if aimed else None)
        except IllegalAction as err:
            return str(err)
        self.touch()
        return None

    def undo(self, index: int = -1) -> None:
        if self.game.current.orders:
            self.game.undo(index)
            self.touch()

    def pending_events(self) -> list[str]:
        """Events waiting for a choice that the player has not answered yet."""
        return [e for e in self.game.awaiting() if e not in self.game.current.choices]

    def event(self, event_id: str):
        return next(e for e in self.params.events.events if e.id == event_id)

    def choose(self, event_id: str, choice_id: str) -> None:
        self.game.choose(event_id, choice_id)
        self.touch()

    def end_turn(self) -> list:
        """End the turn in the engine, then autosave (a failed autosave never stops the game)."""
        entries = self.game.end_turn()
        self.touch()
        self.autosave()
        return entries

    # --- saving --------------------------------------------------------------------------------
    def save_data(self) -> dict:
        data = self.game.to_save(self.loaded.digest)
        data["scenario_path"] = str(Path(self.loaded.path).resolve())
        return data

    def autosave(self) -> Path | None:
        try:
            return saves.write_save(saves.autosave_path(self.scenario_id), self.save_data())
        except OSError:
            return None

    def save(self, path: str | Path | None = None) -> str:
        """Save the game; returns the sentence to show."""
        target = Path(path) if path else saves.manual_save_path(self.scenario_id)
        try:
            saves.write_save(target, self.save_data())
        except OSError as err:
            return f"Could not save to {target}: {err.strerror or err}"
        return f"Saved to {target}"

    def load(self, path: str | Path | None = None) -> str:
        """Replace the game by a saved one; on any problem the current game is kept."""
        source = Path(path) if path else saves.manual_save_path(self.scenario_id)
        try:
            data = saves.read_save(source)
            game = Game.from_save(self.params, data, self.loaded.digest)
        except ValueError as err:
            return f"Could not load: {err}. Your current game goes on."
        self.game = game
        self._insights = None
        self.touch()
        return f"Loaded {source.name} (turn {game.turn})"

    @classmethod
    def from_save_file(cls, path: str, ref: str | None) -> Session:
        """Open a save (ValueError with a sentence); the scenario is `ref`, or the one it names."""
        data = saves.read_save(path)
        if ref is None:
            stored = data.get("scenario_path")
            ref = stored if isinstance(stored, str) and Path(stored).is_file() else data.get("scenario")
            if not isinstance(ref, str):
                raise ValueError(f"{path} does not say which scenario it belongs to; give the SCENARIO too")
            resolve_ref(ref)
        loaded = load_scenario(ref)
        return cls(loaded, Game.from_save(build_params(loaded), data, loaded.digest))

    # --- hot reload ----------------------------------------------------------------------------
    def reload(self) -> list[str]:
        """Reload the scenario file and replay this game's actions onto it. Returns the problems
        (validation messages) and keeps the game unchanged when there are any."""
        try:
            loaded = load_scenario(self.loaded.path)
            params = build_params(loaded)
        except ScenarioError as err:
            return [p.format() for p in err.problems]
        old = self.game
        game = Game(params, old.seed)
        try:
            game.replay(old.turns)
            for order in old.current.orders:
                game.queue(order.tool, order.target)
            for event, choice in old.current.choices.items():
                if event in game.awaiting():
                    game.choose(event, choice)
        except (IllegalAction, ValueError, IndexError) as err:
            return [f"{loaded.path}: the game's actions no longer replay on the changed scenario ({err})"]
        self.loaded, self.params, self.game = loaded, params, game
        self._checks.clear()
        self._previews.clear()
        self._insights = None
        self.touch()
        return []

    # --- debrief -------------------------------------------------------------------------------
    def decisions(self) -> list[tuple[int, int, object]]:
        """(turn, index, order) of every action the player took, in order."""
        return [(t, i, o) for t, rec in enumerate(self.game.turns, 1) for i, o in enumerate(rec.orders)]

    def insights(self) -> list[Insight]:
        """Every decision's effect, most important first (cached per game version)."""
        if self._insights is None or self._insights[0] != self.version:
            self._insights = (self.version, counterfactuals(self))
        return self._insights[1]


def without_each(params, game: Game, decisions: list[tuple[int, int, object]]) -> State:
    """The game replayed once per decision without it, all at once as worlds of a batch (the
    same rules and luck as `Game.without`, one step per turn for every counterfactual)."""
    n = len(decisions)
    ids = [e.id for e in params.events.events]
    s = State.concat([game.history[0]] * n)
    for t, record in enumerate(game.turns, 1):
        acts = Actions.empty(params, n, max(1, len(record.orders)))
        for w, (dt, di, _) in enumerate(decisions):
            k = 0
            for i, order in enumerate(record.orders):
                if dt == t and di == i:
                    continue
                acts.tool[w, k] = params.tool_index(order.tool)
                acts.target[w, k] = params.country_index(order.target) if order.target else -1
                k += 1
        for event, choice in record.choices.items():
            e = ids.index(event)
            acts.choice[:, e] = [c.id for c in params.events.events[e].choices].index(choice)
        s, _ = step(params, s, acts, inplace=True)
    return s


def counterfactuals(session: Session) -> list[Insight]:
    """What each decision changed: score and the largest move in estimated rights."""
    p, g = session.params, session.game
    decisions = session.decisions()
    if not decisions:
        return []
    other = without_each(p, g, decisions)
    actual_score = float(score(p, g.state)[0])
    scores = score(p, other)
    est = g.state.estimate[0]  # (C, H): what the player can see
    diff = est[None] - other.estimate  # (N, C, H)
    out = []
    for w, (t, i, order) in enumerate(decisions):
        d = diff[w]
        if order.target:
            c = p.country_index(order.target)
        else:
            c = int(np.unravel_index(np.argmax(np.abs(d)), d.shape)[0])
        h = int(np.argmax(np.abs(d[c])))
        delta = float(d[c, h])
        sd = actual_score - float(scores[w])
        name = session.tool_name(order.tool)
        on = f" on {session.country_name(order.target)}" if order.target else ""
        if abs(delta) < 0.5 and abs(sd) < 0.5:
            text = f"Your {name}{on} in turn {t} changed little by the end."
        else:
            parts = []
            if abs(delta) >= 0.5:
                # The player's estimate, not the hidden truth: monitoring can lower it by correcting it.
                parts.append(f"your estimate of {session.theme_name(h).lower()} in {p.country_names[c]} would have "
                             f"ended {abs(delta):.0f} {'lower' if delta > 0 else 'higher'}")
            if abs(sd) >= 0.5:
                parts.append(f"your score would be {abs(sd):.0f} {'lower' if sd > 0 else 'higher'}")
            text = f"Without your {name}{on} in turn {t}, " + " and ".join(parts) + "."
        out.append(Insight(t, i, order.tool, order.target, sd, c, h, delta, text))
    out.sort(key=lambda x: (-abs(x.score_delta) - 0.5 * abs(x.rights_delta), x.turn, x.index))
    return out
