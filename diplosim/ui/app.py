"""The application: window, screens, overlays, tooltips, the frame loop, and `run_play` for the CLI.

The loop redraws only when something changed (input, a toast expiring, a replay step); an idle
game waits on the event queue, so it uses almost no CPU. Every panel caches its rendered surface.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from diplosim.ui import theme as T
from diplosim.ui.commands import Commands
from diplosim.ui.theme import Fonts
from diplosim.ui.widgets import draw_tooltip

if TYPE_CHECKING:
    from diplosim.ui.session import Session


class App(Commands):
    def __init__(self, size: tuple[int, int] = (1280, 800), scale: float = 1.0) -> None:
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption("diplosim")
        self.window = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.fonts = Fonts(scale)
        self.session: Session | None = None
        self.screens: dict[str, object] = {}
        self.screen = None
        self.overlays: list = []
        self.mouse = (0, 0)
        self.dirty = True
        self.running = True
        self.toasts: list[tuple[str, tuple, float]] = []
        self.replaying: dict | None = None
        self.frame_ms: list[float] = []
        self.handle_ms: list[float] = []
        self.first_frame_at: float | None = None  # the splash
        self.first_game_frame_at: float | None = None  # the first frame of a loaded game
        self.last_tip: str | None = None

    # --- screens -------------------------------------------------------------------------------
    def set_session(self, session: Session, screen: str = "briefing") -> None:
        self.session = session
        self.overlays.clear()
        for name in ("main", "charts", "debrief", "briefing"):
            self.screens.pop(name, None)
        self.goto(screen)

    def goto(self, name: str) -> None:
        from diplosim.ui import charts, debrief, main_screen, screens

        if name == "charts":  # opens on the country selected on the map
            self.screens.pop("charts", None)
        if name not in self.screens:
            cls = {"main": main_screen.MainScreen, "charts": charts.ChartsScreen, "debrief": debrief.DebriefScreen,
                   "briefing": screens.BriefingScreen, "picker": screens.PickerScreen}[name]
            self.screens[name] = cls(self)
        if self.screen is not self.screens[name]:
            self.toasts.clear()
        self.screen = self.screens[name]
        self.screen.layout(self.window.get_size())
        self.dirty = True
        if name == "main":
            self.open_next_event()

    def open_scenario(self, ref: str | None) -> bool:
        """Start a new game of a scenario; an invalid one opens the error screen."""
        from diplosim.scenario.yamlsafe import ScenarioError
        from diplosim.ui.screens import ErrorScreen
        from diplosim.ui.session import Session

        try:
            session = Session.start(ref)
        except ScenarioError as err:
            self.screen = ErrorScreen(self, ref, [p.format() for p in err.problems])
            self.screen.layout(self.window.get_size())
            self.dirty = True
            return False
        self.set_session(session)
        return True

    def toast(self, text: str, colour=T.TEXT, seconds: float = 4.0) -> None:
        self.toasts = [t for t in self.toasts if t[0] != text][-1:] + [(text, colour, time.monotonic() + seconds)]
        self.dirty = True

    def quit(self) -> None:
        if self.session is not None and self.replaying is None:
            self.session.autosave()
        self.running = False

    # --- events --------------------------------------------------------------------------------
    def handle(self, event) -> None:
        """Handle one input event (timed apart from drawing: this is where the engine is asked)."""
        start = time.perf_counter()
        self._handle(event)
        if event.type != pygame.MOUSEMOTION:
            self.handle_ms.append((time.perf_counter() - start) * 1000)

    def _handle(self, event) -> None:
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type in (pygame.WINDOWRESIZED, pygame.VIDEORESIZE, pygame.WINDOWEXPOSED, pygame.WINDOWSHOWN):
            if self.screen is not None:
                self.screen.layout(self.window.get_size())
            self.dirty = True
            return
        if hasattr(event, "pos") and event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            self.mouse = event.pos
        if event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEWHEEL, pygame.KEYDOWN,
                          pygame.TEXTINPUT):
            self.dirty = True
        if event.type == pygame.KEYDOWN and self._global_key(event):
            return
        self.overlays = [o for o in self.overlays if not o.closed]
        if self.overlays:
            if event.type != pygame.MOUSEMOTION:
                self.overlays[-1].handle(event)
            self.overlays = [o for o in self.overlays if not o.closed]
            return
        if self.replaying is not None and event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.replaying = None
            self.toast("Replay stopped")
            return
        if self.screen is not None:
            self.screen.handle(event)
        self._warm()

    def _warm(self) -> None:
        warm = getattr(self.screen, "warm", None)
        if warm is not None:
            warm()

    def _global_key(self, event) -> bool:
        k, ctrl = event.key, event.mod & pygame.KMOD_CTRL
        if k == pygame.K_F1 or (event.unicode == "?" and self.screen is not self.screens.get("picker")):
            self.help()
        elif k == pygame.K_F5 and self.session is not None:
            self.reload()
        elif ctrl and k == pygame.K_s:
            self.save()
        elif ctrl and k == pygame.K_o:
            self.load()
        elif ctrl and k == pygame.K_n:
            if self.session is not None and self.replaying is None:
                self.session.autosave()
            self.replaying = None
            self.overlays.clear()
            self.goto("picker")
        elif self.overlays or self.session is None or self.screen is self.screens.get("picker"):
            return False
        elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.set_scale(self.fonts.scale + 0.1)
        elif k in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.set_scale(self.fonts.scale - 0.1)
        elif k == pygame.K_c and self.screen is self.screens.get("main"):
            self.goto("charts")
        elif k == pygame.K_b and self.screen is self.screens.get("main"):
            self.goto("briefing")
        elif k == pygame.K_d and self.screen is self.screens.get("main") and self.session.game.over:
            self.goto("debrief")
        else:
            return False
        return True

    # --- drawing -------------------------------------------------------------------------------
    def frame(self) -> float:
        """Draw everything once and show it; returns the time it took in ms."""
        start = time.perf_counter()
        surf = self.window
        tips: list = []
        if self.screen is not None:
            self.screen.draw(surf, tips)
        for overlay in self.overlays:
            tips = []
            overlay.draw(surf, tips)
        self._draw_toasts(surf)
        tip = next((text for rect, text in reversed(tips) if rect.collidepoint(self.mouse)), None)
        self.last_tip = tip
        if tip:
            draw_tooltip(surf, self.fonts, tip, self.mouse)
        pygame.display.flip()
        ms = (time.perf_counter() - start) * 1000
        self.frame_ms.append(ms)
        if self.first_frame_at is None:
            self.first_frame_at = time.time()
        if self.first_game_frame_at is None and self.session is not None:
            self.first_game_frame_at = time.time()
        self.dirty = False
        return ms

    def splash(self, text: str) -> None:
        """A first frame while the scenario loads, so the window never sits blank."""
        surf = self.window
        surf.fill(T.BG)
        f = self.fonts
        f.draw(surf, "diplosim", (surf.get_width() // 2, surf.get_height() // 2 - f.px(40)), 28, T.ACCENT, bold=True,
               align="center")
        f.draw(surf, text, (surf.get_width() // 2, surf.get_height() // 2 + f.px(10)), 14, T.DIM, align="center")
        pygame.display.flip()
        if self.first_frame_at is None:
            self.first_frame_at = time.time()

    def _draw_toasts(self, surf) -> None:
        now = time.monotonic()
        self.toasts = [t for t in self.toasts if t[2] > now]
        f = self.fonts
        anchor = getattr(self.screen, "toast_area", None)  # the main screen shows them over the map's top
        down = anchor is not None
        area = anchor() if down else surf.get_rect()
        y = area.y + f.px(10) if down else surf.get_height() - f.px(12)
        for text, colour, _ in (self.toasts if down else reversed(self.toasts)):
            text = f.fit(text, area.width - f.px(40), 13)
            img = f.text(text, 13, colour)
            box = img.get_rect(midtop=(area.centerx, y)) if down else img.get_rect(midbottom=(area.centerx, y))
            box = box.inflate(f.px(20), f.px(10))
            pygame.draw.rect(surf, (10, 12, 18), box, border_radius=f.px(6))
            pygame.draw.rect(surf, colour, box, 1, border_radius=f.px(6))
            surf.blit(img, img.get_rect(center=box.center))
            y = box.bottom + f.px(4) if down else box.y - f.px(6)

    def run(self) -> None:
        """The interactive loop: wait for input when idle, redraw only on change (≤ 60 fps)."""
        clock = pygame.time.Clock()
        pygame.key.set_repeat(400, 40)
        while self.running:
            events = pygame.event.get()
            if not events and not self.dirty:
                timeout = 250 if (self.toasts or self.replaying) else 1000
                ev = pygame.event.wait(timeout)
                events = [ev] if ev.type != pygame.NOEVENT else []
            for event in events:
                self.handle(event)
                if not self.running:
                    return
            now = time.monotonic()
            if self.toasts and min(t[2] for t in self.toasts) <= now:
                self.dirty = True
            if self.replaying is not None and now >= self.replaying["next"]:
                self.replay_step()
            if self.dirty:
                self.frame()
                clock.tick(60)


def _process_start() -> float:
    """When this process started (wall clock), for the first-frame figure; now if unknown."""
    try:
        with open("/proc/self/stat") as fh:
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat") as fh:
            btime = next(int(line.split()[1]) for line in fh if line.startswith("btime"))
        return btime + start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, StopIteration, IndexError):
        return time.time()


def run_play(scenario: str | None, *, seed: int | None, load: str | None, autoplay: int | None, policy: str,
             screenshot_dir: str | None, stats_file: str | None, width: int = 1280, height: int = 800,
             scale: float = 1.0) -> int:
    """`diplosim play`: the game, or with `autoplay` a scripted headless run. Returns the exit code;
    a user mistake prints one sentence on stderr."""
    started = _process_start()

    def fail(message: str, code: int = 2) -> int:
        print(f"diplosim: {message}", file=sys.stderr)
        return code

    if autoplay is not None and autoplay < 1:
        return fail("--autoplay needs a number of turns of 1 or more")
    if width < 320 or height < 240 or width > 10000 or height > 10000:
        return fail(f"the window size {width}x{height} is not usable; give something like 1280x800")
    if not 0.5 <= scale <= 3.0:
        return fail(f"--scale {scale} is outside 0.5 to 3")
    for name, path in (("--screenshot", screenshot_dir), ("--stats", stats_file)):
        if path is None:
            continue
        target = Path(path) if name == "--screenshot" else Path(path).parent
        if (name == "--screenshot" and target.exists() and not target.is_dir()) or \
                (name == "--stats" and Path(path).is_dir()):
            return fail(f"{name} {path}: {'not a folder' if name == '--screenshot' else 'is a folder'}")
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return fail(f"{name} {path}: cannot create the folder ({err.strerror or err})")
    if autoplay is not None:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    try:
        app = App((width, height), scale)
    except pygame.error as err:
        return fail(f"cannot open a window ({err}); set SDL_VIDEODRIVER=dummy to run headless with --autoplay", 1)
    if autoplay is None and pygame.display.get_driver() in ("offscreen", "dummy"):
        # With no screen SDL falls back to an invisible window, and the game would wait for input forever.
        pygame.quit()
        return fail("no screen found (SDL could only open an invisible window): `diplosim play` needs a display; "
                    "without one, try `diplosim play --autoplay 30 --screenshot shots` or `diplosim run`", 1)
    app.splash(f"Opening {Path(load).name if load else (scenario or 'the reference scenario')}…")
    from diplosim.engine import get_policy
    from diplosim.scenario.yamlsafe import ScenarioError
    from diplosim.ui.session import Session

    try:
        bot = get_policy(policy)
    except ValueError as err:
        pygame.quit()
        return fail(str(err))
    problems = None
    session = None
    try:
        if load is not None:
            session = Session.from_save_file(load, scenario)
            if seed is not None:
                print("diplosim: --seed is ignored with --load (the save holds its seed)", file=sys.stderr)
        else:
            session = Session.start(scenario, seed)
    except ScenarioError as err:
        problems = [p.format() for p in err.problems]
        if autoplay is not None:
            for line in problems:
                print(line, file=sys.stderr)
            pygame.quit()
            return 1
    except ValueError as err:
        pygame.quit()
        return fail(str(err), 1)
    try:
        if problems is not None:
            from diplosim.ui.screens import ErrorScreen

            app.screen = ErrorScreen(app, scenario, problems)
            app.screen.layout(app.window.get_size())
        else:
            app.set_session(session, "main" if load else "briefing")
        if autoplay is not None:
            from diplosim.ui.autoplay import autoplay as run_auto

            return run_auto(app, autoplay, bot, screenshot_dir, stats_file, started)
        app.run()
        return 0
    except KeyboardInterrupt:
        if app.session is not None:
            app.session.autosave()
        return 130
    except Exception:  # noqa: BLE001 - a crash must not lose the game: autosave, log the details
        from diplosim import saves

        if app.session is not None:
            app.session.autosave()
        log = saves.data_dir() / "crash.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
        except OSError:
            pass
        return fail(f"the front end hit an internal error; your game is autosaved (details in {log})", 1)
    finally:
        pygame.quit()
