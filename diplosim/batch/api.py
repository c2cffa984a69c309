"""`run_batch`: the whole batch command, from checked arguments to DIR/report.html.

Order matters for "nothing half-written": every argument, the scenario and each variant are
checked, and the executor is connected, before DIR is created; chunks are written atomically;
games.csv, summary.json and report.html only appear (atomically) once every chunk is done.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import shlex
import threading
import time
from pathlib import Path
from typing import Any

from diplosim.batch.executors import (
    InlineExecutor,
    default_workers,
    open_executor,
    start_worker_server,
)
from diplosim.batch.results import save_csv_part
from diplosim.batch.runner import (
    Arm,
    BatchError,
    Plan,
    check_out_dir,
    default_chunk_size,
    describe_failure,
    eprint,
    execute,
    locked,
    prepare_out_dir,
    write_atomic,
)
from diplosim.batch.sweep import UsageError, variants


def _plan(scenario: str | None, games: int, policies: list[str], seed: int, turns: int | None, ablate: bool,
          sets: list[str], sweeps: list[str], chunk_size: int) -> Plan:
    from diplosim.engine import build_params, check_policy
    from diplosim.scenario.loader import load_scenario, resolve_ref

    path = str(resolve_ref(scenario).resolve())
    variant_list = variants(sets, sweeps, turns)
    loaded = [load_scenario(path, overrides=v.as_dict()) for v in variant_list]  # ScenarioError: caller
    digests = {lo.digest for lo in loaded}
    if len(digests) != 1:
        raise BatchError("the scenario file changed while it was being read; run the command again")
    params = [build_params(lo) for lo in loaded]
    for name in policies:
        for p in params:
            try:
                check_policy(p, name)
            except ValueError as exc:
                raise BatchError(f"--policy: {exc}", 2) from None
    arms = []
    for v, p in enumerate(params):
        for policy in policies:
            arms.append(Arm(policy, v, None))
            if ablate:
                arms.extend(Arm(policy, v, tool) for tool in p.tools.ids)
    return Plan(scenario=path, digest=digests.pop(), title=params[0].title, scenario_id=params[0].scenario_id,
                seed=seed, games=games, chunk_size=chunk_size, policies=list(policies), variants=variant_list,
                variant_turns=[p.turns for p in params], tools=[list(p.tools.ids) for p in params],
                objectives=[[o.id for o in p.objectives] for p in params], ablate=ablate, sets=list(sets),
                sweeps=list(sweeps), turns=turns, arms=arms)


def _check_args(games: int, policies: list[str], seed: int, turns: int | None, workers: int | None,
                dominant_threshold: float, useless_threshold: float, chunk_size: int | None) -> None:
    if games is None or games <= 0:
        raise UsageError(f"--games must be at least 1 (got {games}); give the number of games per policy")
    if not policies:
        raise UsageError("give at least one --policy (passive, random, greedy or only:TOOL)")
    dupes = [p for i, p in enumerate(policies) if p in policies[:i]]
    if dupes:
        raise UsageError(f"--policy {dupes[0]} is given twice; give each policy once")
    if not 0 <= seed < 2 ** 63:
        raise UsageError(f"--seed must be a whole number from 0 to 2**63 - 1 (got {seed})")
    if turns is not None and turns <= 0:
        raise UsageError(f"--turns must be at least 1 (got {turns})")
    if workers is not None and workers <= 0:
        raise UsageError(f"--workers must be at least 1 (got {workers})")
    if not (math.isfinite(dominant_threshold) and 0 < dominant_threshold <= 1):
        raise UsageError(f"--dominant-threshold is a drop in win rate between 0 and 1, like 0.15 "
                         f"(got {dominant_threshold})")
    if not (math.isfinite(useless_threshold) and 0 <= useless_threshold < 1):
        raise UsageError(f"--useless-threshold is a share of actions between 0 and 1, like 0.01 "
                         f"(got {useless_threshold})")
    if chunk_size is not None and chunk_size <= 0:
        raise UsageError(f"the chunk size must be at least 1 (got {chunk_size})")


def replay_command(plan: Plan, scenario: str | None) -> str:
    """How to replay game k alone: `diplosim run` with the seed listed in games.csv."""
    parts = ["diplosim", "run"] + ([scenario] if scenario else [])
    if plan.turns is not None:
        parts += ["--turns", str(plan.turns)]
    for s in plan.sets:
        parts += ["--set", s]
    return " ".join(shlex.quote(p) for p in parts) + " --seed <seed> --policy <policy>"


def run_batch(scenario: str | None, *, games: int, policies: list[str], seed: int, turns: int | None, out: str,
              workers: int | None, dask: str | None, ablate: bool, sets: list[str], sweeps: list[str],
              dominant_threshold: float = 0.15, useless_threshold: float = 0.01, chunk_size: int | None = None,
              progress: bool = True, stop_after_chunks: int | None = None) -> int:
    """Run a batch and write DIR/games.csv, summary.json and report.html; returns the exit status.

    A user's mistake prints one sentence (or the scenario's problems) on stderr and returns 1 or 2;
    Ctrl-C returns 130 with the finished chunks kept. stop_after_chunks (for tests) computes at
    most that many new chunks and returns 3 without writing the results. chunk_size defaults to
    default_chunk_size(games).
    """
    from diplosim.scenario.yamlsafe import ScenarioError

    policies = list(policies or ["random"])
    try:
        _check_args(games, policies, seed, turns, workers, dominant_threshold, useless_threshold, chunk_size)
        out_dir = Path(out)
        check_out_dir(out_dir)
        chunk_size = chunk_size or default_chunk_size(games)
        least_chunks = len(policies) * math.ceil(games / chunk_size)
        if dask in (None, "local") and min(workers or default_workers(), least_chunks) > 1:
            start_worker_server()  # the workers get ready while the scenario is read
        plan = _plan(scenario, games, policies, seed, turns, ablate, list(sets), list(sweeps), chunk_size)
        # A worker process takes a moment to start: never start more than there are chunks.
        n_workers = min(workers or default_workers(), len(plan.arms) * plan.chunks_per_arm)
        began = time.perf_counter()
        with contextlib.ExitStack() as stack:
            executor, slots, where = stack.enter_context(open_executor(n_workers, dask))
            prepare_out_dir(out_dir, plan)
            if not isinstance(executor, InlineExecutor):
                # This process only waits for the workers: meanwhile it loads the plotting library the
                # report needs, and writes each chunk's rows of games.csv as the chunk arrives.
                threading.Thread(target=_load_plotting, daemon=True).start()
            with locked(out_dir):
                computed, found, played = execute(plan, out_dir, executor, slots, progress, stop_after_chunks,
                                                  on_chunk=functools.partial(save_csv_part, plan, out_dir))
            # Every chunk is in: the workers (a Dask cluster takes a second) shut down while the results
            # are written. After a failure the stack closes them here instead.
            closing = threading.Thread(target=stack.pop_all().close)
            closing.start()
        elapsed = time.perf_counter() - began
        try:
            if stop_after_chunks is not None and computed + found < len(plan.arms) * plan.chunks_per_arm:
                return 3
            summary = _write_results(plan, out_dir, scenario, dominant_threshold, useless_threshold)
        finally:
            closing.join()
        _print_done(plan, summary, out_dir, computed, found, played, elapsed, where)
        return 0
    except UsageError as exc:
        eprint(f"diplosim: {exc}")
        return 2
    except BatchError as exc:
        eprint(f"diplosim: {exc}")
        return exc.code
    except ScenarioError as exc:
        for p in exc.problems:
            eprint(p.format())
        return 1
    except KeyboardInterrupt:
        eprint("diplosim: interrupted; the finished chunks are kept, so rerun the same command to continue")
        return 130
    except Exception as exc:
        message = describe_failure(exc)
        if message is None:
            raise
        eprint(f"diplosim: {message}")
        return 1


def _load_plotting() -> None:
    from diplosim.batch.report import load_plotting

    with contextlib.suppress(ImportError):
        load_plotting()


def _write_results(plan: Plan, out: Path, scenario: str | None, dominant: float, useless: float) -> dict[str, Any]:
    from diplosim.batch.report import write_report
    from diplosim.batch.results import collect, summarize, write_games_csv

    col = collect(plan, out)
    summary = summarize(plan, col, dominant, useless, replay_command(plan, scenario))
    write_games_csv(plan, out)
    write_atomic(out / "summary.json", lambda h: json.dump(summary, h, indent=2, allow_nan=False))
    write_report(plan, col, summary, out / "report.html")
    return summary


def _print_done(plan: Plan, summary: dict[str, Any], out: Path, computed: int, found: int, played: int,
                elapsed: float, where: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True, markup=False)
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    resumed = f" ({n(found, 'chunk')} already done)" if found else ""
    console.print(f"{plan.title}: {plan.games} games per policy, seed {plan.seed}, {n(len(plan.arms), 'arm')}; "
                  f"{n(computed, 'chunk')} run on {where} in {elapsed:.1f} s (~{played / max(elapsed, 1e-9):,.0f} "
                  f"games/s){resumed}")
    table = Table(box=None, pad_edge=False)
    for col in ("policy", "variant", "win rate (95% CI)", "mean score (95% CI)"):
        table.add_column(col)
    for r in summary["results"]:
        lo, hi = r["win_rate_ci95"]
        slo, shi = r["score_ci95"]
        sci = f"{slo:.1f}–{shi:.1f}" if slo is not None and shi is not None else "n/a"
        table.add_row(r["policy"], r["variant"], f"{100 * r['win_rate']:.1f}% ({100 * lo:.1f}–{100 * hi:.1f})",
                      f"{r['mean_score']:.1f} ({sci})")
    console.print(table)
    from diplosim.batch.report import useless_lines

    for w in summary["warnings"]:
        if w["kind"] != "useless":
            console.print(f"warning: {w['message']}", style="yellow")
    for text in useless_lines(summary):
        console.print(f"warning: {text}", style="yellow")
    console.print(f"Game k of a policy used seed game_seed({plan.seed}, k), listed in games.csv; replay it alone "
                  f"with: {summary['replay']}")
    console.print(f"wrote {out / 'games.csv'}, {out / 'summary.json'}, {out / 'report.html'}")
