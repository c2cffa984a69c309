"""The single-game API: legality with reasons, queue and undo, events, saves, outcome, policies."""

from __future__ import annotations

import numpy as np
import pytest

from diplosim.engine import Actions, Game, IllegalAction, get_policy, initial_state, legality, step
from diplosim.engine.actions import NO_CAPITAL, UNAVAILABLE, WRONG_TARGET
from diplosim.engine.policies import check_policy


def test_illegal_actions_are_refused_with_a_reason(params):
    g = Game(params, 1)
    assert "legitimacy" in g.check("military_intervention", "crisia")
    assert "no tool 'sanktions'" in g.check("sanktions", "crisia")
    assert "no country" in g.check("sanctions", "atlantis")
    assert "choose a country" in g.check("sanctions", None)
    with pytest.raises(IllegalAction, match="political capital"):
        for _ in range(5):
            g.queue("sanctions", "proudland")


def test_queue_and_undo_before_the_turn_ends(params):
    g = Game(params, 1)
    g.queue("quiet_engagement", "opena")
    g.queue("monitoring", "proudland")
    assert g.undo().tool == "monitoring"
    assert [o.tool for o in g.current.orders] == ["quiet_engagement"]
    g.end_turn()
    assert g.turns[0].orders[0].target == "opena"
    assert g.turn == 2


def test_events_wait_for_a_choice_and_unanswered_ones_take_the_default(params):
    answered, default = Game(params, 1), Game(params, 1)
    for g in (answered, default):
        for _ in range(3):
            g.end_turn()
        assert g.awaiting() == ["crackdown"]
    answered.choose("crackdown", "protest")
    answered.end_turn()
    default.end_turn()
    assert any("Protest" in e.text for e in answered.log)
    assert any("Stay quiet" in e.text for e in default.log)
    with pytest.raises(IllegalAction):
        answered.choose("crackdown", "dance")


def test_the_log_says_what_happened_and_why(params):
    g = Game(params, 2)
    g.queue("public_criticism", "proudland")
    entries = g.end_turn()
    action = [e for e in entries if e.kind == "action"]
    assert action and "public criticism" in action[0].text.lower()
    assert all(e.cause for e in entries if e.kind in ("action", "decision", "change"))


def test_batch_masks_illegal_actions_without_crashing(params):
    s = initial_state(params, np.arange(3, dtype=np.uint64))
    acts = Actions.empty(params, 3, 2)
    acts.tool[:, 0] = [params.tool_index("military_intervention"), params.tool_index("sanctions"), 99]
    acts.target[:, 0] = [2, -1, 0]
    acts.tool[:, 1] = params.tool_index("cultural_training")
    after, _ = step(params, s, acts)
    assert after.tool_uses[:, params.tool_index("military_intervention")].sum() == 0
    assert after.tool_uses[:, params.tool_index("sanctions")].sum() == 0
    assert after.tool_uses[:, params.tool_index("cultural_training")].sum() == 3


def test_legality_codes(params):
    s = initial_state(params, np.arange(2, dtype=np.uint64))
    codes = legality(params, s)
    san, c = params.tool_index("sanctions"), params.n_countries
    assert codes[0, san, c] == WRONG_TARGET
    s.player[:, 0] = 0  # capital
    assert legality(params, s)[0, san, 0] == NO_CAPITAL
    assert legality(params.forbid("sanctions"), s)[0, san, 0] == UNAVAILABLE


def test_a_game_ends_with_an_outcome_and_a_reason(params):
    g = Game(params, 5)
    policy = get_policy("only:quiet_engagement")
    while not g.over:
        g.play_policy_turn(policy)
    out = g.outcome()
    assert out.result in ("won", "lost")
    assert out.reason
    assert g.turn <= params.turns + 1


