"""The map: country outlines scaled into a rect, coloured by a layer (viridis), trade lines whose
width shows volume, labels, a legend, hover and click by an offscreen id mask. The drawn map is
cached and redrawn only when the state, the layer, the selection or the size changes."""

from __future__ import annotations

import numpy as np
import pygame

from diplosim.engine import layout as L
from diplosim.ui import theme as T
from diplosim.ui.theme import Fonts

LAYERS = (("rights", "Rights", "estimated rights, mean over themes (you see estimates, not the truth)"),
          ("relations", "Relations", "relations with you (50 is neutral)"),
          ("face", "Face", "standing the government protects; public pressure spends it"),
          ("leverage", "Leverage", ("your leverage over the government: trade, aid, security, coalition, "
                                   "less the rival's offers")),
          ("stability", "Stability", "political stability"),
          ("theme", "Theme", "estimated rights in one theme; press 6 again for the next theme"))


def layer_values(session, layer: str, theme: int) -> np.ndarray:
    """The layer's value per country (0-100 scale), from what the player can see."""
    s = session.game.state
    if layer == "rights":
        return s.estimate[0].mean(axis=-1)
    if layer == "theme":
        return s.estimate[0, :, theme]
    if layer == "leverage":
        return s.leverage[0]
    return s.field(layer)[0]


def layer_title(session, layer: str, theme: int) -> str:
    if layer == "theme":
        return f"Rights: {session.theme_name(theme)} (est.)"
    return next(t for k, t, _ in LAYERS if k == layer) + (" (est.)" if layer == "rights" else "")


