"""Run a batch: plan the chunks, send them through an Executor, keep each finished chunk on disk.

A batch is a list of arms (policy, variant, ablated tool); each arm's games are cut into chunks
of worlds, and game k of every arm uses seed game_seed(S, k). Chunks go through one
``concurrent.futures.Executor`` (see executors: local processes, Dask, or inline for one
worker), so results are the same bit for bit whatever runs them. A finished chunk is written
atomically to DIR/chunks/ the moment it arrives; DIR/manifest.json records the arguments, so
rerunning the same command continues where it stopped and a different command is refused.
"""

from __future__ import annotations

import concurrent.futures as cf
import concurrent.futures.process
import contextlib
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from diplosim.batch.sweep import UsageError, Variant
from diplosim.batch.worker import ChunkTask, WorkerError, rules_version, run_chunk, warm_up

MANIFEST_FORMAT = 1


class BatchError(Exception):
    """Something the user can fix, in one sentence; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Arm:
    """One stream of games: a policy on a variant, with at most one tool forbidden."""

    policy: str
    variant: int  # index into Plan.variants
    forbid: str | None


@dataclass
class Plan:
    """Everything a batch does, derived from its arguments alone."""

    scenario: str  # resolved path
    digest: str
    title: str
    scenario_id: str
    seed: int
    games: int
    chunk_size: int
    policies: list[str]
    variants: list[Variant]
    variant_turns: list[int]
    tools: list[list[str]]  # per variant: tool ids
    objectives: list[list[str]]  # per variant: objective ids
    ablate: bool
    sets: list[str]
    sweeps: list[str]
    turns: int | None
    arms: list[Arm]

    @property
    def chunks_per_arm(self) -> int:
        return math.ceil(self.games / self.chunk_size)

    def chunk_range(self, chunk: int) -> tuple[int, int]:
        start = chunk * self.chunk_size
        return start, min(start + self.chunk_size, self.games)

    def task(self, arm_index: int, chunk: int) -> ChunkTask:
        arm = self.arms[arm_index]
        start, stop = self.chunk_range(chunk)
        return ChunkTask(self.scenario, self.digest, self.variants[arm.variant].overrides, arm.policy,
                         arm.forbid, self.seed, start, stop, rules_version())

    def identity(self) -> dict[str, Any]:
        """The arguments that decide every game: a DIR is reused only when these match."""
        return json.loads(json.dumps({
            "format": MANIFEST_FORMAT, "rules_version": rules_version(), "scenario": self.scenario,
            "scenario_sha256": self.digest,
            "seed": self.seed, "games": self.games, "policies": self.policies, "turns": self.turns,
            "sets": self.sets, "sweeps": self.sweeps, "ablate": self.ablate, "chunk_size": self.chunk_size,
        }, default=str))

    def manifest(self) -> dict[str, Any]:
        arms = [{"arm": i, "policy": a.policy, "variant": self.variants[a.variant].label, "forbid": a.forbid}
                for i, a in enumerate(self.arms)]
        return {**self.identity(), "arms": arms, "chunks_per_arm": self.chunks_per_arm}


def chunk_path(out: Path, arm: int, chunk: int) -> Path:
    return out / "chunks" / f"a{arm:04d}-c{chunk:06d}.npz"


# --- files -----------------------------------------------------------------------------------
def write_atomic(path: Path, write: Callable[[Any], None], mode: str = "w") -> None:
    """Write through a temporary file in the same folder, then rename: never a partial file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8", "newline": ""} if "b" not in mode else {})) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_chunk(path: Path, result: dict[str, np.ndarray]) -> None:
    write_atomic(path, lambda h: np.savez(h, **result), mode="wb")


def load_chunk(path: Path, plan: Plan, chunk: int) -> dict[str, np.ndarray] | None:
    """A finished chunk, or None when it is missing or does not hold the games it should."""
    from diplosim.engine.rng import game_seed

    try:
        with np.load(path, allow_pickle=False) as data:
            result = {k: data[k] for k in data.files}
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged file is recomputed, whatever the damage
        return None
    start, stop = plan.chunk_range(chunk)
    try:
        ok = (int(result["start"]) == start and int(result["stop"]) == stop
              and np.array_equal(result["seed"], game_seed(plan.seed, np.arange(start, stop, dtype=np.uint64))))
    except (KeyError, ValueError, TypeError):
        ok = False
    return result if ok else None


def check_out_dir(out: Path) -> None:
    """Refuse, before anything is written, a folder that is a file or cannot be written."""
    if out.exists() and not out.is_dir():
        raise BatchError(f"--out '{out}' is a file, not a folder; give the name of a folder for the results", 2)
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise BatchError(f"--out '{out}' cannot be created because '{probe}' is a file; choose another folder", 2)
    if not os.access(probe, os.W_OK | os.X_OK):
        raise BatchError(f"--out '{out}' is not writable (no permission in '{probe}'); choose a folder you may write to", 2)


