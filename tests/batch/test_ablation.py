"""Ablation flags a tool made deliberately dominant, and not in the plain scenario."""

from __future__ import annotations

from pathlib import Path

from tests.batch.helpers import batch, rows, summary


def test_dominant_tool_is_flagged(dominant_scenario: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert batch(dominant_scenario, out, games=240, chunk_size=240, ablate=True) == 0
    s = summary(out)
    by_tool = {r["tool"]: r for r in s["ablation"]["rows"]}
    qe = by_tool["quiet_engagement"]
    assert "dominant" in qe["flags"]
    assert qe["delta_win_rate"] < -0.15 and qe["delta_win_rate_ci95"][1] < 0
    assert not any("dominant" in r["flags"] for t, r in by_tool.items() if t != "quiet_engagement")
    assert any(w["kind"] == "dominant" and w["tool"] == "quiet_engagement" for w in s["warnings"])
    assert "looks dominant" in (out / "report.html").read_text(encoding="utf-8")
    # every arm's games are listed, the ablated ones marked
    table = rows(out)
    assert len(table) == 240 * (1 + len(by_tool))
    assert {r["ablated"] for r in table} == {""} | set(by_tool)
    # the same games: each ablation arm uses the base arm's seeds
    base = [r["seed"] for r in table if r["ablated"] == ""]
    assert [r["seed"] for r in table if r["ablated"] == "sanctions"] == base
    # the thresholds are options; they only judge, so the same folder is reused without replaying
    assert batch(dominant_scenario, out, games=240, chunk_size=240, ablate=True, dominant_threshold=0.9) == 0
    assert not any(w["kind"] == "dominant" for w in summary(out)["warnings"])


def test_plain_scenario_has_no_dominant_tool(scenario: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert batch(scenario, out, games=200, chunk_size=200, ablate=True) == 0
    assert not any(w["kind"] == "dominant" for w in summary(out)["warnings"])
