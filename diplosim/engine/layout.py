"""Where each named quantity lives in the state's arrays.

Country quantities share one array ``country[W, C, F]``: the fields of the vocabulary first,
then one column per rights theme. Storing them together lets effects, pending (delayed)
effects and conditions address any of them by one index.
"""

from __future__ import annotations

from diplosim.scenario.vocabulary import COUNTRY_FIELDS, PLAYER_FIELDS

COUNTRY = {name: i for i, name in enumerate(COUNTRY_FIELDS)}
N_COUNTRY_SCALARS = len(COUNTRY)
PLAYER = {name: i for i, name in enumerate(PLAYER_FIELDS)}
N_PLAYER = len(PLAYER)

FACE = COUNTRY["face"]
RESISTANCE = COUNTRY["resistance"]
RELATIONS = COUNTRY["relations"]
SECURITY = COUNTRY["security"]
AID = COUNTRY["aid"]
CAPACITY = COUNTRY["capacity"]
CIVIL_SOCIETY = COUNTRY["civil_society"]
STABILITY = COUNTRY["stability"]
CULTURAL_DISTANCE = COUNTRY["cultural_distance"]
RIVAL_PULL = COUNTRY["rival_pull"]
LEGITIMACY = COUNTRY["legitimacy"]
EVIDENCE = COUNTRY["evidence"]
COALITION = COUNTRY["coalition"]
TRADE = COUNTRY["trade"]
UNCERTAINTY = COUNTRY["uncertainty"]
RIGHTS0 = N_COUNTRY_SCALARS  # first rights column

CAPITAL = PLAYER["capital"]
BUDGET = PLAYER["budget"]
CREDIBILITY = PLAYER["credibility"]
INERTIA = PLAYER["inertia"]
FLUENCY = PLAYER["fluency"]
COMMERCE = PLAYER["commerce"]
PSECURITY = PLAYER["security"]
TREATY = PLAYER["treaty"]
RESOLUTIONS = PLAYER["resolutions"]
INTERVENTIONS = PLAYER["interventions"]

# Upper bounds per player field (lower bound is 0 for all); counters are open-ended.
PLAYER_MAX = {"capital": 10, "budget": 100000, "resolutions": 1000, "interventions": 1000}

TARGET_KINDS = ("country", "forum", "global", "self")
OBJECTIVE_KINDS = ("reach", "keep", "avoid")
DECISIONS = ("reform", "stall", "harden", "retaliate", "turn_to_rival")
REFORM, STALL, HARDEN, RETALIATE, TURN_TO_RIVAL = range(5)
