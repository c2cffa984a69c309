"""A user's mistake: one sentence on stderr, a non-zero exit, no traceback, nothing written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.batch.helpers import batch


def _one_sentence(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize(("kw", "status", "words"), [
    ({"policies": ["randm"]}, 2, "did you mean 'random'"),
    ({"policies": ["only:quiet_engagment"]}, 2, "did you mean 'quiet_engagement'"),
    ({"policies": ["random", "random"]}, 2, "given twice"),
    ({"games": 0}, 2, "--games must be at least 1 (got 0)"),
    ({"games": -5}, 2, "--games must be at least 1"),
    ({"workers": 0}, 2, "--workers must be at least 1"),
    ({"turns": 0}, 2, "--turns must be at least 1"),
    ({"dominant_threshold": 1.5}, 2, "--dominant-threshold"),
    ({"sets": ["tools.sanctions.cost.capital"]}, 2, "is not of the form path=value"),
    ({"sweeps": ["tools.sanctions.cost.capital=1,,2"]}, 2, "empty value"),
    ({"sweeps": ["turns"]}, 2, "is not of the form path=v1,v2"),
    ({"sets": ["tools.sanctionz.cost.capital=2"]}, 1, "did you mean 'sanctions'"),
    ({"sweeps": ["player.budget=10,abc"]}, 1, "player.budget"),
    ({"dask": "nonsense-scheme://x"}, 2, "cannot reach the Dask scheduler"),
])
def test_mistakes_get_one_sentence(kw, status, words, scenario: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert batch(scenario, out, **kw) == status
    assert words.lower() in _one_sentence(capsys).lower()
    assert not out.exists()


def test_unknown_scenario(tmp_path: Path, capsys) -> None:
    assert batch("meridan", tmp_path / "out") == 1
    assert "did you mean 'meridian'" in _one_sentence(capsys).lower()


def test_out_is_a_file(scenario: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "file.txt"
    out.write_text("keep me")
    assert batch(scenario, out) == 2
    assert "is a file, not a folder" in _one_sentence(capsys)
    assert out.read_text() == "keep me"
    assert batch(scenario, out / "sub") == 2
    err = _one_sentence(capsys)
    assert "cannot be created because" in err and "is a file" in err


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root may write anywhere")
def test_out_not_writable(scenario: str, tmp_path: Path, capsys) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert batch(scenario, locked / "out") == 2
        assert "not writable" in _one_sentence(capsys)
    finally:
        locked.chmod(0o700)


def test_out_folder_with_other_files(scenario: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("x")
    assert batch(scenario, tmp_path) == 2
    assert "already holds other files" in _one_sentence(capsys)


def test_unreachable_dask_fails_fast(scenario: str, tmp_path: Path, capsys) -> None:
    started = time.monotonic()
    assert batch(scenario, tmp_path / "out", dask="tcp://127.0.0.1:9") == 2
    assert time.monotonic() - started < 12
    err = _one_sentence(capsys)
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in err
    assert not (tmp_path / "out").exists()
