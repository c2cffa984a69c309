"""Load a scenario: resolve its name, read the YAML safely, validate it, resolve its references.

The result, a LoadedScenario, is everything the engine and the front end need: the validated
file, the complete tools, the constants, the trade matrix and a map outline for every country.
Every mistake in the file comes back as a ScenarioError listing all its problems, by line.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pydantic
import yaml

from diplosim.scenario.checks import check_scenario
from diplosim.scenario.layout import MapShape, make_shapes
from diplosim.scenario.messages import did_you_mean, problems_from_validation_error
from diplosim.scenario.models import Constants, Rules, Scenario, Tool
from diplosim.scenario.rawdata import (
    apply_override,
    blame_overrides,
    known_fields,
    parse_override,
    prune_unions,
)
from diplosim.scenario.yamlsafe import (
    MAX_BYTES,
    Problem,
    ScenarioError,
    YamlDocument,
    read_yaml_file,
    read_yaml_text,
)

__all__ = ["REFERENCE_ID", "LoadedScenario", "MapShape", "builtin_scenarios", "load_scenario",
           "load_scenario_text", "parse_override", "resolve_ref", "scenario_json_schema",
           "scenarios_dir", "schema_text", "standard_rules"]

REFERENCE_ID = "meridian"
SCHEMA_ID = "urn:diplosim:scenario-format:1"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with its references resolved, ready for the engine."""

    scenario: Scenario
    tools: tuple[Tool, ...]  # palette order: standard tools (overridden), then new ones
    constants: Constants
    trade: tuple[tuple[float, ...], ...]  # (C+1)x(C+1), symmetric; index 0 = player
    shapes: dict[str, MapShape]
    auto_layout: bool  # True when no country has a shape from a map (all are automatic)
    path: str
    digest: str  # sha256 hex of the file's bytes
    warnings: tuple[Problem, ...]


@functools.cache
def standard_rules() -> Rules:
    """The standard constants and tools shipped with diplosim (read once)."""
    raw = resources.files("diplosim.scenario").joinpath("standard_rules.yaml").read_bytes()
    doc = read_yaml_text(raw, "diplosim/scenario/standard_rules.yaml")
    try:
        return Rules.model_validate(doc.data)
    except pydantic.ValidationError as err:
        raise ScenarioError(problems_from_validation_error(err, doc)) from None


def scenarios_dir() -> Path:
    """The folder of built-in scenarios."""
    return Path(__file__).resolve().parents[2] / "scenarios"


def builtin_scenarios() -> list[tuple[str, str, Path]]:
    """(id, title, path) of every built-in scenario, by id; titles are read without parsing."""
    out = []
    for path in sorted(scenarios_dir().glob("*.yaml")):
        title = path.stem
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                head = handle.read(65536)
        except OSError:
            continue
        match = re.search(r"^title:[ \t]*(.+?)[ \t]*$", head, re.MULTILINE)
        if match:
            text = match.group(1) if match.group(1)[0] in "'\"" else \
                re.split(r"\s+#", match.group(1))[0]
            try:
                value = yaml.safe_load(text) if text[0] in "'\"" else text
            except yaml.YAMLError:
                value = text
            title = str(value)
        out.append((path.stem, title, path))
    return out


def _fail(path: str, message: str, field: str = "") -> ScenarioError:
    return ScenarioError([Problem(path, 1, 1, field, message)])


def _probe(path: Path, test: Any) -> bool:
    """Path.is_file/exists, but True when the system refuses to say (the reader explains why)."""
    try:
        return bool(test(path))
    except (OSError, ValueError):
        return True


def resolve_ref(ref: str | os.PathLike[str] | None) -> Path:
    """A scenario path from a path or a built-in id; None means the reference scenario."""
    if ref is None:
        ref = REFERENCE_ID
    path = Path(ref)
    text = os.fspath(ref)
    builtin = scenarios_dir() / f"{text}.yaml" if _ID.match(text) and len(text) <= 40 else None
    if _probe(path, Path.is_file) or (_probe(path, Path.exists) and not (
            builtin and _probe(builtin, Path.is_file))):
        return path
    if builtin is not None and _probe(builtin, Path.is_file):
        return builtin
    if os.sep in text or "/" in text or path.suffix.lower() in (".yaml", ".yml"):
        raise _fail(text, "the file does not exist; check the name and folder "
                    "(or give a built-in id, see `diplosim scenarios`)")
    ids = [sid for sid, _, _ in builtin_scenarios()]
    listed = f"one of the built-in ids ({', '.join(ids)})" if ids else "a built-in id"
    raise _fail(text, f"no scenario file or built-in scenario '{text}'.{did_you_mean(text, ids)} "
                f"Give the path of a .yaml file or {listed}; see `diplosim scenarios`")


