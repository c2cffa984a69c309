"""Game k of a batch is the game of seed game_seed(S, k) played alone, whatever runs the batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from diplosim.batch.worker import ChunkTask, run_chunk
from diplosim.engine import build_params, score
from diplosim.engine.rng import game_seed
from diplosim.scenario.loader import load_scenario
from tests.batch.helpers import batch, play, rows


@pytest.mark.parametrize(("ref", "policy", "games", "lone"), [
    ("small", "random", 24, (0, 7, 23)),
    ("small", "greedy", 6, (0, 5)),
    ("small", "only:quiet_engagement", 10, (3,)),
    (None, "random", 16, (0, 15)),  # the reference scenario, all 30 turns
])
def test_world_k_equals_a_lone_game(ref: str | None, policy: str, games: int, lone: tuple[int, ...],
                                    scenario: str) -> None:
    params = build_params(load_scenario(scenario if ref == "small" else None))
    seed = 424242
    together = play(params, policy, game_seed(seed, np.arange(games, dtype=np.uint64)))
    for k in lone:
        alone = play(params, policy, np.asarray([game_seed(seed, k)], dtype=np.uint64))
        assert together.world(k).equals(alone), f"world {k} differs from its lone game"


def test_games_csv_rows_replay_alone(scenario: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert batch(scenario, out, games=20, chunk_size=6, seed=99) == 0
    params = build_params(load_scenario(scenario))
    table = rows(out)
    assert [int(r["game"]) for r in table] == list(range(20))
    for k in (0, 13, 19):
        r = table[k]
        assert int(r["seed"]) == int(game_seed(99, k))
        alone = play(params, "random", np.asarray([int(r["seed"])], dtype=np.uint64))
        assert float(r["score"]) == pytest.approx(float(score(params, alone)[0]), abs=1e-4)  # csv: 4 decimals
        assert int(r["uses_quiet_engagement"]) == int(alone.tool_uses[0, params.tool_index("quiet_engagement")])
        assert float(r["credibility"]) == pytest.approx(float(alone.player_field("credibility")[0]), abs=1e-4)


def test_chunk_is_independent_of_how_games_are_cut(scenario: str) -> None:
    load_scenario(scenario)
    digest = load_scenario(scenario).digest
    whole = run_chunk(ChunkTask(scenario, digest, (), "random", None, 5, 0, 12))
    parts = [run_chunk(ChunkTask(scenario, digest, (), "random", None, 5, a, b)) for a, b in ((0, 5), (5, 12))]
    for key in ("seed", "won", "lost", "score", "met", "uses", "successes", "figures", "trajectory"):
        assert np.array_equal(whole[key], np.concatenate([p[key] for p in parts])), key
