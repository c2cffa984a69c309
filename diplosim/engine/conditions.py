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
from diplosim.scenario.models import Condition
from diplosim.scenario.vocabulary import FieldRef, parse_field

if TYPE_CHECKING:
    from diplosim.engine.state import State

Reader = Callable[["State"], np.ndarray]
Test = Callable[["State"], np.ndarray]

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
        "==": operator.eq, "!=": operator.ne}


def _country_values(ref: FieldRef, theme_index: dict[str, int]) -> Reader:
    """Reader of a per-country quantity as (W, C)."""
    if ref.name == "rights":
        if ref.theme is None:
            return lambda s: s.rights.mean(axis=-1)
        col = layout.RIGHTS0 + theme_index[ref.theme]
        return lambda s: s.country[:, :, col]
    if ref.name == "estimate":
        if ref.theme is None:
            return lambda s: s.estimate.mean(axis=-1)
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
        agg = {"mean": np.mean, "min": np.min, "max": np.max}[ref.subject]
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


def describe(cond: Condition) -> str:
    """A short human reading of a condition, for reasons shown to the player."""
    if cond.field is not None:
        value = int(cond.value) if float(cond.value).is_integer() else cond.value
        return f"{cond.field} {cond.op} {value}"
    if cond.all is not None:
        return " and ".join(describe(c) for c in cond.all)
    if cond.any is not None:
        return "(" + " or ".join(describe(c) for c in cond.any) + ")"
    return f"not ({describe(cond.not_)})"
