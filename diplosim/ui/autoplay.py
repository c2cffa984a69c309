"""Scripted headless play through the real UI: a bot policy chooses, the UI's own handlers select
the country, choose and queue the tool (with its preview), answer event dialogs and end turns.
Screens visited are saved as PNGs; frame times go to a JSON file."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pygame

from diplosim.ui.overlays import EventModal


def _move(app, pos) -> None:
    """Move the mouse through the app's event handler (as a real pointer would)."""
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=(int(pos[0]), int(pos[1])), rel=(0, 0), buttons=(0, 0, 0)))


def _key(app, key: int) -> None:
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))


def _country_point(main, c: int) -> tuple[int, int]:
    main.map._geometry(main.app.session)
    x, y = main.map.centres[c]
    return int(x + main.map.rect.x), int(y + main.map.rect.y)


class Shots:
    def __init__(self, app, folder: str | None) -> None:
        self.app, self.folder = app, Path(folder) if folder else None
        self.saved: list[str] = []

    def __call__(self, name: str) -> None:
        self.app.frame()
        if self.folder is not None:
            path = self.folder / f"{name}.png"
            pygame.image.save(self.app.window, str(path))
            self.saved.append(str(path))


def _answer_events(app, acts, shots: Shots, shot_taken: list) -> None:
    s = app.session
    ids = [e.id for e in s.params.events.events]
    guard = 0
    while guard < 20:
        guard += 1
        modal = next((o for o in app.overlays if isinstance(o, EventModal) and not o.closed), None)
        if modal is None:
            break
        ev = s.event(modal.event_id)
        if not ev.choices:
            modal.close()
            break
        if not shot_taken:
            modal_pos = app.window.get_rect().center
            _move(app, (modal_pos[0], modal_pos[1] + 10))
            shots("04-event-dialog")
            shot_taken.append(True)
        e = ids.index(ev.id)
        pick = int(acts.choice[0, e]) if acts.choice[0, e] >= 0 else int(s.params.events.default_choice[e])
        modal.opened -= 1.0  # the scripted player has read the dialog (no stray-key grace needed)
        key = pygame.K_1 + min(pick, len(ev.choices) - 1)
        app.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=str(key - pygame.K_0), scancode=0))
        app.frame()


def autoplay(app, turns: int, policy, shot_dir: str | None, stats_file: str | None, started: float) -> int:
    shots = Shots(app, shot_dir)
    s = app.session
    if s is None:  # invalid scenario: the error screen is what there is to see
        shots("00-error")
        _write_stats(app, stats_file, started, shots, 0)
        return 1
    shots("00-briefing")
    app.goto("main")
    main = app.screens["main"]
    event_shot: list = []
    played = 0
    for turn in range(turns):
        if s.game.over:
            break
        acts = policy(s.params, s.game.state)
        _answer_events(app, acts, shots, event_shot)
        for k in range(acts.tool.shape[1]):
            t, c = int(acts.tool[0, k]), int(acts.target[0, k])
            if t < 0:
                continue
            if c >= 0:
                main.select(c)
                _move(app, _country_point(main, c))
            main.choose_tool(s.params.tools.ids[t])
            app.frame()  # the palette shows legality and the engine's preview
            if turn == 0 and k == 0:
                shots("01-main")
            _key(app, pygame.K_q)  # queue it, as the player would
            app.frame()
        if turn == min(3, turns - 1):
            c = int(np.argmin(s.game.state.estimate[0].mean(axis=-1)))
            main.select(c)
            rows = [r for r, _ in main.country_cache.tips] if main.country_cache.tips else []
            app.frame()
            inner = main.country_rect
            _move(app, (inner.x + inner.width // 2, inner.y + (rows[6].y + 12 if len(rows) > 6 else 150)))
            shots("02-country-panel")
        _key(app, pygame.K_RETURN)  # End Turn
        app.frame()
        played += 1
        s = app.session
    if s.game.over and app.screen is app.screens.get("debrief"):
        app.goto("main")
    _answer_events(app, policy(s.params, s.game.state), shots, event_shot)
    for o in app.overlays:
        o.close()
    app.overlays.clear()
    # the log: hover a line so its tooltip (with the cause) is open
    main.log.refresh(s)
    lst = main.log.list
    _move(app, (lst.rect.x + 40, lst.rect.y + min(lst.rect.height - 10, 60)))
    shots("03-event-log")
    bench = _benchmark(app, main)
    app.goto("charts")
    _move(app, app.screen.area.center)
    shots("05-charts")
    app.goto("debrief")
    _move(app, (app.screen.insights_rect.x + 60, app.screen.insights_rect.y + 80))
    shots("06-debrief")
    app.help()
    shots("07-help")
    _write_stats(app, stats_file, started, shots, played, bench)
    app.quit()
    return 0


def _benchmark(app, main) -> list[float]:
    """Steady frames on the main screen with the full log and a tooltip open (the mouse moving over
    the countries and the log, so the tooltip changes and every frame is redrawn)."""
    s = app.session
    points = [_country_point(main, c) for c in range(s.params.n_countries)]
    lst = main.log.list.rect
    points += [(lst.x + 50, lst.y + 10 + 23 * i) for i in range(max(1, lst.height // 23))]
    times = []
    for i in range(240):
        _move(app, points[i % len(points)])
        if i % 40 == 20:
            app.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False, precise_x=0.0,
                                          precise_y=-1.0, which=0))
        times.append(app.frame())
    return times


def _write_stats(app, stats_file, started, shots: Shots, played: int, bench: list[float] | None = None) -> None:
    if stats_file is None:
        return
    ms = np.array(app.frame_ms or [0.0])
    first = (app.first_frame_at - started) if app.first_frame_at else None
    data = {"frames": len(app.frame_ms), "p50_ms": round(float(np.percentile(ms, 50)), 3),
            "p95_ms": round(float(np.percentile(ms, 95)), 3),
            "first_frame_s": round(first, 3) if first is not None else None,
            "first_game_frame_s": round(app.first_game_frame_at - started, 3) if app.first_game_frame_at else None,
            "turns_played": played, "log_lines": len(app.session.game.log) if app.session else 0,
            "screenshots": shots.saved, "window": list(app.window.get_size()),
            "driver": pygame.display.get_driver(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if app.handle_ms:
        h = np.array(app.handle_ms)
        data["input_events"] = len(app.handle_ms)
        data["input_p95_ms"] = round(float(np.percentile(h, 95)), 3)
        data["input_max_ms"] = round(float(h.max()), 3)
    if bench:
        b = np.array(bench)
        data["main_tooltip_frames"] = len(bench)
        data["main_tooltip_p50_ms"] = round(float(np.percentile(b, 50)), 3)
        data["main_tooltip_p95_ms"] = round(float(np.percentile(b, 95)), 3)
    Path(stats_file).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
