"""State: the game as a plain structure of numpy arrays with a leading worlds axis W.

One game is W = 1; a batch of thousands is the same structure with a larger W. Named
properties give the domain's words (``state.face``) for the columns of the shared arrays.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from diplosim.engine import layout, rng
from diplosim.engine.params import Params
from diplosim.engine.sums import theme_min


@dataclass
class State:
    """Everything that changes during a game, for W worlds at once."""

    seed: np.ndarray  # (W,) uint64: each world's game seed
    turn: np.ndarray  # (W,) the turn about to be played, from 1
    done: np.ndarray  # (W,) bool: finished worlds no longer change
    lost: np.ndarray  # (W,) bool: ended early by a required objective that failed
    country: np.ndarray  # (W, C, F): country fields then true rights per theme
    estimate: np.ndarray  # (W, C, H): the player's estimate of rights
    estimate_bias: np.ndarray  # (W, C, H): how far the estimate is off (wanders within uncertainty)
    player: np.ndarray  # (W, P)
    leverage: np.ndarray  # (W, C): derived each turn
    pressure: np.ndarray  # (W, C): pressure on each government, decaying
    econ_pressure: np.ndarray  # (W, C): the part of it that threatens the economy
    face_lost: np.ndarray  # (W, C): face lost this turn
    pressure_received: np.ndarray  # (W, C): cumulative, for hypocrisy charges
    decision: np.ndarray  # (W, C): each government's last decision (layout.DECISIONS)
    abuse: np.ndarray  # (W, C) bool: gross abuses under way
    pending_country: np.ndarray  # (W, D, C, F): delayed effects, ring buffer over turns
    pending_player: np.ndarray  # (W, D, P)
    pending_cause: np.ndarray  # (W, D, C, 2, 3): per pending rise and fall of rights, (cause stamp, size,
    # themes); the log's bookkeeping, kept only by steps that log (cause_book)
    last_used: np.ndarray  # (W, T, C + 1): turn each tool was last used on each target
    fired: np.ndarray  # (W, E) bool: events that have fired
    awaiting: np.ndarray  # (W, E) bool: events waiting for the player's choice
    objective_met: np.ndarray  # (W, O) bool
    objective_failed: np.ndarray  # (W, O) bool
    on_course_from: np.ndarray  # (W,) the turn from which every required objective has been met or holding
    # (the last turn it was not, plus one): how early a won game was in hand, for balance testing
    tool_uses: np.ndarray  # (W, T): times each tool was used
    tool_successes: np.ndarray  # (W, T): times it landed (accepted, or the vote passed)

    @property
    def worlds(self) -> int:
        """Number of worlds W."""
        return self.seed.shape[0]

    @property
    def rights(self) -> np.ndarray:
        """True rights per theme (W, C, H): a view, hidden from the player."""
        return self.country[:, :, layout.RIGHTS0:]

    def field(self, name: str) -> np.ndarray:
        """A country field by its vocabulary name, as a (W, C) view."""
        return self.country[:, :, layout.COUNTRY[name]]

    def player_field(self, name: str) -> np.ndarray:
        """A player field by its vocabulary name, as a (W,) view."""
        return self.player[:, layout.PLAYER[name]]

    @property
    def face(self) -> np.ndarray:
        """Each government's face (W, C)."""
        return self.country[:, :, layout.FACE]

    @property
    def credibility(self) -> np.ndarray:
        """The player's credibility (W,)."""
        return self.player[:, layout.CREDIBILITY]

    def copy(self) -> State:
        """A deep copy (steps never alias their input)."""
        return State(**{f.name: getattr(self, f.name).copy(order="K") for f in dataclasses.fields(self)})

    def world(self, k: int) -> State:
        """World k alone, as a state with W = 1."""
        return State(**{f.name: getattr(self, f.name)[k:k + 1].copy() for f in dataclasses.fields(self)})

    def worlds_where(self, mask: np.ndarray) -> State:
        """The worlds selected by a boolean mask or an index array (a copy: numpy's advanced
        indexing always returns new arrays)."""
        mask = np.asarray(mask)
        if mask.dtype != bool and not np.issubdtype(mask.dtype, np.integer):
            raise TypeError("worlds_where takes a boolean mask or an index array")
        return State(**{f.name: _take(getattr(self, f.name), mask, f.name in _RING_BUFFERS)
                        for f in dataclasses.fields(self)})

    @staticmethod
    def concat(states: list[State]) -> State:
        """Join states along the worlds axis."""
        return State(**{f.name: _join([getattr(s, f.name) for s in states], f.name in _RING_BUFFERS)
                        for f in dataclasses.fields(State)})

    def equals(self, other: State) -> bool:
        """Bit-for-bit equality of every array."""
        return all(np.array_equal(getattr(self, f.name), getattr(other, f.name))
                   for f in dataclasses.fields(self))

    def same_game(self, other: State) -> bool:
        """Bit-for-bit equality of everything but the log's bookkeeping (pending_cause)."""
        return all(np.array_equal(getattr(self, f.name), getattr(other, f.name))
                   for f in dataclasses.fields(self) if f.name != "pending_cause")

    def ring_buffers(self) -> tuple[np.ndarray, np.ndarray]:
        """The pending effects as they lie in memory, turn-major (D, W, ...): what the compiled loops
        index (each turn's slot one block, each world's part of it contiguous)."""
        return self.pending_country.swapaxes(0, 1), self.pending_player.swapaxes(0, 1)

    def cause_book(self, logging: bool) -> np.ndarray:
        """Where the compiled loops note the causes of pending changes: the state's own book when the
        step logs, else an empty one (a batch that does not log skips the bookkeeping)."""
        return self.pending_cause if logging else _NO_BOOK


