"""Batch speed: games/s of `diplosim batch` on one process, 2 local workers and a Dask LocalCluster(2).

    python benchmarks/batch_speed.py [--games 8192] [--policy random] [--chunk-size N] [--repeats 3] [--scenario ID]

Runs the same batch (reference scenario, its 30 turns, random policy by default) through each
executor into a fresh folder, round after round (each round starting with another executor, as the
machine's speed drifts), times it end to end (start-up, chunks, games.csv, summary and report
included) and prints the median games/s with the ratios the batch issue asks for (2 workers >= 1.5x
one process; Dask within 20% of local processes), each the median of the rounds' ratios. Each
result is checked to be identical.
"""

from __future__ import annotations

import argparse
import filecmp
import statistics
import tempfile
import time
from pathlib import Path

from diplosim.batch import run_batch
from diplosim.batch.runner import default_chunk_size


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
    parser.add_argument("--chunk-size", type=int, default=None, help="default: as `diplosim batch` chooses")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; each runs the three executors, in turn")
    args = parser.parse_args()
    runs = [("1 process", 1, None), ("2 local workers", 2, None), ("Dask LocalCluster(2)", 2, "local")]
    rates: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    same = True
    for round_ in range(args.repeats):
        # The machine's speed drifts: each round starts with a different executor.
        order = runs[round_ % 3:] + runs[:round_ % 3]
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for name, workers, dask in order:
                rates[name].append(args.games / timed(root / name.replace(" ", "_"), args, workers, dask))
            base = root / "1_process" / "games.csv"
            same &= all(filecmp.cmp(base, root / n.replace(" ", "_") / "games.csv", shallow=False)
                        for n, _, _ in runs)
    two = [t / o for t, o in zip(rates["2 local workers"], rates["1 process"])]
    dask = [d / t for d, t in zip(rates["Dask LocalCluster(2)"], rates["2 local workers"])]
    print(f"\nscenario {args.scenario or 'meridian (reference)'}, policy {args.policy}, {args.games:,} games, "
          f"chunks of {args.chunk_size or default_chunk_size(args.games)}, {args.repeats} rounds; wall time includes start-up and writing the results")
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