def prepare_out_dir(out: Path, plan: Plan) -> None:
    """Create DIR (or check it holds this very batch) and write the manifest."""
    manifest_file = out / "manifest.json"
    try:
        out.mkdir(parents=True, exist_ok=True)
        if manifest_file.exists():
            try:
                old = json.loads(manifest_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise BatchError(f"'{manifest_file}' is damaged, so this folder cannot be resumed safely; "
                                 "delete the folder or choose another --out", 2) from None
            mine = plan.identity()
            diff = [k for k in mine if old.get(k) != mine[k]]
            if diff:
                key = diff[0]
                raise BatchError(f"--out '{out}' holds a batch run with different arguments ({key}: "
                                 f"{json.dumps(old.get(key))} there, {json.dumps(mine[key])} now); "
                                 "use another --out folder, or delete it to start over", 2)
        elif any(p.name not in (".lock",) for p in out.iterdir()):
            raise BatchError(f"--out '{out}' is a folder that already holds other files and no batch manifest; "
                             "choose an empty or new folder", 2)
        (out / "chunks").mkdir(exist_ok=True)
        for stale in (out / "chunks").glob(".tmp-*"):
            stale.unlink(missing_ok=True)
        for stale in out.glob(".tmp-*"):
            stale.unlink(missing_ok=True)
        write_atomic(manifest_file, lambda h: json.dump(plan.manifest(), h, indent=2))
    except OSError as exc:
        raise BatchError(f"cannot write to --out '{out}' ({exc.strerror or exc}); "
                         "choose a folder you may write to", 2) from None


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on DIR so two runs never write the same batch at once."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock, as before
        yield
        return
    handle = open(out / ".lock", "a+")  # noqa: SIM115
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BatchError(f"another diplosim batch is writing to '{out}'; wait for it or use another --out",
                             1) from None
        yield
    finally:
        handle.close()


# --- running ---------------------------------------------------------------------------------
class Progress:
    """A rich progress bar on stderr with games/s and the time left (or nothing)."""

    def __init__(self, enabled: bool, total: int, done: int, label: str) -> None:
        self.bar = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Speed(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} games/s" if speed else "… games/s", style="cyan")

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Speed(),
                            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=False, speed_estimate_period=60)
        self.bar.start()
        self.task = self.bar.add_task(label, total=total, completed=done)

    def advance(self, games: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, games)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def prepare_engine(executor: cf.Executor) -> None:
    """Load the engine where the chunks will play, saying so on stderr: on the first start after an
    install this compiles its loops (~15 s), which would otherwise look like a stalled progress bar."""
    from rich.console import Console

    # Only a head start: a worker that cannot play says why with its first chunk.
    status = Console(stderr=True).status("Preparing the engine (compiled on the first start only)...")
    with status, contextlib.suppress(Exception):
        executor.submit(warm_up).result()


def execute(plan: Plan, out: Path, executor: cf.Executor, slots: int, progress: bool,
            stop_after_chunks: int | None = None,
            on_chunk: Callable[[int, int, dict[str, np.ndarray]], None] | None = None) -> tuple[int, int, int]:
    """Run every chunk not yet on disk, calling on_chunk(arm, chunk, result) once each is saved; returns
    (chunks computed now, chunks found done, games played now)."""
    todo, found_games = [], 0
    for arm in range(len(plan.arms)):
        for chunk in range(plan.chunks_per_arm):
            if load_chunk(chunk_path(out, arm, chunk), plan, chunk) is None:
                todo.append((arm, chunk))
            else:
                start, stop = plan.chunk_range(chunk)
                found_games += stop - start
    total_games = plan.games * len(plan.arms)
    found = len(plan.arms) * plan.chunks_per_arm - len(todo)
    if stop_after_chunks is not None:
        todo = todo[:stop_after_chunks]
    if progress and todo:
        prepare_engine(executor)
    bar = Progress(progress and bool(todo), total_games, found_games,
                    "resuming" if found else "games")
    pending: dict[cf.Future, tuple[int, int]] = {}
    queue = iter(todo)
    done_now = games_now = 0
    try:
        while True:
            while len(pending) < 2 * slots:
                nxt = next(queue, None)
                if nxt is None:
                    break
                pending[executor.submit(run_chunk, plan.task(*nxt))] = nxt
            if not pending:
                break
            finished, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
            for future in finished:
                arm, chunk = pending.pop(future)
                result = future.result()
                save_chunk(chunk_path(out, arm, chunk), result)
                if on_chunk is not None:
                    on_chunk(arm, chunk, result)
                done_now += 1
                games_now += int(result["stop"] - result["start"])
                bar.advance(int(result["stop"] - result["start"]))
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    finally:
        bar.close()
    return done_now, found, games_now


def describe_failure(exc: BaseException) -> str | None:
    """One sentence for failures a user can act on; None for bugs (which keep their traceback)."""
    if isinstance(exc, WorkerError):
        return str(exc)
    if isinstance(exc, concurrent.futures.process.BrokenProcessPool):
        return ("a worker process died (out of memory, or killed); the finished chunks are kept, "
                "so rerun the same command to continue")
    if type(exc).__name__ in ("KilledWorker", "CommClosedError", "FutureCancelledError"):
        return (f"the Dask cluster lost a worker or the connection ({type(exc).__name__}); the finished "
                "chunks are kept, so rerun the same command to continue")
    if isinstance(exc, OSError):
        return f"cannot write the results ({exc.strerror or exc}); check the disk and the --out folder"
    return None


def default_chunk_size(games: int) -> int:
    """Games per chunk: some 32 chunks per policy, to share among workers (the last chunk to finish
    keeps the others waiting: on 2 workers, 65,536 games play ~4% faster in chunks of 2,048 than of
    4,096) and to resume from, but 1,024 to 4,096 games each (each turn of a chunk has a fixed cost)."""
    return min(4096, max(1024, math.ceil(games / 32)))


def eprint(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


__all__ = [
    "Arm",
    "BatchError",
    "Plan",
    "UsageError",
    "check_out_dir",
    "chunk_path",
    "default_chunk_size",
    "describe_failure",
    "eprint",
    "execute",
    "load_chunk",
    "locked",
    "prepare_out_dir",
]
