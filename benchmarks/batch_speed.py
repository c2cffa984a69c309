"""Batch speed: games/s of `diplosim batch` on one process, 2 local workers and a Dask LocalCluster(2).

    python benchmarks/batch_speed.py [--games 8192] [--policy random] [--chunk-size 1024] [--scenario ID]

Runs the same batch (reference scenario, its 30 turns, random policy by default) through each
executor into a fresh folder, times it end to end (start-up, chunks, games.csv, summary and report
included) and prints games/s with the ratios the batch issue asks for (2 workers >= 1.5x one
process; Dask within 20% of local processes). Each result is checked to be identical.
"""

from __future__ import annotations

import argparse
import filecmp
import tempfile
import time
from pathlib import Path

from diplosim.batch import run_batch


def timed(out: Path, args: argparse.Namespace, workers: int, dask: str | None) -> float:
    start = time.perf_counter()
    status = run_batch(args.scenario, games=args.games, policies=[args.policy], seed=1, turns=None, out=str(out),
                       workers=workers, dask=dask, ablate=False, sets=[], sweeps=[], chunk_size=args.chunk_size,
                       progress=False)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"batch failed with status {status}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--games", type=int, default=8192)
    parser.add_argument("--policy", default="random")
    parser.add_argument("--chunk-size", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        runs = [("1 process", 1, None), ("2 local workers", 2, None), ("Dask LocalCluster(2)", 2, "local")]
        seconds = {}
        for name, workers, dask in runs:
            seconds[name] = timed(root / name.replace(" ", "_"), args, workers, dask)
        base = root / "1_process" / "games.csv"
        same = all(filecmp.cmp(base, root / n.replace(" ", "_") / "games.csv", shallow=False) for n, _, _ in runs)
    print(f"\nscenario {args.scenario or 'meridian (reference)'}, policy {args.policy}, {args.games:,} games, "
          f"chunks of {args.chunk_size}; wall time includes start-up and writing the results")
    rate = {n: args.games / s for n, s in seconds.items()}
    for n, secs in seconds.items():
        print(f"  {n:22s} {secs:7.1f} s  {rate[n]:8,.0f} games/s")
    print(f"  2 workers / 1 process:       {rate['2 local workers'] / rate['1 process']:.2f}x (target >= 1.5x)")
    print(f"  Dask(2) / 2 local workers:   {rate['Dask LocalCluster(2)'] / rate['2 local workers']:.2f}x "
          "(target >= 0.8x)")
    print(f"  identical games.csv across executors: {same}")


if __name__ == "__main__":
    main()
