"""The main screen: map, selected country, player status, tool palette, queued actions, End Turn
and the event log."""

from __future__ import annotations

import time

import pygame

from diplosim.ui import theme as T
from diplosim.ui.mapview import LAYERS, MapView
from diplosim.ui.palette import Palette, cost_text
from diplosim.ui.panels import Cached, LogView, draw_country, draw_player, planned
from diplosim.ui.tutorial import Coach
from diplosim.ui.widgets import Button, panel


class MainScreen:
    name = "main"

    def __init__(self, app) -> None:
        self.app = app
        f = app.fonts
        self.map = MapView(f)
        self.log = LogView(f)
        self.palette = Palette(f, self.queue_chosen)
        self.player_cache, self.country_cache = Cached(), Cached()
        self.selected: int | None = None
        self.hover: int | None = None
        self.layer, self.theme = "rights", 0
        self._last_click = (0.0, None)
        self.top_buttons = [
            Button("Briefing", lambda: app.goto("briefing"), "The briefing, and where each objective stands now (B)"),
            Button("Charts", lambda: app.goto("charts"), "History of every figure, with your actions marked (C)"),
            Button("Save", app.save, "Save to the quick-save slot (Ctrl+S); the game also autosaves every turn"),
            Button("Load", app.load, "Load the quick-save slot (Ctrl+O); a damaged save leaves this game as it is"),
            Button("Help", app.help, "Keyboard shortcuts (F1 or ?)"),
            Button("A−", lambda: app.set_scale(app.fonts.scale - 0.1), "Smaller interface (−)"),
            Button("A+", lambda: app.set_scale(app.fonts.scale + 0.1), "Bigger interface (+)"),
        ]
        self.layer_buttons = [Button(f"{i + 1} {label}", lambda k=key: self.set_layer(k), f"Colour the map by {tip}")
                              for i, (key, label, tip) in enumerate(LAYERS)]
        self.end_button = Button("End Turn  ⏎", self.app.end_turn, "Play this turn's actions and see how every "
                                 "government reacts (Enter or Space)", primary=True,
                                 enabled=lambda: not self.app.session.game.over)
        self.events_button = Button("", self.app.open_next_event, "Events waiting for your answer (E)")
        self.debrief_button = Button("Debrief", lambda: app.goto("debrief"), "What happened, and which of your "
                                     "decisions mattered (D)", primary=True)
        self.undo_buttons: list[Button] = []
        self.size = (0, 0)
        self.coach = Coach(app, app.session.loaded.scenario.tutorial)

    # --- layout --------------------------------------------------------------------------------
    def layout(self, size: tuple[int, int]) -> None:
        f = self.app.fonts
        self.size = w, h = size
        gap = f.px(6)
        top = f.px(40)
        left_w = min(max(240, int(w * 0.235)), f.px(420))  # the map keeps at least ~45% of the width
        right_w = min(max(270, int(w * 0.28)), f.px(460))
        self.top = pygame.Rect(0, 0, w, top)
        self.left = pygame.Rect(gap, top, left_w, h - top - gap)
        self.right = pygame.Rect(w - right_w - gap, top, right_w, h - top - gap)
        cx = self.left.right + gap
        self.centre = pygame.Rect(cx, top, self.right.x - gap - cx, h - top - gap)
        strip = f.px(28)
        map_h = int(self.centre.height * 0.58)
        self.strip = pygame.Rect(self.centre.x, top, self.centre.width, strip)
        self.map.rect = pygame.Rect(self.centre.x, top + strip, self.centre.width, map_h - strip)
        self.log_rect = pygame.Rect(self.centre.x, self.map.rect.bottom + gap, self.centre.width,
                                    self.centre.bottom - self.map.rect.bottom - gap)
        self.log.list.rect = pygame.Rect(self.log_rect.x + f.px(6), self.log_rect.y + f.line_height(13) + f.px(10),
                                         self.log_rect.width - f.px(10),
                                         self.log_rect.height - f.line_height(13) - f.px(14))
        player_h = f.line_height(13) + 4 * (f.line_height(11) + f.px(9)) + f.px(18)
        self.player_rect = pygame.Rect(self.left.x, top, left_w, player_h)
        pal = pygame.Rect(self.left.x, self.player_rect.bottom + gap, left_w, self.left.bottom - self.player_rect.bottom - gap)
        self.palette_rect = pal
        detail_h = min(f.px(250), pal.height // 2)
        self.palette.list.rect = pygame.Rect(pal.x + f.px(6), pal.y + f.line_height(13) + f.px(10),
                                             pal.width - f.px(10), pal.height - detail_h - f.line_height(13) - f.px(18))
        self.palette.detail = pygame.Rect(pal.x + f.px(6), pal.bottom - detail_h - f.px(6), pal.width - f.px(12), detail_h)
        queue_h = f.px(190)
        self.country_rect = pygame.Rect(self.right.x, top, right_w, self.right.height - queue_h - gap)
        self.queue_rect = pygame.Rect(self.right.x, self.country_rect.bottom + gap, right_w, queue_h)
        # top bar buttons, right-aligned
        x = w - gap
        for b in reversed(self.top_buttons):
            bw = f.px(40) if b.label.startswith("A") else f.width(b.label, 13) + f.px(22)
            b.rect = pygame.Rect(x - bw, f.px(6), bw, top - f.px(12))
            x -= bw + f.px(4)
        self.title_width = x - f.px(12)
        n = len(self.layer_buttons)
        bw = (self.strip.width - (n - 1) * f.px(3)) // n
        for i, b in enumerate(self.layer_buttons):
            b.rect = pygame.Rect(self.strip.x + i * (bw + f.px(3)), self.strip.y + f.px(2), bw, strip - f.px(6))
            b.size = 11
        bh = f.px(34)
        self.end_button.rect = pygame.Rect(self.queue_rect.x + f.px(8), self.queue_rect.bottom - bh - f.px(8),
                                           self.queue_rect.width - f.px(16), bh)
        self.debrief_button.rect = self.end_button.rect.copy()
        self.events_button.rect = pygame.Rect(self.end_button.rect.x, self.end_button.rect.y - bh - f.px(4),
                                              self.end_button.rect.width, f.px(28))

    def toast_area(self) -> pygame.Rect:
        return self.map.rect

    # --- actions -------------------------------------------------------------------------------
    @property
    def target(self) -> str | None:
        return self.app.session.params.country_ids[self.selected] if self.selected is not None else None

    def warm(self) -> None:
        """Ask the engine now (legality, the chosen tool's preview) so drawing never waits on it."""
        s = self.app.session
        if s is None:
            return
        checks = s.checks(self.target)
        tid = self.palette.chosen
        if tid is not None and checks.get(tid) is None and not s.game.over:
            s.preview(tid, self.target)

    def select(self, c: int | None) -> None:
        if c != self.selected:
            self._last_click = (0.0, None)  # two clicks on a tool with a new country between are not a double-click
        self.selected = c
        self.app.dirty = True
        self.warm()

    def set_layer(self, key: str) -> None:
        if key == "theme" and self.layer == "theme":
            self.theme = (self.theme + 1) % len(self.app.session.params.themes)
        self.layer = key
        self.app.dirty = True

    def choose_tool(self, tool_id: str | None) -> None:
        self.palette.chosen = tool_id
        self.app.dirty = True
        self.warm()

    def queue_chosen(self) -> None:
        s = self.app.session
        tid = self.palette.chosen
        if tid is None:
            self.app.toast("Choose a tool in the palette first", T.WARN)
            return
        why = s.queue(tid, self.target)
        if why:
            self.app.toast(f"{s.tool_name(tid)}: {why}", T.BAD)
        else:
            aimed = s.tool(tid).target in ("country", "forum")
            self.app.toast(f"Queued {s.tool_name(tid)}" + (f" on {s.country_name(self.target)}" if aimed else ""))

    def undo(self, index: int = -1) -> None:
        s = self.app.session
        if s.game.current.orders:
            order = s.game.current.orders[index]
            s.undo(index)
            self.app.toast(f"Took back {s.tool_name(order.tool)}")

    # --- events --------------------------------------------------------------------------------
    def handle(self, event) -> None:
        s = self.app.session
        if self.coach.handle(event):
            return
        if event.type == pygame.MOUSEMOTION:
            c = self.map.country_at(s, event.pos)
            if c != self.hover:
                self.hover = c
            if getattr(event, "buttons", (0,))[0] and self.log.list.on_scrollbar(event.pos):
                self.log.list.jump(event.pos[1])  # dragging the log's scrollbar
        elif event.type == pygame.MOUSEWHEEL:
            pos = self.app.mouse
            for lst in (self.log.list, self.palette.list):
                if lst.rect.collidepoint(pos):
                    lst.wheel(event.y)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for b in self.top_buttons + self.layer_buttons + self.undo_buttons:
                if b.handle(event):
                    return
            if s.game.over and self.debrief_button.handle(event):
                return
            if not s.game.over and self.end_button.handle(event):
                return
            if s.pending_events() and self.events_button.handle(event):
                return
            if self.palette.queue_button.handle(event):
                return
            c = self.map.country_at(s, event.pos)
            if c is not None:
                self.select(c)
                return
            tid = self.palette.tool_at(event.pos)
            if tid is not None:
                now = time.monotonic()
                if self._last_click[1] == tid and now - self._last_click[0] < 0.4:
                    self.queue_chosen()
                self._last_click = (now, tid)
                self.choose_tool(tid)
                return
            if self.log.list.on_scrollbar(event.pos):
                self.log.list.jump(event.pos[1])
                return
            entry = self.log.entry_at(event.pos)
            if entry is not None and entry.country >= 0:
                self.select(entry.country)
        elif event.type == pygame.KEYDOWN:
            self.key(event)

    def key(self, event) -> None:
        k, mod = event.key, event.mod
        s = self.app.session
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            self.app.end_turn()
        elif (k == pygame.K_z and mod & pygame.KMOD_CTRL) or k == pygame.K_BACKSPACE:
            self.undo()
        elif pygame.K_1 <= k <= pygame.K_6:
            self.set_layer(LAYERS[k - pygame.K_1][0])
        elif k == pygame.K_q:
            self.queue_chosen()
        elif k == pygame.K_e:
            self.app.open_next_event()
        elif k in (pygame.K_PAGEDOWN, pygame.K_PAGEUP, pygame.K_HOME, pygame.K_END):
            pages = {pygame.K_PAGEDOWN: 1, pygame.K_PAGEUP: -1, pygame.K_HOME: -1e6, pygame.K_END: 1e6}[k]
            self.log.list.page(pages)
        elif k == pygame.K_TAB:
            n = s.params.n_countries
            self.select(0 if self.selected is None else (self.selected + (-1 if mod & pygame.KMOD_SHIFT else 1)) % n)
        elif k in (pygame.K_UP, pygame.K_DOWN):
            ids = s.params.tools.ids
            i = ids.index(self.palette.chosen) if self.palette.chosen in ids else -1
            self.choose_tool(ids[(i + (1 if k == pygame.K_DOWN else -1)) % len(ids)])

    # --- drawing -------------------------------------------------------------------------------
    def _chrome(self) -> pygame.Surface:
        """Background and panel frames, drawn once per layout (rounded rects are slow to redraw)."""
        f = self.app.fonts
        key = (self.size, f.scale)
        if getattr(self, "_chrome_key", None) != key:
            surf = pygame.Surface(self.size)
            surf.fill(T.BG)
            self.inner = {
                "player": panel(surf, self.player_rect, f),
                "palette": panel(surf, self.palette_rect, f, "Tools  ·  cost   (✓ = allowed)"),
                "log": panel(surf, self.log_rect, f, "Event log · newest first · click a line to select its country"),
                "country": panel(surf, self.country_rect, f),
                "queue": panel(surf, self.queue_rect, f, " "),
            }
            self._chrome_surf, self._chrome_key = surf, key
        return self._chrome_surf

    def draw(self, surf: pygame.Surface, tips: list) -> None:
        app, f, s = self.app, self.app.fonts, self.app.session
        mouse = app.mouse
        surf.blit(self._chrome(), (0, 0))
        g = s.game
        title = f"{s.loaded.scenario.title}  ·  Turn {min(g.turn, s.params.turns)} of {s.params.turns}"
        if g.over:
            title += "  ·  game over"
        f.draw(surf, title, (f.px(10), f.px(11)), 15, T.TEXT, bold=True, width=self.title_width)
        for b in self.top_buttons:
            b.draw(surf, f, mouse, tips)
        # left: player status and palette
        inner = self.inner["player"]
        img = self.player_cache.get((s.version, id(g), inner.size, f.scale), lambda: draw_player(s, f, inner.size))
        surf.blit(img, inner.topleft)
        tips.extend((r.move(inner.topleft), t) for r, t in self.player_cache.tips)
        self.palette.refresh(s, self.target)
        self.palette.list.draw(surf)
        self.palette.tips(s, self.target, tips)
        self.palette.draw_detail(surf, s, self.target, mouse, tips)
        # centre: layers, map, log
        for b in self.layer_buttons:
            active = b.label.split(" ", 1)[1] == next(lbl for k, lbl, _ in LAYERS if k == self.layer)
            b.draw(surf, f, mouse, tips)
            if active:
                pygame.draw.rect(surf, T.ACCENT, b.rect, 2, border_radius=f.px(5))
        self.map.draw(surf, s, self.layer, self.theme, self.selected, self.hover)
        if self.hover is not None:
            tips.append((self.map.rect, self.map.tooltip(s, self.hover, self.layer, self.theme)))
        self.log.refresh(s)
        self.log.list.draw(surf)
        entry = self.log.entry_at(mouse)
        if entry is not None:
            extra = "" if entry.country < 0 else f"\nClick to select {s.params.country_names[entry.country]}."
            tips.append((self.log.list.row_rect(self.log.list.meta.index(entry)).clip(self.log.list.rect),
                         f"Turn {entry.turn} · {entry.kind}: {entry.text}" +
                         (f"\nWhy: {entry.cause}" if entry.cause else "") + extra))
        # right: country panel and queue
        inner = self.inner["country"]
        img = self.country_cache.get((s.version, id(g), self.selected, inner.size, f.scale),
                                     lambda: draw_country(s, f, inner.size, self.selected))
        surf.blit(img, inner.topleft)
        tips.extend((r.move(inner.topleft), t) for r, t in self.country_cache.tips)
        self._draw_queue(surf, tips)
        self.coach.draw(surf, self, tips)

    def _draw_queue(self, surf, tips) -> None:
        f, s, mouse = self.app.fonts, self.app.session, self.app.mouse
        g = s.game
        cap, bud = planned(s)
        inner = self.inner["queue"]
        f.draw(surf, f"This turn's actions · {cap:.0f} cap, {bud:.0f} $ left", (inner.x, inner.y - f.line_height(13)
               - f.px(4)), 13, T.ACCENT, bold=True, width=inner.width)
        y = inner.y
        self.undo_buttons = []
        lh = f.px(22)
        limit = self.events_button.rect.y - f.px(4)
        orders = g.current.orders
        if not orders:
            f.draw_wrapped(surf, "None yet: select a country, click a tool, then Queue. Undo is possible until "
                           "the turn ends.", pygame.Rect(inner.x, y, inner.width, limit - y), 11, T.DIM)
        for i, o in enumerate(orders):
            if y + lh > limit:
                break
            tool = s.tool(o.tool)
            label = f"{i + 1}. {tool.name}" + (f" → {s.country_name(o.target)}" if o.target else "")
            f.draw(surf, label, (inner.x, y + f.px(3)), 12, T.TEXT, width=inner.width - f.px(90))
            f.draw(surf, cost_text(tool), (inner.right - f.px(34), y + f.px(4)), 10, T.DIM, align="right")
            b = Button("✕", lambda k=i: self.undo(k), f"Take back {tool.name} (Ctrl+Z takes back the last one)",
                       pygame.Rect(inner.right - f.px(28), y, f.px(28), lh - f.px(2)), size=12)
            b.draw(surf, f, mouse, tips)
            self.undo_buttons.append(b)
            y += lh
        pending = s.pending_events()
        if pending and not g.over:
            self.events_button.label = f"⚠ {len(pending)} event(s) need your answer  (E)"
            self.events_button.draw(surf, f, mouse, tips)
        elif g.awaiting() and not g.over:
            f.draw(surf, "✓ events answered", (self.events_button.rect.x, self.events_button.rect.y + f.px(6)), 11,
                   T.GOOD)
        if g.over:
            self.debrief_button.draw(surf, f, mouse, tips)
        else:
            self.end_button.draw(surf, f, mouse, tips)
