"""Log entries: every change the player can see, with its cause."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from diplosim.engine.params import Params


@dataclass(frozen=True)
class LogEntry:
    """One line of the event log: what happened, to whom, and why."""

    world: int
    turn: int
    kind: str  # "action", "event", "choice", "decision", "change", "objective", "warning"
    text: str
    cause: str = ""
    country: int = -1  # index of the country it concerns, -1 for none

    def line(self) -> str:
        """The entry as one readable line: what happened (why)."""
        return f"{self.text} ({self.cause})" if self.cause else self.text


class Causes:
    """Collects, during one step, why each country changed, so the turn summary can say why."""

    def __init__(self) -> None:
        self.by_country: dict[tuple[int, int], list[tuple[str, int, bool, int]]] = {}

    def add(self, world: int, country: int, cause: str, sign: int = 0, rights_only: bool = False,
            themes: int = -1) -> None:
        """Record a cause of change for a country in a world; sign +1 or -1 when it can only have
        raised or only lowered rights (a reform, a crackdown), 0 when it may have done either;
        rights_only when it explains changes to rights and nothing else (a delayed effect), and then
        `themes` says which (bit h for theme h; -1 for all)."""
        self.by_country.setdefault((world, country), []).append((cause, sign, rights_only, themes))

    def of(self, world: int, country: int, sign: int = 0, rights: bool = False, theme: int | None = None) -> list[str]:
        """The causes recorded for a country, in order, repeats folded into one with a count; given
        the sign of a change, the causes that could only have pushed the other way are left out;
        causes of rights alone only when rights=True (for a line about rights, of `theme`)."""
        counts: dict[str, int] = {}
        for cause, pushed, rights_only, themes in self.by_country.get((world, country), []):
            if rights_only and (not rights or (theme is not None and not (themes >> theme) & 1)):
                continue
            if sign * pushed >= 0:
                counts[cause] = counts.get(cause, 0) + 1
        return [c if n == 1 else f"{c} (x{n})" for c, n in counts.items()]


# The causes of delayed changes travel with them in the state (State.pending_cause) as small codes:
# 0 none, then the tools, the events and every answer to an event, in the scenario's order.
def tool_cause(tool: np.ndarray) -> np.ndarray:
    """The cause code of the effects of each world's tool."""
    return tool + 1


def event_cause(params: Params, event: int) -> int:
    """The cause code of an event's effects."""
    return params.n_tools + 1 + event


def answer_cause(params: Params, answer: int) -> int:
    """The cause code of an answer's effects (answers numbered across events, as in EventTable.answers)."""
    return params.n_tools + len(params.events.events) + 1 + answer


def describe_cause(params: Params, stamp: int, turn: int) -> str:
    """Words for a pending cause stamp (code * 256 + the turn it was scheduled), due on `turn`."""
    code, when = divmod(int(stamp), 256)
    ago = (turn - when) % 256
    since = "" if ago == 0 else f" of turn {turn - ago}"
    n_t, n_e = params.n_tools, len(params.events.events)
    if code <= n_t:
        return f"your '{params.tools.tools[code - 1].name}'{since}"
    if code <= n_t + n_e:
        return f"the event '{params.events.events[code - n_t - 1].title}'{since}"
    answer, ev = code - n_t - n_e - 1, params.events
    e = next(e for e in range(n_e) if ev.first_answer[e] <= answer < ev.first_answer[e] + ev.n_choices[e])
    return f"your answer to '{ev.events[e].title}'{since}"
