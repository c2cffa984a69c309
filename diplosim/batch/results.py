"""Read the finished chunks back, one at a time, into games.csv and the summary's statistics.

Nothing here holds all games: every arm keeps counters, mergeable moments and, for the report,
its scores and a histogram of mean rights per turn. Ablation arms are compared with their base
arm game by game (same seeds), so their differences have paired, tight intervals.
"""

from __future__ import annotations

import csv
import io
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from diplosim.batch.runner import Plan, chunk_path, load_chunk, write_atomic
from diplosim.batch.stats import (
    AblationRow,
    Moments,
    ablation_flags,
    count_quartiles,
    histogram_quantiles,
    wilson,
)
from diplosim.batch.worker import FIGURES, TURN_FIGURES

RIGHTS_EDGES = np.linspace(0.0, 100.0, 2001)  # 0.05-wide bins for the rights-trajectory quantiles
OUTCOMES = ("won", "lost_early", "lost_at_end")
_DECIMALS = 4  # the engine computes in float32: further digits in games.csv would be noise


class MissingChunk(Exception):
    """A chunk that should be on disk is not (the batch is not finished)."""


@dataclass
class ArmStats:
    """Streaming statistics of one arm."""

    n_objectives: int
    n_tools: int
    turns: int
    detail: bool  # keep scores and trajectories (for the report's distributions)
    n: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    score: Moments = field(default_factory=Moments)
    figures: list[Moments] = field(default_factory=lambda: [Moments() for _ in FIGURES])
    met: np.ndarray = None  # type: ignore[assignment]
    uses: np.ndarray = None  # type: ignore[assignment]
    successes: np.ndarray = None  # type: ignore[assignment]
    scores: list[np.ndarray] = field(default_factory=list)
    trajectory: np.ndarray | None = None  # (turns + 1, bins) counts
    on_course: np.ndarray = None  # type: ignore[assignment]  # (turns + 2,) won games by on_course_from

    def __post_init__(self) -> None:
        self.met = np.zeros(self.n_objectives, dtype=np.int64)
        self.uses = np.zeros(self.n_tools, dtype=np.int64)
        self.successes = np.zeros(self.n_tools, dtype=np.int64)
        self.on_course = np.zeros(self.turns + 2, dtype=np.int64)
        if self.detail:
            self.trajectory = np.zeros((self.turns + 1, RIGHTS_EDGES.size - 1), dtype=np.int64)

    def add(self, r: dict[str, np.ndarray]) -> None:
        won, lost = r["won"], r["lost"]
        self.n += int(won.size)
        self.outcomes["won"] += int(won.sum())
        self.outcomes["lost_early"] += int(lost.sum())
        self.outcomes["lost_at_end"] += int((~won & ~lost).sum())
        self.score.add(r["score"])
        for i, m in enumerate(self.figures):
            m.add(r["figures"][:, i])
        self.met += r["met"].sum(axis=0)
        self.uses += r["uses"].sum(axis=0)
        self.successes += r["successes"].sum(axis=0)
        since = r["figures"][won, FIGURES.index("on_course_from")].astype(np.int64)
        self.on_course += np.bincount(np.clip(since, 0, self.turns + 1), minlength=self.turns + 2)
        if self.detail:
            self.scores.append(r["score"].astype(np.float64))
            traj = r["trajectory"]
            bins = np.clip(np.searchsorted(RIGHTS_EDGES, traj, side="right") - 1, 0, RIGHTS_EDGES.size - 2)
            for t in range(traj.shape[1]):
                self.trajectory[t] += np.bincount(bins[:, t], minlength=RIGHTS_EDGES.size - 1)

    @property
    def wins(self) -> int:
        return self.outcomes["won"]

    def use_share(self) -> np.ndarray:
        total = self.uses.sum()
        return self.uses / total if total else np.zeros_like(self.uses, dtype=np.float64)

    def on_course_quartiles(self) -> list[int] | None:
        """The quartiles of the turn from which won games were on course (every required objective
        met or holding to the end), or None without a win."""
        return count_quartiles(self.on_course)

    def trajectory_bands(self) -> np.ndarray:
        """(3, turns + 1): the 10th percentile, median and 90th percentile of mean rights per turn."""
        assert self.trajectory is not None
        return histogram_quantiles(self.trajectory, RIGHTS_EDGES, (0.1, 0.5, 0.9))


