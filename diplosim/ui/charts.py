"""Charts: the history of the key figures per country and for the player, with the turns of the
player's actions marked (amber lines)."""

from __future__ import annotations

import pygame

from diplosim.ui import theme as T
from diplosim.ui.panels import Cached
from diplosim.ui.widgets import Button

SERIES_COLOURS = [(120, 180, 250), (250, 170, 90), (130, 220, 140), (230, 120, 200), (240, 230, 110),
                  (160, 140, 250), (100, 220, 220), (250, 120, 110)]
PLAYER_CHARTS = ("credibility", "commerce", "security", "inertia", "fluency", "budget")
COUNTRY_CHARTS = ("face", "relations", "leverage", "stability", "resistance", "rival_pull")


def series(session, subject: int | None, name: str) -> list[float]:
    hist = session.game.history
    if subject is None:
        return [float(h.player_field(name)[0]) for h in hist]
    if name == "leverage":
        return [float(h.leverage[0, subject]) for h in hist]
    return [float(h.field(name)[0, subject]) for h in hist]


def gridlines(plot: pygame.Rect, lo: float, hi: float) -> list[tuple[float, str]]:
    """(y, label) of the bottom, middle and top lines of a chart whose axis runs from lo to hi."""
    return [(plot.bottom - share * plot.height, f"{lo + (hi - lo) * share:.0f}") for share in (0.0, 0.5, 1.0)]


