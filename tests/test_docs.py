"""The authoring guide, followed literally: its worked example works, and its commands exist.

docs/authoring.md walks an instructor through "Three Harbours". These tests take the whole file
it shows (the yaml block after `<!-- worked-example -->`), save it under the name the guide
gives, and run the commands of the guide on it the way a user would, as subprocesses.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "authoring.md"


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def worked_example() -> tuple[str, str]:
    """(file name the guide says to save it as, the yaml text of the whole worked example)."""
    text = guide_text()
    marker = text.index("<!-- worked-example -->")
    block = re.compile(r"```yaml\n(.*?)```", re.DOTALL).search(text, marker)
    assert block is not None, "no ```yaml block after <!-- worked-example -->"
    name = re.search(r"Save it as `([\w.-]+\.yaml)`", text)
    assert name is not None, "the guide no longer says which file name to save the example as"
    return name.group(1), block.group(1)


def diplosim(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the CLI as a user would, in the folder the guide's commands are typed in."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.run([sys.executable, "-c", "from diplosim.cli import main; main()", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def sh_commands() -> list[str]:
    """Every command line of the guide's ```sh blocks (comments and blank lines left out)."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", guide_text(), re.DOTALL):
        for line in block.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                lines.append(line.strip())
    return lines


def test_the_worked_example_validates_runs_and_its_claims_hold(tmp_path):
    name, text = worked_example()
    (tmp_path / name).write_text(text, encoding="utf-8")
    claims = yaml.safe_load(text)["claims"]
    assert claims, "the worked example has no claims to check"

    # Step 10: diplosim validate
    res = diplosim("validate", name, cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"{name}: ok" in res.stdout and "warning" not in res.stdout, res.stdout

    # Step 12: diplosim run --policy greedy prints the game's log and how it ended
    res = diplosim("run", name, "--policy", "greedy", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Turn 1" in res.stdout and "action" in res.stdout, res.stdout[:2000]
    assert "policy greedy:" in res.stdout and "replay this game with: diplosim run" in res.stdout

    # Step 13: diplosim check: every claim held
    res = diplosim("check", name, "--games", "200", "--workers", "1", cwd=tmp_path, timeout=900)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    for claim in claims:
        assert f"[held] {claim['id']}:" in out, f"claim {claim['id']} did not hold:\n{out}"
    assert "FAILED" not in out and "UNDECIDED" not in out, out


def test_the_starter_of_diplosim_new_validates(tmp_path):
    res = diplosim("new", "my_scenario", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (tmp_path / "my_scenario.yaml").is_file()
    res = diplosim("validate", "my_scenario.yaml", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "my_scenario.yaml: ok" in res.stdout


def test_every_command_in_the_guide_is_a_real_verb_with_real_options():
    from diplosim.cli import app as group  # the verbs and options `diplosim --help` lists

    commands = sh_commands()
    assert len(commands) >= 10, "the guide's ```sh blocks seem to be missing"
    for line in commands:
        words = shlex.split(line, comments=True)
        assert words[0] == "diplosim", f"a command in the guide does not start with diplosim: {line!r}"
        assert len(words) > 1 and words[1] in group.commands, f"not a diplosim verb: {line!r}"
        known = {opt for param in group.commands[words[1]].params for opt in param.opts}
        for word in words[2:]:
            if word.startswith("-"):
                assert word.split("=")[0] in known, \
                    f"{word} is not an option of diplosim {words[1]}: {line!r}"
