"""Cross-reference checks on a scenario that pydantic has already validated.

Every check returns located Problems (errors and warnings) rather than raising, so a file's
mistakes are all reported at once. The resolved pieces the loader needs (complete tools,
constants, the trade matrix, the map's outlines) are built here too, because building them is
where their mistakes are found.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from diplosim.scenario.claims import check_claims
from diplosim.scenario.geomap import read_map
from diplosim.scenario.layout import Ring
from diplosim.scenario.messages import did_you_mean, problems_from_validation_error
from diplosim.scenario.models import Condition, Constants, Effect, Rules, Scenario, Tool
from diplosim.scenario.vocabulary import (
    COUNTRY_FIELDS,
    DERIVED_COUNTRY_FIELDS,
    SPECIAL_SUBJECTS,
    FieldRef,
    parse_field,
)
from diplosim.scenario.yamlsafe import Problem, YamlDocument

Loc = tuple[Any, ...]
# Player fields that only effects move (no mechanic does): with no writer they stay at 0.
COUNTERS = ("treaty", "resolutions", "interventions")
_PLAYER_RANGES = {"capital": (0, 10), "budget": (0, math.inf), "resolutions": (0, math.inf),
                  "interventions": (0, math.inf)}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


@dataclass
class CheckResult:
    """What the checks resolved, and every problem they found."""

    tools: tuple[Tool, ...] = ()
    constants: Constants | None = None
    trade: tuple[tuple[float, ...], ...] = ()
    rings: dict[str, list[Ring]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class _Report:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc, self.problems = doc, []

    def error(self, loc: Loc, message: str) -> None:
        self.problems.append(self.doc.problem(tuple(loc), message))

    def warn(self, loc: Loc, message: str) -> None:
        self.problems.append(self.doc.problem(tuple(loc), message, "warning"))


def check_scenario(scenario: Scenario, doc: YamlDocument, rules: Rules,
                   base_dir: Path | None) -> CheckResult:
    """Run every check; the result's tools/constants/trade are only complete without errors."""
    rep = _Report(doc)
    _check_ids(scenario, rep)
    _check_rights(scenario, rep)
    tools, entry_tools = _resolve_tools(scenario, rules, rep)
    constants = _resolve_constants(scenario, rules, doc, rep)
    trade = _build_trade(scenario, rep)
    _check_fields(scenario, entry_tools, rep)
    _check_events_objectives(scenario, rep)
    rings = read_map(scenario, base_dir, rep.error, rep.warn)
    check_claims(scenario, tools, rep.error)
    _warnings(scenario, tools, rep)
    return CheckResult(tuple(tools), constants, trade, rings, rep.problems)


# --- ids ------------------------------------------------------------------------------------
def _check_ids(sc: Scenario, rep: _Report) -> None:
    sections = [("themes", "theme", sc.themes), ("countries", "country", sc.countries),
                ("tools", "tool", sc.tools), ("events", "event", sc.events),
                ("objectives", "objective", sc.objectives), ("claims", "claim", sc.claims)]
    for i, event in enumerate(sc.events):
        sections.append((("events", i, "choices"), "choice", event.choices))
    for key, what, items in sections:
        base = key if isinstance(key, tuple) else (key,)
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                line = rep.doc.locate((*base, seen[item.id]))[0]
                rep.error((*base, i, "id"), f"the {what} id '{item.id}' is used twice (first on "
                          f"line {line}); give each {what} its own id")
            seen.setdefault(item.id, i)
            if what in ("theme", "country") and item.id in SPECIAL_SUBJECTS:
                rep.error((*base, i, "id"), f"'{item.id}' is a reserved word in field paths "
                          f"({', '.join(SPECIAL_SUBJECTS)}); choose another {what} id")


