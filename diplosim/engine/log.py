"""Log entries: every change the player can see, with its cause."""

from __future__ import annotations

from dataclasses import dataclass


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
        self.by_country: dict[tuple[int, int], list[tuple[str, int]]] = {}

    def add(self, world: int, country: int, cause: str, sign: int = 0) -> None:
        """Record a cause of change for a country in a world; sign +1 or -1 when it can only have
        raised or only lowered rights (a reform, a crackdown), 0 when it may have done either."""
        self.by_country.setdefault((world, country), []).append((cause, sign))

    def of(self, world: int, country: int, sign: int = 0) -> list[str]:
        """The causes recorded for a country, in order, repeats folded into one with a count; given
        the sign of a change, the causes that could only have pushed the other way are left out."""
        counts: dict[str, int] = {}
        for cause, pushed in self.by_country.get((world, country), []):
            if sign * pushed >= 0:
                counts[cause] = counts.get(cause, 0) + 1
        return [c if n == 1 else f"{c} (x{n})" for c, n in counts.items()]
