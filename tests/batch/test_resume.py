"""Finished chunks survive an interruption; a rerun continues without losing or repeating a game."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.batch.helpers import batch, rows, summary


def _chunks(out: Path) -> list[Path]:
    return sorted((out / "chunks").glob("*.npz"))


def test_stopped_run_continues(scenario: str, tmp_path: Path) -> None:
    kw = {"games": 40, "chunk_size": 8, "policies": ["random", "passive"]}
    clean = tmp_path / "clean"
    assert batch(scenario, clean, **kw) == 0
    out = tmp_path / "out"
    assert batch(scenario, out, stop_after_chunks=3, **kw) == 3
    assert len(_chunks(out)) == 3
    assert not (out / "games.csv").exists() and not (out / "summary.json").exists()
    assert batch(scenario, out, stop_after_chunks=4, **kw) == 3
    assert len(_chunks(out)) == 7
    assert batch(scenario, out, **kw) == 0
    assert len(_chunks(out)) == 10
    assert (out / "games.csv").read_bytes() == (clean / "games.csv").read_bytes()
    assert (out / "summary.json").read_bytes() == (clean / "summary.json").read_bytes()
    assert len(rows(out)) == 80 and summary(out)["policies"]["random"]["games"] == 40


def test_lost_and_damaged_chunks_are_recomputed(scenario: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert batch(scenario, out) == 0
    before = (out / "games.csv").read_bytes()
    chunks = _chunks(out)
    chunks[0].unlink()
    chunks[2].write_bytes(b"not a zip file")
    (out / "chunks" / ".tmp-half.npz").write_bytes(b"half")  # left by a kill mid-write
    assert batch(scenario, out) == 0
    assert (out / "games.csv").read_bytes() == before
    assert not (out / "chunks" / ".tmp-half.npz").exists()


def test_games_csv_rows_lost_with_their_part_are_rebuilt(scenario: str, tmp_path: Path) -> None:
    """Each chunk's rows of games.csv are saved beside it as it finishes; a missing part (a kill
    between the chunk and its rows) is rebuilt from the chunk."""
    out = tmp_path / "out"
    assert batch(scenario, out) == 0
    before = (out / "games.csv").read_bytes()
    parts = sorted((out / "chunks").glob("*.csv"))
    assert len(parts) == len(_chunks(out))
    parts[1].unlink()
    (out / "games.csv").unlink()
    assert batch(scenario, out) == 0
    assert (out / "games.csv").read_bytes() == before


def test_killed_process_resumes(scenario: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = ("import sys; from tests.batch.helpers import batch; "
            f"sys.exit(batch({scenario!r}, __import__('pathlib').Path({str(out)!r}), games=400, chunk_size=8))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=Path(__file__).parents[2])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list((out / "chunks").glob("*.npz"))) < 3:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(_chunks(out))
    assert 3 <= done < 50
    assert batch(scenario, out, games=400, chunk_size=8) == 0
    table = rows(out)
    assert [int(r["game"]) for r in table] == list(range(400))
    clean = tmp_path / "clean"
    assert batch(scenario, clean, games=400, chunk_size=8) == 0
    assert (out / "games.csv").read_bytes() == (clean / "games.csv").read_bytes()


def test_folder_of_another_batch_is_refused(scenario: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert batch(scenario, out, stop_after_chunks=1) == 3
    capsys.readouterr()
    assert batch(scenario, out, games=64) == 2
    err = capsys.readouterr().err
    assert "holds a batch run with different arguments (games: 32 there, 64 now)" in err
    assert len(_chunks(out)) == 1
    assert batch(scenario, out, seed=12) == 2
    assert "seed" in capsys.readouterr().err
    # workers and the executor are not arguments of the games: changing them resumes
    assert batch(scenario, out, workers=2) == 0
