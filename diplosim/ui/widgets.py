"""A small widget layer: buttons, panels, a scroll list of cached rows, tooltips and modal frames."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

from diplosim.ui import theme as T
from diplosim.ui.theme import Fonts


@dataclass
class Button:
    """A clickable label with a tooltip; `enabled` may be a callable read at draw time."""

    label: str
    action: Callable[[], None]
    tip: str = ""
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    enabled: bool | Callable[[], bool] = True
    primary: bool = False
    size: int = 13

    def is_enabled(self) -> bool:
        return self.enabled() if callable(self.enabled) else bool(self.enabled)

    def draw(self, surf: pygame.Surface, fonts: Fonts, mouse: tuple[int, int], tips: list) -> None:
        on = self.is_enabled()
        hover = on and self.rect.collidepoint(mouse)
        if not on:
            colour = T.BUTTON_OFF
        elif self.primary:
            colour = (70, 140, 230) if hover else T.PRIMARY
        else:
            colour = T.BUTTON_HI if hover else T.BUTTON
        pygame.draw.rect(surf, colour, self.rect, border_radius=fonts.px(5))
        pygame.draw.rect(surf, T.LINE if not hover else T.ACCENT, self.rect, 1, border_radius=fonts.px(5))
        label = fonts.fit(self.label, self.rect.width - fonts.px(8), self.size, self.primary)
        img = fonts.text(label, self.size, T.TEXT if on else T.FAINT, self.primary)
        surf.blit(img, img.get_rect(center=self.rect.center))
        if self.tip:
            tips.append((self.rect, self.tip))

    def handle(self, event: pygame.event.Event) -> bool:
        """Run the action on a left click inside; True when the click was used."""
        if (event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.rect.collidepoint(event.pos)
                and self.is_enabled()):
            self.action()
            return True
        return False


def panel(surf: pygame.Surface, rect: pygame.Rect, fonts: Fonts, title: str = "") -> pygame.Rect:
    """Draw a panel frame with an optional title; returns the content rect."""
    pygame.draw.rect(surf, T.PANEL, rect, border_radius=fonts.px(6))
    pygame.draw.rect(surf, T.LINE, rect, 1, border_radius=fonts.px(6))
    top = rect.y + fonts.px(6)
    if title:
        fonts.draw(surf, title, (rect.x + fonts.px(10), top), 13, T.ACCENT, bold=True, width=rect.width - fonts.px(20))
        top += fonts.line_height(13) + fonts.px(4)
    return pygame.Rect(rect.x + fonts.px(10), top, rect.width - fonts.px(20), rect.bottom - top - fonts.px(6))


def bar(surf: pygame.Surface, rect: pygame.Rect, value: float, lo: float | None = None, hi: float | None = None,
        colour=(120, 170, 230)) -> None:
    """A 0-100 bar with an optional uncertainty range [lo, hi] drawn as a lighter band."""
    pygame.draw.rect(surf, (50, 58, 74), rect)
    w = rect.width
    if lo is not None and hi is not None:
        a, b = max(0.0, lo) / 100 * w, min(100.0, hi) / 100 * w
        pygame.draw.rect(surf, (90, 104, 132), (rect.x + a, rect.y, max(1, b - a), rect.height))
    x = rect.x + max(0.0, min(100.0, value)) / 100 * w
    pygame.draw.rect(surf, colour, (rect.x, rect.y + rect.height // 3, x - rect.x, rect.height - 2 * (rect.height // 3)))
    pygame.draw.line(surf, T.TEXT, (x, rect.y - 1), (x, rect.bottom), 2)


def sparkline(surf: pygame.Surface, rect: pygame.Rect, values: list[float], colour=(140, 190, 250),
              lo: float = 0.0, hi: float = 100.0) -> None:
    if len(values) < 2:
        return
    n = len(values) - 1
    pts = [(rect.x + i * rect.width / n, rect.bottom - (min(hi, max(lo, v)) - lo) / (hi - lo or 1) * rect.height)
           for i, v in enumerate(values)]
    pygame.draw.lines(surf, colour, False, pts, 2)


def draw_tooltip(surf: pygame.Surface, fonts: Fonts, text: str, mouse: tuple[int, int]) -> pygame.Rect:
    """A wrapped tooltip near the mouse, kept inside the window."""
    width = fonts.px(320)
    lines = fonts.wrap(text, width, 12)[:14]
    lh = fonts.line_height(12)
    w = max(fonts.width(line, 12) for line in lines) + fonts.px(14)
    h = lh * len(lines) + fonts.px(10)
    x, y = mouse[0] + fonts.px(16), mouse[1] + fonts.px(18)
    sw, sh = surf.get_size()
    if x + w > sw - 4:
        x = max(4, mouse[0] - w - fonts.px(8))
    if y + h > sh - 4:
        y = max(4, mouse[1] - h - fonts.px(8))
    rect = pygame.Rect(x, y, w, h)
    pygame.draw.rect(surf, T.TIP_BG, rect, border_radius=fonts.px(4))
    pygame.draw.rect(surf, (90, 90, 90), rect, 1, border_radius=fonts.px(4))
    for i, line in enumerate(lines):
        surf.blit(fonts.text(line, 12, T.TIP_TEXT), (x + fonts.px(7), y + fonts.px(5) + i * lh))
    return rect


def dim(surf: pygame.Surface, alpha: int = 150) -> None:
    """Darken everything below a modal or overlay."""
    shade = pygame.Surface(surf.get_size(), pygame.SRCALPHA)
    shade.fill((0, 0, 0, alpha))
    surf.blit(shade, (0, 0))


class ScrollList:
    """Rows of different heights, each rendered once to a surface by `render(i, width)` and cached;
    only the visible rows are blitted, so hundreds of rows cost no more than a screenful."""

    def __init__(self) -> None:
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.scroll = 0
        self.rows: list[pygame.Surface] = []
        self.meta: list[object] = []
        self._tops: list[int] = []
        self.total = 0

    def set_rows(self, rows: list[pygame.Surface], meta: list[object], keep_scroll: bool = False) -> None:
        self.rows, self.meta = rows, meta
        self._tops, y = [], 0
        for r in rows:
            self._tops.append(y)
            y += r.get_height()
        self.total = y
        if not keep_scroll:
            self.scroll = 0
        self.clamp()

    def clamp(self) -> None:
        self.scroll = max(0, min(self.scroll, max(0, self.total - self.rect.height)))

    def wheel(self, dy: int, step: int = 40) -> None:
        self.scroll -= dy * step
        self.clamp()

    def page(self, pages: float) -> None:
        """Scroll by whole screenfuls (PageDown is +1); a huge number goes to the end."""
        self.scroll += int(pages * max(1, self.rect.height - 20))
        self.clamp()

    def on_scrollbar(self, pos: tuple[int, int]) -> bool:
        """True when pos is on the scrollbar's column (only when there is something to scroll)."""
        return self.total > self.rect.height > 0 and self.rect.collidepoint(pos) and pos[0] >= self.rect.right - 12

    def jump(self, y: int) -> None:
        """Scroll so the bar sits where the pointer is (a click or drag on the scrollbar)."""
        share = (y - self.rect.y) / max(1, self.rect.height)
        self.scroll = int(share * (self.total - self.rect.height))
        self.clamp()

    def draw(self, surf: pygame.Surface) -> None:
        clip = surf.get_clip()
        surf.set_clip(self.rect)
        import bisect

        i = max(0, bisect.bisect_right(self._tops, self.scroll) - 1)
        while i < len(self.rows):
            y = self.rect.y + self._tops[i] - self.scroll
            if y > self.rect.bottom:
                break
            surf.blit(self.rows[i], (self.rect.x, y))
            i += 1
        surf.set_clip(clip)
        if self.total > self.rect.height > 0:  # scrollbar
            h = max(20, self.rect.height * self.rect.height // self.total)
            y = self.rect.y + (self.rect.height - h) * self.scroll // max(1, self.total - self.rect.height)
            pygame.draw.rect(surf, T.LINE, (self.rect.right - 4, y, 4, h), border_radius=2)

    def row_at(self, pos: tuple[int, int]) -> int | None:
        if not self.rect.collidepoint(pos):
            return None
        import bisect

        y = pos[1] - self.rect.y + self.scroll
        i = bisect.bisect_right(self._tops, y) - 1
        return i if 0 <= i < len(self.rows) else None

    def row_rect(self, i: int) -> pygame.Rect:
        return pygame.Rect(self.rect.x, self.rect.y + self._tops[i] - self.scroll, self.rect.width,
                           self.rows[i].get_height())