class ChartsScreen:
    name = "charts"

    def __init__(self, app) -> None:
        self.app = app
        self.subject: int | None = app.screens["main"].selected if "main" in app.screens else None
        self.cache = Cached()
        self.back = Button("Back  (Esc)", lambda: app.goto("main"), "Back to the map (Esc or C)")
        self.subject_buttons: list[Button] = []

    def layout(self, size) -> None:
        f, s = self.app.fonts, self.app.session
        self.size = size
        self.back.rect = pygame.Rect(size[0] - f.px(140), f.px(8), f.px(130), f.px(30))
        names = ["You"] + list(s.params.country_names)
        self.subject_buttons = []
        y = f.px(56)
        for k, name in enumerate(names):
            subject = None if k == 0 else k - 1
            b = Button(name, lambda c=subject: self.pick(c), f"Show the history of {name}",
                       pygame.Rect(f.px(10), y, f.px(160), f.px(28)))
            self.subject_buttons.append(b)
            y += f.px(32)
        self.area = pygame.Rect(f.px(184), f.px(50), size[0] - f.px(194), size[1] - f.px(60))

    def pick(self, c: int | None) -> None:
        self.subject = c
        self.app.dirty = True

    def handle(self, event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN:
            for b in [self.back] + self.subject_buttons:
                if b.handle(event):
                    return
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_ESCAPE, pygame.K_c):
                self.app.goto("main")
            elif event.key in (pygame.K_DOWN, pygame.K_UP, pygame.K_TAB):
                n = self.app.session.params.n_countries
                k = -1 if self.subject is None else self.subject
                k = (k + (1 if event.key != pygame.K_UP else -1) + 1) % (n + 1) - 1
                self.pick(None if k < 0 else k)

    def _marks(self) -> dict[int, list[str]]:
        s = self.app.session
        marks: dict[int, list[str]] = {}
        cid = None if self.subject is None else s.params.country_ids[self.subject]
        for t, rec in enumerate(s.game.turns, 1):
            for o in rec.orders:
                if cid is None or o.target == cid:
                    marks.setdefault(t, []).append(s.tool_name(o.tool) + (f" → {s.country_name(o.target)}"
                                                                          if o.target and cid is None else ""))
        return marks

    def _chart(self, surf, rect, title, lines, marks, turns, tips_out, lo=0.0, hi=100.0) -> None:
        f = self.app.fonts
        pygame.draw.rect(surf, T.PANEL, rect, border_radius=f.px(5))
        f.draw(surf, title, (rect.x + f.px(8), rect.y + f.px(4)), 12, T.TEXT, bold=True, width=rect.width - f.px(16))
        plot = pygame.Rect(rect.x + f.px(30), rect.y + f.line_height(12) + f.px(8), rect.width - f.px(40),
                           rect.height - f.line_height(12) - f.px(26))
        if len(lines) > 1:
            ly = rect.y + f.px(4)
            lx = rect.right - f.px(8)
            for label, _, colour in reversed(lines):
                lx = f.draw(surf, label, (lx, ly), 10, colour, align="right") - f.width(label, 10) - f.px(8)
        pygame.draw.rect(surf, (40, 46, 60), plot)
        for yy, label in gridlines(plot, lo, hi):
            pygame.draw.line(surf, (58, 66, 84), (plot.x, yy), (plot.right, yy))
            f.draw(surf, label, (plot.x - f.px(4), yy - f.px(6)), 9, T.FAINT, align="right")
        n = max(1, turns)
        for t in marks:
            x = plot.x + (t - 1) / n * plot.width
            pygame.draw.line(surf, (200, 150, 50), (x, plot.y), (x, plot.bottom), 1)
        for _, values, colour in lines:
            if len(values) > 1:
                pts = [(plot.x + i / n * plot.width, plot.bottom - (min(hi, max(lo, v)) - lo) / (hi - lo) * plot.height)
                       for i, v in enumerate(values)]
                pygame.draw.lines(surf, colour, False, pts, 2)
        f.draw(surf, "start", (plot.x, plot.bottom + f.px(2)), 9, T.FAINT)
        f.draw(surf, f"end of turn {turns}", (plot.right, plot.bottom + f.px(2)), 9, T.FAINT, align="right")
        acted = "; ".join(f"turn {t}: {', '.join(v)}" for t, v in sorted(marks.items())[-8:])
        now = ", ".join(f"{label} {values[-1]:.0f}" for label, values, _ in lines if values)
        tips_out.append((rect, f"{title}: now {now}. Amber lines: turns of your actions"
                               + (f" ({acted})" if acted else " (none yet)")))

    def _build(self):
        f, s = self.app.fonts, self.app.session
        w, h = self.area.size
        surf = pygame.Surface((w, h))
        surf.fill(T.BG)
        tips: list = []
        marks = self._marks()
        turns = s.params.turns
        names = list(PLAYER_CHARTS)
        if "treaty_negotiation" in s.params.tools.ids or max(series(s, None, "treaty")) > 0:
            names.append("treaty")  # a scenario about a treaty charts its progress
        cols, rows = 3, 3 if (self.subject is not None or len(names) > 6) else 2
        gap = f.px(8)
        cw, ch = (w - (cols - 1) * gap) // cols, (h - (rows - 1) * gap) // rows
        rects = [pygame.Rect(c * (cw + gap), r * (ch + gap), cw, ch) for r in range(rows) for c in range(cols)]
        if self.subject is None:
            for rect, name in zip(rects, names):
                vals = series(s, None, name)
                hi = max(100.0, max(vals)) if name == "budget" else 100.0
                title = "Treaty progress" if name == "treaty" else name.capitalize()
                self._chart(surf, rect, title, [(name, vals, SERIES_COLOURS[0])], marks, turns, tips,
                            hi=hi)
        else:
            c = self.subject
            hist = s.game.history
            themes = s.loaded.scenario.themes
            big = pygame.Rect(0, 0, w, ch)
            lines = [(th.name, [float(x.estimate[0, c, k]) for x in hist], SERIES_COLOURS[k % len(SERIES_COLOURS)])
                     for k, th in enumerate(themes)]
            self._chart(surf, big, "Estimated rights by theme", lines, marks, turns, tips)
            for rect, name in zip(rects[3:], COUNTRY_CHARTS):
                self._chart(surf, rect, name.replace("_", " ").capitalize(), [(name, series(s, c, name),
                            SERIES_COLOURS[1])], marks, turns, tips)
        return surf, tips

    def draw(self, surf, tips) -> None:
        f, s = self.app.fonts, self.app.session
        surf.fill(T.BG)
        who = "You" if self.subject is None else s.params.country_names[self.subject]
        title = f"Charts · {who} · {len(s.game.turns)} of {s.params.turns} turns played"
        f.draw(surf, title, (f.px(12), f.px(12)), 17, T.ACCENT, bold=True)
        f.draw(surf, "amber lines: the turns you acted (on this country); hover a chart for what you did",
               (f.px(24) + f.width(title, 17, bold=True), f.px(17)), 11, (200, 150, 50))
        for k, b in enumerate(self.subject_buttons):
            b.draw(surf, f, self.app.mouse, tips)
            if (k == 0 and self.subject is None) or (k - 1 == self.subject):
                pygame.draw.rect(surf, T.ACCENT, b.rect, 2, border_radius=f.px(5))
        self.back.draw(surf, f, self.app.mouse, tips)
        key = (s.version, id(s.game), self.subject, self.area.size, f.scale)
        img = self.cache.get(key, self._build)
        surf.blit(img, self.area.topleft)
        tips.extend((r.move(self.area.topleft), t) for r, t in self.cache.tips)