@pytest.mark.parametrize("name", ["passive", "random", "greedy", "only:quiet_engagement", "only:cultural_training"])
def test_policies_play_legal_games_to_the_end(params, name):
    policy = get_policy(name)
    s = initial_state(params, np.arange(6, dtype=np.uint64))
    for _ in range(params.turns):
        acts = policy(params, s)
        codes = legality(params, s, ignore_costs=True)
        for w in range(s.worlds):
            for k in range(acts.tool.shape[1]):
                t = acts.tool[w, k]
                if t >= 0:
                    col = acts.target[w, k] if acts.target[w, k] >= 0 else params.n_countries
                    assert codes[w, t, col] == 0
        s, _ = step(params, s, acts)
    assert s.done.all()


def test_greedy_gains_more_of_what_it_maximises_than_random_or_passive(params):
    """Greedy maximises objective progress one turn ahead; over a few turns it must get more of it
    than a random or a passive player (whether it also wins more is a scenario's claim to check)."""
    from diplosim.engine.lookahead import shaped_value

    seeds = np.arange(32, dtype=np.uint64)
    results = {}
    for name in ("passive", "random", "greedy"):
        policy = get_policy(name)
        s = initial_state(params, seeds)
        for _ in range(6):
            s, _ = step(params, s, policy(params, s))
        results[name] = (shaped_value(params, s).mean(), s.tool_uses.sum())
    assert results["greedy"][0] > results["random"][0]
    assert results["greedy"][0] > results["passive"][0]
    assert results["passive"][1] == 0 < results["random"][1]


def test_unknown_policies_get_a_sentence(params):
    with pytest.raises(ValueError, match="Did you mean 'greedy'"):
        get_policy("gredy")
    with pytest.raises(ValueError, match="names no tool"):
        check_policy(params, "only:sanktions")


def test_damaged_or_mismatched_saves_are_refused_with_a_sentence(params):
    g = Game(params, 3)
    g.queue("quiet_engagement", "opena")
    g.end_turn()
    good = g.to_save("abc")
    for bad, words in (({"format": "x"}, "not a diplosim save"),
                       ({**good, "version": 9}, "format version"),
                       ({**good, "scenario": "other"}, "from scenario 'other'"),
                       ({**good, "seed": "x"}, "seed"),
                       ({**good, "turns": [{"orders": [["nope", None]]}]}, "does not replay"),
                       ({**good, "turns": "x"}, "turns")):
        with pytest.raises(ValueError, match=words):
            Game.from_save(params, bad, "abc")
    with pytest.raises(ValueError, match="changed since"):
        Game.from_save(params, good, "different")


def test_a_change_is_never_blamed_on_a_decision_that_pushed_the_other_way(meridian):
    s = initial_state(meridian, np.arange(32, dtype=np.uint64))
    policy = get_policy("random")
    changes = []
    for _ in range(10):
        s, entries = step(meridian, s, policy(meridian, s), log=True)
        changes += [e for e in entries if e.kind == "change" and "Reports:" in e.text]
    improved = [e for e in changes if " improved " in e.text]
    worsened = [e for e in changes if " worsened " in e.text]
    assert improved and worsened
    assert not [e.line() for e in improved if "chose to harden" in e.cause]
    assert not [e.line() for e in worsened if "chose to reform" in e.cause]
    assert any("chose to reform" in e.cause for e in improved)
    assert any("chose to harden" in e.cause for e in worsened)
    # Retaliating and turning to the rival move trade and relations, never rights.
    assert not [e.line() for e in changes if "chose to retaliate" in e.cause or "chose to turn to rival" in e.cause]


def test_a_precondition_is_refused_in_words_not_as_a_field_path():
    from diplosim.engine import build_params
    from diplosim.scenario.loader import load_scenario

    g = Game(build_params(load_scenario("meridian")), 1)
    aid = g.check("aid_conditions", "varenna")  # Varenna takes no aid from you
    capacity = g.check("capacity_building", "varenna")  # and its institutions are strong (60)
    assert aid == "needs the target's aid dependence of 10 or more"
    assert capacity == "needs the target's institutional capacity below 55"


def test_a_tool_on_cooldown_says_when_it_can_be_used_again(params):
    g = Game(params, 1)
    tool = next(t for t in params.tools.tools if t.cooldown >= 2 and g.check(t.id, "proudland") is None)
    g.queue(tool.id, "proudland")
    assert g.check(tool.id, "proudland") == (f"already used or queued this turn; it can be used again in "
                                             f"{int(tool.cooldown)} turns (once every {int(tool.cooldown)} turns "
                                             "at most)")


