"""The greedy bot's lookahead: candidate actions and answers to events, judged a few turns ahead."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from diplosim.engine import build_params, initial_state, step
from diplosim.engine.actions import Actions
from diplosim.engine.lookahead import QUIET_TURNS, action_values, player_view, shaped_value
from diplosim.scenario.loader import load_scenario


def _imagine(params, s, acts, quiet):
    after, _ = step(params, player_view(params, s), acts)
    for _ in range(quiet):
        after, _ = step(params, after, Actions.empty(params, s.worlds, 1))
    return shaped_value(params, after)


def test_the_lookahead_leaves_the_real_worlds_alone(params):
    s = initial_state(params, np.arange(6, dtype=np.uint64))
    before = s.copy()
    gains, nothing, choice = action_values(params, s)
    assert s.equals(before)
    assert gains.shape == (6, params.n_tools * (params.n_countries + 1)) and nothing.shape == (6,)
    assert np.isfinite(gains).any(axis=1).all()
    assert (choice == -1).all()  # no event is waiting


def test_gains_are_the_imagined_value_of_an_action_then_quiet_turns(params):
    s = initial_state(params, np.arange(4, dtype=np.uint64))
    gains, nothing, _ = action_values(params, s)
    assert np.allclose(nothing, _imagine(params, s, Actions.empty(params, 4, 1), QUIET_TURNS))
    pair = int(np.argmax(np.isfinite(gains).all(axis=0)))
    n_cols = params.n_countries + 1
    acts = Actions.empty(params, 4, 1)
    acts.tool[:, 0] = pair // n_cols
    acts.target[:, 0] = pair % n_cols if pair % n_cols < params.n_countries else -1
    assert np.allclose(gains[:, pair], _imagine(params, s, acts, QUIET_TURNS) - nothing)


def test_each_awaiting_event_gets_the_answer_that_looks_best():
    params = build_params(load_scenario("first_steps"))
    s = initial_state(params, np.arange(6, dtype=np.uint64))
    n_choices = np.array([len(e.choices) for e in params.events.events])
    s.awaiting[1:, n_choices > 0] = True  # every event with choices waits, except in world 0
    _, _, choice = action_values(params, s)
    assert (choice[0] == -1).all()
    for e in np.nonzero(n_choices)[0]:
        values = []
        for k in range(n_choices[e]):
            acts = Actions.empty(params, s.worlds, 1)
            acts.choice[:, e] = k
            values.append(_imagine(params, s, acts, QUIET_TURNS))
        values = np.stack(values, axis=1)
        default = int(params.events.default_choice[e])
        best = np.where(values.max(axis=1) > values[:, default], values.argmax(axis=1), -1)
        assert np.array_equal(choice[1:, e], best[1:]), e
    assert (choice[1:] >= 0).any()  # some answers beat the default



def test_meeting_an_objective_is_never_worth_less_than_nearly_meeting_it():
    params = build_params(load_scenario("council_vote"))
    # every objective at full progress but not yet met: the most an open objective can be worth
    nearly_params = replace(params, objective_progress=tuple(
        (lambda s: np.ones((s.worlds, 1))) for _ in params.objectives))
    s = initial_state(params, np.arange(2, dtype=np.uint64))
    assert any(o.required and o.kind == "reach" for o in params.objectives)
    for o, obj in enumerate(params.objectives):
        if obj.kind != "reach":
            continue
        nearly = shaped_value(nearly_params, s)
        met = s.copy()
        met.objective_met[:, o] = True
        assert (shaped_value(nearly_params, met) >= nearly).all(), obj.id
