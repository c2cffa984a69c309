"""Conditions of the closed vocabulary, compiled once into vectorised tests.

A compiled condition maps a state to booleans of shape (W, C): one answer per world and
per candidate target country (answers that do not depend on the target broadcast).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from diplosim.engine import layout
from diplosim.engine.compiled import jit
from diplosim.engine.sums import country_mean, theme_mean, theme_min
from diplosim.scenario.models import Condition
from diplosim.scenario.vocabulary import FieldRef, parse_field

if TYPE_CHECKING:
    from diplosim.engine.state import State

Reader = Callable[["State"], np.ndarray]
Test = Callable[["State"], np.ndarray]
Progress = Callable[["State"], np.ndarray]


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
    """Compile a condition tree into a vectorised test state -> bool array (W, C)."""
    program = compile_programs([cond], themes, countries)
    return lambda s: program(s)[:, 0]


# A compiled condition is its tree in postfix order, one row per node, so that one compiled loop
# can answer many conditions for every world in a single pass (preconditions, events, objectives).
_LEAF, _ALL, _ANY, _NOT = range(4)
_TARGET, _MEAN, _MIN, _MAX, _PLAYER, _TURN = -1, -2, -3, -4, -5, -6
_SUBJECTS = {"target": _TARGET, "mean": _MEAN, "min": _MIN, "max": _MAX, "player": _PLAYER, "turn": _TURN}
# Where a leaf reads: a country column, a theme mean of rights or estimates, an estimate theme, the
# derived leverage and abuse, a player column, the turn. Abuse and the turn are read as float64,
# the rest in the engine's float32.
_COLUMN, _RIGHTS_MEAN, _ESTIMATE, _ESTIMATE_MEAN, _LEVERAGE, _ABUSE, _PLAYER_COLUMN, _TURN_NUMBER = range(8)
_OP_CODES = {"<": 0, "<=": 1, ">": 2, ">=": 3, "==": 4, "!=": 5}


class Programs:
    """Several conditions compiled together; calling it on a state answers them all (W, P, C).
    An empty list of conditions (all of nothing) always holds. A plain class, not a dataclass:
    params.single would turn its float64 values into float32, and a threshold compared with the
    turn or abuse must stay float64."""

    def __init__(self, code: np.ndarray, value: np.ndarray, offsets: np.ndarray) -> None:
        self.code, self.value, self.offsets = code, value, offsets

    def __len__(self) -> int:
        return self.offsets.shape[0] - 1

    def __call__(self, s: State) -> np.ndarray:
        out = np.empty((s.worlds, len(self), s.country.shape[1]), dtype=bool)
        _evaluate(self.code, self.value, self.offsets, s.country, s.estimate, s.leverage, s.abuse, s.player,
                  s.turn, out)
        return out


def compile_programs(conditions: list[Condition | list[Condition] | None], themes: list[str],
                     countries: list[str]) -> Programs:
    """Compile conditions (a list stands for all of them, None for none) for one pass over worlds."""
    rows: list[tuple[int, int, int, int, int]] = []
    values: list[float] = []
    offsets = [0]
    theme_index = {t: i for i, t in enumerate(themes)}

    def emit(cond: Condition) -> None:
        if cond.field is not None:
            subject, source, column, wide = _leaf_code(parse_field(cond.field, themes=themes, countries=countries,
                                                              writable=False), theme_index, countries)
            # float32 quantities compare with the value in float32, as numpy compares them.
            value = float(cond.value) if wide else float(np.float32(cond.value))
            rows.append((_LEAF, subject, source, column, _OP_CODES[cond.op]))
            values.append(value)
            return
        parts = cond.all if cond.all is not None else cond.any
        if parts is None:
            emit(cond.not_)
            rows.append((_NOT, 0, 0, 0, 0))
        else:
            for part in parts:
                emit(part)
            rows.append((_ALL if cond.all is not None else _ANY, len(parts), 0, 0, 0))
        values.append(0.0)

    for cond in conditions:
        group = [] if cond is None else (cond if isinstance(cond, list) else [cond])
        for part in group:
            emit(part)
        if len(group) != 1:
            rows.append((_ALL, len(group), 0, 0, 0))
            values.append(0.0)
        offsets.append(len(rows))
    return Programs(np.array(rows, dtype=np.int64).reshape(-1, 5), np.array(values, dtype=np.float64),
                    np.array(offsets, dtype=np.int64))


def _leaf_code(ref: FieldRef, theme_index: dict[str, int], countries: list[str]) -> tuple[int, int, int, bool]:
    """(subject, source, column, read in float64) of a leaf's field."""
    if ref.subject == "turn":
        return _TURN, _TURN_NUMBER, 0, True
    if ref.subject == "player":
        return _PLAYER, _PLAYER_COLUMN, layout.PLAYER[ref.name], False
    subject = _SUBJECTS.get(ref.subject, countries.index(ref.subject) if ref.subject in countries else _TARGET)
    if ref.name in ("rights", "estimate"):
        if ref.theme is None:
            return subject, (_RIGHTS_MEAN if ref.name == "rights" else _ESTIMATE_MEAN), 0, False
        h = theme_index[ref.theme]
        return subject, *((_COLUMN, layout.RIGHTS0 + h) if ref.name == "rights" else (_ESTIMATE, h)), False
    if ref.name == "leverage":
        return subject, _LEVERAGE, 0, False
    if ref.name == "abuse":
        return subject, _ABUSE, 0, True
    return subject, _COLUMN, layout.COUNTRY[ref.name], False


