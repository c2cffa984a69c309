"""One game (W = 1) as the front end and `diplosim run` play it: queue and undo actions, answer
events, end turns, preview expected effects, replay without a decision, and save as data.

A game is its seed plus every turn's orders; everything else is replayed, so a save is small and
exact, and undo of queued actions is just the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from diplosim.engine import layout as L
from diplosim.engine.actions import LEGAL, Actions, legality, pay, reason, target_column
from diplosim.engine.log import LogEntry
from diplosim.engine.objectives import Outcome, outcome
from diplosim.engine.params import Params
from diplosim.engine.state import State, initial_state
from diplosim.engine.step import step

SAVE_FORMAT = "diplosim-save"
SAVE_VERSION = 1


class IllegalAction(ValueError):
    """An action the rules refuse; the message is the reason, for the player."""


@dataclass(frozen=True)
class Order:
    """One queued action: a tool id and its target country id (None for untargeted tools)."""

    tool: str
    target: str | None = None


@dataclass
class TurnRecord:
    """What the player ordered in one turn."""

    orders: list[Order] = field(default_factory=list)
    choices: dict[str, str] = field(default_factory=dict)  # event id -> choice id


@dataclass(frozen=True)
class Preview:
    """Expected effect of an action on its target and the player, from imagined next turns."""

    tool: str
    target: str | None
    success_chance: float
    changes: dict[str, tuple[float, float, float]]  # field -> (10th percentile, mean, 90th percentile)
    # The target government's answers that the action makes likelier: decision ("retaliate", "harden",
    # "turn_to_rival") -> (chance next turn with it, chance without it). Rare ones never show in a range.
    reactions: dict[str, tuple[float, float]] = field(default_factory=dict)


class Game:
    """A single game of a scenario, played turn by turn."""

    def __init__(self, params: Params, seed: int | None = None) -> None:
        self.params = params
        self.seed = int(params.default_seed if seed is None else seed)
        self.state = initial_state(params, [self.seed])
        self.history: list[State] = [self.state]
        self.turns: list[TurnRecord] = []
        self.current = TurnRecord()
        self.log: list[LogEntry] = []

    # --- reading -----------------------------------------------------------------------------
    @property
    def turn(self) -> int:
        """The turn being played (from 1)."""
        return int(self.state.turn[0])

    @property
    def over(self) -> bool:
        """Whether the game has ended."""
        return bool(self.state.done[0])

    def outcome(self) -> Outcome:
        """The outcome so far (result "playing" until the end)."""
        return outcome(self.params, self.state)

    def awaiting(self) -> list[str]:
        """Ids of events waiting for the player's choice."""
        return [self.params.events.events[e].id for e in np.nonzero(self.state.awaiting[0])[0]]

    def _planned_state(self) -> State:
        """The state with the queued orders' costs paid, for legality checks."""
        s = self.state.copy()
        s.player[:, L.BUDGET] -= self._choices_cost()  # money promised in answers to events is spent
        for order in self.current.orders:
            t, c = self._indices(order)
            tool = np.array([t])
            pay(self.params, s, tool, target_column(self.params, tool, np.array([c])), np.array([True]))
        return s

    def _indices(self, order: Order) -> tuple[int, int]:
        p = self.params
        if order.tool not in p.tools.ids:
            raise IllegalAction(f"there is no tool '{order.tool}' in this scenario")
        if order.target is not None and order.target not in p.country_ids:
            raise IllegalAction(f"there is no country '{order.target}' in this scenario")
        return p.tool_index(order.tool), (p.country_index(order.target) if order.target else -1)

    def check(self, tool: str, target: str | None = None) -> str | None:
        """None when the action could be queued now, else the reason it cannot."""
        p = self.params
        try:
            t, c = self._indices(Order(tool, target))
        except IllegalAction as err:
            return str(err)
        if len(self.current.orders) >= p.constants.max_actions:
            return f"at most {p.constants.max_actions} actions a turn"
        s = self._planned_state()
        col = int(target_column(p, np.array([t]), np.array([c]))[0])
        if col < 0:
            return reason(p, s, 0, t, c, 2)
        code = int(legality(p, s)[0, t, col])
        return None if code == LEGAL else reason(p, s, 0, t, c, code)

    # --- playing -----------------------------------------------------------------------------
    def queue(self, tool: str, target: str | None = None) -> None:
        """Queue an action for this turn; IllegalAction with the reason if the rules refuse it."""
        why = self.check(tool, target)
        if why is not None:
            raise IllegalAction(why)
        kind = self.params.tools.tools[self.params.tool_index(tool)].target
        self.current.orders.append(Order(tool, target if kind in ("country", "forum") else None))

    def undo(self, index: int = -1) -> Order:
        """Take back a queued action (the last one by default)."""
        return self.current.orders.pop(index)

    def choose(self, event: str, choice: str) -> None:
        """Answer a waiting event; IllegalAction if the budget cannot pay for that answer."""
        why = self.check_choice(event, choice)
        if why is not None:
            raise IllegalAction(why)
        self.current.choices[event] = choice

    def check_choice(self, event: str, choice: str) -> str | None:
        """None when this answer can be given now, else why not (an answer that spends money needs it
        in the budget, besides what this turn's other answers spend)."""
        p = self.params
        e = [ev.id for ev in p.events.events].index(event)
        ids = [c.id for c in p.events.events[e].choices]
        if choice not in ids:
            return f"'{choice}' is not a choice of event '{event}'"
        cost = float(p.events.choice_cost[e][ids.index(choice)])
        if cost <= 0 or ids.index(choice) == int(p.events.default_choice[e]):
            return None
        others = self._choices_cost(skip=event)
        have = float(self.state.player_field("budget")[0]) - others
        return None if have + 1e-6 >= cost else (
            f"needs {cost:g} from the budget; you have {max(0.0, have):.0f}" + (" after your other answers" if others else ""))

    def _choices_cost(self, skip: str | None = None) -> float:
        """What this turn's answers to events take from the budget."""
        p = self.params
        ids = [ev.id for ev in p.events.events]
        total = 0.0
        for event, choice in self.current.choices.items():
            if event != skip:
                e = ids.index(event)
                total += float(p.events.choice_cost[e][[c.id for c in p.events.events[e].choices].index(choice)])
        return total

    def _actions(self, record: TurnRecord) -> Actions:
        p = self.params
        acts = Actions.empty(p, 1, max(1, len(record.orders)))
        for k, order in enumerate(record.orders):
            acts.tool[0, k], acts.target[0, k] = self._indices(order)
        ids = [ev.id for ev in p.events.events]
        for event, choice in record.choices.items():
            e = ids.index(event)
            acts.choice[0, e] = [c.id for c in p.events.events[e].choices].index(choice)
        return acts

    def end_turn(self) -> list[LogEntry]:
        """Play the queued orders and answers; returns this turn's log."""
        if self.over:
            raise IllegalAction("the game is over")
        record, self.current = self.current, TurnRecord()
        self.state, entries = step(self.params, self.state, self._actions(record), log=True)
        self.turns.append(record)
        self.history.append(self.state)
        self.log.extend(entries)
        return entries

    def play_policy_turn(self, policy) -> list[LogEntry]:
        """Let a bot fill this turn's orders and answers, then end the turn."""
        acts = policy(self.params, self.state)
        p = self.params
        for k in range(acts.tool.shape[1]):
            t, c = int(acts.tool[0, k]), int(acts.target[0, k])
            if t >= 0:
                self.current.orders.append(Order(p.tools.ids[t], p.country_ids[c] if c >= 0 else None))
        for e in np.nonzero(self.state.awaiting[0])[0]:
            ev = p.events.events[e]
            pick = int(acts.choice[0, e]) if acts.choice[0, e] >= 0 else int(p.events.default_choice[e])
            self.current.choices[ev.id] = ev.choices[min(pick, len(ev.choices) - 1)].id
        return self.end_turn()

    # --- looking ahead and back ----------------------------------------------------------------
    def preview(self, tool: str, target: str | None = None, samples: int = 64) -> Preview:
        """Expected effect of adding this action now: the next turn imagined `samples` times with and
        without it; each change is (10th percentile, mean, 90th percentile) of the difference."""
        from diplosim.engine.lookahead import player_view

        p = self.params
        base = self._actions(self.current)
        with_it = TurnRecord(self.current.orders + [Order(tool, target)], dict(self.current.choices))
        acts = self._actions(with_it)
        view = player_view(p, self.state).worlds_where(np.zeros(samples, dtype=np.int64))
        view.seed = view.seed + np.arange(samples, dtype=np.uint64) * np.uint64(7919)
        rows = lambda a: Actions(np.repeat(a.tool, samples, 0), np.repeat(a.target, samples, 0),
                                 np.repeat(a.choice, samples, 0))
        after, _ = step(p, view, rows(acts))
        before, _ = step(p, view, rows(base))
        c = p.country_index(target) if target else None
        changes = {}
        if c is not None:
            diffs = {"rights": after.rights[:, c].mean(-1) - before.rights[:, c].mean(-1),
                     "face": after.face[:, c] - before.face[:, c]}
            # What a tool is for is often not rights next turn but what builds them: show those too.
            for name in ("relations", "resistance", "legitimacy", "coalition", "evidence", "uncertainty", "capacity",
                         "civil_society", "stability", "trade", "rival_pull"):
                diffs[name] = after.field(name)[:, c] - before.field(name)[:, c]
        else:
            diffs = {}
        for name in ("credibility", "commerce", "security", "inertia", "fluency", "treaty"):
            diffs[f"player.{name}"] = after.player_field(name) - before.player_field(name)
        for name, d in diffs.items():
            lo, hi = np.percentile(d, [10, 90])
            mean = float(d.mean())  # "expected": the mean, so a 50% chance of +2 reads +1
            if max(abs(lo), abs(hi), abs(mean)) >= 0.05:
                changes[name] = (float(lo), mean, float(hi))
        reactions = {}
        if c is not None:
            for code in (L.RETALIATE, L.HARDEN, L.TURN_TO_RIVAL):
                with_it = float((after.decision[:, c] == code).mean())
                without = float((before.decision[:, c] == code).mean())
                if with_it > without:
                    reactions[L.DECISIONS[code]] = (with_it, without)
        t = p.tool_index(tool)
        landed = after.tool_successes[:, t] > before.tool_successes[:, t]
        return Preview(tool, target, float(landed.mean()), changes, reactions)

    def replay(self, turns: list[TurnRecord]) -> None:
        """Play recorded turns from the current state (used by load and hot reload)."""
        for record in turns:
            if self.over:
                break
            self.current = TurnRecord(list(record.orders), dict(record.choices))
            self.end_turn()

    def without(self, turn: int, index: int) -> Game:
        """The same game replayed without order `index` of turn `turn`, on the same luck."""
        other = Game(self.params, self.seed)
        records = [TurnRecord(list(r.orders), dict(r.choices)) for r in self.turns]
        del records[turn - 1].orders[index]
        for record in records:
            if other.over:
                break
            other.current = record
            try:
                other.end_turn()
            except IllegalAction:
                break
        return other

    # --- saving ------------------------------------------------------------------------------
    def to_save(self, scenario_digest: str) -> dict:
        """The game as plain data (JSON-ready): seed and every order, replayed on load."""
        def record(r: TurnRecord) -> dict:
            return {"orders": [[o.tool, o.target] for o in r.orders], "choices": dict(r.choices)}
        return {"format": SAVE_FORMAT, "version": SAVE_VERSION, "scenario": self.params.scenario_id,
                "scenario_digest": scenario_digest, "seed": self.seed,
                "turns": [record(r) for r in self.turns], "queued": record(self.current)}

    @classmethod
    def from_save(cls, params: Params, data: dict, scenario_digest: str | None = None) -> Game:
        """Rebuild a game from save data; ValueError with a sentence if it is damaged or mismatched."""
        records, queued, seed = parse_save(params, data, scenario_digest)
        game = cls(params, seed)
        try:
            game.replay(records)
            for order in queued.orders:
                game.queue(order.tool, order.target)
        except (IllegalAction, IndexError, KeyError) as err:
            raise ValueError(f"the save does not replay on this scenario ({err}); it is damaged or from "
                             "another version") from None
        game.current.choices.update(queued.choices)
        return game


