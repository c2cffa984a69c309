"""`diplosim validate` on the reference scenario, as a user runs it: whole process, start-up included.

    python benchmarks/validate_speed.py [--runs 5]

Prints each run's wall time and the median (target: 0.5 s or less on the 2-core machines here).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "meridian.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    exe = shutil.which("diplosim") or str(Path(sys.executable).with_name("diplosim"))
    # As a user runs it: Python may cache compiled modules (a PYTHONDONTWRITEBYTECODE left set in
    # a sandbox or CI would time compiling every module instead).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [exe, "validate", str(SCENARIO)]
    subprocess.run(command, capture_output=True, check=True, env=env)  # warm the disk cache
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - start)
    print("diplosim validate scenarios/meridian.yaml: " + ", ".join(f"{t:.3f}" for t in times) + " s")
    print(f"median of {args.runs}: {statistics.median(times):.3f} s (target <= 0.5 s)")


if __name__ == "__main__":
    main()