def _check_rights(sc: Scenario, rep: _Report) -> None:
    themes = [t.id for t in sc.themes]
    for i, country in enumerate(sc.countries):
        for key in country.rights:
            if key not in themes:
                rep.error(("countries", i, "rights", key), f"'{key}' is not a theme of this "
                          f"scenario (themes: {', '.join(themes)}).{did_you_mean(key, themes)}")
        missing = [t for t in themes if t not in country.rights]
        if missing:
            adds = ", ".join(f"`{t}: 40`" for t in missing)
            rep.error(("countries", i, "rights"), f"no value for the theme(s) {', '.join(missing)}; "
                      f"add a 0-100 level for each, like {adds}")


# --- tools and constants --------------------------------------------------------------------
def _resolve_tools(sc: Scenario, rules: Rules,
                   rep: _Report) -> tuple[list[Tool], dict[int, Tool]]:
    """Complete tools in palette order, and the tool each `tools:` entry resolved to."""
    standard = {t.id: t for t in rules.tools}
    if sc.standard_tools == "all":
        chosen = list(standard)
    else:
        chosen = []
        for i, tool_id in enumerate(sc.standard_tools):
            if tool_id not in standard:
                rep.error(("standard_tools", i), f"'{tool_id}' is not a standard tool."
                          f"{did_you_mean(tool_id, standard)} See `diplosim schema` or "
                          "docs/authoring.md for the list")
            elif tool_id in chosen:
                rep.error(("standard_tools", i), f"'{tool_id}' is listed twice; keep one")
            else:
                chosen.append(tool_id)
    resolved: dict[str, Tool] = {tid: standard[tid] for tid in chosen}
    entry_tools: dict[int, Tool] = {}
    for i, entry in enumerate(sc.tools):
        changes = entry.model_dump(exclude_unset=True, by_alias=True)
        if entry.id in standard:
            merged = _merge(standard[entry.id].model_dump(exclude_unset=True, by_alias=True), changes)
        else:
            merged = changes
        try:
            tool = Tool.model_validate(merged)
        except pydantic.ValidationError as err:
            missing = [str(e["loc"][0]) for e in err.errors() if e["type"] == "missing"]
            if missing:
                rep.error(("tools", i, "id"), f"'{entry.id}' is not a standard tool, so it needs a "
                          f"complete definition: add {' and '.join(repr(m) for m in missing)}."
                          f"{did_you_mean(entry.id, standard)}")
            else:  # ToolEntry and Tool share their bounds, so this is not expected
                rep.error(("tools", i), f"tool '{entry.id}' is not valid: {err.errors()[0]['msg']}")
            continue
        entry_tools[i] = resolved[entry.id] = tool
    return list(resolved.values()), entry_tools


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        both_dicts = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merge(out[key], value) if both_dicts else value  # lists replace whole
    return out


class _ConstantsHolder(pydantic.BaseModel):
    constants: Constants


def _resolve_constants(sc: Scenario, rules: Rules, doc: YamlDocument,
                       rep: _Report) -> Constants | None:
    names = list(Constants.model_fields)
    unknown = [key for key in sc.constants if key not in names]
    for key in unknown:
        hint = did_you_mean(key, names) or f" The constants are: {', '.join(names)}."
        rep.error(("constants", key), f"'{key}' is not a rule constant; remove it or fix the "
                  f"spelling.{hint}")
    known = {k: v for k, v in sc.constants.items() if k not in unknown}
    try:
        merged = {**rules.constants.model_dump(), **known}
        constants = _ConstantsHolder.model_validate({"constants": merged}).constants
    except pydantic.ValidationError as err:
        rep.problems.extend(problems_from_validation_error(err, doc))
        return None
    return None if unknown else constants


