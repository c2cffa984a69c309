"""Save, load, damaged saves, autosave on close, hot reload."""

import json
import shutil

import pygame

from diplosim import saves
from diplosim.ui.overlays import MessageOverlay
from tests.ui.helpers import close_events, key


def _play(app, turns):
    for _ in range(turns):
        close_events(app)
        key(app, pygame.K_RETURN)


def test_save_and_load_shortcuts(app, diplosim_home):
    s = app.session
    _play(app, 2)
    key(app, pygame.K_s, mod=pygame.KMOD_CTRL)
    path = saves.manual_save_path("meridian")
    assert path.is_file()
    saved_state = s.game.state.copy()
    _play(app, 2)
    assert s.game.turn == 5
    key(app, pygame.K_o, mod=pygame.KMOD_CTRL)
    assert s.game.turn == 3
    assert s.game.state.equals(saved_state)


def test_damaged_save_keeps_the_game(app):
    s = app.session
    _play(app, 1)
    path = saves.manual_save_path("meridian")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"format": "diplosim-save", "turns": [', encoding="utf-8")
    before = s.game
    key(app, pygame.K_o, mod=pygame.KMOD_CTRL)
    assert s.game is before
    assert any("damaged" in t[0] and "goes on" in t[0] for t in app.toasts)
    data = s.save_data()
    data["turns"] = [{"orders": [["no_such_tool", None]], "choices": {}}]
    path.write_text(json.dumps(data), encoding="utf-8")
    key(app, pygame.K_o, mod=pygame.KMOD_CTRL)
    assert s.game is before


def test_atomic_write_leaves_no_temp_files(tmp_path):
    target = tmp_path / "a" / "x.json"
    saves.write_save(target, {"k": 1})
    saves.write_save(target, {"k": 2})
    assert json.loads(target.read_text()) == {"k": 2}
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]


def test_close_autosaves_mid_turn(app):
    close_events(app)
    app.session.queue("monitoring", "varenna")
    app.handle(pygame.event.Event(pygame.QUIT))
    assert not app.running
    data = json.loads(saves.autosave_path("meridian").read_text())
    assert data["queued"]["orders"] == [["monitoring", "varenna"]]


def test_hot_reload_replays_or_reports(app, tmp_path, loaded):
    from diplosim.engine import Game, build_params
    from diplosim.scenario.loader import load_scenario
    from diplosim.ui.session import Session

    folder = tmp_path / "sc"
    shutil.copytree(saves.Path(loaded.path).parent, folder)
    path = folder / "meridian.yaml"
    mine = load_scenario(path)
    app.set_session(Session(mine, Game(build_params(mine), seed=3)), "main")
    _play(app, 2)
    state = app.session.game.state.copy()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("turns: 30", "turns: -4", 1), encoding="utf-8")
    key(app, pygame.K_F5)
    assert isinstance(app.overlays[-1], MessageOverlay)
    assert any("turns" in line for line in app.overlays[-1].lines)
    assert app.session.game.state.equals(state)
    key(app, pygame.K_ESCAPE)
    path.write_text(text.replace("title: The Meridian Sea", "title: The Meridian Sea (edited)", 1), encoding="utf-8")
    key(app, pygame.K_F5)
    assert app.session.loaded.scenario.title.endswith("(edited)")
    assert app.session.game.turn == 3 and app.session.game.state.equals(state)
