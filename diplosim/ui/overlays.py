"""Overlays drawn above a screen: the event-choice dialog, the help card, and messages such as a
scenario's validation problems after F5. An open overlay takes the keyboard and mouse."""

from __future__ import annotations

import time

import pygame

from diplosim.ui import theme as T
from diplosim.ui.theme import reflow
from diplosim.ui.widgets import Button, dim

SHORTCUTS = (
    ("Enter / Space", "End the turn"),
    ("Ctrl+Z / Backspace", "Undo the last queued action"),
    ("Q / double-click", "Queue the chosen tool on the selected country"),
    ("Click a country / Tab", "Select a country (Tab: next one)"),
    ("1 … 6", "Map layer (6 again: the next theme)"),
    ("Up / Down", "Choose the previous / next tool"),
    ("E", "Answer the events waiting for you"),
    ("PageUp / PageDown", "Scroll the event log (Home / End: newest / oldest)"),
    ("C", "Charts of every figure over the turns"),
    ("D", "Debrief (at the end of the game)"),
    ("B", "Briefing, and where each objective stands"),
    ("Ctrl+S / Ctrl+O", "Save / load the quick-save slot"),
    ("Ctrl+N", "Choose another scenario (this game is autosaved)"),
    ("F5", "Reload the scenario file and replay your game onto it"),
    ("+ / -", "Bigger / smaller interface"),
    ("F1 or ?", "This help"),
    ("Esc", "Close a dialog, go back"),
)