@dataclass
class Pair:
    """Ablated minus base, game by game."""

    win: Moments = field(default_factory=Moments)
    score: Moments = field(default_factory=Moments)


@dataclass
class Collected:
    """Statistics of every arm: base arms by (policy, variant), ablations by (policy, variant, tool)."""

    base: dict[tuple[str, int], ArmStats]
    ablation: dict[tuple[str, int, str], tuple[ArmStats, Pair]]


def _load(out: Path, plan: Plan, arm: int, chunk: int) -> dict[str, np.ndarray]:
    r = load_chunk(chunk_path(out, arm, chunk), plan, chunk)
    if r is None:
        raise MissingChunk(f"chunk {chunk} of arm {arm} is missing")
    return r


def collect(plan: Plan, out: Path) -> Collected:
    """Statistics of every arm, reading one chunk per arm at a time."""
    groups: dict[tuple[str, int], dict[str | None, int]] = {}
    for i, arm in enumerate(plan.arms):
        groups.setdefault((arm.policy, arm.variant), {})[arm.forbid] = i
    base: dict[tuple[str, int], ArmStats] = {}
    ablation: dict[tuple[str, int, str], tuple[ArmStats, Pair]] = {}
    for (policy, v), arms in groups.items():
        shape = (len(plan.objectives[v]), len(plan.tools[v]), plan.variant_turns[v])
        base[policy, v] = b = ArmStats(*shape, detail=True)
        for tool in arms:
            if tool is not None:
                ablation[policy, v, tool] = (ArmStats(*shape, detail=False), Pair())
        for chunk in range(plan.chunks_per_arm):
            r0 = _load(out, plan, arms[None], chunk)
            b.add(r0)
            for tool, arm in arms.items():
                if tool is None:
                    continue
                r = _load(out, plan, arm, chunk)
                stats, pair = ablation[policy, v, tool]
                stats.add(r)
                pair.win.add(r["won"].astype(np.float64) - r0["won"].astype(np.float64))
                pair.score.add(r["score"] - r0["score"])
    return Collected(base, ablation)


def _columns(plan: Plan) -> tuple[list[str], list[str], list[str]]:
    """The objectives and tools of every variant (the CSV's columns), and the CSV's header."""
    objectives = list(dict.fromkeys(o for objs in plan.objectives for o in objs))
    tools = list(dict.fromkeys(t for ts in plan.tools for t in ts))
    header = (["policy", "variant", "ablated", "game", "seed", "outcome", "won", "score", *TURN_FIGURES]
              + [f"met_{o}" for o in objectives] + [f"uses_{t}" for t in tools]
              + [f for f in FIGURES if f not in TURN_FIGURES])
    return objectives, tools, header


def csv_part_path(out: Path, arm: int, chunk: int) -> Path:
    """Where the games.csv rows of one finished chunk wait until the batch ends."""
    return chunk_path(out, arm, chunk).with_suffix(".csv")


def save_csv_part(plan: Plan, out: Path, arm: int, chunk: int, r: dict[str, np.ndarray]) -> None:
    """Write a finished chunk's games.csv rows beside it, as it arrives: with worker processes the
    main process does it while they play the next chunks, and games.csv is then a concatenation."""
    write_atomic(csv_part_path(out, arm, chunk), lambda h: _write_rows(plan, arm, r, h))


_COUNTS = ["", *map(str, range(10_000))]  # the text of -1 (absent: blank), 0, 1, ... 9999


def _counts(x: np.ndarray) -> list[str]:
    """Small counts (objectives met, tool uses) as text by lookup; -1 (absent in this variant) blank."""
    values = x.astype(np.int64).tolist()
    return [_COUNTS[v + 1] if v < 9_999 else str(v) for v in values]


def _numbers(x: np.ndarray) -> list[str]:
    """Rounded figures as Python writes them (shortest text that reads back the same)."""
    return list(map(str, np.round(x, _DECIMALS).tolist()))


