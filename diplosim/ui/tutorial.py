"""The in-game introduction a scenario may carry (`tutorial:` steps): a small coach card over the
map that points at one part of the screen at a time. It never blocks play: the student can act,
go to the next step, or close it."""

from __future__ import annotations

import pygame

from diplosim.ui import theme as T
from diplosim.ui.widgets import Button


class Coach:
    """Walks through a scenario's tutorial steps, each shown from its turn on."""

    def __init__(self, app, steps) -> None:
        self.app = app
        self.steps = list(steps)
        self.index = 0
        self.closed = not self.steps
        self.next_button = Button("Next  (N)", self.next, "The next step of the introduction (N)", size=11,
                                  primary=True)
        self.close_button = Button("Close", self.close, "Hide the introduction for this game", size=11)

    @property
    def step(self):
        """The step on show, or None (closed, finished, or the next one waits for a later turn)."""
        if self.closed or self.index >= len(self.steps):
            return None
        step = self.steps[self.index]
        return step if step.turn <= self.app.session.game.turn else None

    def next(self) -> None:
        """Go to the next step."""
        self.index += 1

    def close(self) -> None:
        """Hide the introduction."""
        self.closed = True

    def target_rect(self, main, highlight: str | None) -> pygame.Rect | None:
        """The screen rectangle a step points at."""
        return {"map": main.map.rect, "country_panel": main.country_rect, "status": main.player_rect,
                "palette": main.palette_rect, "queue": main.queue_rect, "end_turn": main.end_button.rect,
                "log": main.log_rect, "charts": main.top_buttons[1].rect}.get(highlight or "")

    def handle(self, event) -> bool:
        """Take clicks on the card's buttons and the N key; True when the event was used."""
        if self.step is None:
            return False
        if event.type == pygame.KEYDOWN and event.key == pygame.K_n:
            self.next()
            return True
        return self.next_button.handle(event) or self.close_button.handle(event)

    def waiting_for(self) -> int | None:
        """The turn the next step waits for, while it waits (so the card can say so)."""
        if self.closed or self.index >= len(self.steps) or self.step is not None:
            return None
        return self.steps[self.index].turn

    def draw(self, surf: pygame.Surface, main, tips: list) -> None:
        """Draw the outline around the pointed-at part, and the card over the event log (over the map
        when the step is about the log), so it never hides what it points at."""
        step = self.step
        f = self.app.fonts
        if step is None:
            later = self.waiting_for()
            if later is not None:  # say where the introduction went, rather than vanish
                host = main.log_rect
                note = f"Introduction: step {self.index + 1} of {len(self.steps)} comes on turn {later}."
                box = pygame.Rect(0, 0, f.width(note, 11) + f.px(20), f.line_height(11) + f.px(10))
                box.bottomright = (host.right - f.px(10), host.bottom - f.px(10))
                pygame.draw.rect(surf, T.PANEL, box, border_radius=f.px(6))
                pygame.draw.rect(surf, T.ACCENT, box, 1, border_radius=f.px(6))
                f.draw(surf, note, (box.x + f.px(10), box.y + f.px(5)), 11, T.DIM)
            return
        target = self.target_rect(main, step.highlight)
        if target is not None:
            pygame.draw.rect(surf, T.ACCENT, target.inflate(f.px(6), f.px(6)), f.px(3), border_radius=f.px(8))
        host = main.map.rect if step.highlight == "log" else main.log_rect
        width = min(f.px(420), host.width - f.px(20))
        lh = f.line_height(12)
        n_lines = len(f.wrap(step.text, width - f.px(20), 12))
        height = f.px(34) + n_lines * lh + f.px(40)
        card = pygame.Rect(host.right - width - f.px(10), host.bottom - height - f.px(10), width, height)
        pygame.draw.rect(surf, T.PANEL, card, border_radius=f.px(8))
        pygame.draw.rect(surf, T.ACCENT, card, 2, border_radius=f.px(8))
        f.draw(surf, f"Introduction · step {self.index + 1} of {len(self.steps)}", (card.x + f.px(10), card.y + f.px(8)),
               12, T.ACCENT, bold=True, width=card.width - f.px(20))
        f.draw_wrapped(surf, step.text, pygame.Rect(card.x + f.px(10), card.y + f.px(30), card.width - f.px(20),
                                                    n_lines * lh + f.px(4)), 12, T.TEXT)
        bh = f.px(26)
        self.next_button.label = "Done  (N)" if self.index == len(self.steps) - 1 else "Next  (N)"
        self.next_button.rect = pygame.Rect(card.right - f.px(110), card.bottom - bh - f.px(8), f.px(100), bh)
        self.close_button.rect = pygame.Rect(card.right - f.px(180), card.bottom - bh - f.px(8), f.px(64), bh)
        self.next_button.draw(surf, f, self.app.mouse, tips)
        self.close_button.draw(surf, f, self.app.mouse, tips)