# --- trade ----------------------------------------------------------------------------------
def _build_trade(sc: Scenario, rep: _Report) -> tuple[tuple[float, ...], ...]:
    ids = ["player"] + [c.id for c in sc.countries]
    index = {cid: i for i, cid in enumerate(ids)}
    n = len(ids)
    matrix = [[0.0] * n for _ in range(n)]
    given: dict[tuple[int, int], float] = {}

    def put(a: int, b: int, value: float, loc: Loc) -> None:
        if a == b:
            if value:
                rep.error(loc, f"'{ids[a]}' cannot trade with itself; remove this value or set it to 0")
            return
        key = (min(a, b), max(a, b))
        if key in given and given[key] != value:
            rep.error(loc, f"trade between {ids[a]} and {ids[b]} is given twice with different "
                      f"values ({given[key]:g} and {value:g}); give it once")
        given.setdefault(key, value)
        matrix[a][b] = matrix[b][a] = given[key]

    def known(name: str, loc: Loc) -> bool:
        if name not in index:
            rep.error(loc, f"'{name}' is not 'player' or a country id of this scenario."
                      f"{did_you_mean(name, ids)}")
        return name in index

    if isinstance(sc.trade, dict):
        for a, row in sc.trade.items():
            if known(a, ("trade", a)):
                for b, value in row.items():
                    if known(b, ("trade", a, b)):
                        put(index[a], index[b], value, ("trade", a, b))
        return tuple(tuple(r) for r in matrix)
    names, rows = sc.trade.countries, sc.trade.volumes
    ok = True
    for i, name in enumerate(names):
        ok = known(name, ("trade", "countries", i)) and ok
        if name in names[:i]:
            ok = False
            rep.error(("trade", "countries", i), f"'{name}' is listed twice; list each id once")
    if len(rows) != len(names):
        ok = False
        rep.error(("trade", "volumes"), f"the matrix has {len(rows)} row(s) but 'countries' lists "
                  f"{len(names)} ids; give one row per id, in the same order")
    for i, row in enumerate(rows):
        if len(row) != len(names):
            ok = False
            rep.error(("trade", "volumes", i), f"row {i + 1} has {len(row)} value(s) but the matrix "
                      f"needs {len(names)} (one per id in 'countries'); make it square")
    if ok:
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if j >= i:
                    put(index[names[i]], index[names[j]], value, ("trade", "volumes", i, j))
                elif value != rows[j][i]:
                    rep.error(("trade", "volumes", i, j), f"trade {names[i]}-{names[j]} is {value:g} "
                              f"here but {rows[j][i]:g} in row {j + 1}; the matrix must be symmetric")
    return tuple(tuple(r) for r in matrix)


# --- field paths ----------------------------------------------------------------------------
def _conditions(cond: Condition, loc: Loc) -> Iterator[tuple[str, Loc]]:
    if cond.field is not None:
        yield cond.field, (*loc, "field")
    for key, items in (("all", cond.all), ("any", cond.any)):
        for i, sub in enumerate(items or ()):
            yield from _conditions(sub, (*loc, key, i))
    if cond.not_ is not None:
        yield from _conditions(cond.not_, (*loc, "not"))


def _effects(effects: list[Effect], loc: Loc) -> Iterator[tuple[str, Loc]]:
    for i, effect in enumerate(effects):
        yield effect.field, (*loc, i, "field")


def _tool_paths(tool: Tool, loc: Loc, only: set[str] | None = None
                ) -> Iterator[tuple[str, Loc, bool]]:
    """(path, loc, writable) of every field a tool names; `only` limits it to those keys."""
    def wanted(key: str) -> bool:
        return only is None or key in only
    for i, cond in enumerate(tool.preconditions if wanted("preconditions") else ()):
        for path, where in _conditions(cond, (*loc, "preconditions", i)):
            yield path, where, False
    for key in ("effects", "on_success", "on_failure"):
        for path, where in _effects(getattr(tool, key) if wanted(key) else [], (*loc, key)):
            yield path, where, True
    for i, risk in enumerate(tool.risks if wanted("risks") else ()):
        if risk.when is not None:
            for path, where in _conditions(risk.when, (*loc, "risks", i, "when")):
                yield path, where, False
        for path, where in _effects(risk.effects, (*loc, "risks", i, "effects")):
            yield path, where, True


