"""The same results bit for bit with one process, two local workers and a Dask LocalCluster."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest

from tests.batch.helpers import batch

# Local workers fork from a warm server where the platform has one (Linux, macOS), with glibc's
# malloc settings on Linux; elsewhere they are spawned and warm up on their first chunk.
needs_forkserver = pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(),
                                      reason="no forkserver on this platform")
needs_glibc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc settings")


def _outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "games.csv").read_bytes(), (out / "summary.json").read_bytes()


def test_one_two_workers_and_dask_agree(scenario: str, tmp_path: Path) -> None:
    kw = {"games": 64, "chunk_size": 16, "policies": ["random", "passive"], "seed": 3}
    assert batch(scenario, tmp_path / "one", workers=1, **kw) == 0
    assert batch(scenario, tmp_path / "two", workers=2, **kw) == 0
    assert batch(scenario, tmp_path / "dask", workers=2, dask="local", **kw) == 0
    one = _outputs(tmp_path / "one")
    assert one == _outputs(tmp_path / "two")
    assert one == _outputs(tmp_path / "dask")
    assert (tmp_path / "one" / "report.html").read_bytes() == (tmp_path / "two" / "report.html").read_bytes()


@needs_glibc
@needs_forkserver
def test_workers_keep_freed_memory_for_the_next_chunk() -> None:
    """Dask's nannies hand freed memory back at once (MALLOC_TRIM_THRESHOLD_=64 KiB), which makes
    every turn's temporaries page-fault again, and a fresh process does so until its first large free;
    local workers and `--dask local` start theirs with fixed, higher thresholds and one arena."""
    import os

    from diplosim.batch.executors import WORKER_MALLOC, open_executor

    for dask in (None, "local"):
        with open_executor(2, dask) as (executor, _, _):
            seen = {name: executor.submit(os.getenv, name).result() for name in WORKER_MALLOC}
        assert seen == {name: str(value) for name, value in WORKER_MALLOC.items()}, dask


def test_a_batch_never_starts_more_workers_than_it_has_chunks(scenario: str, tmp_path: Path, capsys) -> None:
    """Starting a process costs more than a small batch: one chunk plays here, whatever --workers says."""
    assert batch(scenario, tmp_path / "small", games=8, chunk_size=8, workers=2) == 0
    assert "1 chunk run on 1 process" in capsys.readouterr().out


def test_chunks_are_some_thirty_second_of_a_batch_within_1024_to_4096_games() -> None:
    from diplosim.batch.runner import default_chunk_size

    assert default_chunk_size(300) == 1024  # one chunk holds them all
    assert default_chunk_size(10_000) == 1024
    assert default_chunk_size(65_536) == 2048
    assert default_chunk_size(100_000) == 3125
    assert default_chunk_size(131_072) == 4096
    assert default_chunk_size(1_000_000) == 4096


def _engine_loaded_here() -> tuple[bool, bool, bool]:
    """In a worker, before it plays anything: is the engine imported, a compiled loop loaded, and
    what the worker inherited kept out of the garbage collector's way (frozen)?"""
    import gc

    engine = sys.modules.get("diplosim.engine.actions")
    return engine is not None, bool(engine and engine._legality.overloads), gc.get_freeze_count() > 0


@needs_forkserver
def test_workers_start_with_the_engine_and_its_compiled_loops_loaded() -> None:
    """Workers, local or a Dask LocalCluster's, are forked from a server that loaded them once (a
    spawned worker spends ~0.5 s on it)."""
    from diplosim.batch.executors import open_executor

    for dask in (None, "local"):
        with open_executor(2, dask) as (executor, _, _):
            assert executor.submit(_engine_loaded_here).result() == (True, True, True), dask
