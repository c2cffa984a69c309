"""The scenario format as typed pydantic models.

A scenario file is validated once, at the edge, into these models; the engine trusts
them. Field descriptions double as the JSON Schema's hover help in an editor.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Level = Annotated[float, Field(ge=0, le=100, description="0-100")]
Probability = Annotated[float, Field(ge=0, le=1, description="a probability, 0-1")]
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=40,
                          description="lower-case letters, digits and _, starting with a letter")]
Text = Annotated[str, Field(max_length=4000)]
Operator = Literal["<", "<=", ">", ">=", "==", "!="]


class Strict(BaseModel):
    """Base for every section: unknown keys are mistakes, numbers must be finite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Condition(Strict):
    """A test on the game state: a comparison, or all/any/not of conditions."""

    field: str | None = Field(None, description="what to read, e.g. target.face, player.commerce, "
                              "borealia.rights.expression, min.stability, turn")
    op: Operator | None = Field(None, description="how to compare: < <= > >= == !=")
    value: float | None = Field(None, description="the number to compare with")
    all: list[Condition] | None = Field(None, description="true when every condition is true")
    any: list[Condition] | None = Field(None, description="true when at least one is true")
    not_: Condition | None = Field(None, alias="not", description="true when the condition is false")

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [self.field is not None, self.all is not None, self.any is not None, self.not_ is not None]
        if sum(forms) != 1:
            raise ValueError("a condition is either 'field'/'op'/'value', or 'all', 'any' or 'not'; "
                             "write exactly one of them")
        if self.field is not None and (self.op is None or self.value is None):
            raise ValueError(f"the comparison on '{self.field}' needs both 'op' (like '>=') and 'value' (a number)")
        return self


class Effect(Strict):
    """A change to one field: `add` per turn, starting after `delay` turns, for `duration` turns."""

    field: str = Field(description="what to change, e.g. target.face, all.rights.expression, player.credibility")
    add: float = Field(ge=-100, le=100, description="amount added each turn it acts (negative to lower)")
    delay: int = Field(0, ge=0, le=10, description="turns before it starts (0 = now)")
    duration: int = Field(1, ge=1, le=10, description="turns it acts for")
    scaled: bool = Field(True, description="scaled by how well the action landed (credibility, "
                         "evidence, fluency); false for fixed costs")


class Cost(Strict):
    """What an action costs when taken."""

    capital: int = Field(1, ge=0, le=10, description="political capital (per-turn action points)")
    budget: float = Field(0, ge=0, le=1000, description="money from the budget")


class Risk(Strict):
    """Something that may go wrong when a tool is used."""

    chance: Probability = Field(description="probability each time the tool is used")
    when: Condition | None = Field(None, description="only possible while this holds")
    effects: list[Effect] = Field(description="what happens if it strikes")
    text: Text = Field(description="what the log says, e.g. 'the target recalls its ambassador'")


class Tool(Strict):
    """A diplomatic tool: costs, who it aims at, and how it lands."""

    id: Id
    name: str = Field(max_length=60)
    description: Text = ""
    category: Literal["pressure", "engagement", "economic", "multilateral", "information",
                      "capacity", "intervention", "global", "internal"] = "pressure"
    target: Literal["country", "forum", "global", "self"] = Field(
        description="country: one government; forum: a resolution about a country (needs votes); "
                    "global: the treaty track; self: your own service")
    cost: Cost = Cost()
    visibility: Probability = Field(0.0, description="how public: public moves spend the target's face")
    pressure: float = Field(0.0, ge=0, le=50, description="push on the government to reform")
    leverage_weight: float = Field(0.0, ge=0, le=2, description="how much your leverage over the "
                                   "target strengthens it")
    acceptance: float = Field(0.0, ge=-5, le=5, description="base willingness of a government to "
                              "accept (log-odds; 0 is even)")
    votes_needed: Probability = Field(0.0, description="forum tools: share of votes needed to pass")
    legitimacy_needed: Level = Field(0.0, description="target legitimacy needed before it can be used")
    inertia_sensitivity: Probability = Field(0.3, description="how much bureaucratic inertia can stall it")
    commerce_cost: float = Field(0.0, ge=0, le=5, description="commerce satisfaction lost per 10 "
                                 "points of trade with the target")
    security_cost: float = Field(0.0, ge=0, le=5, description="security satisfaction lost per 10 "
                                 "points of security cooperation with the target")
    cooldown: int = Field(0, ge=0, le=20, description="turns before it can be used on the same target again")
    preconditions: list[Condition] = Field(default_factory=list, description="all must hold to use it")
    effects: list[Effect] = Field(default_factory=list, description="effects every time it is used")
    on_success: list[Effect] = Field(default_factory=list, description="effects when it lands")
    on_failure: list[Effect] = Field(default_factory=list, description="effects when it is rebuffed")
    risks: list[Risk] = Field(default_factory=list)


