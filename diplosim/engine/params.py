"""Params: everything the rules need from a scenario, built once and never changed."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from diplosim.engine import layout
from diplosim.engine.conditions import (
    Programs,
    Progress,
    Test,
    compile_condition,
    compile_programs,
    compile_progress,
    compile_reader,
    describe,
)
from diplosim.engine.effects import EffectBlock, compile_effects, effect_horizon, stack_blocks
from diplosim.scenario.models import Constants, Event, Objective, Tool

if TYPE_CHECKING:
    from diplosim.scenario.loader import LoadedScenario


@dataclass(frozen=True)
class ToolTable:
    """The scenario's tools as arrays over the tool axis T (knobs) plus compiled rules."""

    tools: tuple[Tool, ...]
    target_kind: np.ndarray  # (T,) index into layout.TARGET_KINDS
    capital: np.ndarray
    budget: np.ndarray
    visibility: np.ndarray
    pressure: np.ndarray
    leverage_weight: np.ndarray
    acceptance: np.ndarray
    votes_needed: np.ndarray
    legitimacy_needed: np.ndarray
    inertia_sensitivity: np.ndarray
    commerce_cost: np.ndarray
    security_cost: np.ndarray
    cooldown: np.ndarray
    intervention: np.ndarray  # (T,) bool
    preconditions: tuple[tuple[tuple[Test, str], ...], ...]  # per tool: (test, description)
    all_preconditions: Programs  # per tool, all of its preconditions, answered in one pass
    effects: EffectBlock  # rows 2 t (landed: always + on_success) and 2 t + 1 (rebuffed: always + on_failure)
    risk_tool: np.ndarray  # (R,) which tool each risk belongs to
    risk_chance: np.ndarray  # (R,)
    risk_conditional: np.ndarray  # (R,) bool: the risk strikes only when its condition holds
    risk_text: tuple[str, ...]
    risk_conditions: Programs  # per risk, its condition (always true without one)
    risk_effects: EffectBlock  # leading axis R

    @functools.cached_property
    def has_preconditions(self) -> np.ndarray:
        """Whether each tool has preconditions (T,)."""
        return np.array([bool(pre) for pre in self.preconditions])

    @property
    def ids(self) -> list[str]:
        """Tool ids in table order."""
        return [t.id for t in self.tools]


@dataclass(frozen=True)
class EventTable:
    """Scenario events, compiled."""

    events: tuple[Event, ...]
    country: np.ndarray  # (E,) subject country index or -1
    turn: np.ndarray  # (E,) fixed turn or -1
    chance: np.ndarray  # (E,) per-turn probability (1 when unset)
    conditional: np.ndarray  # (E,) bool: fires only when its condition (`when`) holds
    triggers: Programs  # per event, its condition (always true without one)
    once: np.ndarray  # (E,) bool: fires at most once
    effects: EffectBlock  # leading axis E
    answers: EffectBlock  # every event's choices, event after event (leading axis: all answers)
    first_answer: np.ndarray  # (E,) row of each event's first choice in `answers`
    n_choices: np.ndarray  # (E,) how many choices each event offers (0: it asks nothing)
    default_choice: np.ndarray  # (E,) index of the default choice (0 when none)
    answer_cost: np.ndarray  # (all answers,) the budget each choice spends

    @property
    def choice_cost(self) -> tuple[np.ndarray, ...]:
        """Per event, the budget each of its choices spends."""
        return tuple(self.answer_cost[f:f + n] for f, n in zip(self.first_answer, self.n_choices, strict=True))


def choice_costs(event: Event) -> np.ndarray:
    """What each answer to an event takes from the budget (the sum of its negative budget effects)."""
    return np.array([-sum(min(0.0, x.add) for x in c.effects if x.field == "player.budget") for c in event.choices])