def test_an_event_in_the_log_says_what_it_did(params):
    g = Game(params, 1)
    entries = []
    for _ in range(3):
        entries += g.end_turn()
    crackdown = next(e for e in entries if e.kind == "event" and e.text == "Crackdown")
    assert crackdown.cause.endswith("(Proudland's rights (expression) -5)")


def test_an_answer_the_budget_cannot_pay_for_is_refused_and_never_free(tmp_path):
    from pathlib import Path

    from diplosim.engine import IllegalAction, build_params
    from diplosim.scenario.loader import load_scenario

    text = Path(__file__).with_name("mini.yaml").read_text()
    bribe = ("      - {id: bribe, label: Pay them off, effects: [{field: player.budget, add: -100}, "
             "{field: player.budget, add: -100}, {field: target.face, add: 10}]}\n    default: quiet")
    path = tmp_path / "costly.yaml"
    path.write_text(text.replace("    default: quiet", bribe, 1))
    params = build_params(load_scenario(str(path)))
    g = Game(params, 1)
    for _ in range(3):
        g.end_turn()
    budget = float(g.state.player_field("budget")[0])
    assert budget < 200 and g.state.awaiting[0, [e.id for e in params.events.events].index("crackdown")]
    assert g.check_choice("crackdown", "bribe") == f"needs 200 from the budget; you have {budget:.0f}"
    with pytest.raises(IllegalAction, match="needs 200"):
        g.choose("crackdown", "bribe")
    g.current.choices["crackdown"] = "bribe"  # as a bot or an old save might: the engine takes the default
    entries = g.end_turn()
    assert any(e.kind == "warning" and "Pay them off" in e.text for e in entries)
    assert any(e.kind == "choice" and "Stay quiet" in e.text for e in entries)
    assert float(g.state.player_field("budget")[0]) > budget - 200 + 1


def test_an_event_that_lowers_rights_is_never_the_cause_of_an_improvement(params):
    from diplosim.engine.events import fire_events
    from diplosim.engine.log import Causes

    g = Game(params, 1)
    for _ in range(2):
        g.end_turn()
    s, causes = g.state.copy(), Causes()
    s.turn[:] = 3  # the crackdown's turn: expression in Proudland -5
    fire_events(params, s, [], causes)
    proudland = params.country_index("proudland")
    assert causes.of(0, proudland, sign=-1) == ["the event 'Crackdown'"]
    assert causes.of(0, proudland, sign=+1) == []


def test_delayed_changes_to_rights_carry_their_cause():
    """A tool's rights effects due turns later are named with the tool and the turn it was used."""
    from diplosim.engine import build_params
    from diplosim.engine.actions import schedule
    from diplosim.engine.log import describe_cause, tool_cause
    from diplosim.scenario.loader import load_scenario

    rules = build_params(load_scenario("early_warning"))  # its court referral deters for three turns
    s = initial_state(rules, [5])
    t, c = rules.tool_index("legal_referral"), rules.country_index("ostrel")
    schedule(rules, s, rules.tools.effects, np.array([2 * t]), np.array([c]), np.ones(1, dtype=np.float32),
             np.ones(1, dtype=bool), tool_cause(np.array([t])), logging=True)
    later = s.pending_cause[0, 2 % rules.horizon, c, 0]  # the slot of turn 2: (stamp, size)
    assert describe_cause(rules, later[0], 2) == "your 'Refer to an international court' of turn 1"
    assert later[1] > 0
    assert int(later[2]) == 1 << rules.themes.index("physical_integrity")  # the themes it moves
    assert describe_cause(rules, s.pending_cause[0, 1, c, 0, 0], 1) == "your 'Refer to an international court'"
    assert not s.pending_cause[0, :, c, 1, 0].any()  # nothing scheduled to lower rights
    quiet = initial_state(rules, [5])  # a step that does not log keeps no book
    schedule(rules, quiet, rules.tools.effects, np.array([2 * t]), np.array([c]), np.ones(1, dtype=np.float32),
             np.ones(1, dtype=bool), tool_cause(np.array([t])))
    assert not quiet.pending_cause.any() and quiet.same_game(s)