class ToolEntry(Strict):
    """A scenario's tool: a standard tool's id with fields to override, or a new complete tool."""

    id: Id
    name: str | None = Field(None, max_length=60)
    description: Text | None = None
    category: Literal["pressure", "engagement", "economic", "multilateral", "information",
                      "capacity", "intervention", "global", "internal"] | None = None
    target: Literal["country", "forum", "global", "self"] | None = None
    cost: Cost | None = None
    visibility: Probability | None = None
    pressure: float | None = Field(None, ge=0, le=50)
    leverage_weight: float | None = Field(None, ge=0, le=2)
    acceptance: float | None = Field(None, ge=-5, le=5)
    votes_needed: Probability | None = None
    legitimacy_needed: Level | None = None
    inertia_sensitivity: Probability | None = None
    commerce_cost: float | None = Field(None, ge=0, le=5)
    security_cost: float | None = Field(None, ge=0, le=5)
    cooldown: int | None = Field(None, ge=0, le=20)
    preconditions: list[Condition] | None = None
    effects: list[Effect] | None = None
    on_success: list[Effect] | None = None
    on_failure: list[Effect] | None = None
    risks: list[Risk] | None = None


class Theme(Strict):
    """A theme of human rights, e.g. freedom of expression."""

    id: Id
    name: str = Field(max_length=60)
    description: Text = ""


class Player(Strict):
    """The player's state: their foreign service and the interests at home."""

    name: str = Field("You", max_length=60)
    color: str = Field("#2b6cb0", pattern=r"^#[0-9a-fA-F]{6}$")
    capital_per_turn: int = Field(3, ge=1, le=10, description="political capital each turn")
    budget: float = Field(100, ge=0, le=10000, description="starting budget")
    income: float = Field(10, ge=0, le=1000, description="budget added each turn")
    credibility: Level = 60
    inertia: Level = 50
    fluency: Level = 30
    commerce: Level = Field(60, description="starting satisfaction of commercial interests")
    security: Level = Field(60, description="starting satisfaction of security interests")
    commerce_weight: float = Field(1.0, ge=0, le=5, description="how much commerce matters at home")
    security_weight: float = Field(1.0, ge=0, le=5, description="how much security matters at home")


class Country(Strict):
    """A country agent: its government's standing, ties and true rights record."""

    id: Id
    name: str = Field(max_length=60)
    description: Text = ""
    color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")
    rights: dict[str, Level] = Field(description="true rights per theme (hidden from the player)")
    face: Level = 50
    resistance: Level = 50
    relations: Level = 50
    security: Level = 20
    aid: Level = 10
    capacity: Level = 30
    civil_society: Level = 30
    stability: Level = 60
    cultural_distance: Level = 40
    rival_pull: Level = 10
    uncertainty: Level = Field(20, description="starting uncertainty of the player's estimate")
    legitimacy: Level = Field(0, description="starting international backing for action against it")
    evidence: Level = Field(0, description="starting documented evidence of its record")
    coalition: Level = Field(0, description="starting allied backing on this country")
    ally: bool = Field(False, description="a treaty ally of the player: joins joint statements readily")
    abuse: bool = Field(False, description="gross abuses under way at the start")


