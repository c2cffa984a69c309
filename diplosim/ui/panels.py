"""The main screen's side panels, each drawn to a cached surface that is rebuilt only when the game
(or the selection, or the size) changes: the player's status, the selected country, the event log."""

from __future__ import annotations

import pygame

from diplosim.engine import layout as L
from diplosim.scenario.vocabulary import COUNTRY_FIELDS, PLAYER_FIELDS
from diplosim.ui import theme as T
from diplosim.ui.theme import Fonts
from diplosim.ui.widgets import ScrollList, bar, sparkline

STANCE_COLOUR = {"reform": T.GOOD, "stall": T.DIM, "harden": T.BAD, "retaliate": T.BAD, "turn_to_rival": T.WARN}
STANCE_TEXT = {"reform": "reforming", "stall": "stalling", "harden": "hardening", "retaliate": "retaliating",
               "turn_to_rival": "turning to the rival patron"}
PANEL_FIELDS = ("relations", "face", "stability", "resistance", "trade", "aid", "security", "capacity",
                "civil_society", "evidence", "legitimacy", "coalition", "cultural_distance")
LEVERAGE_TIP = "your leverage over the government (derived each turn from trade, aid, security ties and " \
               "coalition backing, reduced by the rival's offers)"


class Cached:
    """A surface plus the tooltip zones drawn on it, rebuilt when its key changes."""

    def __init__(self) -> None:
        self.key = None
        self.surf: pygame.Surface | None = None
        self.tips: list[tuple[pygame.Rect, str]] = []

    def get(self, key, build):
        if key != self.key or self.surf is None:
            self.surf, self.tips = build()
            self.key = key
        return self.surf


def planned(session) -> tuple[float, float]:
    """Capital and budget left after paying for the queued actions."""
    s = session.game.state
    cap, bud = float(s.player_field("capital")[0]), float(s.player_field("budget")[0])
    for o in session.game.current.orders:
        t = session.tool(o.tool)
        cap -= t.cost.capital
        bud -= t.cost.budget
    return cap, bud