@jit
def _values(source, column, country, estimate, leverage, abuse, j0, j1, out):
    """Countries [j0, j1)'s values of a leaf's field (W, C), float32 values kept exactly in float64."""
    n_w = out.shape[0]
    n_h = estimate.shape[2]
    if source == _RIGHTS_MEAN or source == _ESTIMATE_MEAN:  # theme_mean's order and float32 arithmetic
        table, first = (country, layout.RIGHTS0) if source == _RIGHTS_MEAN else (estimate, 0)
        for w in range(n_w):
            for j in range(j0, j1):
                total = table[w, j, first]
                for h in range(1, n_h):
                    total += table[w, j, first + h]
                out[w, j] = total / np.float32(n_h)
    elif source == _COLUMN or source == _ESTIMATE:
        table = country if source == _COLUMN else estimate
        for w in range(n_w):
            for j in range(j0, j1):
                out[w, j] = table[w, j, column]
    elif source == _LEVERAGE:
        for w in range(n_w):
            for j in range(j0, j1):
                out[w, j] = leverage[w, j]
    else:
        for w in range(n_w):
            for j in range(j0, j1):
                out[w, j] = 1.0 if abuse[w, j] else 0.0


@jit
def _compare(x, op, value):
    if op == 0:
        return x < value
    if op == 1:
        return x <= value
    if op == 2:
        return x > value
    if op == 3:
        return x >= value
    if op == 4:
        return x == value
    return x != value


@jit
def _leaf(row, value, country, estimate, leverage, abuse, player, turn, values, held, columns):
    """Answer one leaf for every world into held (W, C): for every candidate target country, or
    only in column 0 when columns is 1 (a program whose answer is the same for every target)."""
    subject, source, column, op = row[1], row[2], row[3], row[4]
    n_w, n_c = held.shape
    if subject == _TARGET and (source == _COLUMN or source == _ESTIMATE):  # compared as read, in one pass
        table = country if source == _COLUMN else estimate
        for w in range(n_w):
            for j in range(n_c):
                held[w, j] = _compare(np.float64(table[w, j, column]), op, value)
        return
    if subject != _TURN and subject != _PLAYER:
        j0, j1 = (subject, subject + 1) if subject >= 0 else (0, n_c)
        _values(source, column, country, estimate, leverage, abuse, j0, j1, values)
    if subject == _TARGET:
        for w in range(n_w):
            for j in range(n_c):
                held[w, j] = _compare(values[w, j], op, value)
        return
    for w in range(n_w):
        if subject == _TURN or subject == _PLAYER:
            x = np.float64(turn[w]) if subject == _TURN else np.float64(player[w, column])
        elif subject >= 0:
            x = values[w, subject]
        elif subject == _MEAN and source == _ABUSE:  # country_mean's order, in float64
            x = values[w, 0]
            for j in range(1, n_c):
                x += values[w, j]
            x = x / n_c
        elif subject == _MEAN:  # in float32
            total = np.float32(values[w, 0])
            for j in range(1, n_c):
                total += np.float32(values[w, j])
            x = np.float64(total / np.float32(n_c))
        else:
            x = values[w, 0]
            for j in range(1, n_c):
                x = min(x, values[w, j]) if subject == _MIN else max(x, values[w, j])
        answer = _compare(x, op, value)
        for j in range(columns):
            held[w, j] = answer


@jit
def _evaluate(code, value, offsets, country, estimate, leverage, abuse, player, turn, out):
    n_w, n_p, n_c = out.shape
    stack = np.empty((code.shape[0] + 1, n_w, n_c), dtype=np.bool_)
    values = np.empty((n_w, n_c))
    for p in range(n_p):
        if offsets[p + 1] - offsets[p] == 1 and code[offsets[p], 0] == _ALL:  # all of nothing (no condition)
            out[:, p, :] = True
            continue
        # A program that never asks about the target answers the same for every target: it is
        # worked out in column 0 alone.
        columns = 1
        for i in range(offsets[p], offsets[p + 1]):
            if code[i, 0] == _LEAF and code[i, 1] == _TARGET:
                columns = n_c
        top = 0
        for i in range(offsets[p], offsets[p + 1]):
            kind = code[i, 0]
            if kind == _LEAF:
                _leaf(code[i], value[i], country, estimate, leverage, abuse, player, turn, values, stack[top], columns)
                top += 1
            elif kind == _NOT:
                for w in range(n_w):
                    for j in range(columns):
                        stack[top - 1, w, j] = not stack[top - 1, w, j]
            else:
                n, every = code[i, 1], kind == _ALL
                for w in range(n_w):
                    for j in range(columns):
                        held = every
                        for k in range(top - n, top):
                            held = (held and stack[k, w, j]) if every else (held or stack[k, w, j])
                        stack[top - n, w, j] = held
                top = top - n + 1
        for w in range(n_w):
            for j in range(n_c):
                out[w, p, j] = stack[0, w, j if columns > 1 else 0]


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
