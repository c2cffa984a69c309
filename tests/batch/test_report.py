"""Sweeps, games.csv columns, summary.json content and a self-contained report.html."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from diplosim.batch.sweep import UsageError, variants
from tests.batch.conftest import small_scenario
from tests.batch.helpers import batch, rows, summary


def test_sweep_grid_and_sets() -> None:
    vs = variants(["player.budget=50"], ["tools.sanctions.cost.capital=1,2", "player.income=0,5"], turns=4)
    assert [v.label for v in vs] == ["tools.sanctions.cost.capital=1, player.income=0",
                                     "tools.sanctions.cost.capital=1, player.income=5",
                                     "tools.sanctions.cost.capital=2, player.income=0",
                                     "tools.sanctions.cost.capital=2, player.income=5"]
    assert vs[3].as_dict() == {"player.budget": 50, "player.income": 5, "tools.sanctions.cost.capital": 2,
                               "turns": 4}
    with pytest.raises(UsageError, match="both set with --set and swept"):
        variants(["player.income=1"], ["player.income=0,5"], None)
    with pytest.raises(UsageError, match="lists a value twice"):
        variants([], ["player.income=1,1"], None)


def test_a_set_may_give_a_whole_mapping(scenario: str, tmp_path: Path) -> None:
    # Values given as YAML maps or lists reach the workers too (they once broke the worker's cache).
    out = tmp_path / "out"
    assert batch(scenario, out, games=8, sets=["tools.quiet_engagement.cost={capital: 2, budget: 3}"]) == 0
    assert summary(out)["sets"] == ["tools.quiet_engagement.cost={capital: 2, budget: 3}"]


def test_report_summary_and_csv(scenario: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert batch(scenario, out, games=24, policies=["random", "passive"],
                 sweeps=["tools.quiet_engagement.cost.capital=1,3"]) == 0
    s = summary(out)
    assert s["variants"] == ["tools.quiet_engagement.cost.capital=1", "tools.quiet_engagement.cost.capital=3"]
    assert len(s["results"]) == 4
    r = s["policies"]["random"]
    assert r["games"] == 24 and 0 <= r["win_rate_ci95"][0] <= r["win_rate"] <= r["win_rate_ci95"][1] <= 1
    assert sum(r["outcomes"].values()) == 24
    assert abs(sum(r["tool_use_share"].values()) - 1) < 1e-9
    assert s["policies"]["passive"]["actions_per_game"] == 0
    assert "--seed <seed> --policy <policy>" in s["replay"]
    table = rows(out)
    assert len(table) == 4 * 24
    assert {"policy", "variant", "game", "seed", "outcome", "score", "met_free_press",
            "uses_quiet_engagement", "credibility", "mean_rights"} <= set(table[0])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2>Sweep</h2>" in page and "Rights over turns" in page and "Tool use" in page
    assert len(re.findall(r'src="data:image/png;base64,', page)) >= 5
    assert not re.search(r'(src|href)="(https?:|file:|/)', page), "the report must be self-contained"


def test_won_games_say_from_which_turn_they_were_on_course(tmp_path: Path) -> None:
    # Pacing: the turn from which every required objective held, per game, and its quartiles over won games.
    out = tmp_path / "out"
    assert batch(str(small_scenario(tmp_path, turns=20)), out, games=64, policies=["only:quiet_engagement"]) == 0
    won = [r for r in rows(out) if r["outcome"] == "won"]
    since = sorted(int(r["on_course_from"]) for r in won)
    assert won and all(1 <= int(r["on_course_from"]) <= int(r["turns_played"]) for r in won)
    median = since[(len(since) + 1) // 2 - 1]  # the lower median, as a count-based quantile gives it
    assert summary(out)["policies"]["only:quiet_engagement"]["won_on_course_from"][1] == median
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "won games on course from turn" in page
