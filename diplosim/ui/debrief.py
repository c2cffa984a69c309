"""The debrief: outcome and score with the reason, objectives, the decisions that mattered most
(found by replaying the game without each decision on the same luck), and a timeline."""

from __future__ import annotations

import pygame

from diplosim.engine.conditions import field_words
from diplosim.engine.objectives import score_parts
from diplosim.ui import theme as T
from diplosim.ui.panels import Cached
from diplosim.ui.theme import reflow
from diplosim.ui.widgets import Button, ScrollList, panel

RESULT_TEXT = {"won": ("You won", T.GOOD), "lost": ("You lost", T.BAD), "playing": ("Game in progress", T.WARN)}


def score_words(session) -> str:
    """Where the score comes from: the objectives' points, then each of the scenario's score terms
    (weight x a final figure), e.g. "90 of 110 points from objectives + 18 from average rights (61 x 0.3)"."""
    p = session.params
    met, terms = score_parts(p, session.game.state)
    parts = [f"{float(met[0]):g} of {sum(o.points for o in p.objectives):g} points from objectives"]
    names = dict(zip(p.country_ids, p.country_names, strict=True))
    for term, (weight, value) in zip(session.loaded.scenario.score, terms, strict=True):
        points = weight * float(value[0])
        parts.append(f"{'-' if points < 0 else '+'} {abs(points):.0f} from {field_words(term.field, names)} "
                     f"({float(value[0]):.0f} × {weight:g})")
    return " ".join(parts)


