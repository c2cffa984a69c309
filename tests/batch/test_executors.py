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
