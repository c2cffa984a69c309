"""Claims: validated like the rest of the file, judged with paired intervals, undecided is no pass."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from diplosim.batch.claims import FAILED, HELD, UNDECIDED, Run, judge, needed_runs
from diplosim.scenario.loader import load_scenario_text
from diplosim.scenario.models import Claim
from diplosim.scenario.yamlsafe import ScenarioError


def _run(won, score=None, **metrics):
    won = np.asarray(won, dtype=bool)
    return Run(won, np.asarray(score if score is not None else won * 1.0, dtype=float),
               {k: np.asarray(v, dtype=float) for k, v in metrics.items()})


def test_better_holds_fails_or_stays_undecided_by_its_interval():
    rng = np.random.default_rng(0)
    a = rng.normal(50, 5, 400)
    claim = Claim(id="c", text="t", kind="better", policy="greedy", versus="random", metric="x.face")
    runs = {("greedy", None): Run(np.zeros(400, bool), np.zeros(400), {"x.face": a + 3}),
            ("random", None): Run(np.zeros(400, bool), np.zeros(400), {"x.face": a})}
    assert judge(claim, runs, []).verdict == HELD
    runs[("greedy", None)] = Run(np.zeros(400, bool), np.zeros(400), {"x.face": a - 3})
    assert judge(claim, runs, []).verdict == FAILED
    few = {("greedy", None): Run(np.zeros(3, bool), np.zeros(3), {"x.face": np.array([1.0, 9.0, 2.0])}),
           ("random", None): Run(np.zeros(3, bool), np.zeros(3), {"x.face": np.array([5.0, 1.0, 3.0])})}
    result = judge(claim, few, [])
    assert result.verdict == UNDECIDED and result.low < 0 < result.high


def test_win_rate_between_uses_the_wilson_interval():
    claim = Claim(id="c", text="t", kind="win_rate_between", policy="greedy", low=0.3, high=0.85)
    won = np.array([1] * 550 + [0] * 450, dtype=bool)
    assert judge(claim, {("greedy", None): _run(won)}, []).verdict == HELD
    assert judge(claim, {("greedy", None): _run(np.ones(1000, bool))}, []).verdict == FAILED
    assert judge(claim, {("greedy", None): _run(np.array([1, 0, 0, 1], bool))}, []).verdict == UNDECIDED


def test_not_dominant_fails_when_removing_one_tool_drops_the_win_rate_past_the_threshold():
    claim = Claim(id="c", text="t", kind="not_dominant", policy="greedy")
    base = np.array([1] * 600 + [0] * 400, dtype=bool)
    runs = {("greedy", None): _run(base), ("greedy", "a"): _run(base), ("greedy", "b"): _run(np.zeros(1000, bool))}
    result = judge(claim, runs, ["a", "b"])
    assert result.verdict == FAILED and "b" in result.detail
    runs[("greedy", "b")] = _run(base)
    assert judge(claim, runs, ["a", "b"]).verdict == HELD
    assert set(needed_runs([claim], ["a", "b"])) == {("greedy", None), ("greedy", "a"), ("greedy", "b")}


BASE = """
id: tiny
title: Tiny
summary: s
turns: 4
themes: [{id: expression, name: E}]
countries:
  - {id: alpha, name: Alpha, rights: {expression: 30}}
objectives:
  - {id: o, text: t, condition: {field: alpha.rights.expression, op: ">=", value: 31}, required: true}
claims:
"""


@pytest.mark.parametrize("claim, line, words", [
    ("  - {id: c, text: t, kind: better, policy: gredy, versus: random, metric: score}",
     "claims[0].policy", "Did you mean 'greedy'"),
    ("  - {id: c, text: t, kind: better, policy: greedy, versus: only:sanktions, metric: score}",
     "claims[0].versus", "names no tool"),
    ("  - {id: c, text: t, kind: better, policy: greedy, versus: random, metric: betaland.face}",
     "claims[0].metric", "betaland"),
    ("  - {id: c, text: t, kind: wins_more, policy: greedy}", "claims[0]", "needs 'versus'"),
    ("  - {id: c, text: t, kind: win_rate_between, policy: greedy, low: 0.9, high: 0.2}",
     "claims[0].low", "swap"),
])
def test_claims_naming_unknown_things_are_refused_with_a_sentence(claim, line, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(BASE + claim, "tiny.yaml")
    text = str(err.value)
    assert "tiny.yaml:12:" in text and line in text and words in text


def test_diplosim_check_reports_each_claim_and_fails_on_undecided(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(BASE + "  - {id: c, text: busy beats idle, kind: better, policy: random, versus: passive,"
                           " metric: score}\n")
    res = subprocess.run([sys.executable, "-c", "from diplosim.cli import main; main()", "check", str(path),
                          "--games", "3", "--workers", "1"], capture_output=True, text=True, timeout=120,
                         check=False)
    assert "busy beats idle" in res.stdout
    assert res.returncode == (0 if "[held]" in res.stdout else 1)
    assert "Traceback" not in res.stderr
