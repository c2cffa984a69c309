"""docs/balance.md's generator: one section per scenario, and a cache that lets a long run resume."""

from __future__ import annotations

import re
from pathlib import Path

from diplosim.batch import balance


def _without_timing(text: str) -> str:
    """The report without the lines that name the output file or the time taken."""
    return "\n".join(line for line in text.splitlines()
                     if " took " not in line and not line.startswith("    python -m"))


def test_balance_report_and_its_cache(scenario: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = [scenario, "--games", "16", "--ablation-games", "8", "--greedy-games", "6", "--workers", "1",
            "--cache", str(cache)]
    first, second, fresh = tmp_path / "first.md", tmp_path / "second.md", tmp_path / "fresh.md"
    balance.main([*args, "--out", str(first)])
    text = first.read_text(encoding="utf-8")
    assert "| greedy | 6 |" in text and "Ablation of greedy over 6 games per tool" in text
    assert re.search(r"- pacing(: greedy won no game| \(not a target\): greedy's won games had every required "
                     r"objective in place from turn \d of 6 \(median; quartiles \d-\d\))", text)
    assert "- no single tool wins alone" in text
    assert "reused" not in text  # a cold run says nothing of a cache
    kept = sorted(cache.glob("*.npz"))
    assert kept, "no chunk was kept in the cache"
    assert "--cache" not in text  # the cache changes no figure, so the command shown leaves it out
    stamps = [p.stat().st_mtime_ns for p in kept]
    # A damaged chunk is played again; the others are reused as they are.
    kept[0].write_bytes(b"not a chunk")
    balance.main([*args, "--out", str(second)])
    assert _without_timing(second.read_text(encoding="utf-8")) == _without_timing(text)
    assert f"{len(kept) - 1} of {len(kept)} chunks of games reused from its cache" in second.read_text(encoding="utf-8")
    assert [p.stat().st_mtime_ns for p in kept[1:]] == stamps[1:]
    balance.main([a for a in args if a not in ("--cache", str(cache))] + ["--out", str(fresh)])
    assert _without_timing(fresh.read_text(encoding="utf-8")) == _without_timing(text)


def test_a_bad_scenario_is_one_sentence_before_any_game(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: bad\nturns: many\n", encoding="utf-8")
    out = tmp_path / "balance.md"
    assert balance.main([str(bad), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "turns" in err and "Traceback" not in err
    assert not out.exists()


def test_a_single_tool_that_wins_clearly_more_often_than_random_is_named() -> None:
    # (win rate, interval low, interval high): a wins clearly more often than random; b's interval overlaps.
    rates = {"random": (0.20, 0.18, 0.22), "only:a": (0.50, 0.45, 0.55), "only:b": (0.21, 0.15, 0.27)}
    assert balance._alone(["a", "b"], rates) == ["a"]
    line = balance._single_tools(["a", "b"], rates, ["a"])
    assert "**no**, only:a (50.0%) wins clearly more often than random, 20.0%" in line and "only:b (" not in line
    assert "**yes** (the best, only:b, wins 21.0%)" in balance._single_tools(["b"], rates, [])