def load_scenario(ref: str | os.PathLike[str] | None = None, *,
                  overrides: dict[str, Any] | None = None) -> LoadedScenario:
    """Load a scenario by path or built-in id (None: the reference scenario)."""
    path = resolve_ref(ref)
    name = os.fspath(path)
    raw: bytes | None = None
    try:
        info = os.stat(name)
        if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES:
            with open(name, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
    except OSError:
        raw = None
    if raw is None:
        read_yaml_file(name)  # raises the sentence that fits (missing, folder, too big, ...)
        raise _fail(name, "the file cannot be read; check the path")
    return _load(read_yaml_text(raw, name), raw, path.parent, overrides)


def load_scenario_text(text: str | bytes, path: str = "<text>", base_dir: Path | None = None, *,
                       overrides: dict[str, Any] | None = None) -> LoadedScenario:
    """Load a scenario from text; a map file is looked for in base_dir."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return _load(read_yaml_text(text, path), raw, base_dir, overrides)


def _clamp_deadlines(data: Any) -> None:
    """A game shortened by an override (`--turns`, `--set turns=...`) keeps its objectives: deadlines
    past the new last turn move to it (in a file, such a deadline stays an error)."""
    turns = data.get("turns") if isinstance(data, dict) else None
    objectives = data.get("objectives") if isinstance(data, dict) else None
    if not isinstance(turns, int) or not isinstance(objectives, list):
        return
    for objective in objectives:
        if isinstance(objective, dict) and isinstance(objective.get("by_turn"), int) and objective["by_turn"] > turns:
            objective["by_turn"] = turns


def _load(doc: YamlDocument, raw: bytes, base_dir: Path | None,
          overrides: dict[str, Any] | None) -> LoadedScenario:
    set_locs: dict[tuple, str] = {}
    if overrides:
        data = copy.deepcopy(doc.data)
        standard = [t.id for t in standard_rules().tools]
        problems = [p for key, value in overrides.items()
                    if (p := apply_override(data, key, value, doc, set_locs, standard)) is not None]
        if problems:
            raise ScenarioError(problems)
        _clamp_deadlines(data)
        doc = YamlDocument(data, doc.path, doc.positions)
    try:
        scenario = Scenario.model_validate(doc.data)
    except pydantic.ValidationError as err:
        problems = problems_from_validation_error(prune_unions(err, doc.data), doc, known_fields)
        raise ScenarioError(blame_overrides(problems, set_locs)) from None
    result = check_scenario(scenario, doc, standard_rules(), base_dir)
    problems = blame_overrides(result.problems, set_locs)
    if any(p.severity == "error" for p in problems):
        raise ScenarioError(problems)
    assert result.constants is not None
    warnings = tuple(sorted(problems, key=lambda p: (p.line, p.col)))
    ids = [c.id for c in scenario.countries]
    return LoadedScenario(scenario, result.tools, result.constants, result.trade,
                          make_shapes(ids, result.rings), not result.rings,
                          doc.path, hashlib.sha256(raw).hexdigest(), warnings)


# --- JSON Schema ----------------------------------------------------------------------------
def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, for editors and validators."""
    schema = Scenario.model_json_schema()
    constants = Constants.model_json_schema()
    for name, prop in constants["properties"].items():
        prop["default"] = getattr(standard_rules().constants, name)
    schema["properties"]["constants"] = {
        "title": "Constants", "type": "object", "additionalProperties": False,
        "description": "overrides of rule constants (only the ones you change)",
        "properties": constants["properties"]}
    ids = [t.id for t in standard_rules().tools]
    schema["properties"]["standard_tools"]["anyOf"] = [
        {"const": "all"}, {"type": "array", "items": {"enum": ids}}]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "diplosim scenario", **{k: v for k, v in schema.items() if k != "title"}}


def schema_text() -> str:
    """The JSON Schema as the text written to docs/scenario.schema.json."""
    import json

    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
