"""The same results bit for bit with one process, two local workers and a Dask LocalCluster."""

from __future__ import annotations

from pathlib import Path

from tests.batch.helpers import batch


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


def test_dask_local_workers_keep_freed_memory_like_a_plain_process() -> None:
    """Dask's nannies hand freed memory back at once (MALLOC_TRIM_THRESHOLD_=64 KiB), which makes
    every turn's temporaries page-fault again; `--dask local` starts its workers with glibc's own
    thresholds instead."""
    import os

    from diplosim.batch.runner import open_executor

    with open_executor(2, "local") as (executor, _, _):
        trim = executor.submit(os.getenv, "MALLOC_TRIM_THRESHOLD_").result()
        mmap = executor.submit(os.getenv, "MALLOC_MMAP_THRESHOLD_").result()
    assert (int(mmap), int(trim)) == (1 << 25, 1 << 26)


def test_a_batch_never_starts_more_workers_than_it_has_chunks(scenario: str, tmp_path: Path, capsys) -> None:
    """Starting a process costs more than a small batch: one chunk plays here, whatever --workers says."""
    assert batch(scenario, tmp_path / "small", games=8, chunk_size=8, workers=2) == 0
    assert "1 chunk run on 1 process" in capsys.readouterr().out


def test_chunks_are_some_sixteenth_of_a_batch_within_1024_to_4096_games() -> None:
    from diplosim.batch.runner import default_chunk_size

    assert default_chunk_size(300) == 1024  # one chunk holds them all
    assert default_chunk_size(10_000) == 1024
    assert default_chunk_size(32_768) == 2048
    assert default_chunk_size(65_536) == 4096
    assert default_chunk_size(1_000_000) == 4096
