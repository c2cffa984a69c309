"""The pure engine: rules over numpy arrays with a leading worlds axis. No I/O, no pygame.

    params = build_params(load_scenario("meridian"))
    state = initial_state(params, seeds)
    state, log = step(params, state, policy(params, state))
    final = play_out(params, state, policy)  # every world to its end
"""

from diplosim.engine.actions import Actions, legality, reason
from diplosim.engine.game import Game, IllegalAction, Order, Preview, TurnRecord
from diplosim.engine.log import LogEntry
from diplosim.engine.objectives import Outcome, outcome, score, won
from diplosim.engine.params import Params, build_params
from diplosim.engine.play import play_out
from diplosim.engine.policies import check_policy, get_policy
from diplosim.engine.state import State, initial_state
from diplosim.engine.step import step

__all__ = ["Actions", "Game", "IllegalAction", "LogEntry", "Order", "Outcome", "Params", "Preview", "State",
           "TurnRecord", "build_params", "check_policy", "get_policy", "initial_state", "legality", "outcome",
           "play_out", "reason", "score", "step", "won"]
