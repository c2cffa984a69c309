"""Batch speed: games/s of `diplosim batch` on one process, 2 local workers and a Dask LocalCluster(2).

    python benchmarks/batch_speed.py [--games 65536] [--policy random] [--repeats 3] [--scenario ID]

Runs the same command (reference scenario, its 30 turns, random policy by default) with each
executor into a fresh folder, round after round (each round starting with another executor, as the
machine's speed drifts). Each run is the real command in a fresh process, timed from its start to its
exit, as a user sees it: start-up, imports, workers, chunks, games.csv, summary and report included.
Prints the median games/s with the ratios the batch issue asks for (2 workers >= 1.5x one process;
Dask within 20% of local processes), each the median of the rounds' ratios, and checks that every
executor wrote the same games.csv.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from diplosim.batch.runner import default_chunk_size

RUNS = [("1 process", ["--workers", "1"]), ("2 local workers", ["--workers", "2"]),
        ("Dask LocalCluster(2)", ["--workers", "2", "--dask", "local"])]


def command() -> list[str]:
    """`diplosim`, as installed beside this Python (or found on PATH)."""
    beside = Path(sys.executable).with_name("diplosim")
    found = str(beside) if beside.exists() else shutil.which("diplosim")
    if found is None:
        raise SystemExit("cannot find the `diplosim` command; install the package first (pip install -e .)")
    return [found]


def timed(out: Path, args: argparse.Namespace, executor: list[str]) -> float:
    """Wall seconds of one `diplosim batch` run, from the process's start to its exit."""
    argv = command() + ["batch", *([args.scenario] if args.scenario else []), "--games", str(args.games),
                        "--policy", args.policy, "--seed", "1", "--out", str(out), *executor]
    start = time.perf_counter()
    done = subprocess.run(argv, check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with status {done.returncode}: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--games", type=int, default=65536)
    parser.add_argument("--policy", default="random")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; each runs the three executors, in turn")
    args = parser.parse_args()
    rates: dict[str, list[float]] = {name: [] for name, _ in RUNS}
    same = True
    for round_ in range(args.repeats):
        # The machine's speed drifts: each round starts with a different executor.
        order = RUNS[round_ % 3:] + RUNS[:round_ % 3]
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for name, executor in order:
                rates[name].append(args.games / timed(root / name.replace(" ", "_"), args, executor))
            base = root / "1_process" / "games.csv"
            same &= all(filecmp.cmp(base, root / n.replace(" ", "_") / "games.csv", shallow=False)
                        for n, _ in RUNS)
    two = [t / o for t, o in zip(rates["2 local workers"], rates["1 process"], strict=True)]
    dask = [d / t for d, t in zip(rates["Dask LocalCluster(2)"], rates["2 local workers"], strict=True)]
    print(f"scenario {args.scenario or 'meridian (reference)'}, policy {args.policy}, {args.games:,} games, "
          f"chunks of {default_chunk_size(args.games)}, {args.repeats} rounds; each a fresh `diplosim batch` "
          "timed from start to exit")
    for name, values in rates.items():
        print(f"  {name:22s} {statistics.median(values):8,.0f} games/s (median; rounds: "
              + ", ".join(f"{v:,.0f}" for v in values) + ")")
    print(f"  2 workers / 1 process:       {statistics.median(two):.2f}x median of rounds "
          f"({', '.join(f'{x:.2f}' for x in two)}; target >= 1.5x)")
    print(f"  Dask(2) / 2 local workers:   {statistics.median(dask):.2f}x median of rounds "
          f"({', '.join(f'{x:.2f}' for x in dask)}; target >= 0.8x)")
    print(f"  identical games.csv across executors: {same}")


if __name__ == "__main__":
    main()
