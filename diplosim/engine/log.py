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
        self.by_country: dict[tuple[int, int], list[str]] = {}

    def add(self, world: int, country: int, cause: str) -> None:
        """Record a cause of change for a country in a world."""
        self.by_country.setdefault((world, country), []).append(cause)

    def of(self, world: int, country: int) -> list[str]:
        """The causes recorded for a country, in order, repeats folded into one with a count."""
        counts: dict[str, int] = {}
        for cause in self.by_country.get((world, country), []):
            counts[cause] = counts.get(cause, 0) + 1
        return [c if n == 1 else f"{c} (x{n})" for c, n in counts.items()]
