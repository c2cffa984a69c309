"""The closed vocabulary that effects, conditions and objectives may name.

Scenario files refer to the game's state through dotted field paths such as
``target.face``, ``borealia.rights.expression`` or ``player.credibility``. This
module is the single list of what those paths may be, so the validator, the JSON
Schema, the authoring guide and the engine all agree.
"""

from __future__ import annotations

from dataclasses import dataclass

# Per-country quantities an author may read or change (all on a 0-100 scale).
COUNTRY_FIELDS: dict[str, str] = {
    "face": "standing the government protects; public pressure spends it",
    "resistance": "how hard the government resists outside pressure (its stance)",
    "relations": "relations with the player (50 is neutral)",
    "security": "security cooperation with the player",
    "aid": "dependence on the player's aid",
    "capacity": "institutional capacity to protect rights (makes gains durable)",
    "civil_society": "strength of civil society (makes gains durable)",
    "stability": "political stability",
    "cultural_distance": "cultural distance from the player (messages land worse)",
    "rival_pull": "what a rival patron offers the government (cuts leverage)",
    "legitimacy": "international backing for action against this government",
    "evidence": "documented evidence from monitoring and reporting",
    "coalition": "allied backing the player has assembled on this country",
    "trade": "trade volume between this country and the player",
    "uncertainty": "how uncertain the player's estimate of its rights is",
}
# Read-only, derived each turn: conditions may read them, effects may not change them.
DERIVED_COUNTRY_FIELDS: dict[str, str] = {
    "leverage": "the player's leverage over the government (derived each turn)",
    "estimate": "the player's estimate of rights (mean over themes, or .THEME)",
    "abuse": "1 while gross abuses are under way, else 0",
}
PLAYER_FIELDS: dict[str, str] = {
    "capital": "political capital left this turn",
    "budget": "money left for programmes",
    "credibility": "the player's standing as a rights advocate",
    "inertia": "the foreign service's bureaucratic inertia",
    "fluency": "the service's cultural fluency",
    "commerce": "satisfaction of the player's commercial interests",
    "security": "satisfaction of the player's security interests",
    "treaty": "progress of the global treaty (0-100)",
    "resolutions": "multilateral resolutions passed so far",
    "interventions": "interventions carried out so far",
}
# Subjects that are not a country id.
SPECIAL_SUBJECTS = ("player", "target", "all", "mean", "min", "max", "turn")
AGGREGATES = ("mean", "min", "max")
OPERATORS = ("<", "<=", ">", ">=", "==", "!=")


@dataclass(frozen=True)
class FieldRef:
    """A parsed field path: who (subject) and what (name, optional theme)."""

    subject: str  # "player", "target", "all", "mean"/"min"/"max", "turn" or a country id
    name: str  # a key of COUNTRY_FIELDS / DERIVED_COUNTRY_FIELDS / PLAYER_FIELDS, "rights", or ""
    theme: str | None = None  # for rights.THEME / estimate.THEME

    def __str__(self) -> str:
        parts = [self.subject] + ([self.name] if self.name else []) + ([self.theme] if self.theme else [])
        return ".".join(parts)


def parse_field(path: str, *, themes: list[str], countries: list[str], writable: bool) -> FieldRef:
    """Parse a dotted field path, raising ValueError with a fix-it sentence when it is not valid."""
    from diplosim.scenario.messages import did_you_mean

    parts = path.strip().split(".")
    subject = parts[0]
    if subject == "turn":
        if len(parts) != 1 or writable:
            raise ValueError("'turn' can only be read, and has no sub-field; write just 'turn'")
        return FieldRef("turn", "")
    subjects = list(SPECIAL_SUBJECTS) + list(countries)
    if subject not in subjects:
        raise ValueError(
            f"'{subject}' in '{path}' is not a country id or one of player, target, all, "
            f"mean, min, max, turn.{did_you_mean(subject, subjects)}"
        )
    if len(parts) < 2:
        raise ValueError(f"'{path}' names no field; write e.g. '{subject}.face'")
    name, rest = parts[1], parts[2:]
    if subject == "player":
        if name not in PLAYER_FIELDS or rest:
            raise ValueError(
                f"'{path}' is not a player field; use one of "
                f"{', '.join('player.' + f for f in PLAYER_FIELDS)}.{did_you_mean(name, PLAYER_FIELDS)}"
            )
        return FieldRef("player", name)
    if writable and subject in AGGREGATES:
        raise ValueError(f"'{subject}.' can only be read in conditions; to change every country use 'all.{name}'")
    if not writable and subject == "all":
        raise ValueError(f"'all.' is for effects; in a condition use 'min.{name}', 'max.{name}' or 'mean.{name}'")
    if name in ("rights", "estimate"):
        if name == "estimate" and writable:
            raise ValueError("the player's estimate cannot be changed directly; change 'uncertainty' or 'evidence'")
        if not rest:
            return FieldRef(subject, name)
        theme = ".".join(rest)
        if theme not in themes:
            raise ValueError(f"'{theme}' in '{path}' is not a theme of this scenario.{did_you_mean(theme, themes)}")
        return FieldRef(subject, name, theme)
    known = dict(COUNTRY_FIELDS) if writable else {**COUNTRY_FIELDS, **DERIVED_COUNTRY_FIELDS}
    if name not in known or rest:
        if writable and name in DERIVED_COUNTRY_FIELDS:
            raise ValueError(f"'{name}' is derived each turn and cannot be changed by an effect")
        names = ["rights"] + list(known)
        raise ValueError(f"'{name}' in '{path}' is not a country field.{did_you_mean(name, names)}"
                         f" Fields: rights.THEME, {', '.join(known)}")
    return FieldRef(subject, name)
