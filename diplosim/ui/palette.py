"""The tool palette: every tool with its cost and whether it is allowed on the selected target (and
if not, why), and for the chosen tool its expected effect as computed by the engine on copies."""

from __future__ import annotations

import pygame

from diplosim.ui import theme as T
from diplosim.ui.theme import Fonts, reflow
from diplosim.ui.widgets import Button, ScrollList

TARGET_TEXT = {"country": "aimed at a country", "forum": "a forum vote about a country",
               "global": "the global treaty track", "self": "your own service"}
CHANGE_LABEL = {"rights": "rights (avg of themes)", "face": "face", "relations": "relations", "resistance": "resistance",
                "legitimacy": "legitimacy for action", "coalition": "coalition backing", "evidence": "evidence",
                "uncertainty": "your margin of error", "capacity": "capacity", "civil_society": "civil society",
                "stability": "stability", "trade": "trade", "rival_pull": "rival's pull",
                "player.credibility": "your credibility", "player.commerce": "commerce satisfaction",
                "player.security": "security satisfaction", "player.inertia": "your inertia",
                "player.fluency": "your fluency", "player.treaty": "treaty progress"}
GOOD_WHEN_DOWN = {"resistance", "player.inertia", "uncertainty", "rival_pull"}


def cost_text(tool) -> str:
    parts = [f"{tool.cost.capital} cap"]
    if tool.cost.budget:
        parts.append(f"{tool.cost.budget:g} $")
    return " · ".join(parts)


REACTION_LABEL = {"retaliate": "risk: retaliation on trade", "harden": "risk: crackdown",
                  "turn_to_rival": "risk: turns to the rival"}


def reaction_lines(reactions: dict[str, tuple[float, float]]) -> list[tuple[str, str]]:
    """The target government's answers an action makes likelier, worst first, as (label, chance) rows
    such as ("risk: retaliation on trade", "12%  (5% without)"); only those of 3% or more that the
    action makes clearly likelier."""
    shown = sorted(((w, wo, d) for d, (w, wo) in reactions.items() if w >= 0.03 and w - wo >= 0.02), reverse=True)
    return [(REACTION_LABEL[d], f"{w:.0%}  ({wo:.0%} without)") for w, wo, d in shown]


