"""Engine speed: complete games per second on the reference scenario, batched and one at a time.

    python benchmarks/engine_speed.py [--worlds 4096] [--policy random] [--repeats 3]

Prints the median of several runs of a batch of W worlds (one process), the speed of the same
games stepped one at a time (W = 1) in a loop, measured in the same run, and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from diplosim.engine import build_params, get_policy, initial_state, play_out
from diplosim.scenario.loader import load_scenario


def play(params, policy, seeds: np.ndarray) -> float:
    """Play complete games for these seeds in one batch, as a batch run does; return the wall seconds."""
    start = time.perf_counter()
    play_out(params, initial_state(params, seeds), policy, inplace=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--worlds", type=int, default=4096)
    parser.add_argument("--policy", default="random")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--single", type=int, default=20, help="games played one at a time (W = 1)")
    args = parser.parse_args()
    params = build_params(load_scenario(args.scenario))
    policy = get_policy(args.policy)
    play(params, policy, np.arange(64, dtype=np.uint64))  # warm-up
    batch = [args.worlds / play(params, policy, np.arange(args.worlds, dtype=np.uint64) + r * args.worlds)
             for r in range(args.repeats)]
    single = [args.single / sum(play(params, policy, np.array([g], dtype=np.uint64)) for g in range(args.single))
              for _ in range(args.repeats)]
    b, s1 = statistics.median(batch), statistics.median(single)
    print(f"scenario {params.scenario_id}, {params.turns} turns, policy {args.policy}")
    print(f"batch of {args.worlds} worlds: {b:,.0f} games/s (median of {args.repeats}; runs: "
          + ", ".join(f"{x:,.0f}" for x in batch) + ")")
    print(f"one at a time (W = 1):   {s1:,.1f} games/s (median of {args.repeats})")
    print(f"batching speed-up:       {b / s1:,.0f}x")


if __name__ == "__main__":
    main()