def _write_rows(plan: Plan, a: int, r: dict[str, np.ndarray], handle: Any) -> None:
    """One chunk's rows, a column at a time (the same text the csv module writes value by value)."""
    objectives, tools, _ = _columns(plan)
    arm = plan.arms[a]
    obj_idx = [plan.objectives[arm.variant].index(o) if o in plan.objectives[arm.variant] else -1 for o in objectives]
    tool_idx = [plan.tools[arm.variant].index(t) if t in plan.tools[arm.variant] else -1 for t in tools]
    figs = r["figures"]
    n = figs.shape[0]
    met = np.concatenate([r["met"].astype(np.int8), np.full((n, 1), -1, np.int8)], axis=1)[:, obj_idx]
    uses = np.concatenate([r["uses"], np.full((n, 1), -1, np.int32)], axis=1)[:, tool_idx]
    columns = [list(map(str, range(int(r["start"]), int(r["start"]) + n))), list(map(str, r["seed"].tolist())),
               np.where(r["won"], "won", np.where(r["lost"], "lost_early", "lost_at_end")).tolist(),
               _counts(r["won"]), _numbers(r["score"])]
    columns += [_counts(figs[:, FIGURES.index(f)]) for f in TURN_FIGURES]
    columns += [_counts(met[:, i]) for i in range(met.shape[1])]
    columns += [_counts(uses[:, i]) for i in range(uses.shape[1])]
    columns += [_numbers(figs[:, i]) for i, f in enumerate(FIGURES) if f not in TURN_FIGURES]
    arm_text = io.StringIO()  # the arm's names, quoted by the csv rules should they need it
    csv.writer(arm_text, lineterminator="").writerow([arm.policy, plan.variants[arm.variant].label, arm.forbid or ""])
    prefix = arm_text.getvalue() + ","
    handle.write("".join(prefix + ",".join(row) + "\n" for row in zip(*columns, strict=True)))


def write_games_csv(plan: Plan, out: Path) -> None:
    """DIR/games.csv: one row per game of every arm, arm by arm, in game order (from the parts saved
    as chunks finished; a chunk finished by an earlier, interrupted run has its rows made now)."""

    def write(handle: Any) -> None:
        csv.writer(handle, lineterminator="\n").writerow(_columns(plan)[2])
        for a in range(len(plan.arms)):
            for chunk in range(plan.chunks_per_arm):
                part = csv_part_path(out, a, chunk)
                if not part.exists():
                    save_csv_part(plan, out, a, chunk, _load(out, plan, a, chunk))
                with open(part, encoding="utf-8", newline="") as rows:
                    shutil.copyfileobj(rows, handle)

    write_atomic(out / "games.csv", write)


def reference_policy(policies: list[str]) -> str:
    """The policy whose ablation decides the flags: greedy when it runs, else the first."""
    return "greedy" if "greedy" in policies else policies[0]


def _ci(interval: tuple[float, float]) -> list[float | None]:
    return [None if not math.isfinite(x) else x for x in interval]


def arm_summary(plan: Plan, v: int, s: ArmStats) -> dict[str, Any]:
    lo, hi = wilson(s.wins, s.n)
    share = s.use_share()
    return {
        "games": s.n, "wins": s.wins, "win_rate": s.wins / s.n if s.n else None, "win_rate_ci95": [lo, hi],
        "mean_score": s.score.mean, "score_ci95": _ci(s.score.ci()), "score_sd": s.score.sd,
        "outcomes": dict(s.outcomes),
        "outcome_share": {k: c / s.n for k, c in s.outcomes.items()} if s.n else {},
        "objectives_met_rate": {o: int(m) / s.n for o, m in zip(plan.objectives[v], s.met, strict=True)},
        "actions_per_game": float(s.uses.sum()) / s.n if s.n else 0.0,
        "tool_use_share": {t: float(x) for t, x in zip(plan.tools[v], share, strict=True)},
        "tool_success_rate": {t: (int(k) / int(u) if u else None)
                              for t, k, u in zip(plan.tools[v], s.successes, s.uses, strict=True)},
        "final_means": {f: m.mean for f, m in zip(FIGURES, s.figures, strict=True)},
        "won_on_course_from": s.on_course_quartiles(),
    }


