"""Same scenario, seed and actions: the same game bit for bit, alone or as world k of a batch."""

from __future__ import annotations

import json

import numpy as np
import pytest

from diplosim.engine import Game, get_policy, initial_state, step
from diplosim.engine.rng import game_seed, uniform

SEEDS = [0, 7, 2024, 123456789]


def _play_batch(params, seeds, policy_name, turns=None):
    policy = get_policy(policy_name)
    s = initial_state(params, np.asarray(seeds, dtype=np.uint64))
    n = 0
    while not s.done.all() and (turns is None or n < turns):
        s, _ = step(params, s, policy(params, s))
        n += 1
    return s


@pytest.mark.parametrize("policy", ["random", "only:quiet_engagement"])
def test_world_k_of_a_batch_of_64_equals_the_game_alone(meridian, policy):
    seeds = game_seed(11, np.arange(64))
    batch = _play_batch(meridian, seeds, policy)
    for k in (0, 5, 63):
        alone = _play_batch(meridian, seeds[k:k + 1], policy)
        assert alone.equals(batch.world(k)), k


def test_greedy_is_deterministic_across_batch_sizes(params):
    seeds = game_seed(3, np.arange(8))
    batch = _play_batch(params, seeds, "greedy", turns=3)
    alone = _play_batch(params, seeds[6:7], "greedy", turns=3)
    assert alone.equals(batch.world(6))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_game_replays_exactly_from_its_seed_and_orders(meridian, seed):
    a = Game(meridian, seed)
    policy = get_policy("random")
    for _ in range(8):
        a.play_policy_turn(policy)
    b = Game(meridian, seed)
    b.replay(a.turns)
    assert b.state.equals(a.state)
    assert [e.text for e in b.log] == [e.text for e in a.log]


def test_logging_does_not_change_the_numbers(meridian):
    s = initial_state(meridian, game_seed(5, np.arange(16)))
    policy = get_policy("random")
    quiet, loud = s, s
    for _ in range(6):
        acts = policy(meridian, quiet)
        quiet, _ = step(meridian, quiet, acts, log=False)
        loud, entries = step(meridian, loud, acts, log=True)
        assert entries
    assert quiet.same_game(loud)  # everything but the log's own bookkeeping of causes


def test_step_does_not_change_its_input(meridian):
    s = initial_state(meridian, np.arange(4, dtype=np.uint64))
    before = s.copy()
    step(meridian, s, get_policy("random")(meridian, s))
    assert s.equals(before)


def test_randomness_is_a_pure_function_of_seed_turn_and_purpose():
    seeds = np.array([1, 2, 3], dtype=np.uint64)
    a = uniform(seeds, 4, 2, (5,))
    assert np.array_equal(a, uniform(seeds, 4, 2, (5,)))
    assert np.array_equal(a[1:2], uniform(seeds[1:2], 4, 2, (5,)))
    assert not np.array_equal(a, uniform(seeds, 5, 2, (5,)))
    assert not np.array_equal(a, uniform(seeds, 4, 3, (5,)))
    assert 0.45 < uniform(np.arange(2000, dtype=np.uint64), 1, 1).mean() < 0.55


def test_save_load_continue_equals_an_uninterrupted_game(meridian):
    policy = get_policy("random")
    whole = Game(meridian, 99)
    for _ in range(12):
        whole.play_policy_turn(policy)
    part = Game(meridian, 99)
    for _ in range(5):
        part.play_policy_turn(policy)
    data = json.loads(json.dumps(part.to_save("digest")))
    resumed = Game.from_save(meridian, data, "digest")
    assert resumed.state.equals(part.state)
    for _ in range(7):
        resumed.play_policy_turn(policy)
    assert resumed.state.equals(whole.state)


def test_counterfactual_replay_without_one_order_sees_the_same_luck(params):
    g = Game(params, 4)
    g.queue("quiet_engagement", "proudland")
    g.queue("monitoring", "proudland")
    g.end_turn()
    g.end_turn()
    alt = g.without(1, 0)
    assert alt.turns[0].orders == [g.turns[0].orders[1]]
    g2 = Game(params, 4)
    g2.queue("monitoring", "proudland")
    g2.end_turn()
    g2.end_turn()
    assert alt.state.equals(g2.state)


@pytest.mark.parametrize("policy", ["random", "greedy"])
def test_playing_out_a_batch_sets_finished_games_aside_without_changing_any(policy):
    from diplosim.engine import build_params
    from diplosim.engine.play import play_out
    from diplosim.scenario.loader import load_scenario

    params = build_params(load_scenario("trade_or_rights"))  # many of its games are lost early
    seeds = game_seed(5, np.arange(96 if policy == "random" else 24))
    stepped = _play_batch(params, seeds, policy)
    played: list[int] = []
    ended = play_out(params, initial_state(params, seeds), get_policy(policy),
                     each_turn=lambda index, s: played.append(index.size))
    assert ended.equals(stepped)
    assert played[0] == seeds.size and played[-1] < seeds.size  # finished games were set aside
