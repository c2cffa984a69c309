"""Reaching the debrief, the counterfactuals, and the scripted headless mode."""

import json

import numpy as np
import pygame

from diplosim.engine import get_policy
from diplosim.ui.session import counterfactuals
from tests.ui.helpers import close_events, key


def test_debrief_after_the_last_turn(app):
    s = app.session
    bot = get_policy("random")
    while s.game.turn < s.params.turns:
        s.game.play_policy_turn(bot)
    s.touch()
    app.goto("main")
    close_events(app)
    key(app, pygame.K_RETURN)
    assert s.game.over
    assert app.screen.name == "debrief"
    app.frame()
    insights = s.insights()
    assert insights and insights[0].text.startswith(("Without your", "Your "))


def test_counterfactuals_match_engine_replay(app):
    s = app.session
    bot = get_policy("greedy")
    for _ in range(6):
        s.game.play_policy_turn(bot)
    s.touch()
    for ins in counterfactuals(s)[:2]:
        other = s.game.without(ins.turn, ins.index)
        h = ins.theme
        expected = s.game.state.estimate[0, ins.country, h] - other.state.estimate[0, ins.country, h]
        assert np.isclose(ins.rights_delta, expected)


def test_autoplay_writes_screenshots_and_stats(tmp_path):
    from diplosim.ui.app import run_play

    shots, stats = tmp_path / "shots", tmp_path / "stats.json"
    code = run_play("meridian", seed=5, load=None, autoplay=4, policy="greedy", screenshot_dir=str(shots),
                    stats_file=str(stats))
    assert code == 0
    names = sorted(p.name for p in shots.glob("*.png"))
    for expected in ("01-main.png", "02-country-panel.png", "03-event-log.png", "05-charts.png", "06-debrief.png"):
        assert expected in names
    data = json.loads(stats.read_text())
    # Figures only, no time limits: machines here are shared and noisy (the note reports them).
    assert data["frames"] > 10 and data["p95_ms"] > 0 and data["first_frame_s"] > 0
    assert pygame.image.load(str(shots / "01-main.png")).get_size() == (1280, 800)


def test_user_mistakes_are_sentences(tmp_path, capsys):
    from diplosim.ui.app import run_play

    assert run_play(None, seed=None, load=None, autoplay=1, policy="greedyy", screenshot_dir=None,
                    stats_file=None) == 2
    err = capsys.readouterr().err
    assert "unknown policy" in err and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    assert run_play(None, seed=None, load=str(bad), autoplay=1, policy="passive", screenshot_dir=None,
                    stats_file=None) == 1
    assert "damaged" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: 3\n")
    assert run_play(str(broken), seed=None, load=None, autoplay=1, policy="passive", screenshot_dir=None,
                    stats_file=None) == 1
    assert "broken.yaml:" in capsys.readouterr().err


def test_invalid_scenario_opens_error_screen(tmp_path):
    from diplosim.ui.app import App

    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: t\nturns: zero\n")
    app = App((1024, 700))
    try:
        assert app.open_scenario(str(broken)) is False
        app.frame()
        assert app.screen.name == "error"
        assert any("broken.yaml:" in line for line in app.screen.lines)
    finally:
        pygame.quit()


def test_interactive_loop_handles_input_and_quits(app, diplosim_home):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F1, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.run()
    assert not app.running
    assert (diplosim_home / "saves" / "meridian.autosave.json").is_file()


def test_the_debrief_says_where_the_score_comes_from(app):
    from diplosim.engine import get_policy
    from diplosim.ui.debrief import score_words

    s = app.session
    while not s.game.over:
        s.game.play_policy_turn(get_policy("greedy"))
    words = score_words(s)
    met = sum(o.points for i, o in enumerate(s.params.objectives) if s.game.state.objective_met[0, i])
    terms = len(s.loaded.scenario.score)
    assert words.startswith(f"{met:g} of {sum(o.points for o in s.params.objectives):g} points from objectives")
    assert words.count(" from ") == 1 + terms
    # the parts add up to the score (to rounding)
    numbers = [float(words.split(" points")[0].split(" of ")[0])] + [
        float(p.split(" from ")[0].replace(" ", "")) for p in words.split(" objectives ")[1].split(") ")] if terms else [met]
    assert abs(sum(numbers) - s.game.outcome().score) <= terms + 0.5


def test_play_without_a_screen_says_so_instead_of_waiting_forever(capsys):
    from diplosim.ui.app import run_play

    assert run_play(None, seed=None, load=None, autoplay=None, policy="passive", screenshot_dir=None,
                    stats_file=None) == 1
    err = capsys.readouterr().err
    assert "needs a display" in err and "--autoplay" in err and "Traceback" not in err
