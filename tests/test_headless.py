"""`diplosim run`: one headless game, its JSON, its save, and replay of a recorded game."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from diplosim.engine import build_params, get_policy, initial_state, step
from diplosim.engine.rng import game_seed
from diplosim.scenario.loader import load_scenario


def diplosim(*args: str) -> subprocess.CompletedProcess:
    """Run the CLI as a user would."""
    return subprocess.run([sys.executable, "-c", "from diplosim.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_run_prints_a_log_with_causes_and_how_to_replay():
    res = diplosim("run", "--turns", "3", "--seed", "4")
    assert res.returncode == 0, res.stderr
    assert "Turn 1" in res.stdout and "Turn 3" in res.stdout
    assert " — " in res.stdout  # causes
    assert "diplosim run meridian --seed 4 --policy random" in res.stdout


def test_run_json_has_the_promised_fields_and_matches_world_k_of_a_batch():
    seed = int(game_seed(9, 3))
    res = diplosim("run", "--json", "--seed", str(seed), "--policy", "random")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for key in ("scenario", "seed", "policy", "outcome", "score", "countries", "actions"):
        assert key in out
    params = build_params(load_scenario("meridian"))
    policy = get_policy("random")
    s = initial_state(params, game_seed(9, np.arange(8)))
    while not s.done.all():
        s, _ = step(params, s, policy(params, s))
    from diplosim.engine import score
    assert abs(out["score"] - round(float(score(params, s)[3]), 3)) < 1e-9
    assert out["player"]["credibility"] == round(float(s.credibility[3]), 2)


def test_save_then_replay_with_actions_gives_the_same_game(tmp_path):
    save = tmp_path / "g.json"
    first = diplosim("run", "--json", "--seed", "12", "--policy", "greedy", "--turns", "4", "--save", str(save))
    assert first.returncode == 0, first.stderr
    again = diplosim("run", "--json", "--actions", str(save), "--policy", "passive", "--turns", "4")
    assert again.returncode == 0, again.stderr
    a, b = json.loads(first.stdout), json.loads(again.stdout)
    assert a["actions"] == b["actions"] and a["player"] == b["player"] and a["seed"] == b["seed"] == 12


def test_bad_input_gets_one_sentence_and_a_nonzero_exit(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    for args, words in ((["run", "--policy", "gredy"], "Did you mean 'greedy'"),
                        (["run", "--actions", str(bad)], "not valid JSON"),
                        (["run", "--actions", str(tmp_path / "none.json")], "no save file"),
                        (["run", "nowhere_scenario"], "no scenario")):
        res = diplosim(*args)
        assert res.returncode != 0
        assert words in res.stdout + res.stderr
        assert "Traceback" not in res.stdout + res.stderr


def test_game_k_of_a_cli_batch_replays_alone_with_diplosim_run(tmp_path):
    import csv

    out = tmp_path / "b"
    res = diplosim("batch", "--games", "6", "--turns", "5", "--seed", "3", "--workers", "1", "--out", str(out),
                   "--set", "countries.varenna.face=60")
    assert res.returncode == 0, res.stdout + res.stderr
    with open(out / "games.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    row = rows[4]
    alone = diplosim("run", "--json", "--seed", row["seed"], "--turns", "5", "--policy", row["policy"],
                     "--set", "countries.varenna.face=60")
    assert alone.returncode == 0, alone.stderr
    game = json.loads(alone.stdout)
    assert game["outcome"] in row["outcome"] or row["outcome"].startswith(game["outcome"])
    assert abs(game["score"] - float(row["score"])) < 1e-3