@dataclass(frozen=True)
class Params:
    """The rules of one scenario: constants, initial values and compiled tables."""

    scenario_id: str
    title: str
    turns: int
    default_seed: int
    themes: tuple[str, ...]
    country_ids: tuple[str, ...]
    country_names: tuple[str, ...]
    constants: Constants
    horizon: int
    initial_country: np.ndarray  # (C, F)
    initial_player: np.ndarray  # (P,)
    ally: np.ndarray  # (C,) bool
    initial_abuse: np.ndarray  # (C,) bool: gross abuses under way at the start
    trade_between: np.ndarray  # (C, C) trade among countries (the player's row lives in the state)
    capital_per_turn: int
    income: float
    commerce_weight: float
    security_weight: float
    tools: ToolTable
    events: EventTable
    objectives: tuple[Objective, ...]
    objective_conditions: Programs  # the objectives' conditions, answered in one pass
    objective_progress: tuple[Progress, ...]  # how close each objective is, 0-1 (for bots)
    objective_deadline: np.ndarray  # (O,) last turn a reach objective may be met
    score_readers: tuple = ()  # (reader, weight) pairs added to the score at the end
    available: np.ndarray = field(default=None)  # (T,) bool; False for tools forbidden (ablation)

    @functools.cached_property
    def objective_kind(self) -> np.ndarray:
        """Each objective's kind (O,), an index into layout.OBJECTIVE_KINDS."""
        return np.array([layout.OBJECTIVE_KINDS.index(o.kind) for o in self.objectives], dtype=np.int64)

    @functools.cached_property
    def objective_at_end(self) -> np.ndarray:
        """Whether each objective is judged at its deadline or the end (O,)."""
        return np.array([o.at_end for o in self.objectives], dtype=bool)

    @functools.cached_property
    def objective_required(self) -> np.ndarray:
        """Which objectives are required (O,)."""
        return np.array([o.required for o in self.objectives], dtype=bool)

    @property
    def n_countries(self) -> int:
        """Number of country agents C."""
        return len(self.country_ids)

    @property
    def n_tools(self) -> int:
        """Number of tools T."""
        return len(self.tools.tools)

    def tool_index(self, tool_id: str) -> int:
        """Index of a tool by id (ValueError when unknown)."""
        return self.tools.ids.index(tool_id)

    def country_index(self, country_id: str) -> int:
        """Index of a country by id (ValueError when unknown)."""
        return self.country_ids.index(country_id)

    def forbid(self, *tool_ids: str) -> Params:
        """The same rules with some tools unavailable (for ablation studies)."""
        mask = self.available.copy()
        for t in tool_ids:
            mask[self.tool_index(t)] = False
        return dataclasses.replace(self, available=mask)


def _stack_or_empty(blocks: list[EffectBlock], themes: list[str], countries: list[str],
                    horizon: int) -> EffectBlock:
    """Stack blocks; an empty list gives a block with a leading axis of length 0."""
    if blocks:
        return stack_blocks(blocks)
    empty = compile_effects([], themes, countries, horizon)
    return EffectBlock(*(np.zeros((0,) + getattr(empty, f).shape) for f in EffectBlock.__dataclass_fields__))


def _tool_table(tools: tuple[Tool, ...], themes: list[str], countries: list[str], horizon: int,
                names: dict[str, str] | None = None) -> ToolTable:
    def knob(name: str) -> np.ndarray:
        return np.array([float(getattr(t, name)) for t in tools])

    # Success and failure are exclusive, so each folds in the always-effects: one row per outcome.
    blocks = []
    for t in tools:
        for part in (t.effects + t.on_success, t.effects + t.on_failure):
            blocks.append(compile_effects(part, themes, countries, horizon))
    stacked = stack_blocks(blocks)
    risks = [(i, r) for i, t in enumerate(tools) for r in t.risks]
    risk_effects = _stack_or_empty([compile_effects(r.effects, themes, countries, horizon) for _, r in risks],
                                   themes, countries, horizon)
    return ToolTable(
        tools=tools,
        target_kind=np.array([layout.TARGET_KINDS.index(t.target) for t in tools], dtype=np.int64),
        capital=np.array([t.cost.capital for t in tools], dtype=np.float64),
        budget=np.array([t.cost.budget for t in tools], dtype=np.float64),
        visibility=knob("visibility"), pressure=knob("pressure"), leverage_weight=knob("leverage_weight"),
        acceptance=knob("acceptance"), votes_needed=knob("votes_needed"),
        legitimacy_needed=knob("legitimacy_needed"), inertia_sensitivity=knob("inertia_sensitivity"),
        commerce_cost=knob("commerce_cost"), security_cost=knob("security_cost"), cooldown=knob("cooldown"),
        intervention=np.array([t.category == "intervention" for t in tools]),
        preconditions=tuple(tuple((compile_condition(c, themes, countries), describe(c, names)) for c in t.preconditions)
                            for t in tools),
        all_preconditions=compile_programs([list(t.preconditions) for t in tools], themes, countries),
        effects=stacked,
        risk_tool=np.array([i for i, _ in risks], dtype=np.int64),
        risk_chance=np.array([r.chance for _, r in risks], dtype=np.float64),
        risk_conditional=np.array([r.when is not None for _, r in risks], dtype=bool),
        risk_text=tuple(r.text for _, r in risks),
        risk_conditions=compile_programs([r.when for _, r in risks], themes, countries),
        risk_effects=risk_effects,
    )