_NO_BOOK = np.zeros((0, 1, 1, 2, 3), dtype=np.float32)


def _turn_major(buffer: np.ndarray) -> np.ndarray:
    """A (D, W, ...) ring buffer seen as (W, D, ...): each turn's slot lies in one block, so the
    worlds' due effects are read, and this turn's effects written, in memory order."""
    return buffer.swapaxes(0, 1)


_RING_BUFFERS = ("pending_country", "pending_player")  # kept turn-major (_turn_major)


def _take(a: np.ndarray, mask: np.ndarray, ring_buffer: bool) -> np.ndarray:
    """a[mask] along the worlds axis; a ring buffer comes out turn-major."""
    if ring_buffer:
        return _turn_major(np.ascontiguousarray(a.swapaxes(0, 1)[:, mask]))
    return a[mask]


def _join(arrays: list[np.ndarray], ring_buffer: bool) -> np.ndarray:
    """Arrays joined along the worlds axis; a ring buffer comes out turn-major."""
    if ring_buffer:
        return _turn_major(np.concatenate([a.swapaxes(0, 1) for a in arrays], axis=1))
    return np.concatenate(arrays)


def initial_state(params: Params, seeds: np.ndarray | list[int] | int) -> State:
    """The state at the start of the game for each seed (one world per seed)."""
    seeds = np.atleast_1d(np.asarray(seeds, dtype=np.uint64))
    zeros = functools.partial(np.zeros, dtype=np.float32)  # the engine computes in float32 (see params.single)
    w, c = seeds.shape[0], params.n_countries
    h, t, e, o = len(params.themes), params.n_tools, len(params.events.events), len(params.objectives)
    # World-major (C order): the compiled mechanics walk one world's numbers at a time.
    country = np.array(np.broadcast_to(params.initial_country, (w,) + params.initial_country.shape),
                       dtype=np.float32, order="C")
    uncertainty = country[:, :, layout.UNCERTAINTY][:, :, None]
    bias = rng.normal(seeds, 0, rng.Purpose.ESTIMATE, (c, h)) * uncertainty * params.constants.estimate_noise
    bias = np.clip(bias, -uncertainty, uncertainty).astype(np.float32)  # the truth lies within the range shown
    rights = country[:, :, layout.RIGHTS0:]
    abuse = (theme_min(rights) < params.constants.abuse_threshold) | params.initial_abuse[None, :]
    state = State(
        seed=seeds, turn=np.ones(w, dtype=np.int64), done=np.zeros(w, dtype=bool), lost=np.zeros(w, dtype=bool),
        country=country, estimate=np.clip(rights + bias, 0, 100), estimate_bias=bias,
        player=np.array(np.broadcast_to(params.initial_player, (w, params.initial_player.shape[0])), dtype=np.float32,
                        order="C"),
        leverage=zeros((w, c)), pressure=zeros((w, c)), econ_pressure=zeros((w, c)),
        face_lost=zeros((w, c)), pressure_received=zeros((w, c)),
        decision=np.full((w, c), layout.STALL, dtype=np.int64), abuse=abuse,
        pending_country=_turn_major(zeros((params.horizon, w) + params.initial_country.shape)),
        pending_player=_turn_major(zeros((params.horizon, w, params.initial_player.shape[0]))),
        pending_cause=zeros((w, params.horizon, c, 2, 3)),
        last_used=np.full((w, t, c + 1), -1000, dtype=np.int16),  # turns are few; the array is large
        fired=np.zeros((w, e), dtype=bool), awaiting=np.zeros((w, e), dtype=bool),
        objective_met=np.zeros((w, o), dtype=bool), objective_failed=np.zeros((w, o), dtype=bool),
        on_course_from=np.ones(w, dtype=np.int64),
        tool_uses=np.zeros((w, t), dtype=np.int64), tool_successes=np.zeros((w, t), dtype=np.int64),
    )
    from diplosim.engine.mechanics import derive_leverage
    derive_leverage(params, state)
    return state