class TradeMatrix(Strict):
    """Trade volumes as a square matrix over `countries` (ids, 'player' included)."""

    countries: list[str]
    volumes: list[list[Annotated[float, Field(ge=0, le=100)]]]


class Choice(Strict):
    """One option of an event's choice."""

    id: Id
    label: str = Field(max_length=80)
    text: Text = Field("", description="the known consequences, shown before the player chooses")
    effects: list[Effect] = Field(default_factory=list)


class Event(Strict):
    """Something that happens: by turn, by condition, or by chance; maybe with a choice."""

    id: Id
    title: str = Field(max_length=80)
    text: Text = ""
    country: str | None = Field(None, description="the country it is about (target.* in effects)")
    turn: int | None = Field(None, ge=1, le=200, description="fires on this turn")
    when: Condition | None = Field(None, description="fires while this holds (with chance, only then)")
    chance: Probability | None = Field(None, description="probability per turn")
    mean_turns: float | None = Field(None, gt=0, le=1000, description="mean turns until it happens "
                                     "(a chance of 1/mean_turns per turn)")
    once: bool = Field(True, description="fires at most once per game")
    effects: list[Effect] = Field(default_factory=list)
    choices: list[Choice] = Field(default_factory=list)
    default: str | None = Field(None, description="choice taken when nobody answers (the first if unset)")

    @model_validator(mode="after")
    def _has_trigger(self) -> Event:
        if self.turn is None and self.when is None and self.chance is None and self.mean_turns is None:
            raise ValueError("an event needs a trigger: 'turn', 'when', 'chance' or 'mean_turns'")
        if self.chance is not None and self.mean_turns is not None:
            raise ValueError("give either 'chance' or 'mean_turns', not both")
        return self


class Objective(Strict):
    """A goal: reach a condition (by a turn or at the end), keep it every turn, or avoid it."""

    id: Id
    text: str = Field(max_length=200, description="how the player sees it")
    kind: Literal["reach", "keep", "avoid"] = "reach"
    condition: Condition
    by_turn: int | None = Field(None, ge=1, le=200, description="reach: deadline (default: the last turn)")
    at_end: bool = Field(False, description="reach: judged at the end instead of the first time it holds")
    points: float = Field(10, ge=0, le=1000)
    required: bool = Field(False, description="the game is lost without it (avoid: lost at once)")


class ScoreTerm(Strict):
    """Extra score at the end: weight × a field's final value."""

    field: str
    weight: float = Field(ge=-10, le=10)


class Claim(Strict):
    """A measurable statement of what the scenario teaches, checked by `diplosim check`."""

    id: Id
    text: str = Field(max_length=200)
    kind: Literal["better", "wins_more", "not_dominant", "win_rate_between"] = Field(
        description="better: policy A ends with a higher metric than policy B; wins_more: A wins more "
                    "often than B; not_dominant: no tool is dominant under a policy; "
                    "win_rate_between: a policy's win rate lies in [low, high]")
    policy: str | None = Field(None, description="policy A, e.g. only:quiet_engagement, greedy")
    versus: str | None = Field(None, description="policy B")
    metric: str | None = Field("score", description="better: 'score' or a field path read at the end")
    low: Probability | None = None
    high: Probability | None = None
    threshold: Probability = Field(0.15, description="not_dominant: the win-rate drop that makes a tool dominant")