def _check_fields(sc: Scenario, entry_tools: dict[int, Tool], rep: _Report) -> None:
    themes, countries = [t.id for t in sc.themes], [c.id for c in sc.countries]

    def check(path: str, loc: Loc, writable: bool, target_why: str | None) -> None:
        try:
            parse_field(path, themes=themes, countries=countries, writable=writable)
        except ValueError as exc:
            rep.error(loc, str(exc))
            return
        if target_why and path.strip().split(".")[0] == "target":
            rep.error(loc, f"'{path}' names the target, but {target_why}")

    for i, entry in enumerate(sc.tools):
        tool = entry_tools.get(i)
        if tool is None:
            continue
        why = None if tool.target in ("country", "forum") else (
            f"this tool's target is '{tool.target}', not a country; name a country "
            "(like 'borealia.face'), 'all.' or 'player.' instead")
        for path, loc, writable in _tool_paths(tool, ("tools", i), entry.model_fields_set):
            check(path, loc, writable, why)
        inherited = {"preconditions", "effects", "on_success", "on_failure", "risks"} - \
            entry.model_fields_set
        if why and entry.target is not None:  # effects inherited from a standard tool
            for path, _, _ in _tool_paths(tool, ("tools", i), inherited):
                if path.strip().split(".")[0] == "target":
                    rep.error(("tools", i, "target"), f"the standard tool '{tool.id}' acts on "
                              f"'{path}', so its target cannot be '{tool.target}'; keep its "
                              "target or replace its effects and preconditions too")
                    break
    for i, event in enumerate(sc.events):
        why = None if event.country else ("this event has no 'country'; add `country: <id>` to "
                                          "the event or name a country, like 'borealia.face'")
        loc = ("events", i)
        paths = list(_conditions(event.when, (*loc, "when"))) if event.when else []
        for path, where in paths:
            check(path, where, False, why)
        for path, where in _effects(event.effects, (*loc, "effects")):
            check(path, where, True, why)
        for k, choice in enumerate(event.choices):
            for path, where in _effects(choice.effects, (*loc, "choices", k, "effects")):
                check(path, where, True, why)
    no_target = "objectives and scores have no target; name a country, like 'borealia.face'"
    for i, objective in enumerate(sc.objectives):
        for path, where in _conditions(objective.condition, ("objectives", i, "condition")):
            check(path, where, False, no_target)
    for i, term in enumerate(sc.score):
        check(term.field, ("score", i, "field"), False, no_target)


def _check_events_objectives(sc: Scenario, rep: _Report) -> None:
    countries = [c.id for c in sc.countries]
    for i, event in enumerate(sc.events):
        if event.country is not None and event.country not in countries:
            rep.error(("events", i, "country"), f"'{event.country}' is not a country id of this "
                      f"scenario.{did_you_mean(event.country, countries)}")
        choice_ids = [c.id for c in event.choices]
        if event.default is not None and not choice_ids:
            rep.error(("events", i, "default"), "'default' picks one of the event's choices, but "
                      "it has none; add 'choices' or remove 'default'")
        elif event.default is not None and event.default not in choice_ids:
            rep.error(("events", i, "default"), f"'{event.default}' is not one of this event's "
                      f"choices ({', '.join(choice_ids)}).{did_you_mean(event.default, choice_ids)}")
        if event.turn is not None and event.turn > sc.turns:
            rep.warn(("events", i, "turn"), f"turn {event.turn} is after the last turn "
                     f"({sc.turns}), so this event never happens")
    for i, objective in enumerate(sc.objectives):
        if objective.by_turn is not None and objective.by_turn > sc.turns:
            rep.error(("objectives", i, "by_turn"), f"turn {objective.by_turn} is after the last "
                      f"turn ({sc.turns}); use a turn from 1 to {sc.turns}")