def parse_save(params: Params, data: object, scenario_digest: str | None) -> tuple[list[TurnRecord], TurnRecord, int]:
    """Check save data and turn it into turn records; ValueError with one sentence otherwise."""
    if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
        raise ValueError("this is not a diplosim save file")
    if data.get("version") != SAVE_VERSION:
        raise ValueError(f"this save has format version {data.get('version')!r}; this diplosim reads version "
                         f"{SAVE_VERSION}")
    if data.get("scenario") != params.scenario_id:
        raise ValueError(f"this save is from scenario '{data.get('scenario')}', not '{params.scenario_id}'")
    if scenario_digest is not None and data.get("scenario_digest") != scenario_digest:
        raise ValueError("the scenario file has changed since this game was saved; open the version it was "
                         "saved with, or start a new game")
    seed = data.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**64:
        raise ValueError("the save's seed is missing or not a whole number")

    def record(raw: object) -> TurnRecord:
        if not isinstance(raw, dict):
            raise ValueError("a turn in the save is not a mapping")
        orders = raw.get("orders", [])
        choices = raw.get("choices", {})
        if not isinstance(orders, list) or not isinstance(choices, dict):
            raise ValueError("a turn in the save has malformed orders or choices")
        out = TurnRecord()
        for o in orders:
            if (not isinstance(o, list) or len(o) != 2 or not isinstance(o[0], str)
                    or not (o[1] is None or isinstance(o[1], str))):
                raise ValueError("an order in the save is not [tool, target]")
            out.orders.append(Order(o[0], o[1]))
        for k, v in choices.items():
            if not isinstance(v, str):
                raise ValueError("an event choice in the save is not text")
            out.choices[str(k)] = v
        return out

    turns = data.get("turns")
    if not isinstance(turns, list) or len(turns) > params.turns:
        raise ValueError("the save's list of turns is missing or too long for this scenario")
    return [record(t) for t in turns], record(data.get("queued", {})), seed
