"""`diplosim check`: play the games each claim of a scenario needs and judge the claims.

Every policy plays the same seeds, so comparisons are paired game by game: the effect is the mean
paired difference with a 95% t interval. A claim holds when its interval clears the line, fails
when it lies wholly on the wrong side, and is undecided (not a pass) when too few games leave the
interval across the line.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from diplosim.batch.runner import save_chunk
from diplosim.batch.stats import Moments, wilson
from diplosim.batch.worker import FIGURES, ChunkTask, rules_version, run_chunk
from diplosim.scenario.claims import claim_policies
from diplosim.scenario.models import Claim

HELD, FAILED, UNDECIDED = "held", "failed", "undecided"


@dataclass(frozen=True)
class ClaimResult:
    """A claim's verdict with its effect size and 95% interval."""

    claim: Claim
    verdict: str
    effect: float
    low: float
    high: float
    detail: str


@dataclass(frozen=True)
class Run:
    """Per-game results of one policy (with one tool forbidden, or none)."""

    won: np.ndarray
    score: np.ndarray
    metrics: dict[str, np.ndarray]
    uses: np.ndarray | None = None  # (games, tools) times each tool was used
    on_course_from: np.ndarray | None = None  # (games,) turn from which every required objective held


def _verdict(low: float, high: float, line: float = 0.0) -> str:
    return HELD if low > line else FAILED if high < line else UNDECIDED


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean paired difference and its 95% interval, over the games both played (same seeds)."""
    n = min(len(a), len(b))
    m = Moments()
    m.add(np.asarray(a[:n], dtype=np.float64) - np.asarray(b[:n], dtype=np.float64))
    lo, hi = m.ci()
    return m.mean, lo, hi


def judge(claim: Claim, runs: dict[tuple[str, str | None], Run], tools: list[str]) -> ClaimResult:
    """The verdict on one claim from the runs it needs."""
    if claim.kind in ("better", "wins_more"):
        a, b = runs[(claim.policy, None)], runs[(claim.versus, None)]
        n = min(a.won.size, b.won.size)  # compare the games both played (the same seeds)
        if claim.kind == "better":
            metric = claim.metric or "score"
            va = (a.score if metric == "score" else a.metrics[metric])[:n]
            vb = (b.score if metric == "score" else b.metrics[metric])[:n]
            what = f"{metric}: {claim.policy} {va.mean():.2f} vs {claim.versus} {vb.mean():.2f}"
        else:
            va, vb = a.won[:n], b.won[:n]
            what = f"win rate: {claim.policy} {va.mean():.1%} vs {claim.versus} {vb.mean():.1%}"
        effect, lo, hi = _paired(va, vb)
        return ClaimResult(claim, _verdict(lo, hi), effect, lo, hi, what)
    if claim.kind == "win_rate_between":
        won = runs[(claim.policy, None)].won
        lo, hi = wilson(int(won.sum()), won.size)
        verdict = HELD if claim.low <= lo and hi <= claim.high else (
            FAILED if hi < claim.low or lo > claim.high else UNDECIDED)
        return ClaimResult(claim, verdict, float(won.mean()), lo, hi,
                           f"win rate of {claim.policy} {won.mean():.1%}, wanted {claim.low:.0%}-{claim.high:.0%}")
    policy = claim.policy or "greedy"
    base = runs[(policy, None)]
    worst = (-np.inf, 0.0, 0.0, "")
    dominant = []  # per tool: is the win-rate drop without it above the threshold? (held = yes)
    for tool in tools:
        drop, lo, hi = _paired(base.won, runs[(policy, tool)].won)
        dominant.append(_verdict(lo, hi, claim.threshold))
        if drop > worst[0]:
            worst = (drop, lo, hi, tool)
    verdict = FAILED if HELD in dominant else (HELD if all(d == FAILED for d in dominant) else UNDECIDED)
    drop, lo, hi, tool = worst
    return ClaimResult(claim, verdict, drop, lo, hi,
                       f"largest win-rate drop without one tool under {policy}: {tool} {drop:+.1%} "
                       f"(threshold {claim.threshold:.0%})")


def needed_runs(claims: list[Claim], tools: list[str]) -> dict[tuple[str, str | None], set[str]]:
    """(policy, forbidden tool) pairs to play, each with the metric paths to read at the end."""
    runs: dict[tuple[str, str | None], set[str]] = {}
    for claim in claims:
        for policy in claim_policies(claim):
            metrics = runs.setdefault((policy, None), set())
            if claim.kind == "better" and claim.metric not in (None, "score"):
                metrics.add(claim.metric)
        if claim.kind == "not_dominant":
            for tool in tools:
                runs.setdefault((claim.policy or "greedy", tool), set())
    return runs


def play_runs(path: str, digest: str, needed: dict[tuple[str, str | None], set[str]], games: int, seed: int,
              executor: Any, chunk_size: int = 1024, on_chunk: Any = None,
              games_for: dict[tuple[str, str | None], int] | None = None,
              cache: Path | None = None, tally: dict[str, int] | None = None) -> dict[tuple[str, str | None], Run]:
    """Play every needed run over the executor, in chunks, and gather per-game arrays; games_for
    may give some runs another number of games (the first games of the same seeds). With a cache
    folder, finished chunks are kept there and reused (keyed by everything that decides them);
    tally, if given, counts the chunks "reused" and "played"."""
    tasks, done = {}, []
    for (policy, forbid), metrics in needed.items():
        n = (games_for or {}).get((policy, forbid), games)
        for start in range(0, n, chunk_size):
            task = ChunkTask(path, digest, (), policy, forbid, seed, start, min(n, start + chunk_size),
                             rules_version(), tuple(sorted(metrics)))
            kept = _cached(cache, task)
            if kept is not None:
                done.append((task, kept))
            else:
                tasks[executor.submit(run_chunk, task)] = task
    if tally is not None:
        tally["reused"] = tally.get("reused", 0) + len(done)
        tally["played"] = tally.get("played", 0) + len(tasks)
    parts: dict[tuple[str, str | None], list[tuple[int, dict]]] = {k: [] for k in needed}
    for task, result in done:
        parts[(task.policy, task.forbid)].append((task.start, result))
    for future, task in tasks.items():
        result = future.result()
        if cache is not None:
            save_chunk(_cache_path(cache, task), result)
        parts[(task.policy, task.forbid)].append((task.start, result))
        if on_chunk is not None:
            on_chunk(task.stop - task.start)
    runs = {}
    for key, chunks in parts.items():
        chunks.sort(key=lambda c: c[0])
        names = sorted(needed[key])
        metrics = np.concatenate([c["metrics"] for _, c in chunks]) if chunks else np.zeros((0, 0))
        runs[key] = Run(np.concatenate([c["won"] for _, c in chunks]), np.concatenate([c["score"] for _, c in chunks]),
                        {n: metrics[:, i] for i, n in enumerate(names)},
                        np.concatenate([c["uses"] for _, c in chunks]),
                        np.concatenate([c["figures"][:, FIGURES.index("on_course_from")] for _, c in chunks]))
    return runs


def _cache_path(cache: Path, task: ChunkTask) -> Path:
    key = json.dumps([task.digest, task.rules, task.policy, task.forbid, task.seed, task.start, task.stop,
                      task.metrics])
    return cache / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.npz"


def _cached(cache: Path | None, task: ChunkTask) -> dict[str, np.ndarray] | None:
    """The chunk's result from the cache folder, or None (absent, or unreadable: played again)."""
    if cache is None:
        return None
    try:
        with np.load(_cache_path(cache, task), allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None


def check_files(refs: list[str | None], games: int, seed: int, workers: int, dask: str | None,
                console: Any, progress: bool = True) -> int:
    """Check the claims of each scenario and print a verdict per claim; 0 when every claim held."""
    from diplosim.batch.executors import open_executor
    from diplosim.batch.runner import Progress
    from diplosim.scenario.loader import load_scenario, resolve_ref

    loaded = [(str(resolve_ref(r).resolve()), load_scenario(r)) for r in refs]  # ScenarioError: the caller
    all_held = True
    with open_executor(workers, dask) as (executor, _, how):
        for path, lo in loaded:
            claims = list(lo.scenario.claims)
            title = f"{lo.scenario.title} ({lo.scenario.id})"
            if not claims:
                console.print(f"{title}: no claims to check; add a `claims:` section (docs/authoring.md)")
                all_held = False
                continue
            tools = [t.id for t in lo.tools]
            needed = needed_runs(claims, tools)
            total = games * len(needed)
            console.print(f"{title}: {len(claims)} claims, {len(needed)} policies x {games} games on {how}")
            bar = Progress(progress, total, 0, f"checking {lo.scenario.id}")
            runs = play_runs(path, lo.digest, needed, games, seed, executor, on_chunk=bar.advance)
            bar.close()
            for result in (judge(c, runs, tools) for c in claims):
                all_held &= result.verdict == HELD
                mark = {HELD: "held", FAILED: "FAILED", UNDECIDED: "UNDECIDED"}[result.verdict]
                console.print(f"  [{mark}] {result.claim.id}: {result.claim.text}")
                console.print(f"      {result.detail}; effect {result.effect:+.3f}, 95% interval "
                              f"[{result.low:+.3f}, {result.high:+.3f}] over {games} games per policy")
                if result.verdict == UNDECIDED:
                    console.print("      the interval still crosses the line: run more games (--games) to decide")
    return 0 if all_held else 1
