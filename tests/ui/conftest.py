"""Front-end tests drive the real UI under SDL's dummy drivers, with saves in a temporary folder."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

import pytest


@pytest.fixture(autouse=True)
def diplosim_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DIPLOSIM_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def loaded():
    from diplosim.scenario.loader import load_scenario

    return load_scenario("meridian")


@pytest.fixture
def app(loaded):
    import pygame

    from diplosim.engine import Game, build_params
    from diplosim.ui.app import App
    from diplosim.ui.session import Session

    a = App((1280, 800))
    a.set_session(Session(loaded, Game(build_params(loaded), seed=7)), "main")
    a.frame()
    yield a
    pygame.quit()