class DebriefScreen:
    name = "debrief"

    def __init__(self, app) -> None:
        self.app = app
        self.timeline = ScrollList()
        self.cache = Cached()
        self._tl_key = None
        self.buttons = [Button("Back to map", lambda: app.goto("main"), "Look at the map again (Esc)"),
                        Button("Charts", lambda: app.goto("charts"), "History of every figure (C)"),
                        Button("Replay", app.start_replay, "Watch this game again from the start, turn by turn (R)"),
                        Button("New game", app.new_game, "Play the scenario again with the same luck (N)"),
                        Button("Quit", app.quit, "Close diplosim (autosaved)")]

    def layout(self, size) -> None:
        f = self.app.fonts
        w, h = size
        x = w - f.px(10)
        for b in reversed(self.buttons):
            bw = f.width(b.label, 13) + f.px(24)
            b.rect = pygame.Rect(x - bw, f.px(10), bw, f.px(30))
            x -= bw + f.px(6)
        self.header = pygame.Rect(f.px(10), f.px(48), w - f.px(20), f.px(112))
        body_y = self.header.bottom + f.px(8)
        left_w = int((w - f.px(30)) * 0.6)
        self.insights_rect = pygame.Rect(f.px(10), body_y, left_w, h - body_y - f.px(10))
        self.timeline_rect = pygame.Rect(self.insights_rect.right + f.px(10), body_y, w - left_w - f.px(30),
                                         h - body_y - f.px(10))
        self.timeline.rect = self.timeline_rect.inflate(-f.px(16), -f.px(44)).move(0, f.px(14))

    def handle(self, event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for b in self.buttons:
                if b.handle(event):
                    return
        elif event.type == pygame.MOUSEWHEEL and self.timeline.rect.collidepoint(self.app.mouse):
            self.timeline.wheel(event.y)
        elif event.type == pygame.KEYDOWN:
            k = event.key
            if k == pygame.K_ESCAPE:
                self.app.goto("main")
            elif k == pygame.K_c:
                self.app.goto("charts")
            elif k == pygame.K_r:
                self.app.start_replay()
            elif k == pygame.K_n:
                self.app.new_game()

    def _timeline_rows(self, session) -> None:
        key = (session.version, id(session.game), self.timeline.rect.size, self.app.fonts.scale)
        if key == self._tl_key:
            return
        self._tl_key = key
        f = self.app.fonts
        width = self.timeline.rect.width - f.px(8)
        rows = []
        for t, rec in enumerate(session.game.turns, 1):
            parts = [session.tool_name(o.tool) + (f" → {session.country_name(o.target)}" if o.target else "")
                     for o in rec.orders]
            for ev, ch in rec.choices.items():
                e = session.event(ev)
                parts.append(f"answered “{e.title}”: " + next((c.label for c in e.choices if c.id == ch), ch))
            if not parts:
                parts = ["(no action)"]
            lines = []
            for p in parts:
                lines += f.wrap(p, width - f.px(70), 11)
            h = max(1, len(lines)) * f.line_height(11) + f.px(5)
            surf = pygame.Surface((width, h))
            surf.fill(T.PANEL)
            f.draw(surf, f"Turn {t}", (0, 0), 11, T.ACCENT, bold=True)
            for i, line in enumerate(lines):
                f.draw(surf, line, (f.px(64), i * f.line_height(11)), 11, T.TEXT if parts[0][0] != "(" else T.FAINT)
            rows.append(surf)
        self.timeline.set_rows(rows, list(range(len(rows))))

    def _build_insights(self):
        f, s = self.app.fonts, self.app.session
        size = self.insights_rect.size
        surf = pygame.Surface(size)
        surf.fill(T.BG)
        inner = panel(surf, surf.get_rect(), f, "Decisions that mattered most")
        tips = []
        y = f.draw_wrapped(surf, "Each of your decisions was taken out and the game replayed on the same luck; "
                           "these changed the ending most (rights as you estimate them).",
                           pygame.Rect(inner.x, inner.y, inner.width, f.px(40)), 11, T.DIM) + f.px(6)
        insights = s.insights()
        if not insights:
            f.draw(surf, "You took no actions, so there is nothing to compare.", (inner.x, y), 13, T.DIM)
        for k, ins in enumerate(insights[:8]):
            lines = f.wrap(ins.text, inner.width - f.px(30), 13)
            need = len(lines) * f.line_height(13) + f.px(8)
            if y + need > inner.bottom:
                break
            f.draw(surf, f"{k + 1}.", (inner.x, y), 13, T.ACCENT, bold=True)
            for i, line in enumerate(lines):
                colour = T.TEXT if abs(ins.score_delta) >= 0.5 or abs(ins.rights_delta) >= 0.5 else T.DIM
                f.draw(surf, line, (inner.x + f.px(26), y + i * f.line_height(13)), 13, colour)
            tips.append((pygame.Rect(inner.x, y, inner.width, need),
                         (f"Score with it {s.game.outcome().score:.1f}, without it "
                         f"{s.game.outcome().score - ins.score_delta:.1f}. Turn {ins.turn}, action {ins.index + 1}.")))
            y += need
        lesson = s.loaded.scenario.lesson
        if lesson and y + f.px(60) < inner.bottom:
            y += f.px(8)
            f.draw(surf, "The lesson", (inner.x, y), 13, T.ACCENT, bold=True)
            f.draw_wrapped(surf, reflow(lesson), pygame.Rect(inner.x, y + f.line_height(13), inner.width,
                                                     inner.bottom - y - f.line_height(13)), 12, T.DIM)
        return surf, tips

    def draw(self, surf, tips) -> None:
        f, s = self.app.fonts, self.app.session
        surf.fill(T.BG)
        out = s.game.outcome()
        head, colour = RESULT_TEXT.get(out.result, (out.result.capitalize(), T.TEXT))
        f.draw(surf, f"Debrief · {s.loaded.scenario.title}", (f.px(12), f.px(14)), 17, T.ACCENT, bold=True,
               width=self.buttons[0].rect.x - f.px(24))
        for b in self.buttons:
            b.draw(surf, f, self.app.mouse, tips)
        inner = panel(surf, self.header, f)
        f.draw(surf, f"{head} — score {out.score:.0f}", inner.topleft, 20, colour, bold=True)
        y = inner.y + f.line_height(20)
        reason = "Every required objective was met." if out.result == "won" else out.reason[:1].upper() + out.reason[1:]
        y = f.draw_wrapped(surf, reason, pygame.Rect(inner.x, y, inner.width, f.line_height(12) * 2), 12, T.TEXT,
                           max_lines=2)
        f.draw(surf, f"Score {out.score:.0f} = {score_words(s)}", (inner.x, y), 12, T.TEXT, width=inner.width)
        y += f.line_height(12)
        objs = {o.id: o for o in s.params.objectives}
        met = ", ".join(objs[i].id.replace("_", " ") for i in out.met) or "none"
        met = f"{len(out.met)} of {len(objs)} (hover for each): {met}"
        failed = ", ".join(objs[i].id.replace("_", " ") for i in out.failed) or "none"
        f.draw(surf, f"Met: {met}", (inner.x, y), 12, T.GOOD, width=inner.width)
        tips.append((pygame.Rect(inner.x, y, inner.width, f.line_height(12)),
                     "\n".join(f"✓ {objs[i].text}" for i in out.met) or "No objective met yet"))
        y += f.line_height(12)
        f.draw(surf, f"Failed: {failed}", (inner.x, y), 12, T.BAD if out.failed else T.DIM, width=inner.width)
        tips.append((pygame.Rect(inner.x, y, inner.width, f.line_height(12)),
                     "\n".join(f"✗ {objs[i].text}" for i in out.failed) or "No objective failed"))
        key = (s.version, id(s.game), self.insights_rect.size, f.scale)
        surf.blit(self.cache.get(key, self._build_insights), self.insights_rect.topleft)
        tips.extend((r.move(self.insights_rect.topleft), t) for r, t in self.cache.tips)
        panel(surf, self.timeline_rect, f, "Timeline of your decisions")
        self._timeline_rows(s)
        self.timeline.draw(surf)