def ablation_rows(plan: Plan, col: Collected, policy: str, v: int) -> list[AblationRow]:
    base = col.base[policy, v]
    share = base.use_share()
    rows = []
    for t, tool in enumerate(plan.tools[v]):
        if (policy, v, tool) not in col.ablation:
            continue
        stats, pair = col.ablation[policy, v, tool]
        rows.append(AblationRow(tool, base.wins / base.n, stats.wins / stats.n, pair.win.mean, pair.win.ci(),
                                pair.score.mean, pair.score.ci(), float(share[t])))
    return rows


def _pct(x: float) -> str:
    return f"{100 * x:+.1f}"


def warning_text(row: AblationRow, flag: str, policy: str, games: int, useless_threshold: float,
                 dominant_threshold: float) -> str:
    if flag == "dominant":
        return (f"tool '{row.tool}' looks dominant: forbidding it drops {policy}'s win rate from "
                f"{100 * row.base_win_rate:.1f}% to {100 * row.win_rate:.1f}% ({_pct(row.delta_win)} points, "
                f"95% CI {_pct(row.delta_win_ci[0])} to {_pct(row.delta_win_ci[1])}), more than the "
                f"{100 * dominant_threshold:g}-point threshold")
    if row.use_share < useless_threshold:
        return (f"tool '{row.tool}' looks useless: {policy} chose it for {100 * row.use_share:.2f}% of its "
                f"actions (threshold {100 * useless_threshold:g}%)")
    lo, hi = row.delta_score_ci
    return (f"tool '{row.tool}' looks useless: forbidding it changed nothing measurable in {games} games of "
            f"{policy} (win rate {_pct(row.delta_win)} points, 95% CI {_pct(row.delta_win_ci[0])} to "
            f"{_pct(row.delta_win_ci[1])}; score {row.delta_score:+.2f}, 95% CI {lo:+.2f} to {hi:+.2f})")


def summarize(plan: Plan, col: Collected, dominant_threshold: float, useless_threshold: float,
              replay: str) -> dict[str, Any]:
    """The content of summary.json."""
    results = []
    for (policy, v), s in col.base.items():
        results.append({"policy": policy, "variant": plan.variants[v].label,
                        "swept": {k: val for k, val in plan.variants[v].swept}, **arm_summary(plan, v, s)})
    ref = reference_policy(plan.policies)
    ablation, warnings = [], []
    if plan.ablate:
        for (policy, v) in col.base:
            for row in ablation_rows(plan, col, policy, v):
                flags = ablation_flags(row, dominant_threshold, useless_threshold) if policy == ref else []
                ablation.append({"policy": policy, "variant": plan.variants[v].label, "tool": row.tool,
                                 "win_rate": row.win_rate, "base_win_rate": row.base_win_rate,
                                 "delta_win_rate": row.delta_win, "delta_win_rate_ci95": _ci(row.delta_win_ci),
                                 "delta_score": row.delta_score, "delta_score_ci95": _ci(row.delta_score_ci),
                                 "use_share": row.use_share, "flags": flags})
                for flag in flags:
                    text = warning_text(row, flag, policy, plan.games, useless_threshold, dominant_threshold)
                    if len(plan.variants) > 1:
                        text += f" [{plan.variants[v].label}]"
                    warnings.append({"kind": flag, "tool": row.tool, "policy": policy,
                                     "variant": plan.variants[v].label, "message": text})
    first = {r["policy"]: {k: val for k, val in r.items() if k not in ("policy",)}
             for r in results if r["variant"] == plan.variants[0].label}
    return {
        "scenario": plan.scenario, "scenario_id": plan.scenario_id, "title": plan.title,
        "scenario_sha256": plan.digest, "seed": plan.seed, "games_per_policy": plan.games,
        "policies_run": plan.policies, "turns": plan.variant_turns[0], "sets": plan.sets, "sweeps": plan.sweeps,
        "variants": [v.label for v in plan.variants],
        "replay": replay,
        "policies": first, "results": results,
        "ablation": {"reference_policy": ref if plan.ablate else None,
                     "dominant_threshold": dominant_threshold, "useless_threshold": useless_threshold,
                     "rows": ablation},
        "warnings": warnings,
    }