class Palette:
    """Tool list (scrolls if long) above a detail box for the chosen tool."""

    def __init__(self, fonts: Fonts, on_queue) -> None:
        self.fonts = fonts
        self.list = ScrollList()
        self.detail = pygame.Rect(0, 0, 0, 0)
        self.chosen: str | None = None
        self.hover: int | None = None
        self._key = None
        self.queue_button = Button("Queue action  (Q)", on_queue, "Add the chosen tool, aimed at the selected "
                                   "country, to this turn's actions (Q or double-click)", primary=True)
        self.ids: list[str] = []

    def rows_key(self, session, target):
        return (session.version, id(session.game), target, self.chosen, self.list.rect.width, self.fonts.scale)

    def refresh(self, session, target: str | None) -> None:
        key = self.rows_key(session, target)
        if key == self._key:
            return
        keep = self._key is not None
        self._key = key
        f = self.fonts
        checks = session.checks(target)
        width = self.list.rect.width - f.px(6)
        h = f.line_height(12) + f.px(6)
        rows = []
        self.ids = [t.id for t in session.params.tools.tools]
        for tool in session.params.tools.tools:
            why = checks[tool.id]
            surf = pygame.Surface((width, h))
            surf.fill(T.PANEL_HI if tool.id == self.chosen else T.PANEL)
            if tool.id == self.chosen:
                pygame.draw.rect(surf, T.ACCENT, surf.get_rect(), 1)
            mark, colour = ("✓", T.GOOD) if why is None else ("✗", T.BAD)
            f.draw(surf, mark, (f.px(4), f.px(3)), 12, colour, bold=True)
            cost = cost_text(tool)
            cw = f.width(cost, 11)
            f.draw(surf, tool.name, (f.px(20), f.px(3)), 12, T.TEXT if why is None else T.FAINT,
                   width=width - cw - f.px(30))
            f.draw(surf, cost, (width - f.px(4), f.px(4)), 11, T.DIM, align="right")
            rows.append(surf)
        self.list.set_rows(rows, list(self.ids), keep_scroll=keep)

    def tool_at(self, pos) -> str | None:
        i = self.list.row_at(pos)
        return self.ids[i] if i is not None else None

    def tips(self, session, target: str | None, tips: list) -> None:
        key = (self._key, self.list.scroll)
        if getattr(self, "_tips_key", None) != key:
            self._tips_key, self._tips = key, []
            self._make_tips(session, target, self._tips)
        tips.extend(self._tips)

    def _make_tips(self, session, target: str | None, tips: list) -> None:
        checks = session.checks(target)
        for i, tid in enumerate(self.ids):
            r = self.list.row_rect(i).clip(self.list.rect)
            if r.height <= 0:
                continue
            tool = session.tool(tid)
            why = checks[tid]
            text = (f"{tool.name} — {tool.category}, {TARGET_TEXT[tool.target]}; costs {cost_text(tool)}.\n"
                    f"{reflow(tool.description)}\n" + ("Allowed now. Click to see its expected effect." if why is None
                                                else f"Not allowed now: {why}."))
            tips.append((r, text))

    def draw_detail(self, surf: pygame.Surface, session, target: str | None, mouse, tips: list) -> None:
        f = self.fonts
        r = self.detail
        pygame.draw.rect(surf, T.PANEL_HI, r, border_radius=f.px(5))
        inner = r.inflate(-f.px(14), -f.px(10))
        if self.chosen is None:
            f.draw_wrapped(surf, "Click a tool to see what it costs, whether you can use it on the selected "
                           "country, and its expected effect.", inner, 12, T.DIM)
            return
        tool = session.tool(self.chosen)
        y = inner.y
        f.draw(surf, tool.name, (inner.x, y), 13, T.TEXT, bold=True, width=inner.width)
        y += f.line_height(13)
        aim = TARGET_TEXT[tool.target]
        if tool.target in ("country", "forum") and target:
            aim += f": {session.country_name(target)}"
        f.draw(surf, f"{cost_text(tool)}  ·  {aim}", (inner.x, y), 11, T.DIM, width=inner.width)
        y += f.line_height(11) + f.px(2)
        y = f.draw_wrapped(surf, reflow(tool.description), pygame.Rect(inner.x, y, inner.width, f.line_height(11) * 3),
                           11, T.TEXT, max_lines=3) + f.px(3)
        why = session.checks(target)[self.chosen]
        button_h = f.px(28)
        bottom = inner.bottom - button_h - f.px(4)
        if why is not None:
            y = f.draw_wrapped(surf, f"Not allowed now: {why}.", pygame.Rect(inner.x, y, inner.width, bottom - y),
                               12, T.BAD, bold=False)
        else:
            pv = session.preview(self.chosen, target)
            f.draw(surf, f"Expected next turn · lands in {pv.success_chance:.0%} of tries",
                   (inner.x, y), 11, T.ACCENT, width=inner.width)
            tips.append((pygame.Rect(inner.x, y, inner.width, f.line_height(11)),
                         ("Computed by the engine: the next turn imagined many times from what you know, "
                          "with and without this action. Its cost is paid whether it lands or not. Numbers "
                          "are the average change over those tries (failures included) and the range (10th "
                          "to 90th percentile). Risks: how often the government answered with a crackdown, "
                          "retaliation or a turn to the rival in those tries, with and without this action.")))
            y += f.line_height(11) + f.px(1)
            if not pv.changes:
                f.draw(surf, "no visible change expected next turn (slow effects may come later)", (inner.x, y),
                       11, T.DIM, width=inner.width)
            # Rights and face first, then what moves most.
            first = {"rights": 0, "face": 1}
            shown = sorted(pv.changes.items(), key=lambda kv: (first.get(kv[0], 2), -abs(kv[1][1])))
            for name, (lo, mid, hi) in shown[:6]:
                lo, hi = min(lo, mid), max(hi, mid)  # rare failures can leave the mean outside the 10-90 range
                if y + f.line_height(11) > bottom:
                    break
                good = (mid < 0) if name in GOOD_WHEN_DOWN else (mid > 0)
                colour = T.DIM if abs(mid) < 0.05 else (T.GOOD if good else T.BAD)
                label = CHANGE_LABEL.get(name, name)
                f.draw(surf, label, (inner.x + f.px(6), y), 11, T.TEXT, width=inner.width // 2)
                f.draw(surf, f"{mid:+.1f}  ({lo:+.1f} … {hi:+.1f})", (inner.right, y), 11, colour, align="right")
                y += f.line_height(11)
            for label, chance in reaction_lines(pv.reactions):
                if y + f.line_height(11) > bottom:
                    break
                f.draw(surf, label, (inner.x + f.px(6), y), 11, T.TEXT, width=inner.width // 2 + f.px(30))
                f.draw(surf, chance, (inner.right, y), 11, T.BAD, align="right")
                y += f.line_height(11)
        self.queue_button.rect = pygame.Rect(inner.x, inner.bottom - button_h, inner.width, button_h)
        self.queue_button.enabled = why is None and not session.game.over
        self.queue_button.draw(surf, f, mouse, tips)
