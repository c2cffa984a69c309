"""Colours, fonts, cached text and the colour-blind-safe map palette."""

from __future__ import annotations

from pathlib import Path

import pygame

ASSETS = Path(__file__).resolve().parents[2] / "assets"
FONT_DIR = ASSETS / "fonts"

BG = (22, 26, 34)
PANEL = (32, 38, 50)
PANEL_HI = (44, 52, 68)
LINE = (70, 80, 100)
TEXT = (232, 236, 242)
DIM = (160, 170, 186)
FAINT = (120, 130, 148)
ACCENT = (255, 196, 60)  # selection (amber reads against every viridis colour)
GOOD = (110, 200, 140)
BAD = (240, 120, 110)
WARN = (240, 190, 90)
BUTTON = (56, 66, 88)
BUTTON_HI = (74, 88, 118)
BUTTON_OFF = (42, 46, 56)
TIP_BG = (250, 248, 236)
TIP_TEXT = (20, 20, 24)
MAP_BG = (28, 44, 62)
PRIMARY = (48, 110, 200)

# Viridis at 9 stops (perceptually uniform, readable with every common colour-vision deficiency).
_VIRIDIS = [(68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
            (31, 158, 137), (53, 183, 121), (110, 206, 88), (181, 222, 43), (253, 231, 37)]


def _viridis(x: float) -> tuple[int, int, int]:
    x = min(1.0, max(0.0, float(x))) * (len(_VIRIDIS) - 1)
    i = min(int(x), len(_VIRIDIS) - 2)
    f = x - i
    a, b = _VIRIDIS[i], _VIRIDIS[i + 1]
    return tuple(int(a[k] + (b[k] - a[k]) * f) for k in range(3))


_LUT = [_viridis(i / 255) for i in range(256)]


def viridis(x: float) -> tuple[int, int, int]:
    """Colour for x in [0, 1] (clipped), from a 256-step table."""
    x = float(x)
    return _LUT[0 if not x > 0 else 255 if x >= 1 else int(x * 255 + 0.5)]


def ink_for(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white text, whichever reads better on `colour`."""
    r, g, b = colour[:3]
    return (10, 10, 14) if 0.299 * r + 0.587 * g + 0.114 * b > 140 else (250, 250, 250)


def reflow(text: str) -> str:
    """Undo the hard line breaks of a YAML block: lines of a paragraph are joined, blank lines and
    list items ("- ", "* ") start new lines."""
    out: list[str] = []
    for para in str(text).strip().split("\n\n"):
        lines: list[str] = []
        for raw in para.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if lines and not line.startswith(("- ", "* ", "• ")):
                lines[-1] += " " + line
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


class Fonts:
    """Fonts by size and weight, and rendered text cached by (text, size, colour, bold)."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._text: dict[tuple, pygame.Surface] = {}
        self._layout: dict[tuple, object] = {}  # cached wrap/fit results

    def set_scale(self, scale: float) -> None:
        self.scale = max(0.6, min(2.0, scale))
        self._fonts.clear()
        self._text.clear()
        self._layout.clear()

    def px(self, n: float) -> int:
        """A length in pixels at the current UI scale."""
        return max(1, round(n * self.scale))

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = (self.px(size), bold)
        if key not in self._fonts:
            path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
            self._fonts[key] = pygame.font.Font(str(path) if path.is_file() else None, key[0])
        return self._fonts[key]

    def text(self, s: str, size: int = 13, colour=TEXT, bold: bool = False) -> pygame.Surface:
        key = (s, size, colour, bold)
        surf = self._text.get(key)
        if surf is None:
            if len(self._text) > 6000:
                self._text.clear()
            surf = self.font(size, bold).render(s, True, colour)
            self._text[key] = surf
        return surf

    def width(self, s: str, size: int = 13, bold: bool = False) -> int:
        return self.font(size, bold).size(s)[0]

    def line_height(self, size: int = 13) -> int:
        return self.font(size).get_linesize()

    def wrap(self, s: str, width: int, size: int = 13, bold: bool = False) -> list[str]:
        """Split text into lines that fit `width` pixels (paragraphs kept); cached."""
        key = ("w", s, width, size, bold)
        hit = self._layout.get(key)
        if hit is None:
            if len(self._layout) > 8000:
                self._layout.clear()
            hit = self._layout[key] = self._wrap(s, width, size, bold)
        return list(hit)

    def _wrap(self, s: str, width: int, size: int, bold: bool) -> list[str]:
        font = self.font(size, bold)
        out: list[str] = []
        for para in str(s).split("\n"):
            words = para.split()
            if not words:
                out.append("")
                continue
            line = words[0]
            for w in words[1:]:
                trial = f"{line} {w}"
                if font.size(trial)[0] <= width:
                    line = trial
                else:
                    out.append(line)
                    line = w
            while font.size(line)[0] > width and len(line) > 4:  # one very long word
                cut = len(line) - 1
                while cut > 1 and font.size(line[:cut])[0] > width:
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
            out.append(line)
        return out

    def fit(self, s: str, width: int, size: int = 13, bold: bool = False) -> str:
        """The text cut with an ellipsis so it fits `width` pixels (cached)."""
        key = ("f", s, width, size, bold)
        hit = self._layout.get(key)
        if hit is None:
            if len(self._layout) > 8000:
                self._layout.clear()
            hit = self._layout[key] = self._fit(s, width, size, bold)
        return hit

    def _fit(self, s: str, width: int, size: int, bold: bool) -> str:
        font = self.font(size, bold)
        if font.size(s)[0] <= width:
            return s
        lo, hi = 0, len(s)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if font.size(s[:mid] + "…")[0] <= width:
                lo = mid
            else:
                hi = mid - 1
        return s[:lo].rstrip() + "…"

    def draw(self, surf: pygame.Surface, s: str, pos: tuple[int, int], size: int = 13, colour=TEXT,
             bold: bool = False, width: int | None = None, align: str = "left") -> int:
        """Blit one line (cut to `width` if given); returns its right edge."""
        if width is not None:
            s = self.fit(s, width, size, bold)
        img = self.text(s, size, colour, bold)
        x, y = pos
        if align == "right":
            x -= img.get_width()
        elif align == "center":
            x -= img.get_width() // 2
        surf.blit(img, (x, y))
        return x + img.get_width()

    def draw_wrapped(self, surf: pygame.Surface, s: str, rect: pygame.Rect, size: int = 13, colour=TEXT,
                     bold: bool = False, max_lines: int | None = None) -> int:
        """Blit wrapped text inside rect; returns the y below the last line."""
        lh = self.line_height(size)
        y = rect.y
        lines = self.wrap(s, rect.width, size, bold)
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.fit(lines[-1] + " …", rect.width, size, bold)
        for line in lines:
            if y + lh > rect.bottom + 2:
                break
            surf.blit(self.text(line, size, colour, bold), (rect.x, y))
            y += lh
        return y