class Overlay:
    closed = False

    def __init__(self, app) -> None:
        self.app = app

    def close(self) -> None:
        self.closed = True

    def card(self, surf: pygame.Surface, w: int, h: int) -> pygame.Rect:
        dim(surf)
        f = self.app.fonts
        rect = pygame.Rect(0, 0, min(w, surf.get_width() - f.px(40)), min(h, surf.get_height() - f.px(40)))
        rect.center = surf.get_rect().center
        pygame.draw.rect(surf, T.PANEL, rect, border_radius=f.px(8))
        pygame.draw.rect(surf, T.ACCENT, rect, 2, border_radius=f.px(8))
        return rect

    def handle(self, event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.close()
        return True


class HelpOverlay(Overlay):
    def draw(self, surf, tips) -> None:
        f = self.app.fonts
        lh = f.line_height(13) + f.px(4)
        rect = self.card(surf, f.px(720), lh * (len(SHORTCUTS) + 5))
        x, y = rect.x + f.px(20), rect.y + f.px(14)
        f.draw(surf, "Keyboard shortcuts", (x, y), 16, T.ACCENT, bold=True)
        y += f.line_height(16) + f.px(8)
        for keys, what in SHORTCUTS:
            f.draw(surf, keys, (x, y), 13, T.TEXT, bold=True, width=f.px(200))
            f.draw(surf, what, (x + f.px(210), y), 13, T.DIM, width=rect.width - f.px(250))
            y += lh
        f.draw(surf, "Hover over anything for a tooltip. Press Esc to close.", (x, y + f.px(4)), 12, T.FAINT)

    def handle(self, event) -> bool:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            self.close()
        return True


class MessageOverlay(Overlay):
    """A titled list of lines (e.g. validation problems after F5); the game goes on underneath."""

    def __init__(self, app, title: str, lines: list[str], note: str = "") -> None:
        super().__init__(app)
        self.title, self.lines, self.note = title, lines, note

    def draw(self, surf, tips) -> None:
        f = self.app.fonts
        rect = self.card(surf, f.px(900), f.px(520))
        inner = rect.inflate(-f.px(36), -f.px(28))
        f.draw(surf, self.title, inner.topleft, 16, T.BAD, bold=True, width=inner.width)
        y = inner.y + f.line_height(16) + f.px(8)
        for line in self.lines[:30]:
            y = f.draw_wrapped(surf, line, pygame.Rect(inner.x, y, inner.width, inner.bottom - y - f.px(40)), 12,
                               T.TEXT) + f.px(4)
        f.draw_wrapped(surf, self.note or "Press Esc to close.", pygame.Rect(inner.x, inner.bottom - f.px(34),
                       inner.width, f.px(34)), 12, T.DIM)


CLICK_GRACE = 0.5  # seconds after a dialog opens in which clicks and number keys are ignored


class EventModal(Overlay):
    """One waiting event: its text and its choices with their known consequences."""

    def __init__(self, app, event_id: str) -> None:
        super().__init__(app)
        self.event_id = event_id
        self.buttons: list[Button] = []
        self.layout_for = None
        self.opened = time.monotonic()

    def _default(self) -> str:
        """The answer taken when none is given: the engine's own default (params.events.default_choice)."""
        p = self.app.session.params
        e = [ev.id for ev in p.events.events].index(self.event_id)
        return p.events.events[e].choices[int(p.events.default_choice[e])].id

    def _choose(self, choice_id: str) -> None:
        session = self.app.session
        why = session.game.check_choice(self.event_id, choice_id)
        if why is not None:
            self.app.toast(f"Not possible: {why}", T.BAD)
            return
        session.choose(self.event_id, choice_id)
        ev = session.event(self.event_id)
        label = next(c.label for c in ev.choices if c.id == choice_id)
        self.app.toast(f"{ev.title}: you chose “{label}” (takes effect when the turn ends)")
        self.close()
        self.app.open_next_event()

    def draw(self, surf, tips) -> None:
        f = self.app.fonts
        session = self.app.session
        ev = session.event(self.event_id)
        width = f.px(700)
        text_w = width - f.px(40)
        body = f.wrap(reflow(ev.text), text_w, 13)
        choice_lines = [f.wrap(reflow(c.text) or "(no known consequences)", text_w - f.px(20), 12) for c in ev.choices]
        lh13, lh12 = f.line_height(13), f.line_height(12)
        choice_h = [f.px(30) + len(lines) * lh12 + f.px(10) for lines in choice_lines]
        height = f.px(70) + len(body) * lh13 + sum(choice_h) + f.px(50)
        rect = self.card(surf, width, height)
        x, y = rect.x + f.px(20), rect.y + f.px(14)
        where = f" — {session.country_name(ev.country)}" if ev.country else ""
        f.draw(surf, f"Event: {ev.title}{where}", (x, y), 16, T.ACCENT, bold=True, width=text_w)
        y += f.line_height(16) + f.px(6)
        for line in body:
            f.draw(surf, line, (x, y), 13, T.TEXT)
            y += lh13
        y += f.px(8)
        default = self._default() if ev.choices else ""
        self.buttons = []
        for k, (choice, lines) in enumerate(zip(ev.choices, choice_lines)):
            why = session.game.check_choice(self.event_id, choice.id)
            b = Button(f"{k + 1}. {choice.label}" + (f"  ({why})" if why else ""), lambda cid=choice.id: self._choose(cid),
                       f"Choose this ({k + 1}). Known consequences: {choice.text or 'none stated'}"
                       if why is None else f"Not possible now: {why}.",
                       pygame.Rect(x, y, text_w, f.px(28)), size=13, enabled=why is None)
            b.draw(surf, f, self.app.mouse, tips)
            self.buttons.append(b)
            y += f.px(32)
            for line in lines:
                f.draw(surf, line, (x + f.px(20), y), 12, T.DIM)
                y += lh12
            y += f.px(10)
        label = next((c.label for c in ev.choices if c.id == default), "")
        budget = session.game.state.player_field("budget")[0]
        f.draw(surf, f"Budget {budget:.0f}. Esc: decide later. Enter, or no answer when the turn ends: “{label}”.",
               (x, rect.bottom - f.px(26)), 11, T.FAINT, width=text_w)

    def handle(self, event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.close()
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                ev = self.app.session.event(self.event_id)
                if ev.choices:  # the default, as the dialog says; the next Enter ends the turn
                    self._choose(self._default())
                else:
                    self.close()
            elif pygame.K_1 <= event.key <= pygame.K_9:
                if time.monotonic() - self.opened < CLICK_GRACE:  # a key meant for the map (1-6: layers)
                    return True
                k = event.key - pygame.K_1
                ev = self.app.session.event(self.event_id)
                if k < len(ev.choices):
                    self._choose(ev.choices[k].id)
        elif event.type == pygame.MOUSEBUTTONDOWN:
            # A click meant for the map as the turn ended must not answer a dialog unread.
            if time.monotonic() - self.opened < CLICK_GRACE:
                return True
            for b in self.buttons:
                if b.handle(event):
                    break
        return True
