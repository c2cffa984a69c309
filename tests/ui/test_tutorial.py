"""The tutorial scenario's introduction: a coach card that points at the screen, step by step."""

import pygame

from tests.ui.helpers import key


def _app_on(scenario: str):
    from diplosim.engine import Game, build_params
    from diplosim.scenario.loader import load_scenario
    from diplosim.ui.app import App
    from diplosim.ui.session import Session

    loaded = load_scenario(scenario)
    a = App((1280, 800))
    a.set_session(Session(loaded, Game(build_params(loaded), seed=3)), "main")
    a.frame()
    return a


def test_the_tutorial_walks_through_its_steps_and_can_be_closed():
    app = _app_on("first_steps")
    try:
        coach = app.screen.coach
        steps = app.session.loaded.scenario.tutorial
        assert coach.step is steps[0]
        # The card points at what the step names, and the N key moves on.
        target = coach.target_rect(app.screen, steps[0].highlight)
        assert target is not None
        key(app, pygame.K_n)
        app.frame()
        assert coach.index == 1
        app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=coach.close_button.rect.center))
        assert coach.step is None
        key(app, pygame.K_n)  # once closed, N is no longer the coach's
        assert coach.index == 1
    finally:
        pygame.quit()


def test_scenarios_without_a_tutorial_show_no_coach(app):
    assert app.screen.coach.step is None


def test_a_step_that_waits_for_a_later_turn_says_so_and_the_last_says_done():
    app = _app_on("first_steps")
    try:
        coach = app.screen.coach
        steps = app.session.loaded.scenario.tutorial
        while coach.step is not None:  # read every step of turn 1
            key(app, pygame.K_n)
        assert coach.waiting_for() == steps[coach.index].turn > app.session.game.turn
        coach.index = len(steps) - 1
        for _ in range(steps[-1].turn):
            app.end_turn()
        app.overlays.clear()
        app.frame()
        assert coach.step is steps[-1] and coach.next_button.label.startswith("Done")
    finally:
        pygame.quit()