def _centroid(poly: list[tuple[float, float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-9:
        xs, ys = zip(*poly)
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * a), cy / (3 * a), abs(a) / 2


class MapView:
    """Draws and hit-tests the map inside `rect`."""

    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self.rect = pygame.Rect(0, 0, 10, 10)
        self._geom_key = None
        self.polys: list[list[list[tuple[float, float]]]] = []
        self.centres: list[tuple[float, float]] = []
        self.player_pos = (0, 0)
        self._mask: pygame.Surface | None = None
        self._cache_key = None
        self._cache: pygame.Surface | None = None
        self._gradient: pygame.Surface | None = None

    def _geometry(self, session) -> None:
        key = (self.rect.size, session.loaded.digest, self.fonts.scale)
        if key == self._geom_key:
            return
        self._geom_key = key
        w, h = self.rect.size
        pad = self.fonts.px(18)
        pts = [pt for cid in session.params.country_ids for ring in session.loaded.shapes[cid].polygons for pt in ring]
        x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
        y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
        left = pad + self.fonts.px(40)  # room for the player's badge
        size = min((w - left - pad) / max(1e-6, x1 - x0), (h - 2 * pad) / max(1e-6, y1 - y0))
        ox = left + (w - left - pad - (x1 - x0) * size) / 2 - x0 * size
        oy = (h - (y1 - y0) * size) / 2 - y0 * size
        self.polys, self.centres = [], []
        self._mask = pygame.Surface((w, h))
        self._mask.fill((0, 0, 0))
        for c, cid in enumerate(session.params.country_ids):
            shape = session.loaded.shapes[cid]
            polys = [[(ox + x * size, oy + y * size) for x, y in ring] for ring in shape.polygons]
            self.polys.append(polys)
            best = max((_centroid(p) for p in polys), key=lambda t: t[2])
            self.centres.append((best[0], best[1]))
            for p in polys:
                if len(p) >= 3:
                    pygame.draw.polygon(self._mask, (c + 1, 0, 0), p)
        self.player_pos = (pad + self.fonts.px(22), h - pad - self.fonts.px(16))

    def country_at(self, session, pos: tuple[int, int]) -> int | None:
        """Index of the country under a window position, or None."""
        if not self.rect.collidepoint(pos):
            return None
        self._geometry(session)
        r = self._mask.get_at((pos[0] - self.rect.x, pos[1] - self.rect.y))[0]
        return r - 1 if r > 0 else None

    def draw(self, surf: pygame.Surface, session, layer: str, theme: int, selected: int | None,
             hover: int | None) -> None:
        self._geometry(session)
        key = (session.version, id(session.game), layer, theme, selected, self.rect.size, self.fonts.scale)
        if key != self._cache_key or self._cache is None:
            self._cache = self._render(session, layer, theme, selected)
            self._cache_key = key
        surf.blit(self._cache, self.rect.topleft)
        if hover is not None and hover != selected:
            for p in self.polys[hover]:
                pts = [(x + self.rect.x, y + self.rect.y) for x, y in p]
                pygame.draw.polygon(surf, (255, 255, 255), pts, 2)

    def _render(self, session, layer: str, theme: int, selected: int | None) -> pygame.Surface:
        f = self.fonts
        w, h = self.rect.size
        out = pygame.Surface((w, h))
        out.fill(T.MAP_BG)
        values = layer_values(session, layer, theme)
        # trade lines first, under the countries' outlines but over the sea
        lines = pygame.Surface((w, h), pygame.SRCALPHA)
        trade = session.params.trade_between
        top = max(1.0, float(trade.max()), float(session.game.state.field("trade")[0].max()))
        n = len(self.centres)
        for a in range(n):
            for b in range(a + 1, n):
                v = trade[a, b]
                if v > 0:
                    width = max(1, round(1 + 7 * v / top * f.scale))
                    pygame.draw.line(lines, (210, 220, 235, 70), self.centres[a], self.centres[b], width)
        for c in range(n):
            polys = self.polys[c]
            colour = T.viridis(values[c] / 100.0)
            for p in polys:
                if len(p) >= 3:
                    pygame.draw.polygon(out, colour, p)
                    pygame.draw.polygon(out, (16, 20, 28), p, 1)
        out.blit(lines, (0, 0))
        own = pygame.Surface((w, h), pygame.SRCALPHA)
        ptrade = session.game.state.field("trade")[0]
        for c in range(n):
            if ptrade[c] > 0:
                width = max(1, round(1 + 7 * ptrade[c] / top * f.scale))
                pygame.draw.line(own, (255, 196, 60, 110), self.player_pos, self.centres[c], width)
        out.blit(own, (0, 0))
        if selected is not None:
            for p in self.polys[selected]:
                pygame.draw.polygon(out, T.ACCENT, p, max(2, f.px(3)))
        # player badge
        pygame.draw.circle(out, T.ACCENT, self.player_pos, f.px(14))
        f.draw(out, "You", (self.player_pos[0], self.player_pos[1] - f.line_height(11) // 2), 11, (20, 20, 20),
               bold=True, align="center")
        # labels
        for c in range(n):
            name = session.params.country_names[c]
            value = f"{values[c]:.0f}"
            if layer in ("rights", "theme"):
                value += f" ±{session.game.state.country[0, c, L.UNCERTAINTY]:.0f}"
            if session.game.state.abuse[0, c]:
                value += " ⚠"
            img1 = f.text(name, 12, T.TEXT, True)
            img2 = f.text(value, 11, T.TEXT)
            bw = max(img1.get_width(), img2.get_width()) + f.px(8)
            bh = img1.get_height() + img2.get_height() + f.px(2)
            x, y = self.centres[c]
            box = pygame.Rect(0, 0, bw, bh)
            box.center = (int(x), int(y))
            box.clamp_ip(out.get_rect())
            pill = pygame.Surface(box.size, pygame.SRCALPHA)
            pill.fill((12, 14, 20, 170))
            out.blit(pill, box.topleft)
            out.blit(img1, (box.centerx - img1.get_width() // 2, box.y + f.px(1)))
            out.blit(img2, (box.centerx - img2.get_width() // 2, box.y + f.px(1) + img1.get_height()))
        self._legend(out, session, layer, theme)
        pygame.draw.rect(out, T.LINE, out.get_rect(), 1)
        return out

    def _legend(self, out: pygame.Surface, session, layer: str, theme: int) -> None:
        f = self.fonts
        title = layer_title(session, layer, theme)
        # Wide enough for the title ("Rights: Freedom of assembly (est.)"), within the map.
        w = min(max(f.px(170), f.width(title, 11) + f.px(14)), out.get_width() - f.px(16))
        h = f.px(44)
        box = pygame.Rect(out.get_width() - w - f.px(8), out.get_height() - h - f.px(8), w, h)
        pygame.draw.rect(out, (12, 14, 20), box, border_radius=f.px(4))
        f.draw(out, title, (box.x + f.px(6), box.y + f.px(3)), 11, T.TEXT, width=w - f.px(12))
        gx, gy, gw, gh = box.x + f.px(6), box.y + f.px(20), w - f.px(12), f.px(9)
        if self._gradient is None or self._gradient.get_size() != (gw, gh + 1):
            self._gradient = pygame.Surface((gw, gh + 1))
            for i in range(gw):
                pygame.draw.line(self._gradient, T.viridis(i / max(1, gw - 1)), (i, 0), (i, gh))
        out.blit(self._gradient, (gx, gy))
        f.draw(out, "0", (gx, gy + gh + 1), 10, T.DIM)
        f.draw(out, "100", (gx + gw, gy + gh + 1), 10, T.DIM, align="right")
        f.draw(out, "trade: line width", (gx + gw // 2, gy + gh + 1), 10, T.DIM, align="center")

    def tooltip(self, session, c: int, layer: str, theme: int) -> str:
        s = session.game.state
        p = session.params
        est = s.estimate[0, c].mean()
        unc = s.country[0, c, L.UNCERTAINTY]
        stance = L.DECISIONS[int(s.decision[0, c])].replace("_", " ")
        lines = [f"{p.country_names[c]}",
                 f"{layer_title(session, layer, theme)}: {layer_values(session, layer, theme)[c]:.0f}",
                 (f"Estimated rights {est:.0f} (± {unc:.0f})  ·  relations {s.field('relations')[0, c]:.0f}"
                 f"  ·  face {s.face[0, c]:.0f}"),
                 (f"Leverage {s.leverage[0, c]:.0f}  ·  trade with you {s.field('trade')[0, c]:.0f}"
                 f"  ·  last stance: {stance}")]
        if s.abuse[0, c]:
            lines.append("⚠ gross abuses reported")
        lines.append("Click to select it.")
        return "\n".join(lines)