def draw_player(session, fonts: Fonts, size: tuple[int, int]):
    """The player's own status as a two-column grid of bars."""
    f = fonts
    surf = pygame.Surface(size)
    surf.fill(T.PANEL)
    tips = []
    s = session.game.state
    cap, bud = planned(session)
    name = session.loaded.scenario.player.name
    f.draw(surf, f"{name}'s foreign service", (0, 0), 13, T.ACCENT, bold=True, width=size[0])
    y0 = f.line_height(13) + f.px(3)
    cap_full = session.params.capital_per_turn
    items = [("capital", f"Capital {cap:.0f}/{cap_full}", cap / max(1, cap_full) * 100),
             ("budget", f"Budget {bud:.0f}", min(100.0, bud / 2)),
             ("credibility", None, None), ("inertia", None, None), ("fluency", None, None),
             ("commerce", None, None), ("security", None, None)]
    if any(t.target == "global" for t in session.params.tools.tools):
        items.append(("treaty", None, None))
    col_w = (size[0] - f.px(10)) // 2
    row_h = f.line_height(11) + f.px(9)
    for i, (key, label, value) in enumerate(items):
        x = (i % 2) * (col_w + f.px(10))
        y = y0 + (i // 2) * row_h
        v = float(s.player_field(key)[0]) if value is None else value
        text = label or f"{key.capitalize()} {v:.0f}"
        low = key in ("commerce", "security", "credibility") and v < 40
        f.draw(surf, text, (x, y), 11, T.BAD if low else T.TEXT, width=col_w)
        bar(surf, pygame.Rect(x, y + f.line_height(11), col_w, f.px(5)), v,
            colour=(200, 120, 110) if key == "inertia" else (120, 170, 230))
        tip = PLAYER_FIELDS.get(key, key)
        if key == "capital":
            tip += f"; {cap_full} each turn; queued actions already paid"
        if key == "inertia":
            tip += "; lower is better (evaluation reports and training reduce it)"
        tips.append((pygame.Rect(x, y, col_w, row_h), f"{text}: {tip}"))
    return surf, tips


def draw_country(session, fonts: Fonts, size: tuple[int, int], c: int | None):
    """The selected country: stance, rights estimates with ranges, fields, small history charts."""
    f = fonts
    surf = pygame.Surface(size)
    surf.fill(T.PANEL)
    tips: list[tuple[pygame.Rect, str]] = []
    w = size[0]
    if c is None:
        f.draw_wrapped(surf, "Select a country on the map (click it) to see what you know of it and to aim "
                       "your tools at it.", pygame.Rect(0, 0, w, size[1]), 13, T.DIM)
        return surf, tips
    p, s = session.params, session.game.state
    sc = session.loaded.scenario.countries[c]
    y = 0
    f.draw(surf, p.country_names[c], (0, y), 17, T.TEXT, bold=True, width=w)
    y += f.line_height(17)
    stance = L.DECISIONS[int(s.decision[0, c])]
    f.draw(surf, "Last stance: ", (0, y), 12, T.DIM)
    x = f.width("Last stance: ", 12)
    f.draw(surf, STANCE_TEXT[stance], (x, y), 12, STANCE_COLOUR[stance], bold=True, width=w - x)
    tips.append((pygame.Rect(0, y, w, f.line_height(12)), ("What its government did last turn: reform, stall, "
                 "harden (lost face), retaliate (economic pressure without leverage) or turn to the rival patron")))
    y += f.line_height(12)
    rp = float(s.field("rival_pull")[0, c])
    f.draw(surf, f"Rival pull {rp:.0f}   Leverage {s.leverage[0, c]:.0f}", (0, y), 12, T.DIM, width=w)
    tips.append((pygame.Rect(0, y, w, f.line_height(12)), (f"Rival pull: {COUNTRY_FIELDS['rival_pull']}. "
                 f"Leverage: {LEVERAGE_TIP}")))
    y += f.line_height(12)
    if s.abuse[0, c]:
        f.draw(surf, "⚠ Gross abuses under way", (0, y), 12, T.BAD, bold=True)
        y += f.line_height(12)
    y += f.px(4)
    unc = float(s.country[0, c, L.UNCERTAINTY])
    f.draw(surf, f"Rights, your estimate (± {unc:.0f})", (0, y), 12, T.ACCENT, bold=True)
    tips.append((pygame.Rect(0, y, w, f.line_height(12)), ("You see estimates, not the truth. The light band is "
                 "the uncertainty range; monitoring narrows it, time without monitoring widens it.")))
    y += f.line_height(12) + f.px(2)
    label_w = int(w * 0.46)
    for h, theme in enumerate(session.loaded.scenario.themes):
        est = float(s.estimate[0, c, h])
        f.draw(surf, theme.name, (0, y), 11, T.TEXT, width=label_w - f.px(4))
        bar(surf, pygame.Rect(label_w, y + f.px(4), w - label_w - f.px(30), f.px(8)), est, est - unc, est + unc)
        f.draw(surf, f"{est:.0f}", (w, y), 11, T.TEXT, align="right")
        tips.append((pygame.Rect(0, y, w, f.line_height(11)),
                     (f"{theme.name}: estimate {est:.0f}, likely between {max(0, est - unc):.0f} and "
                     f"{min(100, est + unc):.0f}. {theme.description}")))
        y += f.line_height(11) + f.px(2)
    y += f.px(4)
    col_w = (w - f.px(10)) // 2
    row_h = f.line_height(11) + f.px(7)
    for i, name in enumerate(PANEL_FIELDS):
        x = (i % 2) * (col_w + f.px(10))
        yy = y + (i // 2) * row_h
        v = float(s.field(name)[0, c])
        label = name.replace("_", " ").capitalize()
        f.draw(surf, f"{label} {v:.0f}", (x, yy), 11, T.TEXT, width=col_w)
        bar(surf, pygame.Rect(x, yy + f.line_height(11), col_w, f.px(4)), v)
        tips.append((pygame.Rect(x, yy, col_w, row_h), f"{label}: {COUNTRY_FIELDS[name]}"))
    y += ((len(PANEL_FIELDS) + 1) // 2) * row_h + f.px(4)
    # small history charts
    hist = session.game.history
    series = [("Rights (est.)", [float(h.estimate[0, c].mean()) for h in hist], (140, 190, 250)),
              ("Face", [float(h.face[0, c]) for h in hist], (250, 190, 110)),
              ("Relations", [float(h.field("relations")[0, c]) for h in hist], (150, 220, 150))]
    acted = {t for t, rec in enumerate(session.game.turns, 1) for o in rec.orders if o.target == p.country_ids[c]}
    cw = (w - 2 * f.px(8)) // 3
    ch = max(f.px(24), min(f.px(90), size[1] - y - f.line_height(10) - f.px(4)))
    if size[1] - y > f.px(30):
        for k, (label, vals, colour) in enumerate(series):
            x = k * (cw + f.px(8))
            f.draw(surf, f"{label} {vals[-1]:.0f}", (x, y), 10, T.DIM, width=cw)
            r = pygame.Rect(x, y + f.line_height(10), cw, ch)
            pygame.draw.rect(surf, (40, 46, 60), r)
            n = max(1, p.turns)
            for t in acted:  # turns you acted on this country
                xx = r.x + (t - 1) / n * r.width
                pygame.draw.line(surf, (110, 96, 60), (xx, r.y), (xx, r.bottom))
            sparkline(surf, pygame.Rect(r.x, r.y, max(2, int(r.width * (len(vals) - 1) / n)), r.height), vals,
                      colour)
            tips.append((r, (f"{label} over the turns so far; amber ticks mark turns you acted on "
                            f"{p.country_names[c]}")))
    if sc.description:
        tips.append((pygame.Rect(0, 0, w, f.line_height(17)), sc.description))
    return surf, tips


KIND_COLOUR = {"action": (120, 170, 240), "event": T.WARN, "choice": T.WARN, "decision": (200, 150, 240),
               "change": T.DIM, "objective": T.GOOD, "warning": T.BAD}


def _first_lines(lines: list[str], n: int) -> list[str]:
    """The first n wrapped lines, the last ending in an ellipsis when text was cut (the tooltip
    shows it all)."""
    if len(lines) <= n:
        return lines
    return lines[:n - 1] + [lines[n - 1].rstrip(" ,;:.") + "…"]


class LogView:
    """The event log, newest turn first, grouped by turn; each line with its cause."""

    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self.list = ScrollList()
        self._key = None
        self._rows: dict[tuple, pygame.Surface] = {}

    def _row(self, entry, width: int, names) -> pygame.Surface:
        key = (entry, width, self.fonts.scale)
        surf = self._rows.get(key)
        if surf is None:
            f = self.fonts
            lines = _first_lines(f.wrap(entry.text, width - f.px(14), 12), 2)
            # An event's or a choice's "cause" is what it says or does, not a reason: no "because".
            said = entry.cause if entry.kind in ("choice", "event") else f"because {entry.cause}"
            cause = _first_lines(f.wrap(said, width - f.px(22), 11), 2) if entry.cause else []
            h = len(lines) * f.line_height(12) + len(cause) * f.line_height(11) + f.px(4)
            surf = pygame.Surface((width, h))
            surf.fill(T.PANEL)
            pygame.draw.rect(surf, KIND_COLOUR.get(entry.kind, T.DIM), (0, f.px(3), f.px(4), h - f.px(6)))
            y = f.px(1)
            for line in lines:
                surf.blit(f.text(line, 12, T.TEXT), (f.px(10), y))
                y += f.line_height(12)
            for line in cause:
                surf.blit(f.text(line, 11, T.FAINT), (f.px(18), y))
                y += f.line_height(11)
            if len(self._rows) > 5000:
                self._rows.clear()
            self._rows[key] = surf
        return surf

    def _header(self, turn: int, width: int) -> pygame.Surface:
        f = self.fonts
        surf = pygame.Surface((width, f.line_height(12) + f.px(6)))
        surf.fill(T.PANEL_HI)
        f.draw(surf, f"Turn {turn}", (f.px(6), f.px(3)), 12, T.ACCENT, bold=True)
        return surf

    def refresh(self, session) -> None:
        g = session.game
        key = (id(g), len(g.log), self.list.rect.width, self.fonts.scale)
        if key == self._key:
            return
        keep = self._key is not None and self._key[0] == id(g) and self._key[2:] == key[2:]
        self._key = key
        width = self.list.rect.width - self.fonts.px(6)
        rows, meta = [], []
        by_turn: dict[int, list] = {}
        for e in g.log:
            by_turn.setdefault(e.turn, []).append(e)
        for turn in sorted(by_turn, reverse=True):
            rows.append(self._header(turn, width))
            meta.append(None)
            for e in by_turn[turn]:
                rows.append(self._row(e, width, session.params.country_names))
                meta.append(e)
        if not rows:
            surf = pygame.Surface((width, self.fonts.line_height(12) * 3))
            surf.fill(T.PANEL)
            self.fonts.draw_wrapped(surf, "Nothing has happened yet. Queue actions and press End Turn; what "
                                    "happens, and why, appears here.", surf.get_rect(), 12, T.DIM)
            rows, meta = [surf], [None]
        self.list.set_rows(rows, meta, keep_scroll=keep)

    def entry_at(self, pos):
        i = self.list.row_at(pos)
        return self.list.meta[i] if i is not None else None