def test_a_delayed_cause_explains_only_the_rights_it_moves():
    from diplosim.engine.log import Causes

    causes = Causes()
    causes.add(0, 1, "your 'Court' of turn 3", sign=1, rights_only=True, themes=0b10)
    causes.add(0, 1, "its government chose to reform", sign=1)
    assert causes.of(0, 1, sign=1, rights=True, theme=1) == ["your 'Court' of turn 3", "its government chose to reform"]
    assert causes.of(0, 1, sign=1, rights=True, theme=0) == ["its government chose to reform"]
    assert causes.of(0, 1, sign=-1, rights=True, theme=1) == []  # it only raised rights
    assert causes.of(0, 1) == ["its government chose to reform"]  # not a cause of lost face


def test_an_answer_the_budget_cannot_pay_for_is_refused_with_what_is_left(meridian):
    """Two costly answers in one turn: the second is refused once the first has promised the money."""
    from diplosim.engine import layout as L

    e1, e2 = meridian.events.events.index(next(e for e in meridian.events.events if e.id == "atrocity_warning")), \
        meridian.events.events.index(next(e for e in meridian.events.events if e.id == "corvain_coup"))
    s = initial_state(meridian, [3])
    s.awaiting[0, [e1, e2]] = True
    s.player[0, L.BUDGET] = 20.0  # pays for the first answer (15) but not the second too (10)
    acts = Actions.empty(meridian, 1)
    acts.choice[0, [e1, e2]] = 1
    after, entries = step(meridian, s, acts, log=True)
    warnings = [x for x in entries if x.kind == "warning"]
    assert len(warnings) == 1 and "which has 5 left" in warnings[0].text
    assert warnings[0].cause.startswith("the default answer")
    assert not after.awaiting[0, [e1, e2]].any()


def test_on_course_from_is_the_turn_from_which_every_required_objective_held(params):
    """World 0 meets the required objective at once; world 1 falls short on turns 1 and 2 and meets it
    on turn 3; world 2 never does. The figure says from which turn each game was in hand."""
    from diplosim.engine.objectives import update_objectives

    s = initial_state(params, np.arange(3, dtype=np.uint64))
    c, h = params.country_index("proudland"), params.themes.index("expression")
    never = np.zeros(3, dtype=bool)
    for turn, expression in ((1, [50, 30, 30]), (2, [50, 30, 30]), (3, [50, 50, 30])):
        s.rights[:, c, h] = expression
        update_objectives(params, s, np.full(3, turn), never)
    assert s.on_course_from.tolist() == [1, 3, 4]
    assert s.objective_met[:, 0].tolist() == [True, True, False]


def test_objective_status_reads_the_world_as_the_player_sees_it(params):
    """The panel must not leak the hidden truth: a rights objective is judged by the estimate."""
    from diplosim.engine.objectives import objective_status

    s = initial_state(params, np.arange(2, dtype=np.uint64))
    c, h = params.country_index("proudland"), params.themes.index("expression")
    s.rights[:, c, h] = 50.0  # the truth meets the bar of 45 in both worlds...
    s.estimate[:, c, h] = [40.0, 47.0]  # ...but the player believes it does only in world 1
    expr = [o.id for o in params.objectives].index("expr")
    blind, clear = objective_status(params, s, 0)[expr], objective_status(params, s, 1)[expr]
    assert (blind.holds, blind.value) == (False, 40.0)
    assert (clear.holds, clear.value) == (True, 47.0)
    assert not blind.met and not blind.failed


def test_a_preview_names_the_answers_a_proud_government_is_likelier_to_give(params):
    """Rare reactions never show in a 10-90% range; the preview gives their chance with and without."""
    g = Game(params, 5)
    loud = g.preview("public_criticism", "proudland")
    with_it, without = loud.reactions["harden"]
    assert with_it > without + 0.05, "public shaming of a proud government should make hardening likelier"
    assert g.preview("quiet_engagement", "proudland").reactions.get("harden", (0, 0))[0] <= with_it
