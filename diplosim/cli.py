"""The `diplosim` command, on plain click.

Each verb is a small function. Heavy modules (the engine, pygame, numpy, matplotlib, rich) are
imported inside the verbs that need them, so `diplosim validate` starts fast. A user's mistake
always ends in a sentence and a non-zero exit, never a traceback:
exit 1 for a bad scenario or file, 2 for a usage error, 130 after Ctrl-C.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.exceptions import Exit

# pydantic (used by the scenario loader) looks for plugins in every installed package's metadata
# when it builds its first validator; the command needs none, so that search is switched off.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SEED_RANGE = click.IntRange(0, 2**63 - 1)


class _Verb(click.Command):
    """A verb whose usage errors all show its usage line and where to find help.

    (click leaves them out when an option is given without its value, as `diplosim run --policy`.)
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.ctx = exc.ctx or ctx
            raise


class _Verbs(click.Group):
    """The verbs, listed in the order they are defined; Ctrl-C exits quietly with 130."""

    command_class = _Verb

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Exit(130) from None


@click.group(
    cls=_Verbs,
    name="diplosim",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True},
)
def app() -> None:
    """diplosim: a turn-based strategy game of human-rights diplomacy, for classrooms.

    SCENARIO arguments take a path to a .yaml file or a built-in id (see `diplosim scenarios`).
    """


class UserError(Exception):
    """A mistake by the user: printed as one sentence, then exit with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _Lines:
    """Prints whole lines, never wrapped (editors and tests parse PATH:LINE:COL), in colour on a
    terminal unless NO_COLOR is set or TERM=dumb, plain in a file or a pipe."""

    def __init__(self, stderr: bool = False) -> None:
        self.file = sys.stderr if stderr else sys.stdout
        self.colour = (hasattr(self.file, "isatty") and self.file.isatty()
                       and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb")

    def print(self, text: Any = "", style: str | None = None) -> None:
        click.secho(str(text), file=self.file, fg=style, color=self.colour)


def _console(stderr: bool = False, rich: bool = False) -> Any:
    """Plain lines (colour by click, which is loaded anyway), or a rich Console for tables and
    progress bars; importing rich costs start-up time, so only the verbs that need it do."""
    if not rich:
        return _Lines(stderr)
    from rich.console import Console

    # soft_wrap: long lines stay whole so editors and tests can parse PATH:LINE:COL.
    return Console(soft_wrap=True, highlight=False, markup=False, stderr=stderr)


def print_problems(problems: Any, console: Any = None) -> None:
    """Print Problems one per line: `PATH:LINE:COL: field: [warning: ]what; fix`."""
    console = console or _console()
    for problem in problems:
        if problem.severity == "error":
            console.print(problem.format(), style="red")
        else:
            field = f"{problem.field}: " if problem.field else ""
            console.print(f"{problem.path}:{problem.line}:{problem.col}: {field}"
                          f"{problem.severity}: {problem.message}", style="yellow")


def verb(func: Callable[..., Any]) -> click.Command:
    """Make `func` a verb of `diplosim`: ScenarioError and UserError become printed sentences.

    The first paragraph of its docstring is its line in `diplosim --help`, never cut short.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from diplosim.scenario.yamlsafe import ScenarioError

        try:
            return func(*args, **kwargs)
        except ScenarioError as exc:
            print_problems(exc.problems)
            raise Exit(1) from None
        except UserError as exc:
            _console().print(f"diplosim: {exc}", style="red")
            raise Exit(exc.code) from None

    summary = inspect.cleandoc(func.__doc__ or "").partition("\n\n")[0]
    return app.command(short_help=summary)(wrapper)


# --- validate -------------------------------------------------------------------------------
@verb
@click.argument("paths", metavar="PATH...", nargs=-1, required=True,
                help="Scenario files (or built-in ids) to check.")
def validate(paths: tuple[str, ...]) -> None:
    """Check scenario files and report every problem with its file, line and field.

    Exit status: 0 when every file is valid (warnings do not count), 1 when any is not.
    """
    from diplosim.scenario.loader import load_scenario
    from diplosim.scenario.yamlsafe import ScenarioError

    console = _console()
    failed = 0
    for path in paths:
        try:
            loaded = load_scenario(path)
        except ScenarioError as exc:
            failed += 1
            print_problems(exc.problems, console)
            errors = sum(p.severity == "error" for p in exc.problems)
            console.print(f"{path}: invalid — {_count(errors, 'error')}", style="red")
            continue
        sc = loaded.scenario
        print_problems(loaded.warnings, console)
        summary = ", ".join([_count(len(sc.countries), "country", "countries"),
                             _count(len(loaded.tools), "tool"), _count(len(sc.events), "event"),
                             _count(len(sc.objectives), "objective")])
        if loaded.warnings:
            summary += ", " + _count(len(loaded.warnings), "warning")
        console.print(f"{path}: ok — {summary}", style="green")
    if failed:
        raise Exit(1)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


