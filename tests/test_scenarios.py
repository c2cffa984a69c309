"""The scenario library: every file in scenarios/ validates cleanly, plays to the end under every
kind of bot, and its claims hold under `diplosim check` at CI size (300 games per policy).

The full-size figures (10,000 games per policy) are in docs/balance.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from diplosim.engine import build_params, get_policy, initial_state, score, step
from diplosim.engine.rng import game_seed
from diplosim.scenario.loader import load_scenario
from diplosim.scenario.yamlsafe import ScenarioError

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
CI_GAMES = 300
CI_WORKERS = 2


def test_there_is_a_scenario_library():
    assert len(SCENARIOS) >= 6, [p.name for p in SCENARIOS]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_validates_without_warnings(path):
    try:
        loaded = load_scenario(path)
    except ScenarioError as err:
        pytest.fail("\n".join(p.format() for p in err.problems))
    assert not loaded.warnings, "\n".join(p.format() for p in loaded.warnings)


def _only_policy(loaded) -> str:
    """The only:TOOL policy to play: the first one the claims name, else the first tool."""
    for claim in loaded.scenario.claims:
        for name in (claim.policy, claim.versus):
            if name and name.startswith("only:"):
                return name
    return f"only:{loaded.tools[0].id}"


def _play_to_the_end(params, policy: str, worlds: int):
    s = initial_state(params, game_seed(1, np.arange(worlds)))
    bot = get_policy(policy)
    for _ in range(params.turns + 1):  # one more than the game lasts: a game that never ends fails below
        if s.done.all():
            break
        s, _ = step(params, s, bot(params, s))
    return s


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_plays_to_the_end_under_every_policy(path):
    loaded = load_scenario(path)
    params = build_params(loaded)
    for policy, worlds in (("passive", 8), ("random", 8), (_only_policy(loaded), 8), ("greedy", 4)):
        s = _play_to_the_end(params, policy, worlds)
        assert s.done.all(), f"{policy}: games still running after {params.turns} turns"
        assert (s.turn <= params.turns + 1).all(), f"{policy}: played past the last turn"
        assert np.isfinite(score(params, s)).all(), f"{policy}: a score is not a number"
        assert np.isfinite(s.country).all() and np.isfinite(s.player).all(), \
            f"{policy}: a value is not a number"


class Lines:
    """A console for check_files that keeps what it prints."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def print(self, text: object = "", style: str | None = None) -> None:
        self.lines.append(str(text))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_claims_hold_at_ci_size(path):
    from diplosim.batch.claims import check_files

    console = Lines()
    code = check_files([str(path)], games=CI_GAMES, seed=1, workers=CI_WORKERS, dask=None, console=console,
                       progress=False)
    report = "\n".join(console.lines)
    assert code == 0, f"diplosim check {path.name} --games {CI_GAMES}:\n{report}"
    assert "[held]" in report, report
