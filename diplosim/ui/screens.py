"""Simple screens: the scenario picker, the briefing, and the error screen for an invalid scenario."""

from __future__ import annotations

import pygame

from diplosim.engine.objectives import ObjectiveStatus, objective_status
from diplosim.ui import theme as T
from diplosim.ui.theme import reflow
from diplosim.ui.widgets import Button, panel


class PickerScreen:
    """Built-in scenarios as buttons, and a field to type the path of a scenario file."""

    name = "picker"

    def __init__(self, app) -> None:
        self.app = app
        from diplosim.scenario.loader import builtin_scenarios

        self.entries = builtin_scenarios()
        self.buttons = [Button(f"{title}  ({sid})", lambda p=str(path): app.open_scenario(p),
                               f"Start “{title}” ({path.name})") for sid, title, path in self.entries]
        self.path_text = ""
        self.open_button = Button("Open file", lambda: app.open_scenario(self.path_text.strip() or None),
                                  "Open the scenario file whose path you typed (Enter)")
        self.quit_button = Button("Quit", app.quit, "Close diplosim (Esc)")

    def layout(self, size) -> None:
        f = self.app.fonts
        w = min(f.px(700), size[0] - f.px(40))
        x = (size[0] - w) // 2
        y = f.px(110)
        for b in self.buttons:
            b.rect = pygame.Rect(x, y, w, f.px(36))
            y += f.px(42)
        self.field = pygame.Rect(x, y + f.px(40), w - f.px(130), f.px(32))
        self.open_button.rect = pygame.Rect(self.field.right + f.px(10), self.field.y, f.px(120), f.px(32))
        self.quit_button.rect = pygame.Rect(x, self.field.bottom + f.px(30), f.px(120), f.px(32))

    def handle(self, event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN:
            for b in self.buttons + [self.open_button, self.quit_button]:
                if b.handle(event):
                    return
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.open_button.action()
            elif event.key == pygame.K_BACKSPACE:
                self.path_text = self.path_text[:-1]
            elif event.key == pygame.K_ESCAPE:
                self.app.quit()
        elif event.type == pygame.TEXTINPUT:
            self.path_text += event.text

    def draw(self, surf, tips) -> None:
        f = self.app.fonts
        surf.fill(T.BG)
        f.draw(surf, "diplosim — choose a scenario", (surf.get_width() // 2, f.px(40)), 22, T.ACCENT, bold=True,
               align="center")
        f.draw(surf, "A turn-based game of human-rights diplomacy", (surf.get_width() // 2, f.px(74)), 13, T.DIM,
               align="center")
        for b in self.buttons:
            b.draw(surf, f, self.app.mouse, tips)
        f.draw(surf, "…or type the path of a scenario file:", (self.field.x, self.field.y - f.px(22)), 12, T.DIM)
        pygame.draw.rect(surf, T.PANEL, self.field)
        pygame.draw.rect(surf, T.LINE, self.field, 1)
        f.draw(surf, self.path_text + "▏", (self.field.x + f.px(6), self.field.y + f.px(7)), 13, T.TEXT,
               width=self.field.width - f.px(12))
        tips.append((self.field, "Type a path such as scenarios/meridian.yaml, then Enter"))
        self.open_button.draw(surf, f, self.app.mouse, tips)
        self.quit_button.draw(surf, f, self.app.mouse, tips)


class BriefingScreen:
    """The scenario's summary, briefing, lesson and objectives."""

    name = "briefing"

    def __init__(self, app) -> None:
        self.app = app
        self.start = Button("Start  ⏎", lambda: app.goto("main"), "Go to the map and play (Enter or Esc)",
                            primary=True)
        self.scroll = 0  # of the briefing column, in pixels
        self.left = pygame.Rect(0, 0, 0, 0)
        self._page: tuple | None = None  # (key, rendered briefing column)
        self._standing: tuple | None = None  # ((session, version, turn), objective_status list)

    def layout(self, size) -> None:
        f = self.app.fonts
        self.start.rect = pygame.Rect(size[0] - f.px(200), size[1] - f.px(56), f.px(180), f.px(38))

    def handle(self, event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.start.handle(event)
        elif event.type == pygame.MOUSEWHEEL:
            self.scroll_by(-event.y * 40)
        elif event.type == pygame.KEYDOWN and event.key in (pygame.K_DOWN, pygame.K_UP, pygame.K_PAGEDOWN,
                                                            pygame.K_PAGEUP):
            page = max(40, self.left.height - 40)
            self.scroll_by({pygame.K_DOWN: 40, pygame.K_UP: -40, pygame.K_PAGEDOWN: page, pygame.K_PAGEUP: -page}[
                event.key])
        elif event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE,
                                                            pygame.K_ESCAPE):
            self.app.goto("main")

    def scroll_by(self, dy: int) -> None:
        """Scroll the briefing column (long briefings do not fit a screen)."""
        height = self._page[1].get_height() if self._page else 0
        self.scroll = max(0, min(self.scroll + dy, max(0, height - self.left.height)))
        self.app.dirty = True

    def _column(self, sc, width: int) -> pygame.Surface:
        """The summary and briefing rendered once at full length."""
        f = self.app.fonts
        key = (id(sc), width, f.scale)
        if self._page is None or self._page[0] != key:
            summary, briefing = reflow(sc.summary), reflow(sc.briefing or "")
            height = (len(f.wrap(summary, width, 14)) * f.line_height(14) + f.px(10)
                      + len(f.wrap(briefing, width, 13)) * f.line_height(13) + f.px(4))
            page = pygame.Surface((width, height))
            page.fill(T.BG)
            y = f.draw_wrapped(page, summary, pygame.Rect(0, 0, width, height), 14, T.TEXT) + f.px(10)
            if briefing:
                f.draw_wrapped(page, briefing, pygame.Rect(0, y, width, height - y), 13, T.TEXT)
            self._page = (key, page)
            self.scroll = 0
        return self._page[1]

    def draw(self, surf, tips) -> None:
        f, s = self.app.fonts, self.app.session
        sc = s.loaded.scenario
        surf.fill(T.BG)
        w, h = surf.get_size()
        col = pygame.Rect(f.px(40), f.px(30), w - f.px(80), h - f.px(100))
        f.draw(surf, sc.title, col.topleft, 24, T.ACCENT, bold=True, width=col.width)
        y = col.y + f.line_height(24) + f.px(4)
        f.draw(surf, f"You are {sc.player.name}'s diplomatic service · {sc.turns} turns · "
               f"{len(sc.countries)} countries", (col.x, y), 13, T.DIM, width=col.width)
        y += f.line_height(13) + f.px(12)
        half = (col.width - f.px(30)) // 2
        left = pygame.Rect(col.x, y, half, col.bottom - y)
        right = pygame.Rect(col.x + half + f.px(30), y, half, col.bottom - y)
        self.left = left
        page = self._column(sc, left.width)
        self.scroll = max(0, min(self.scroll, max(0, page.get_height() - left.height)))
        surf.blit(page, left.topleft, pygame.Rect(0, self.scroll, left.width, left.height))
        if page.get_height() > left.height:  # a scrollbar, and a word on how to read on
            bar_h = max(f.px(20), left.height * left.height // page.get_height())
            bar_y = left.y + (left.height - bar_h) * self.scroll // max(1, page.get_height() - left.height)
            pygame.draw.rect(surf, T.LINE, (left.right + f.px(6), bar_y, f.px(4), bar_h), border_radius=2)
            if self.scroll < page.get_height() - left.height:
                f.draw(surf, "▼ more below: scroll, or Page Down", (left.x, left.bottom + f.px(4)), 11, T.ACCENT)
        inner = panel(surf, right, f, "Objectives")
        yy = inner.y
        game = s.game
        playing = game.turn > 1 or game.over  # before the first turn there is nothing to report
        self.start.label = "Back to the game  ⏎" if playing else "Start  ⏎"
        key = (s, s.version, game.turn)
        if self._standing is None or self._standing[0] != key:
            self._standing = (key, objective_status(s.params, game.state) if playing else None)
        standing = self._standing[1] or [None] * len(sc.objectives)
        for o, status in zip(sc.objectives, standing, strict=True):
            tag = "REQUIRED · " if o.required else ""
            f.draw(surf, f"{tag}{o.points:g} points", (inner.x, yy), 11, T.BAD if o.required else T.GOOD, bold=True)
            yy += f.line_height(11)
            yy = f.draw_wrapped(surf, o.text, pygame.Rect(inner.x, yy, inner.width, inner.bottom - yy), 13,
                                T.TEXT)
            if status is not None:
                text, kind = standing_text(o, status)
                f.draw(surf, text, (inner.x, yy), 12, {"good": T.GOOD, "bad": T.BAD}.get(kind, T.ACCENT),
                       width=inner.width)
                yy += f.line_height(12)
            yy += f.px(10)
        if sc.lesson:
            yy += f.px(6)
            f.draw(surf, "What this scenario teaches", (inner.x, yy), 13, T.ACCENT, bold=True)
            yy += f.line_height(13) + f.px(2)
            yy = f.draw_wrapped(surf, reflow(sc.lesson), pygame.Rect(inner.x, yy, inner.width, inner.bottom - yy), 12,
                                T.DIM) + f.px(10)
        f.draw_wrapped(surf, "How to play: click a country on the map, click a tool in the palette on the left "
                       "to see its cost and expected effect, queue it, then End Turn. The log says what happened "
                       "and why. F1 shows every shortcut.", pygame.Rect(inner.x, yy + f.px(6), inner.width,
                                                                         inner.bottom - yy), 12, T.DIM)
        self.start.draw(surf, f, self.app.mouse, tips)


def standing_text(objective, status: ObjectiveStatus) -> tuple[str, str]:
    """Where an objective stands, in a line for the player, and its tone ("good", "bad" or "open"):
    "Met", "Failed", or e.g. "Now 26 by your estimates: not yet (judged at the end)"."""
    if status.met:
        return "✓ Met", "good"
    if status.failed:
        return "✗ Failed", "bad"
    field = objective.condition.field or ""
    now = ""
    if status.value is not None and not field.endswith("abuse"):
        seen = " by your estimates" if ".rights" in field else ""
        now = f"Now {status.value:.0f}{seen}: "
    if objective.kind == "keep":
        return f"{now}holding so far", "open"
    if objective.kind == "avoid":
        return f"{now}avoided so far", "open"
    when = "judged at the end" if objective.at_end else (f"by turn {objective.by_turn}" if objective.by_turn
                                                          else "by the last turn")
    return f"{now}{'holds now' if status.holds else 'not yet'} ({when})", "good" if status.holds else "open"


class ErrorScreen:
    """A scenario that fails validation: the same messages as `diplosim validate`."""

    name = "error"

    def __init__(self, app, ref: str | None, lines: list[str]) -> None:
        self.app, self.ref, self.lines = app, ref, lines
        self.scroll = 0
        self.buttons = [Button("Retry (F5)", lambda: app.open_scenario(ref), "Load the file again after fixing it"),
                        Button("Other scenario", lambda: app.goto("picker"), "Pick a built-in scenario"),
                        Button("Quit", app.quit, "Close diplosim (Esc)")]

    def layout(self, size) -> None:
        f = self.app.fonts
        x = f.px(30)
        for b in self.buttons:
            b.rect = pygame.Rect(x, size[1] - f.px(56), f.px(160), f.px(36))
            x += f.px(170)

    def handle(self, event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN:
            for b in self.buttons:
                if b.handle(event):
                    return
        elif event.type == pygame.MOUSEWHEEL:
            self.scroll = max(0, self.scroll - event.y)
        elif event.type == pygame.KEYDOWN:
            if event.key == pygame.K_F5:
                self.buttons[0].action()
            elif event.key == pygame.K_ESCAPE:
                self.app.quit()

    def draw(self, surf, tips) -> None:
        f = self.app.fonts
        surf.fill(T.BG)
        w, h = surf.get_size()
        f.draw(surf, "This scenario cannot be played yet", (f.px(30), f.px(24)), 20, T.BAD, bold=True)
        f.draw(surf, "Fix these problems in the file (the same messages as `diplosim validate`), then press F5:",
               (f.px(30), f.px(58)), 13, T.DIM, width=w - f.px(60))
        rect = pygame.Rect(f.px(30), f.px(90), w - f.px(60), h - f.px(160))
        y = rect.y
        for line in self.lines[self.scroll:]:
            if y > rect.bottom - f.line_height(12):
                break
            y = f.draw_wrapped(surf, line, pygame.Rect(rect.x, y, rect.width, rect.bottom - y), 12, T.TEXT) + f.px(6)
        for b in self.buttons:
            b.draw(surf, f, self.app.mouse, tips)
