"""Effects of the closed vocabulary, compiled once into dense arrays.

An effect block holds, for every turn offset d in [0, horizon), the per-turn change to the
target country's fields, to every country's fields and to the player's fields. Scaled parts
are multiplied by how well an action landed; fixed parts are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from diplosim.engine import layout
from diplosim.scenario.models import Effect
from diplosim.scenario.vocabulary import parse_field


@dataclass(frozen=True)
class EffectBlock:
    """Dense effects: arrays (..., horizon, F) / (..., horizon, C, F) / (..., horizon, P)."""

    target_fixed: np.ndarray
    target_scaled: np.ndarray
    absolute_fixed: np.ndarray
    absolute_scaled: np.ndarray
    player_fixed: np.ndarray
    player_scaled: np.ndarray

    @cached_property
    def has_absolute(self) -> np.ndarray:
        """Whether any absolute (named-country or all-country) effect is present, per row."""
        axes = tuple(range(1, self.absolute_fixed.ndim))
        return (self.absolute_fixed != 0).any(axis=axes) | (self.absolute_scaled != 0).any(axis=axes)

    @cached_property
    def now(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """This turn's part of each row, contiguous (target fixed/scaled (R, F), player fixed/scaled
        (R, P)): most effects act at once, and gathering from these is cheap."""
        return tuple(np.ascontiguousarray(getattr(self, f)[:, 0]) for f in
                     ("target_fixed", "target_scaled", "player_fixed", "player_scaled"))

    @cached_property
    def has_delayed(self) -> np.ndarray:
        """Whether a row changes the target or the player on later turns (not only this one)."""
        return np.stack([(getattr(self, f)[:, 1:] != 0).reshape(len(self.target_fixed), -1).any(axis=1)
                         for f in ("target_fixed", "target_scaled", "player_fixed", "player_scaled")]).any(axis=0)

    @cached_property
    def is_empty(self) -> np.ndarray:
        """Whether a row has no effect at all."""
        axes = lambda a: tuple(range(1, a.ndim))
        return ~self.has_absolute & ~np.stack([(getattr(self, f) != 0).any(axis=axes(getattr(self, f)))
                                                for f in ("target_fixed", "target_scaled", "player_fixed",
                                                          "player_scaled")]).any(axis=0)


def effect_horizon(effects: list[Effect]) -> int:
    """Turns of the pending buffer these effects need (at least 1)."""
    return max([e.delay + e.duration for e in effects] + [1])


def compile_effects(effects: list[Effect], themes: list[str], countries: list[str], horizon: int,
                    scaled_allowed: bool = True) -> EffectBlock:
    """Compile a list of effects into one dense block."""
    n_fields = layout.N_COUNTRY_SCALARS + len(themes)
    n_c = len(countries)
    tf = np.zeros((horizon, n_fields))
    ts = np.zeros_like(tf)
    af = np.zeros((horizon, n_c, n_fields))
    as_ = np.zeros_like(af)
    pf = np.zeros((horizon, layout.N_PLAYER))
    ps = np.zeros_like(pf)
    for e in effects:
        ref = parse_field(e.field, themes=themes, countries=countries, writable=True)
        scaled = e.scaled and scaled_allowed
        turns = slice(e.delay, e.delay + e.duration)
        if ref.subject == "player":
            (ps if scaled else pf)[turns, layout.PLAYER[ref.name]] += e.add
            continue
        if ref.name == "rights":
            cols = ([layout.RIGHTS0 + themes.index(ref.theme)] if ref.theme
                    else list(range(layout.RIGHTS0, n_fields)))
        else:
            cols = [layout.COUNTRY[ref.name]]
        if ref.subject == "target":
            (ts if scaled else tf)[turns, cols] += e.add
        else:
            rows = slice(None) if ref.subject == "all" else countries.index(ref.subject)
            block = as_ if scaled else af
            for col in cols:
                block[turns, rows, col] += e.add
    return EffectBlock(tf, ts, af, as_, pf, ps)


def stack_blocks(blocks: list[EffectBlock]) -> EffectBlock:
    """Stack blocks of equal horizon along a new leading axis."""
    return EffectBlock(*(np.stack([getattr(b, f) for b in blocks]) for f in EffectBlock.__dataclass_fields__))
