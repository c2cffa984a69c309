"""Claims: what a scenario says it teaches, in a closed vocabulary that `diplosim check` can test.

This module checks that each claim is complete and names policies, tools and fields that exist;
diplosim/batch/claims.py runs the games and judges the claims.
"""

from __future__ import annotations

from collections.abc import Callable

from diplosim.scenario.messages import did_you_mean
from diplosim.scenario.models import Claim, Scenario, Tool
from diplosim.scenario.vocabulary import parse_field

BASE_POLICIES = ("passive", "random", "greedy")
# What each kind of claim needs besides its id and text.
NEEDS = {"better": ("policy", "versus", "metric"), "wins_more": ("policy", "versus"),
         "win_rate_between": ("policy", "low", "high"), "not_dominant": ()}


def policy_problem(name: str, tool_ids: list[str]) -> str | None:
    """Why a policy name does not fit the scenario, or None."""
    if name in BASE_POLICIES:
        return None
    if name.startswith("only:"):
        tool = name[5:]
        if tool in tool_ids:
            return None
        return f"policy '{name}' names no tool of this scenario.{did_you_mean(tool, tool_ids)}"
    return (f"'{name}' is not a policy; use passive, random, greedy or only:TOOL."
            f"{did_you_mean(name, list(BASE_POLICIES) + [f'only:{t}' for t in tool_ids])}")


def check_claims(sc: Scenario, tools: list[Tool], error: Callable[[tuple, str], None]) -> None:
    """Report each incomplete claim, and each unknown policy, tool, country or field it names."""
    tool_ids = [t.id for t in tools]
    themes, countries = [t.id for t in sc.themes], [c.id for c in sc.countries]
    for i, claim in enumerate(sc.claims):
        loc = ("claims", i)
        for need in NEEDS[claim.kind]:
            if getattr(claim, need) is None:
                error(loc, f"a '{claim.kind}' claim needs '{need}'; add it (see docs/authoring.md, Claims)")
        for key in ("policy", "versus"):
            name = getattr(claim, key)
            if name is not None and (why := policy_problem(name, tool_ids)):
                error(loc + (key,), why)
        if claim.kind == "better" and claim.metric not in (None, "score"):
            try:
                parse_field(claim.metric, themes=themes, countries=countries, writable=False)
            except ValueError as err:
                error(loc + ("metric",), f"{err} Or write 'score'.")
        if claim.kind == "win_rate_between" and None not in (claim.low, claim.high) and claim.low > claim.high:
            error(loc + ("low",), f"low ({claim.low}) is above high ({claim.high}); swap them")


def claim_policies(claim: Claim) -> list[str]:
    """The policies a claim's games are played with."""
    if claim.kind == "not_dominant":
        return [claim.policy or "greedy"]
    return [p for p in (claim.policy, claim.versus) if p is not None]