class Constants(Strict):
    """Tuning of the rules; the standard values live in the standard rules file."""

    drift_rate: float = Field(0.08, ge=0, le=1, description="how fast rights drift to their equilibrium")
    backslide_rate: float = Field(0.15, ge=0, le=1, description="extra drift downwards (backsliding) "
                                  "before capacity and civil society damp it")
    durability: float = Field(0.8, ge=0, le=1, description="how much capacity and civil society damp backsliding")
    reform_step: float = Field(3.0, ge=0, le=20, description="rights gained by a reform decision")
    crackdown_step: float = Field(2.0, ge=0, le=20, description="rights lost by a hardening decision")
    face_recovery: float = Field(2.0, ge=0, le=20, description="face regained per turn")
    hardening: float = Field(1.0, ge=0, le=5, description="how strongly lost face turns into resistance")
    retaliation: float = Field(1.0, ge=0, le=5, description="how strongly governments retaliate on trade")
    agent_noise: float = Field(0.6, ge=0, le=5, description="randomness of government decisions")
    estimate_noise: float = Field(0.5, ge=0, le=2, description="how far the estimate wanders inside its uncertainty")
    uncertainty_growth: float = Field(1.0, ge=0, le=10, description="uncertainty gained per turn without monitoring")
    pressure_decay: float = Field(0.5, ge=0, le=1, description="share of pressure that carries to the next turn")
    convergence: float = Field(0.05, ge=0, le=1, description="how fast satisfaction follows partners' rights")
    abuse_threshold: Level = Field(15, description="physical-integrity rights below this mean gross abuse")
    intervention_legitimacy: Level = Field(50, description="legitimacy an intervention needs to be seen as lawful")
    hypocrisy_gap: Level = Field(15, description="criticising a partner while ignoring an ally this much worse "
                                 "is a hypocrisy charge")
    max_actions: int = Field(4, ge=1, le=8, description="most actions a turn, whatever the capital")


class TutorialStep(Strict):
    """One step of an in-game introduction: a short text, shown on a turn, pointing at a part of the screen."""

    text: str = Field(max_length=400)
    turn: int = Field(1, ge=1, le=200, description="the turn it is shown on")
    highlight: Literal["map", "country_panel", "status", "palette", "queue", "end_turn", "log", "charts"] | None = (
        Field(None, description="the part of the screen it points at"))


class Scenario(Strict):
    """A whole scenario file."""

    format: Literal[1] = Field(1, description="format version of this file")
    id: Id
    title: str = Field(max_length=80)
    summary: Text
    briefing: Text = ""
    lesson: Text = Field("", description="the lesson this scenario teaches")
    turns: int = Field(30, ge=1, le=200)
    seed: int = Field(1, ge=0, le=2**63 - 1, description="default seed")
    themes: list[Theme] = Field(min_length=1, max_length=12)
    player: Player = Player()
    countries: list[Country] = Field(min_length=1, max_length=60)
    trade: dict[str, dict[str, Annotated[float, Field(ge=0, le=100)]]] | TradeMatrix = Field(
        default_factory=dict, description="trade volume per pair of ids ('player' included), "
        "e.g. {player: {borealia: 40}}; or a square matrix")
    standard_tools: Literal["all"] | list[str] = Field(
        "all", description="the standard tools available: 'all' or a list of their ids")
    tools: list[ToolEntry] = Field(default_factory=list, description="overrides of standard tools "
                                   "(by id, only the fields you change) and new tools")
    events: list[Event] = Field(default_factory=list)
    objectives: list[Objective] = Field(min_length=1)
    score: list[ScoreTerm] = Field(default_factory=list, description="extra score terms at the end")
    constants: dict[str, float] = Field(default_factory=dict, description="overrides of rule constants")
    map: str | dict[str, Any] | None = Field(None, description="a GeoJSON file beside the scenario, "
                                             "or inline GeoJSON; none for an automatic layout")
    claims: list[Claim] = Field(default_factory=list)
    tutorial: list[TutorialStep] = Field(default_factory=list, description="an in-game step-by-step "
                                         "introduction, shown in order")


class Rules(Strict):
    """The standard rules file shipped with diplosim: constants and the standard tools."""

    constants: Constants
    tools: list[Tool]
