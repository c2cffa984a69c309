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
    def entries(self) -> tuple[np.ndarray, ...]:
        """The nonzero parts of every row, as flat lists for the compiled scheduler: (offsets (R + 1,),
        then per entry: where (0 target, 1 player, 2 a given country), turn offset, country, field,
        fixed part, scaled part); row r is entries offsets[r]:offsets[r + 1], its target and player
        parts first, as the turns come, then the parts for given countries."""
        rows = len(self.target_fixed)
        offsets, parts = [0], []
        for r in range(rows):
            for d in range(self.target_fixed.shape[1]):
                for where, fixed, scaled in ((0, self.target_fixed, self.target_scaled),
                                             (1, self.player_fixed, self.player_scaled)):
                    for f in np.nonzero((fixed[r, d] != 0) | (scaled[r, d] != 0))[0]:
                        parts.append((where, d, 0, f, fixed[r, d, f], scaled[r, d, f]))
            nonzero = (self.absolute_fixed[r] != 0) | (self.absolute_scaled[r] != 0)
            for d, c, f in zip(*np.nonzero(nonzero)):
                parts.append((2, d, c, f, self.absolute_fixed[r, d, c, f], self.absolute_scaled[r, d, c, f]))
            offsets.append(len(parts))
        columns = list(zip(*parts)) if parts else [()] * 6
        ints = [np.array(col, dtype=np.int64) for col in columns[:4]]
        floats = [np.array(col, dtype=self.target_fixed.dtype) for col in columns[4:]]
        return (np.array(offsets, dtype=np.int64), *ints, *floats)


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