def _event_table(events: tuple[Event, ...], themes: list[str], countries: list[str], horizon: int) -> EventTable:
    effects = _stack_or_empty([compile_effects(e.effects, themes, countries, horizon, scaled_allowed=False)
                               for e in events], themes, countries, horizon)
    answers = _stack_or_empty([compile_effects(c.effects, themes, countries, horizon, scaled_allowed=False)
                               for e in events for c in e.choices], themes, countries, horizon)
    n_choices = np.array([len(e.choices) for e in events], dtype=np.int64)

    def default_index(e: Event) -> int:
        ids = [c.id for c in e.choices]
        return ids.index(e.default) if e.default in ids else 0

    return EventTable(
        events=events,
        country=np.array([countries.index(e.country) if e.country else -1 for e in events], dtype=np.int64),
        turn=np.array([e.turn if e.turn is not None else -1 for e in events], dtype=np.int64),
        chance=np.array([e.chance if e.chance is not None else (1.0 / e.mean_turns if e.mean_turns else 1.0)
                         for e in events]),
        conditional=np.array([e.when is not None for e in events], dtype=bool),
        triggers=compile_programs([e.when for e in events], themes, countries),
        once=np.array([e.once for e in events], dtype=bool),
        effects=effects,
        answers=answers,
        first_answer=np.cumsum(n_choices) - n_choices,
        n_choices=n_choices,
        default_choice=np.array([default_index(e) for e in events], dtype=np.int64),
        answer_cost=np.concatenate([choice_costs(e) for e in events] + [np.zeros(0)]),
    )


def build_params(loaded: LoadedScenario) -> Params:
    """Build the rules of a validated, resolved scenario (in the engine's float32, see `single`)."""
    return single(_build_params(loaded))


def single(rules: Any) -> Any:
    """The same rules with every float64 array in float32. The game's quantities are scores on a
    0-100 scale, so seven digits are plenty, and half the bytes per array make a batch much faster."""
    if isinstance(rules, np.ndarray):
        return rules.astype(np.float32) if rules.dtype == np.float64 else rules
    if dataclasses.is_dataclass(rules) and not isinstance(rules, type):
        return type(rules)(**{f.name: single(getattr(rules, f.name)) for f in dataclasses.fields(rules)})
    if isinstance(rules, (tuple, list)):
        return type(rules)(single(x) for x in rules)
    return rules


def _build_params(loaded: LoadedScenario) -> Params:
    sc = loaded.scenario
    themes = [t.id for t in sc.themes]
    countries = [c.id for c in sc.countries]
    all_effects = [e for t in loaded.tools for part in (t.effects, t.on_success, t.on_failure) for e in part]
    all_effects += [e for t in loaded.tools for r in t.risks for e in r.effects]
    all_effects += [e for ev in sc.events for e in ev.effects]
    all_effects += [e for ev in sc.events for c in ev.choices for e in c.effects]
    horizon = effect_horizon(all_effects)

    trade = np.array(loaded.trade, dtype=np.float64)
    initial = np.zeros((len(countries), layout.N_COUNTRY_SCALARS + len(themes)))
    for i, c in enumerate(sc.countries):
        for name, col in layout.COUNTRY.items():
            initial[i, col] = trade[0, i + 1] if name == "trade" else float(getattr(c, name))
        for h, theme in enumerate(themes):
            initial[i, layout.RIGHTS0 + h] = c.rights[theme]
    p = sc.player
    player = np.zeros(layout.N_PLAYER)
    for name, value in (("capital", p.capital_per_turn), ("budget", p.budget), ("credibility", p.credibility),
                        ("inertia", p.inertia), ("fluency", p.fluency), ("commerce", p.commerce),
                        ("security", p.security)):
        player[layout.PLAYER[name]] = value

    objective_progress = tuple(compile_progress(o.condition, themes, countries, loaded.constants.abuse_threshold)
                               for o in sc.objectives)
    deadline = np.array([o.by_turn or sc.turns for o in sc.objectives], dtype=np.int64)
    score_readers = tuple((compile_reader(t.field, themes, countries), t.weight) for t in sc.score)
    return Params(
        scenario_id=sc.id, title=sc.title, turns=sc.turns, default_seed=sc.seed,
        themes=tuple(themes), country_ids=tuple(countries), country_names=tuple(c.name for c in sc.countries),
        constants=loaded.constants, horizon=horizon, initial_country=initial, initial_player=player,
        ally=np.array([c.ally for c in sc.countries]), initial_abuse=np.array([c.abuse for c in sc.countries]), trade_between=trade[1:, 1:].copy(),
        capital_per_turn=p.capital_per_turn, income=p.income,
        commerce_weight=p.commerce_weight, security_weight=p.security_weight,
        tools=_tool_table(tuple(loaded.tools), themes, countries, horizon, {c.id: c.name for c in sc.countries}),
        events=_event_table(tuple(sc.events), themes, countries, horizon),
        objectives=tuple(sc.objectives),
        objective_conditions=compile_programs([o.condition for o in sc.objectives], themes, countries),
        objective_progress=objective_progress, objective_deadline=deadline,
        score_readers=score_readers, available=np.ones(len(loaded.tools), dtype=bool),
    )
