"""Conditions of the closed vocabulary, compiled once into vectorised tests.

A compiled condition maps a state to booleans of shape (W, C): one answer per world and
per candidate target country (answers that do not depend on the target broadcast).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from diplosim.engine import layout
from diplosim.engine.sums import country_mean, theme_mean, theme_min
from diplosim.scenario.models import Condition
from diplosim.scenario.vocabulary import FieldRef, parse_field

if TYPE_CHECKING:
    from diplosim.engine.state import State

Reader = Callable[["State"], np.ndarray]
Test = Callable[["State"], np.ndarray]
Progress = Callable[["State"], np.ndarray]

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
        "==": operator.eq, "!=": operator.ne}


def _country_values(ref: FieldRef, theme_index: dict[str, int]) -> Reader:
    """Reader of a per-country quantity as (W, C)."""
    if ref.name == "rights":
        if ref.theme is None:
            return lambda s: theme_mean(s.rights)
        col = layout.RIGHTS0 + theme_index[ref.theme]
        return lambda s: s.country[:, :, col]
    if ref.name == "estimate":
        if ref.theme is None:
            return lambda s: theme_mean(s.estimate)
        h = theme_index[ref.theme]
        return lambda s: s.estimate[:, :, h]
    if ref.name == "leverage":
        return lambda s: s.leverage
    if ref.name == "abuse":
        return lambda s: s.abuse.astype(np.float64)
    col = layout.COUNTRY[ref.name]
    return lambda s: s.country[:, :, col]


def compile_reader(path: str, themes: list[str], countries: list[str]) -> Reader:
    """Compile a readable field path into a function state -> values broadcastable to (W, C)."""
    ref = parse_field(path, themes=themes, countries=countries, writable=False)
    theme_index = {t: i for i, t in enumerate(themes)}
    if ref.subject == "turn":
        return lambda s: s.turn.astype(np.float64)[:, None]
    if ref.subject == "player":
        col = layout.PLAYER[ref.name]
        return lambda s: s.player[:, col:col + 1]
    values = _country_values(ref, theme_index)
    if ref.subject == "target":
        return values
    if ref.subject in ("mean", "min", "max"):
        if ref.subject == "mean":
            return lambda s: country_mean(values(s))[:, None]
        agg = {"min": np.min, "max": np.max}[ref.subject]
        return lambda s: agg(values(s), axis=1, keepdims=True)
    c = countries.index(ref.subject)
    return lambda s: values(s)[:, c:c + 1]


def compile_condition(cond: Condition, themes: list[str], countries: list[str]) -> Test:
    """Compile a condition tree into a vectorised test state -> bool array broadcastable to (W, C)."""
    if cond.field is not None:
        read = compile_reader(cond.field, themes, countries)
        op, value = _OPS[cond.op], float(cond.value)
        return lambda s: op(read(s), value)
    if cond.all is not None:
        parts = [compile_condition(c, themes, countries) for c in cond.all]

        def all_of(s: State) -> np.ndarray:
            out = np.ones((s.worlds, 1), dtype=bool)
            for p in parts:
                out = out & p(s)
            return out
        return all_of
    if cond.any is not None:
        parts = [compile_condition(c, themes, countries) for c in cond.any]

        def any_of(s: State) -> np.ndarray:
            out = np.zeros((s.worlds, 1), dtype=bool)
            for p in parts:
                out = out | p(s)
            return out
        return any_of
    inner = compile_condition(cond.not_, themes, countries)
    return lambda s: ~inner(s)


def compile_progress(cond: Condition, themes: list[str], countries: list[str],
                     abuse_threshold: float = 15.0) -> Progress:
    """How close a condition is to holding, from 0 (far) to 1 (holds), vectorised like conditions."""
    if cond.field is not None and cond.field.split(".")[-1] == "abuse":
        return _abuse_progress(cond, countries, abuse_threshold)
    if cond.field is not None:
        read = compile_reader(cond.field, themes, countries)
        x, op = float(cond.value), cond.op
        if op in (">=", ">"):
            return lambda s: np.clip(1.0 - (x - read(s)) / 40.0, 0.0, 1.0)
        if op in ("<=", "<"):
            return lambda s: np.clip(1.0 - (read(s) - x) / 40.0, 0.0, 1.0)
        if op == "==":
            return lambda s: np.clip(1.0 - np.abs(read(s) - x) / 40.0, 0.0, 1.0)
        return lambda s: np.where(read(s) != x, 1.0, 0.0)
    if cond.all is not None:
        parts = [compile_progress(c, themes, countries, abuse_threshold) for c in cond.all]
        return lambda s: sum(p(s) for p in parts) / len(parts)
    if cond.any is not None:
        parts = [compile_progress(c, themes, countries, abuse_threshold) for c in cond.any]
        return lambda s: np.maximum.reduce([np.broadcast_to(p(s), (s.worlds, len(countries))) for p in parts])
    inner = compile_progress(cond.not_, themes, countries, abuse_threshold)
    return lambda s: 1.0 - inner(s)


def _abuse_progress(cond: Condition, countries: list[str], threshold: float) -> Progress:
    """Abuse is 0 or 1, which gives a bot no slope to climb: measure instead how far each country's
    worst theme stands above the abuse threshold (the distance that decides it)."""
    subject = cond.field.split(".")[0]
    wants_none = (cond.op in ("==", "<=") and cond.value < 1) or (cond.op == "<" and cond.value <= 1) or (
        cond.op == "!=" and cond.value >= 1)

    def progress(s: State) -> np.ndarray:
        safety = np.clip((theme_min(s.rights) - threshold + 10.0) / 25.0, 0.0, 1.0)
        if subject in countries:
            safety = safety[:, countries.index(subject):countries.index(subject) + 1]
        elif subject in ("max", "min", "mean"):
            safety = safety.min(axis=1, keepdims=True) if subject == "max" else (
                safety.max(axis=1, keepdims=True) if subject == "min" else country_mean(safety)[:, None])
        return safety if wants_none else 1.0 - safety
    return progress


# How a reason shown to the player names each field ("needs the target's aid dependence of 10 or
# more", never "needs target.aid >= 10").
_FIELD_WORDS = {
    "security": "security cooperation", "aid": "aid dependence", "capacity": "institutional capacity",
    "civil_society": "civil society", "cultural_distance": "cultural distance", "rival_pull": "rival patron's pull",
    "coalition": "coalition backing", "uncertainty": "estimate uncertainty", "estimate": "estimated rights",
    "capital": "political capital", "commerce": "commerce satisfaction", "fluency": "cultural fluency",
    "treaty": "treaty progress", "resolutions": "resolutions passed",
}
_PLAYER_WORDS = {"security": "security satisfaction"}
_COMPARE = {">=": "{} or more", ">": "above {}", "<=": "{} or less", "<": "below {}", "==": "exactly {}",
            "!=": "other than {}"}


def describe(cond: Condition, names: dict[str, str] | None = None) -> str:
    """A short human reading of a condition, for reasons shown to the player ("your credibility
    below 85"); `names` maps country ids to their display names."""
    if cond.all is not None:
        return " and ".join(describe(c, names) for c in cond.all)
    if cond.any is not None:
        return "(" + " or ".join(describe(c, names) for c in cond.any) + ")"
    if cond.field is None:
        return f"not ({describe(cond.not_, names)})"
    value = int(cond.value) if float(cond.value).is_integer() else cond.value
    subject, _, rest = cond.field.partition(".")
    name = rest.split(".")[0]
    if subject == "turn":
        return f"turn {value} or later" if cond.op == ">=" else _COMPARE[cond.op].format(f"turn {value}")
    if name == "abuse":
        wants = (cond.op in ("==", ">=") and value >= 1) or (cond.op in ("!=", "<") and value < 1) or cond.op == ">"
        if subject == "max":  # is anyone abusing?
            return f"{'some' if wants else 'no'} government to be committing gross abuses"
        if subject == "min":  # is everyone?
            return "every government to be committing gross abuses" if wants else \
                "some government not to be committing gross abuses"
        who = "the target" if subject == "target" else (names or {}).get(subject, subject)
        return f"{who} {'' if wants else 'not '}to be committing gross abuses"
    compare = _COMPARE[cond.op].format(value)
    return f"{field_words(cond.field, names)} {'of ' if cond.op in ('>=', '<=') else ''}{compare}"


def field_words(path: str, names: dict[str, str] | None = None) -> str:
    """A field path in words: "target.aid" -> "the target's aid dependence", "player.credibility"
    -> "your credibility", "all.relations" -> "every government's relations"."""
    parts = path.split(".")
    subject, name, theme = parts[0], (parts[1] if len(parts) > 1 else ""), (parts[2] if len(parts) > 2 else None)
    if subject == "turn":
        return "the turn"
    what = (_PLAYER_WORDS.get(name) if subject == "player" else None) or _FIELD_WORDS.get(name, name.replace("_", " "))
    if theme is not None:
        what = f"{what} ({theme.replace('_', ' ')})"
    who = {"target": "the target's ", "player": "your ", "mean": "average ", "min": "lowest ", "max": "highest ",
           "all": "every government's "}.get(subject, f"{(names or {}).get(subject, subject)}'s ")
    return f"{who}{what}"
