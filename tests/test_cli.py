"""The `diplosim` command: validate, schema, scenarios, new; exit codes and plain output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from diplosim import cli
from diplosim.scenario.loader import load_scenario, scenarios_dir, schema_text
from tests.scenario.test_loader import BASE, replace, write

REPO = Path(__file__).resolve().parents[1]
SCHEMA_FILE = REPO / "docs" / "scenario.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=../docs/scenario.schema.json"
PROBLEM = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?:(?P<field>[\w.\[\]]+): )?"
                     r"(?P<message>.+)$")
runner = CliRunner()


def run(*args: str):
    return runner.invoke(cli.app, list(args), catch_exceptions=False)


def shipped() -> list[Path]:
    return sorted(scenarios_dir().glob("*.yaml"))


def sh(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120, **kwargs)


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return sh([sys.executable, "-m", "diplosim.cli", *args], cwd=cwd, env=env)


# --- validate -------------------------------------------------------------------------------
def test_validate_ok_prints_one_line_with_counts(tmp_path):
    path = write(tmp_path, BASE)
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert result.output == f"{path}: ok — 2 countries, 17 tools, 1 event, 1 objective\n"


def test_validate_every_shipped_scenario():
    assert shipped(), "no scenarios in scenarios/"
    result = run("validate", *map(str, shipped()))
    assert result.exit_code == 0, result.output
    for line, path in zip(result.output.splitlines(), shipped(), strict=True):
        assert re.fullmatch(rf"{re.escape(str(path))}: ok — \d+ countries, \d+ tools, "
                            r"\d+ events?, \d+ objectives?", line), line


def test_validate_accepts_a_builtin_id():
    result = run("validate", "meridian")
    assert result.exit_code == 0
    assert result.output.startswith("meridian: ok — ")


def test_validate_invalid_prints_every_problem_and_exits_1(tmp_path):
    good = write(tmp_path, BASE, "good.yaml")
    text = replace("country: borealia", "country: borelia")
    text = replace("{expression: 30, assembly: 35}", "{expression: 30}", text)
    bad = write(tmp_path, text, "bad.yaml")
    result = run("validate", str(good), str(bad))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{good}: ok — ")
    parsed = [PROBLEM.match(line).groupdict() for line in lines[1:3]]
    assert [(p["path"], p["line"], p["field"]) for p in parsed] == [
        (str(bad), "16", "countries[1].rights"), (str(bad), "25", "events[0].country")]
    assert parsed[1]["message"] == ("'borelia' is not a country id of this scenario. "
                                    "Did you mean 'borealia'?")
    assert lines[3] == f"{bad}: invalid — 2 errors"
    assert len(lines) == 4


def test_validate_prints_warnings_but_exits_0(tmp_path):
    path = write(tmp_path, BASE + "    by_turn: 1\n")
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        (f"{path}:40:14: objectives[0].by_turn: warning: by_turn 1 leaves the player no turn to "
        "act; give a later turn"),
        f"{path}: ok — 2 countries, 17 tools, 1 event, 1 objective, 1 warning"]


def test_validate_long_lines_are_not_wrapped(tmp_path):
    path = write(tmp_path, replace("turns: 10\n", "turns: 10\nconstants: {nonsense_value: 1}\n"))
    result = run("validate", str(path))
    lines = result.output.splitlines()
    assert len(lines) == 2 and len(lines[0]) > 120
    assert "The constants are: drift_rate" in lines[0]


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "missing.yaml", "the file does not exist"),
    (lambda d: d, "this is a folder, not a file"),
    (lambda d: write(d, ""), "the file is empty"),
    (lambda d: write(d, b"\xff\xfe"), "is not UTF-8 text"),
    (lambda d: write(d, "- 1\n"), "the top level must be a mapping"),
])
def test_validate_bad_files_say_a_sentence(tmp_path, make, message):
    path = make(tmp_path)
    result = run("validate", str(path))
    assert result.exit_code == 1
    first = PROBLEM.match(result.output.splitlines()[0])
    assert first["path"] == str(path) and message in first["message"]


def test_validate_without_paths_is_a_usage_error():
    result = runner.invoke(cli.app, ["validate"])
    assert result.exit_code == 2


def test_unknown_verb_and_option_are_usage_errors():
    assert runner.invoke(cli.app, ["validat"]).exit_code == 2
    assert runner.invoke(cli.app, ["validate", "--strict", "x.yaml"]).exit_code == 2


def test_ctrl_c_exits_130_quietly(tmp_path, monkeypatch):
    from diplosim.scenario import loader

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "load_scenario", interrupted)
    result = runner.invoke(cli.app, ["validate", str(write(tmp_path, BASE))])
    assert result.exit_code == 130
    assert result.output == ""


# --- real processes: exit codes, no tracebacks, nothing executed ------------------------------
HOSTILE = {
    "alias_bomb.yaml": "a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(8)),
    "deep.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "python_tag.yaml": "id: !!python/object/apply:os.system ['touch RAN']\n",
    "dup_keys.yaml": "id: a\nid: b\n",
    "nan.yaml": BASE.replace("add: -5", "add: .nan"),
    "binary.yaml": "\x00\x01\x02",
    "huge_number.yaml": BASE.replace("turns: 10", "turns: 1" + "0" * 5000),
    "bad_map.yaml": BASE + "map: /etc/passwd\n",
}


def test_hostile_files_in_a_real_process(tmp_path):
    paths = []
    for name, text in HOSTILE.items():
        paths.append(write(tmp_path, text, name))
    for path in paths:
        proc = run_process("validate", path.name, cwd=tmp_path)
        assert proc.returncode == 1, (path.name, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stdout + proc.stderr
        assert PROBLEM.match(proc.stdout.splitlines()[0]), proc.stdout
    assert not (tmp_path / "RAN").exists()


def test_usage_error_in_a_real_process():
    proc = run_process("validate")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_validate_missing_file_in_a_real_process(tmp_path):
    proc = run_process("validate", "nope.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == ("nope.yaml:1:1: the file does not exist; check the name "
                                           "and folder (or give a built-in id, see `diplosim "
                                           "scenarios`)")
    assert proc.stderr == ""


# --- schema ---------------------------------------------------------------------------------
def check_jsonschema() -> list[str]:
    exe = Path(sys.executable).with_name("check-jsonschema")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("check-jsonschema")
    return [found] if found else [sys.executable, "-m", "check_jsonschema"]


def test_schema_prints_json_schema_2020_12():
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "countries" in schema["properties"] and "$defs" in schema


def test_schema_output_file(tmp_path):
    out = tmp_path / "s.json"
    result = run("schema", "--output", str(out))
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == schema_text()


def test_schema_output_into_a_missing_folder(tmp_path):
    result = run("schema", "--output", str(tmp_path / "no" / "s.json"))
    assert result.exit_code == 1
    assert result.output.startswith("diplosim: cannot write the schema to ")


def test_docs_schema_is_up_to_date():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), \
        "regenerate it: diplosim schema --output docs/scenario.schema.json"


def test_schema_is_valid_and_validates_every_shipped_scenario_and_the_template(tmp_path):
    assert run("new", "starter", "--dir", str(tmp_path)).exit_code == 0
    files = [*map(str, shipped()), str(tmp_path / "starter.yaml")]
    meta = sh([*check_jsonschema(), "--check-metaschema", str(SCHEMA_FILE)])
    assert meta.returncode == 0, meta.stdout + meta.stderr
    proc = sh([*check_jsonschema(), "--schemafile", str(SCHEMA_FILE), *files])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_rejects_what_the_loader_rejects(tmp_path):
    bad = write(tmp_path, replace("    name: Sudland\n", "    name: Sudland\n    fcae: 3\n"))
    proc = sh([*check_jsonschema(), "--schemafile", str(SCHEMA_FILE), str(bad)])
    assert proc.returncode == 1
    assert "fcae" in proc.stdout


def test_shipped_scenarios_name_the_schema_on_their_first_line():
    for path in shipped():
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE, path


# --- scenarios ------------------------------------------------------------------------------
def test_scenarios_lists_ids_and_titles():
    result = run("scenarios")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "title"]
    title = load_scenario("meridian").scenario.title
    assert any(line.split(None, 1) == ["meridian", title] for line in
               (x.strip() for x in lines[1:]))


# --- new ------------------------------------------------------------------------------------
def test_new_writes_a_starter_that_validates(tmp_path):
    result = run("new", "my_class", "--dir", str(tmp_path))
    assert result.exit_code == 0
    path = tmp_path / "my_class.yaml"
    assert result.output.startswith(f"wrote {path}")
    loaded = load_scenario(path)
    sc = loaded.scenario
    assert sc.id == "my_class" and sc.title == "My class"
    assert (len(sc.countries), len(sc.themes), len(sc.events), len(sc.objectives)) == (3, 3, 2, 2)
    assert any(e.choices for e in sc.events)
    assert loaded.warnings == ()
    assert run("validate", str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.count("docs/authoring.md") >= 8  # every section points to the guide


def test_new_points_the_schema_comment_at_the_repository_schema(tmp_path):
    folder = tmp_path / "deep" / "er"
    assert run("new", "x", "--dir", str(folder)).exit_code == 0
    first = (folder / "x.yaml").read_text(encoding="utf-8").splitlines()[0]
    rel = first.removeprefix("# yaml-language-server: $schema=")
    assert (folder / rel).resolve() == SCHEMA_FILE.resolve()


def test_new_in_the_scenarios_folder_uses_the_shipped_comment(tmp_path):
    text = cli._schema_comment(SCHEMA_LINE + "\nid: x\n", scenarios_dir())
    assert text.splitlines()[0] == SCHEMA_LINE


def test_new_defaults_to_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("new", "here").exit_code == 0
    assert (tmp_path / "here.yaml").is_file()


def test_new_refuses_to_overwrite(tmp_path):
    path = write(tmp_path, "id: mine\n", "taken.yaml")
    result = run("new", "taken", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == (f"diplosim: '{path}' already exists; choose another id or folder, or "
                             "delete the file first (diplosim never overwrites a scenario)\n")
    assert path.read_text() == "id: mine\n"


@pytest.mark.parametrize("bad", ["My-Scenario", "1st", "a b", "x" * 41, "../evil"])
def test_new_refuses_a_bad_id_with_exit_2(tmp_path, bad):
    result = run("new", bad, "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert result.output.startswith(f"diplosim: '{bad}' cannot be a scenario id; use lower-case")
    assert list(tmp_path.iterdir()) == []


def test_template_starts_with_the_schema_line():
    from importlib import resources

    text = resources.files("diplosim.scenario").joinpath("template.yaml").read_text("utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    assert "{id}" in text and "{title}" in text


# --- help and usage errors -------------------------------------------------------------------
VERBS = ["validate", "schema", "scenarios", "new", "play", "run", "batch", "check"]


@pytest.mark.parametrize("verb", [[], *([v] for v in VERBS)])
def test_every_verb_has_help(verb):
    result = runner.invoke(cli.app, [*verb, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
    assert runner.invoke(cli.app, [*verb, "-h"]).output == result.output


def test_help_lists_the_verbs_in_order_with_their_whole_first_line():
    lines = run("--help").output.splitlines()
    listed = [line.split()[0] for line in lines[lines.index("Commands:") + 1:]
              if line.startswith("  ") and not line.startswith("    ")]
    assert listed == VERBS
    text = " ".join(run("--help").output.split())
    assert "report every problem with its file, line and field." in text  # not cut short


def test_verb_help_names_the_arguments():
    text = " ".join(run("validate", "--help").output.split())
    assert "Usage: diplosim validate [OPTIONS] PATH..." in text
    assert "PATH... Scenario files (or built-in ids) to check." in text
    text = " ".join(run("batch", "--help").output.split())
    assert "[SCENARIO] A scenario file or built-in id; default: the reference scenario." in text
    assert "-n, --games INTEGER Games per policy. [default: 1000]" in text


def test_no_arguments_shows_the_help_with_exit_2():
    result = runner.invoke(cli.app, [])
    assert result.exit_code == 2
    assert "Usage: diplosim [OPTIONS] COMMAND" in result.output and "validate" in result.output


@pytest.mark.parametrize(("args", "error"), [
    (["run", "--policy"], "Error: Option '--policy' requires an argument."),
    (["batch", "-p"], "Error: Option '-p' requires an argument."),
    (["validate", "--strict", "x.yaml"], "Error: No such option '--strict'."),
    (["validat"], "Error: No such command 'validat'. Did you mean 'validate'?"),
    (["validate"], "Error: Missing argument 'PATH...'."),
    (["run", "--seed", "-1"], "Error: Invalid value for '--seed': -1 is not in the range"),
    (["check", "--games", "0"], "Error: Invalid value for '--games' / '-n': 0 is not in the range"),
])
def test_usage_errors_show_the_usage_line_and_one_sentence(args, error):
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith("Usage: ") and lines[1].startswith("Try '") and "--help" in lines[1]
    assert lines[-1].startswith(error), result.output


def test_batch_without_games_is_a_usage_error():
    result = run("batch", "--games", "0")
    assert result.exit_code == 2
    assert result.output == "diplosim: --games must be at least 1\n"


def test_ctrl_c_while_parsing_exits_130_quietly(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli._Verb, "parse_args", interrupted)
    result = runner.invoke(cli.app, ["validate", "x.yaml"])
    assert result.exit_code == 130
    assert result.output == ""


def test_no_heavy_imports_for_validate(tmp_path):
    """Not even rich for the colours, when the output is a terminal as a user runs it."""
    code = ("import sys; from diplosim.cli import main; sys.argv = ['diplosim', 'validate', "
            f"{str(write(tmp_path, BASE))!r}]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sys.stdout.isatty(), sorted(m for m in ('pygame', 'numpy', 'matplotlib', "
            "'rich', 'typer') if m in sys.modules), file=sys.stderr)")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if os.name != "posix":
        proc = sh([sys.executable, "-c", code], env=env)
        assert proc.stderr.splitlines()[-1] == "False []", proc.stdout + proc.stderr
        return
    import pty

    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-c", code], stdout=secondary, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=120, check=False)
    finally:
        os.close(secondary)
        os.close(primary)
    assert proc.stderr.splitlines()[-1] == "True []", proc.stderr


def test_output_is_coloured_only_on_a_terminal(monkeypatch):
    lines = cli._console()
    assert not lines.colour  # the test runner's output is not a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert cli._console().colour
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._console().colour