# --- warnings -------------------------------------------------------------------------------
def _range(ref: FieldRef, sc: Scenario, written: set[str]) -> tuple[float, float]:
    if ref.subject == "turn":
        return (1, sc.turns)
    if ref.subject == "player":
        if ref.name in COUNTERS and f"player.{ref.name}" not in written:
            return (0, 0)
        return _PLAYER_RANGES.get(ref.name, (0, 100))
    if ref.name == "abuse":
        return (0, 1)
    return (0, 100) if ref.name in (*COUNTRY_FIELDS, *DERIVED_COUNTRY_FIELDS, "rights") else \
        (-math.inf, math.inf)


def _possible(cond: Condition, ranges: Any, negate: bool = False) -> bool:
    """False only when the condition can never hold (or, negated, always holds)."""
    if cond.field is not None:
        lo, hi = ranges(cond.field)
        op, v = (_NEGATE[cond.op] if negate else cond.op), cond.value
        return {"<": lo < v, "<=": lo <= v, ">": hi > v, ">=": hi >= v,
                "==": lo <= v <= hi, "!=": not lo == hi == v}[op]
    if cond.not_ is not None:
        return _possible(cond.not_, ranges, not negate)
    is_all = cond.all is not None
    parts = [_possible(c, ranges, negate) for c in (cond.all if is_all else cond.any or [])]
    return all(parts) if is_all != negate else any(parts)


def _warnings(sc: Scenario, tools: list[Tool], rep: _Report) -> None:
    if any(p.severity == "error" for p in rep.problems):
        return  # field paths may not parse; warnings wait until the errors are fixed
    themes, countries = [t.id for t in sc.themes], [c.id for c in sc.countries]
    written = {e.field.strip() for t in tools for key in ("effects", "on_success", "on_failure")
               for e in getattr(t, key)}
    written |= {e.field.strip() for t in tools for r in t.risks for e in r.effects}
    written |= {e.field.strip() for ev in sc.events for e in ev.effects}
    written |= {e.field.strip() for ev in sc.events for c in ev.choices for e in c.effects}

    def ranges(path: str) -> tuple[float, float]:
        ref = parse_field(path, themes=themes, countries=countries, writable=False)
        return _range(ref, sc, written)

    for i, objective in enumerate(sc.objectives):
        loc = ("objectives", i, "condition")
        counters = [p for p, _ in _conditions(objective.condition, loc)
                    if p.strip() in {f"player.{c}" for c in COUNTERS} and p.strip() not in written]
        hint = (f"; no tool or event changes {', '.join(counters)}, so it stays at 0"
                if counters else "; the fields it reads stay within 0-100")
        if objective.kind == "avoid":
            if not _possible(objective.condition, ranges, negate=True):
                rep.warn(loc, f"this condition always holds, so the objective '{objective.id}' "
                         f"is failed from the start{hint}")
        elif not _possible(objective.condition, ranges):
            rep.warn(loc, f"this condition can never hold, so the objective '{objective.id}' "
                     f"can never be met{hint}")
        elif objective.kind == "reach" and objective.by_turn == 1 and not objective.at_end:
            rep.warn(("objectives", i, "by_turn"), "by_turn 1 leaves the player no turn to act; "
                     "give a later turn")
    standard = "tools" if sc.tools else "standard_tools"
    if tools and not any(t.target in ("country", "forum") for t in tools):
        rep.warn((standard,), "no available tool acts on a country (all target 'self' or "
                 "'global'), so the player cannot aim at any country; add a country tool")
    by_id = {t.id: t for t in tools}
    for i, entry in enumerate(sc.tools):
        tool = by_id.get(entry.id)
        if tool is None:
            continue
        if not (tool.pressure or tool.effects or tool.on_success or tool.on_failure or tool.risks):
            rep.warn(("tools", i, "id"), f"the tool '{tool.id}' has no pressure and no effects, so "
                     "using it can change nothing; give it 'pressure' or 'on_success' effects")
            continue
        if not all(_possible(c, ranges) for c in tool.preconditions):
            rep.warn(("tools", i, "preconditions"), f"the preconditions of '{tool.id}' can never "
                     "all hold, so it can never be used")