# --- schema ---------------------------------------------------------------------------------
@verb
@click.option("--output", "-o", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to FILE instead of printing it.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of scenario files, for editor completion.

    Put `# yaml-language-server: $schema=PATH/TO/scenario.schema.json` on the first line of a
    scenario to have the YAML language server complete and check it as you type.
    """
    from diplosim.scenario.loader import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the schema to '{output}' ({exc.strerror or exc}); "
                        "check the folder exists and you may write there") from None
    _console().print(f"wrote {output}")


# --- scenarios ------------------------------------------------------------------------------
@verb
def scenarios() -> None:
    """List the built-in scenarios (their id and title).

    Any command that takes a SCENARIO accepts one of these ids or a path to a .yaml file.
    """
    from rich.table import Table

    from diplosim.scenario.loader import builtin_scenarios, scenarios_dir

    found = builtin_scenarios()
    console = _console(rich=True)
    if not found:
        console.print(f"no built-in scenarios found in {scenarios_dir()}")
        return
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("title")
    for sid, title, _ in found:
        table.add_row(sid, title)
    console.print(table)


# --- new ------------------------------------------------------------------------------------
@verb
@click.argument("scenario_id", metavar="ID",
                help="Id of the new scenario: lower-case letters, digits and _.")
@click.option("--dir", "-d", "folder", metavar="DIR", default=Path("."),
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write ID.yaml into.")
def new(scenario_id: str, folder: Path) -> None:
    """Write a commented starter scenario DIR/ID.yaml that validates as it is.

    Edit it, then check it with `diplosim validate DIR/ID.yaml`; docs/authoring.md explains
    every section.
    """
    from importlib import resources

    if not _ID.match(scenario_id) or len(scenario_id) > 40:
        raise UserError(f"'{scenario_id}' cannot be a scenario id; use lower-case letters, digits "
                        "and _, starting with a letter (like my_scenario), at most 40 characters",
                        code=2)
    target = folder / f"{scenario_id}.yaml"
    template = resources.files("diplosim.scenario").joinpath("template.yaml").read_text("utf-8")
    title = scenario_id.replace("_", " ").strip().capitalize()
    text = template.replace("{id}", scenario_id).replace("{title}", title)
    text = _schema_comment(text, folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UserError(f"'{target}' already exists; choose another id or folder, or delete the "
                        "file first (diplosim never overwrites a scenario)") from None
    except OSError as exc:
        raise UserError(f"cannot write '{target}' ({exc.strerror or exc}); check the folder") \
            from None
    _console().print(f"wrote {target}; check it with `diplosim validate {target}`")


def _schema_comment(text: str, folder: Path) -> str:
    """Point the template's schema comment at the repository's schema file, if there is one."""
    from diplosim.scenario.loader import scenarios_dir

    schema_file = scenarios_dir().parent / "docs" / "scenario.schema.json"
    if not schema_file.is_file():
        return text
    try:
        rel = os.path.relpath(schema_file, folder.resolve())
    except ValueError:  # another drive on Windows
        rel = str(schema_file)
    return re.sub(r"(# yaml-language-server: \$schema=)\S+", lambda m: m.group(1)
                  + rel.replace(os.sep, "/"), text, count=1)

# --- play, run, batch, check: the shells around the engine -----------------------------------
scenario_argument = click.argument(
    "scenario", metavar="[SCENARIO]", required=False,
    help="A scenario file or built-in id; default: the reference scenario.")
dask_option = click.option(
    "--dask", metavar="ADDRESS|local", help="Run on a Dask cluster, or start a local one.")
workers_option = click.option(
    "--workers", type=click.IntRange(min=1), help="Local processes (default: cores).")


@verb
@scenario_argument
@click.option("--seed", type=_SEED_RANGE, help="Game seed (default: the scenario's).")
@click.option("--load", metavar="SAVE", help="Open a saved game.")
@click.option("--autoplay", metavar="N", type=click.IntRange(min=1),
              help="Play N turns with a bot through the real UI, then exit.")
@click.option("--policy", default="greedy", help="Bot for --autoplay.")
@click.option("--screenshot", metavar="DIR",
              help="With --autoplay: save a PNG of each screen visited.")
@click.option("--stats", metavar="FILE",
              help="With --autoplay: write frame-time statistics as JSON.")
@click.option("--size", metavar="WxH", default="1280x800", help="Window size.")
@click.option("--scale", type=click.FloatRange(0.5, 3.0), default=1.0, help="UI scale.")
def play(scenario: str | None, seed: int | None, load: str | None, autoplay: int | None,
         policy: str, screenshot: str | None, stats: str | None, size: str, scale: float) -> None:
    """Play a scenario in the game window (the reference scenario by default)."""
    match = re.fullmatch(r"(\d{3,5})x(\d{3,5})", size)
    if not match:
        raise UserError(f"--size takes WIDTHxHEIGHT like 1280x800, not '{size}'", code=2)
    from diplosim.ui.app import run_play

    _warm_up()
    code = run_play(scenario, seed=seed, load=load, autoplay=autoplay, policy=policy,
                    screenshot_dir=screenshot, stats_file=stats, width=int(match[1]),
                    height=int(match[2]), scale=scale)
    raise Exit(code)


def _warm_up() -> None:
    """Compile the engine before the window opens, with a word on stderr while it takes (the compiled
    loops are the same for every scenario, so the built-in one serves)."""
    from diplosim.engine import build_params
    from diplosim.engine.step import warm_up
    from diplosim.scenario.loader import load_scenario

    with _console(stderr=True, rich=True).status("Preparing the engine (compiled on the first start only)..."):
        warm_up(build_params(load_scenario(None)))


@verb
@scenario_argument
@click.option("--seed", type=_SEED_RANGE, help="Game seed (default: the scenario's).")
@click.option("--policy", default="random", help="passive, random, greedy or only:TOOL.")
@click.option("--turns", type=click.IntRange(min=1), help="Play a game of T turns.")
@click.option("--set", "set_", metavar="PATH=VALUE", multiple=True,
              help="Override a scenario value, as `diplosim batch --set` does.")
@click.option("--forbid", metavar="TOOL", multiple=True,
              help="Play without this tool (to replay an ablation game).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the log.")
@click.option("--actions", metavar="FILE",
              help="Replay a recorded game (a save file), then let the bot go on.")
@click.option("--save", metavar="FILE", help="Save the game when done.")
def run(scenario: str | None, seed: int | None, policy: str, turns: int | None,
        set_: tuple[str, ...], forbid: tuple[str, ...], as_json: bool, actions: str | None,
        save: str | None) -> None:
    """Play one game headlessly with a bot and print what happened and why."""
    from diplosim.headless import run_game

    if sys.stderr.isatty():  # a person waiting at a terminal is told why the first run is slow
        _warm_up()
    raise Exit(run_game(scenario, seed=seed, policy=policy, turns=turns, as_json=as_json,
                        actions_file=actions, save_file=save, sets=list(set_),
                        forbid=list(forbid)))


@verb
@scenario_argument
@click.option("--games", "-n", default=1000, help="Games per policy.")
@click.option("--policy", "-p", multiple=True, help="A bot; repeat for several (default: random).")
@click.option("--seed", type=_SEED_RANGE, default=1, help="Base seed of the batch.")
@click.option("--turns", type=click.IntRange(min=1), help="Turns per game.")
@click.option("--out", metavar="DIR", default="batch-out", help="Output folder.")
@workers_option
@dask_option
@click.option("--ablate", is_flag=True, help="Also play with each tool forbidden.")
@click.option("--set", "set_", metavar="PATH=VALUE", multiple=True,
              help="Override a scenario value, e.g. tools.sanctions.cost.capital=1.")
@click.option("--sweep", metavar="PATH=V1,V2,...", multiple=True,
              help="Run once per value and compare.")
@click.option("--dominant-threshold", type=click.FloatRange(0, 1), default=0.15,
              help="Win-rate drop that flags a tool dominant.")
@click.option("--useless-threshold", type=click.FloatRange(0, 1), default=0.01,
              help="Use share under which a tool is flagged useless.")
def batch(scenario: str | None, games: int, policy: tuple[str, ...], seed: int,
          turns: int | None, out: str, workers: int | None, dask: str | None, ablate: bool,
          set_: tuple[str, ...], sweep: tuple[str, ...], dominant_threshold: float,
          useless_threshold: float) -> None:
    """Run thousands of games with bots: statistics, a CSV, a JSON summary and an HTML report."""
    if games <= 0:
        raise UserError("--games must be at least 1", code=2)
    from diplosim.batch import run_batch

    raise Exit(run_batch(scenario, games=games, policies=list(policy) or ["random"], seed=seed,
                         turns=turns, out=out, workers=workers, dask=dask, ablate=ablate,
                         sets=list(set_), sweeps=list(sweep),
                         dominant_threshold=dominant_threshold,
                         useless_threshold=useless_threshold))


@verb
@click.argument("scenarios", metavar="[SCENARIO...]", nargs=-1,
                help="Scenario files or built-in ids; default: the reference scenario.")
@click.option("--games", "-n", type=click.IntRange(min=1), default=2000, help="Games per policy.")
@click.option("--seed", type=_SEED_RANGE, default=1, help="Base seed.")
@workers_option
@dask_option
def check(scenarios: tuple[str, ...], games: int, seed: int, workers: int | None,
          dask: str | None) -> None:
    """Test a scenario's claims (what it says it teaches) against batch evidence.

    Each claim is played out with the policies it names on the same seeds and reported as held,
    FAILED or UNDECIDED with its effect size and 95% interval; the exit code is 1 unless all held.
    """
    from diplosim.batch.claims import check_files
    from diplosim.batch.runner import BatchError

    try:
        code = check_files(list(scenarios) or [None], games, seed, workers or os.cpu_count() or 1,
                           dask, _console(rich=True), progress=sys.stderr.isatty())
    except BatchError as err:
        raise UserError(str(err), getattr(err, "code", 1)) from None
    raise Exit(code)


def main() -> None:
    """Entry point of the `diplosim` console script."""
    for stream in (sys.stdout, sys.stderr):  # a name the console cannot show must not crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        app()
    except KeyboardInterrupt:  # before click took over (inside, _Verbs.invoke turns it into 130)
        sys.exit(130)


if __name__ == "__main__":
    main()
