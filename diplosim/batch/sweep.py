"""`--set path=value` and `--sweep path=v1,v2,...`: the scenario variants a batch runs.

Every variant is a dict of loader overrides (validated by the loader exactly like the file);
sweeps combine as a grid. Without sweeps there is one variant, labelled "base".
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any


def _parse_override(text: str) -> tuple[str, Any]:
    # The loader (and pydantic) load only now, so a batch can start its workers first.
    from diplosim.scenario.loader import parse_override

    return parse_override(text)


class UsageError(ValueError):
    """A mistake in the command's options: one sentence, exit status 2."""


@dataclass(frozen=True)
class Variant:
    """One combination of overrides."""

    label: str
    overrides: tuple[tuple[str, Any], ...]  # (path, value), sorted by path
    swept: tuple[tuple[str, Any], ...]  # the swept (path, value) pairs only, in --sweep order

    def as_dict(self) -> dict[str, Any]:
        """The overrides for load_scenario."""
        return dict(self.overrides)


def parse_sets(sets: list[str]) -> list[tuple[str, Any]]:
    """Parse every --set; a path given twice is a mistake."""
    out: dict[str, Any] = {}
    for text in sets:
        try:
            key, value = _parse_override(text)
        except ValueError as exc:
            raise UsageError(f"--set {exc}") from None
        if key in out:
            raise UsageError(f"--set gives '{key}' twice; keep one value (use --sweep to try several)")
        out[key] = value
    return list(out.items())


def parse_sweeps(sweeps: list[str]) -> list[tuple[str, list[Any]]]:
    """Parse every --sweep path=v1,v2,... into (path, values)."""
    out: list[tuple[str, list[Any]]] = []
    for text in sweeps:
        key, sep, rest = text.partition("=")
        key = key.strip()
        if not sep or not key or not rest.strip():
            raise UsageError(f"--sweep '{text}' is not of the form path=v1,v2,..., "
                             "like tools.sanctions.cost.capital=1,2,3")
        values = []
        for part in rest.split(","):
            if not part.strip():
                raise UsageError(f"--sweep '{text}' has an empty value; separate values with single commas")
            try:
                values.append(_parse_override(f"{key}={part.strip()}")[1])
            except ValueError as exc:
                raise UsageError(f"--sweep {exc}") from None
        if len(set(map(repr, values))) != len(values):
            raise UsageError(f"--sweep '{text}' lists a value twice; give each value once")
        if any(key == k for k, _ in out):
            raise UsageError(f"--sweep gives '{key}' twice; put all its values in one --sweep")
        out.append((key, values))
    return out


def variants(sets: list[str], sweeps: list[str], turns: int | None) -> list[Variant]:
    """Every combination of the sweeps, each with the --set values and --turns applied."""
    fixed = parse_sets(sets)
    grid = parse_sweeps(sweeps)
    swept_keys = {k for k, _ in grid}
    clash = [k for k, _ in fixed if k in swept_keys]
    if clash:
        raise UsageError(f"'{clash[0]}' is both set with --set and swept with --sweep; keep one")
    base = dict(fixed)
    if turns is not None:
        base["turns"] = turns
    if not grid:
        return [Variant("base", tuple(sorted(base.items())), ())]
    out = []
    for combo in itertools.product(*(values for _, values in grid)):
        swept = tuple(zip((k for k, _ in grid), combo, strict=True))
        label = ", ".join(f"{k}={v}" for k, v in swept)
        out.append(Variant(label, tuple(sorted({**base, **dict(swept)}.items())), swept))
    return out
