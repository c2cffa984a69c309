"""The loader end to end: real (broken) files on disk in, LoadedScenario or located problems out."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from diplosim.scenario import loader as loader_module
from diplosim.scenario import yamlsafe
from diplosim.scenario.loader import (
    REFERENCE_ID,
    LoadedScenario,
    builtin_scenarios,
    load_scenario,
    load_scenario_text,
    parse_override,
    resolve_ref,
    scenario_json_schema,
    scenarios_dir,
    standard_rules,
)
from diplosim.scenario.models import Rules
from diplosim.scenario.yamlsafe import Problem, ScenarioError
from tests.scenario.files import write_file

# A small valid scenario; tests break one thing in it at a time. Line numbers matter below.
BASE = """\
id: tiny
title: Tiny test scenario
summary: Two countries and two themes.
turns: 10
themes:
  - id: expression
    name: Freedom of expression
  - id: assembly
    name: Freedom of assembly
countries:
  - id: borealia
    name: Borealia
    rights: {expression: 40, assembly: 50}
  - id: sudland
    name: Sudland
    rights: {expression: 30, assembly: 35}
trade:
  player: {borealia: 40, sudland: 10}
tools:
  - id: sanctions
    cost: {capital: 3}
events:
  - id: crackdown
    title: Crackdown
    country: borealia
    turn: 3
    effects:
      - {field: target.rights.expression, add: -5}
    choices:
      - id: protest
        label: Protest
        effects: [{field: target.relations, add: -3}]
      - id: ignore
        label: Ignore
    default: ignore
objectives:
  - id: raise_expression
    text: Raise expression in Borealia to 60
    condition: {field: borealia.rights.expression, op: ">=", value: 60}
"""

STANDARD_IDS = [
    "public_criticism", "quiet_engagement", "trade_linkage", "sanctions", "aid_conditions",
    "multilateral_resolution", "joint_statement", "monitoring", "capacity_building",
    "ngo_partnership", "meet_defenders", "legal_referral", "military_intervention",
    "treaty_negotiation", "cultural_training", "evaluation_reports", "acknowledge_shortcomings",
]


def write(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> Path:
    """Write a scenario file for a test (default name: s.yaml)."""
    return write_file(tmp_path, text, name)


def problems_of(path: Path | str, **kwargs) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, **kwargs)
    return info.value.problems


def only_problem(path: Path | str, **kwargs) -> Problem:
    found = problems_of(path, **kwargs)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def replace(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- a valid file ---------------------------------------------------------------------------
def test_base_scenario_loads_completely(tmp_path):
    path = write(tmp_path, BASE)
    loaded = load_scenario(path)
    assert isinstance(loaded, LoadedScenario)
    assert loaded.scenario.id == "tiny"
    assert loaded.warnings == ()
    assert loaded.path == str(path)
    assert loaded.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    # every standard tool, in the standard order; the override changed only the cost's capital
    assert [t.id for t in loaded.tools] == STANDARD_IDS
    sanctions = next(t for t in loaded.tools if t.id == "sanctions")
    standard = next(t for t in standard_rules().tools if t.id == "sanctions")
    assert sanctions.cost.capital == 3
    assert sanctions.cost.budget == standard.cost.budget
    assert sanctions.model_dump(exclude={"cost"}) == standard.model_dump(exclude={"cost"})
    assert loaded.constants == standard_rules().constants


def test_trade_matrix_is_symmetric_with_player_first(tmp_path):
    loaded = load_scenario(write(tmp_path, BASE))
    assert loaded.trade == ((0.0, 40.0, 10.0), (40.0, 0.0, 0.0), (10.0, 0.0, 0.0))


def test_trade_matrix_form_gives_the_same_matrix(tmp_path):
    text = replace("  player: {borealia: 40, sudland: 10}\n",
                   "  countries: [sudland, player, borealia]\n"
                   "  volumes: [[0, 10, 5], [10, 0, 40], [5, 40, 0]]\n")
    loaded = load_scenario(write(tmp_path, text))
    assert loaded.trade == ((0.0, 40.0, 10.0), (40.0, 0.0, 5.0), (10.0, 5.0, 0.0))


def test_no_map_gives_every_country_an_automatic_shape_in_the_unit_square(tmp_path):
    loaded = load_scenario(write(tmp_path, BASE))
    assert loaded.auto_layout is True
    assert list(loaded.shapes) == ["borealia", "sudland"]
    for cid, shape in loaded.shapes.items():
        assert shape.country == cid
        assert len(shape.polygons) == 1 and len(shape.polygons[0]) == 6  # a hexagon
        assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in shape.polygons[0])
    centres = [sum(x for x, _ in s.polygons[0]) / 6 for s in loaded.shapes.values()]
    assert centres[0] != centres[1]  # not drawn on top of each other


def test_many_countries_get_a_non_overlapping_grid(tmp_path):
    countries = "".join(f"  - id: c{i}\n    name: C{i}\n    rights: {{expression: 40, assembly: 40}}\n"
                        for i in range(12))
    text = replace(BASE[BASE.index("  - id: borealia"):BASE.index("trade:")], countries)
    text = text.replace("  player: {borealia: 40, sudland: 10}\n", "  player: {c0: 10}\n")
    text = text.replace("country: borealia", "country: c1").replace("borealia.", "c0.")
    loaded = load_scenario(write(tmp_path, text))
    boxes = []
    for shape in loaded.shapes.values():
        xs, ys = zip(*shape.polygons[0], strict=True)
        assert min(xs) >= 0 and max(xs) <= 1 and min(ys) >= 0 and max(ys) <= 1
        boxes.append(((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, max(xs) - min(xs)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 >= a[2] * 0.99


def test_load_scenario_text_matches_the_file(tmp_path):
    from_file = load_scenario(write(tmp_path, BASE))
    from_text = load_scenario_text(BASE, "mine.yaml")
    from_bytes = load_scenario_text(BASE.encode(), "mine.yaml")
    assert from_text.scenario == from_file.scenario == from_bytes.scenario
    assert from_text.digest == from_file.digest == from_bytes.digest
    assert from_text.path == "mine.yaml"


def test_standard_rules_hold_every_tool_of_the_design_and_are_cached():
    rules = standard_rules()
    assert isinstance(rules, Rules)
    assert [t.id for t in rules.tools] == STANDARD_IDS
    assert standard_rules() is rules


# --- tool resolution ------------------------------------------------------------------------
def test_standard_tools_list_selects_tools_and_an_override_makes_a_tool_available(tmp_path):
    text = replace("turns: 10\n", "turns: 10\nstandard_tools: [monitoring, quiet_engagement]\n")
    loaded = load_scenario(write(tmp_path, text))
    assert [t.id for t in loaded.tools] == ["monitoring", "quiet_engagement", "sanctions"]


def test_new_tool_is_added_after_the_standard_ones(tmp_path):
    text = replace("    cost: {capital: 3}\n", "    cost: {capital: 3}\n"
                   "  - id: town_hall\n    name: Town hall\n    target: country\n    pressure: 2\n"
                   "    on_success: [{field: target.civil_society, add: 2}]\n")
    loaded = load_scenario(write(tmp_path, text))
    assert loaded.tools[-1].id == "town_hall"
    assert loaded.tools[-1].on_success[0].field == "target.civil_society"
    assert len(loaded.tools) == 18


def test_override_of_a_list_replaces_it_whole(tmp_path):
    text = replace("    cost: {capital: 3}\n",
                   "    on_success: [{field: target.rights, add: 9}]\n")
    sanctions = next(t for t in load_scenario(write(tmp_path, text)).tools if t.id == "sanctions")
    assert [(e.field, e.add) for e in sanctions.on_success] == [("target.rights", 9)]
    assert sanctions.cost.capital == 2  # untouched fields keep the standard value


def test_unknown_standard_tool_id_in_list_points_at_the_item(tmp_path):
    text = replace("turns: 10\n", "turns: 10\nstandard_tools: [monitoring, sanction]\n")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.col, p.field) == (5, 30, "standard_tools[1]")
    assert p.message.startswith("'sanction' is not a standard tool. Did you mean 'sanctions'?")


def test_incomplete_new_tool_near_a_standard_id(tmp_path):
    text = replace("  - id: sanctions\n", "  - id: sanctons\n")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.field) == (20, "tools[0].id")
    assert p.message == ("'sanctons' is not a standard tool, so it needs a complete definition: "
                         "add 'name' and 'target'. Did you mean 'sanctions'?")


# --- constants ------------------------------------------------------------------------------
def test_constants_override_the_standard_ones(tmp_path):
    text = replace("turns: 10\n", "turns: 10\nconstants: {drift_rate: 0.2, max_actions: 3}\n")
    loaded = load_scenario(write(tmp_path, text))
    assert loaded.constants.drift_rate == 0.2
    assert loaded.constants.max_actions == 3
    assert loaded.constants.face_recovery == standard_rules().constants.face_recovery


def test_unknown_constant_says_did_you_mean(tmp_path):
    text = replace("turns: 10\n", "turns: 10\nconstants:\n  drift_rat: 0.2\n")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.col, p.field) == (6, 14, "constants.drift_rat")
    assert "'drift_rat' is not a rule constant" in p.message
    assert p.message.endswith("Did you mean 'drift_rate'?")


def test_constant_out_of_range(tmp_path):
    text = replace("turns: 10\n", "turns: 10\nconstants:\n  drift_rate: 3\n")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.field) == (6, "constants.drift_rate")
    assert p.message == "must be at most 1, got 3.0; use 1 or less"


# --- bad input: the file itself -------------------------------------------------------------
def test_missing_file(tmp_path):
    p = only_problem(tmp_path / "nope.yaml")
    assert p.path == str(tmp_path / "nope.yaml")
    assert (p.line, p.col) == (1, 1)
    assert "the file does not exist" in p.message


def test_path_too_long_for_the_system(tmp_path):
    p = only_problem(tmp_path / ("a" * 5000))
    assert "the file cannot be read (File name too long)" in p.message


def test_directory(tmp_path):
    p = only_problem(tmp_path)
    assert "is a folder, not a file" in p.message


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, BASE)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # root reads anything: refuse the open
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(loader_module, "open", refuse, raising=False)
        monkeypatch.setattr(yamlsafe, "open", refuse, raising=False)
    else:
        path.chmod(0)
    p = only_problem(path)
    assert "cannot be opened (permission denied)" in p.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.col) == (1, 1)
    assert p.message.startswith("the file is empty")


def test_file_over_the_size_limit(tmp_path):
    path = write(tmp_path, BASE + "briefing: " + "x" * 2_100_000 + "\n")
    p = only_problem(path)
    assert p.message == "the file is 2.2 MB; scenario files are limited to 2 MB"


def test_alias_bomb(tmp_path):
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    p = only_problem(write(tmp_path, "\n".join(lines) + "\n"))
    assert "expands to more than" in p.message and "aliases" in p.message


def test_deep_nesting(tmp_path):
    p = only_problem(write(tmp_path, "id: x\nsummary: " + "[" * 200 + "]" * 200 + "\n"))
    assert p.line == 2
    assert "nested more than" in p.message


def test_duplicate_key(tmp_path):
    text = replace("    name: Sudland\n", "    name: Sudland\n    name: Southland\n")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.col) == (16, 5)
    assert p.message == "the key 'name' appears twice in this mapping; keep only one of them"


def test_non_utf8_bytes(tmp_path):
    raw = BASE.replace("Borealia\n", "Bor\xe9alia\n").encode("latin-1")
    p = only_problem(write(tmp_path, raw))
    assert p.line == 12
    assert p.message.startswith("the file is not UTF-8 text")


@pytest.mark.parametrize("word", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity(tmp_path, word):
    text = replace("add: -5}", f"add: {word}}}")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.field) == (28, "events[0].effects[0].add")
    assert "is not a number this game can use; write a finite number" in p.message


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "a list"), ("hello\n", "a single value")])
def test_top_level_not_a_mapping(tmp_path, text, kind):
    p = only_problem(write(tmp_path, text))
    assert p.message == f"the top level must be a mapping of fields (like `id: ...`), not {kind}"


def test_python_tags_are_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    text = replace("turns: 10", f"turns: !!python/object/apply:os.system ['touch {marker}']")
    p = only_problem(write(tmp_path, text))
    assert p.field == "turns"
    assert "unsupported YAML tag" in p.message
    assert not marker.exists()


def test_yaml_syntax_error_points_at_the_line(tmp_path):
    text = replace("    name: Sudland\n", "    name: Sudland\n\tface: 3\n")
    p = only_problem(write(tmp_path, text))
    assert p.line == 16
    assert "tab" in p.message and "indent with spaces" in p.message


# --- bad input: the fields ------------------------------------------------------------------
def test_unknown_field_with_did_you_mean(tmp_path):
    text = replace("    name: Sudland\n", "    name: Sudland\n    fcae: 30\n")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.col, p.field) == (16, 11, "countries[1].fcae")
    assert p.message == ("'fcae' is not a field here; remove it or fix the spelling. "
                         "Did you mean 'face'?")


def test_probability_above_one(tmp_path):
    p = only_problem(write(tmp_path, replace("    turn: 3\n", "    chance: 1.5\n")))
    assert (p.line, p.col, p.field) == (26, 13, "events[0].chance")
    assert p.message == "must be at most 1, got 1.5; use 1 or less"


def test_wrong_type(tmp_path):
    p = only_problem(write(tmp_path, replace("turns: 10", "turns: ten")))
    assert (p.line, p.col, p.field) == (4, 8, "turns")
    assert p.message == "expected a whole number, got 'ten'; write a number like 40"


def test_missing_required_field(tmp_path):
    p = only_problem(write(tmp_path, replace("summary: Two countries and two themes.\n", "")))
    assert p.field == "summary"
    assert p.message == "the required field 'summary' is missing; add it"


def test_trade_value_error_names_only_the_form_used(tmp_path):
    p = only_problem(write(tmp_path, replace("sudland: 10}", "sudland: -10}")))
    assert (p.line, p.field) == (18, "trade.player.sudland")
    assert p.message == "must be at least 0, got -10; use 0 or more"


def test_standard_tools_of_the_wrong_kind(tmp_path):
    p = only_problem(write(tmp_path, replace("turns: 10\n", "turns: 10\nstandard_tools: most\n")))
    assert (p.line, p.field) == (5, "standard_tools")
    assert p.message == ("got 'most'; write 'all' or a list of standard tool ids, like "
                         "[quiet_engagement, sanctions]")


def test_all_problems_at_once_sorted_by_line(tmp_path):
    text = replace("country: borealia", "country: borelia")
    text = replace("{expression: 30, assembly: 35}", "{expression: 30}", text)
    text = replace("sudland: 10}", "sudlnd: 10}", text)
    found = problems_of(write(tmp_path, text))
    assert [(p.line, p.field) for p in found] == [
        (16, "countries[1].rights"), (18, "trade.player.sudlnd"), (25, "events[0].country")]
    assert all(p.severity == "error" for p in found)


def test_scenario_error_formats_every_problem(tmp_path):
    text = replace("country: borealia", "country: borelia")
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    assert str(info.value) == (f"{tmp_path / 's.yaml'}:25:14: events[0].country: 'borelia' is "
                               "not a country id of this scenario. Did you mean 'borealia'?")


# --- finding scenarios ----------------------------------------------------------------------
def test_reference_scenario_is_the_default_and_valid():
    loaded = load_scenario()
    assert loaded.scenario.id == REFERENCE_ID
    assert resolve_ref(None) == scenarios_dir() / f"{REFERENCE_ID}.yaml"
    assert len(loaded.shapes) == len(loaded.scenario.countries)


def test_builtin_scenarios_are_listed_with_titles():
    found = builtin_scenarios()
    ids = [sid for sid, _, _ in found]
    assert REFERENCE_ID in ids and ids == sorted(ids)
    for sid, title, path in found:
        assert path == scenarios_dir() / f"{sid}.yaml"
        assert title and not title.startswith(("'", '"'))
        assert title == load_scenario(sid).scenario.title


def test_builtin_id_and_path_both_resolve(tmp_path, monkeypatch):
    assert resolve_ref(REFERENCE_ID) == scenarios_dir() / f"{REFERENCE_ID}.yaml"
    path = write(tmp_path, BASE)
    assert resolve_ref(path) == path
    monkeypatch.chdir(tmp_path)
    assert resolve_ref("s.yaml") == Path("s.yaml")


def test_unknown_builtin_id_says_did_you_mean():
    p = only_problem("meridain")
    assert p.message.startswith("no scenario file or built-in scenario 'meridain'. "
                                "Did you mean 'meridian'?")
    assert "`diplosim scenarios`" in p.message


# --- overrides ------------------------------------------------------------------------------
def test_overrides_change_values_before_validation(tmp_path):
    path = write(tmp_path, BASE)
    loaded = load_scenario(path, overrides={
        "countries.sudland.face": 70, "tools.sanctions.cost.capital": 1,
        "tools.monitoring.cost.budget": 9, "constants.drift_rate": 0.1, "turns": 20,
        "events.crackdown.choices.protest.label": "Speak", "trade.player.sudland": 12})
    sc = loaded.scenario
    assert sc.countries[1].face == 70 and sc.turns == 20
    tools = {t.id: t for t in loaded.tools}
    assert tools["sanctions"].cost.capital == 1
    assert tools["monitoring"].cost.budget == 9 and tools["monitoring"].cost.capital == 1
    assert loaded.constants.drift_rate == 0.1
    assert sc.events[0].choices[0].label == "Speak"
    assert loaded.trade[0][2] == 12
    assert load_scenario(path).scenario.countries[1].face == 50  # the file is unchanged


def test_override_with_an_unknown_item(tmp_path):
    p = only_problem(write(tmp_path, BASE), overrides={"countries.sudlnd.face": 70})
    assert p.field == "countries.sudlnd.face"
    assert p.message == ("cannot apply --set countries.sudlnd.face=70: there is no item 'sudlnd' "
                         "in countries. Did you mean 'sudland'?")


def test_override_of_an_unknown_tool(tmp_path):
    p = only_problem(write(tmp_path, BASE), overrides={"tools.sanction.cost.capital": 1})
    assert "there is no tool 'sanction' in the file or the standard tools" in p.message
    assert p.message.endswith("Did you mean 'sanctions'?")


def test_override_below_a_single_value(tmp_path):
    p = only_problem(write(tmp_path, BASE), overrides={"turns.max": 3})
    assert p.message == "cannot apply --set turns.max=3: turns is a single value, so it has no 'max'"


def test_override_value_out_of_range_names_the_override(tmp_path):
    p = only_problem(write(tmp_path, BASE), overrides={"countries.sudland.face": 170})
    assert p.field == "countries[1].face"
    assert p.message == ("(set by --set countries.sudland.face=170) must be at most 100, got 170; "
                         "use 100 or less")


def test_override_with_a_misspelt_field(tmp_path):
    p = only_problem(write(tmp_path, BASE), overrides={"countries.sudland.fcae": 1})
    assert p.message.startswith("(set by --set countries.sudland.fcae=1) 'fcae' is not a field")
    assert p.message.endswith("Did you mean 'face'?")


def test_parse_override():
    assert parse_override("countries.borealia.face=70") == ("countries.borealia.face", 70)
    assert parse_override("constants.drift_rate = 0.1") == ("constants.drift_rate", 0.1)
    assert parse_override("tools.x.name=Town hall") == ("tools.x.name", "Town hall")
    for bad in ("turns", "=3", "a=.nan"):
        with pytest.raises(ValueError, match="path=value|finite"):
            parse_override(bad)


# --- maps -----------------------------------------------------------------------------------
def square(x: float, y: float, size: float = 1) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(cid: str, *rings: list[list[float]]) -> dict:
    return {"type": "Feature", "properties": {"id": cid},
            "geometry": {"type": "Polygon", "coordinates": [list(r) for r in rings]}}


def test_map_file_is_normalised_with_y_down_and_aspect_kept(tmp_path):
    geo = {"type": "FeatureCollection", "features": [
        feature("borealia", square(10, 50, 2), square(10.5, 50.5, 0.5)),  # north, with a hole
        feature("sudland", square(10, 48, 2)),
    ]}
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "tiny.geojson").write_text(json.dumps(geo))
    loaded = load_scenario(write(tmp_path, BASE + "map: maps/tiny.geojson\n"))
    assert loaded.auto_layout is False and loaded.warnings == ()
    north, south = loaded.shapes["borealia"].polygons, loaded.shapes["sudland"].polygons
    assert len(north) == 1 and len(north[0]) == 4  # the hole is dropped, the ring left open
    ys_n = [y for _, y in north[0]]
    ys_s = [y for _, y in south[0]]
    assert max(ys_n) <= min(ys_s)  # north is drawn above
    xs = [x for poly in (north, south) for x, _ in poly[0]]
    ys = ys_n + ys_s
    assert (min(ys), max(ys)) == (0.0, 1.0)  # 2 wide, 4 tall: fills the height ...
    assert min(xs) == pytest.approx(0.25) and max(xs) == pytest.approx(0.75)  # ... centred


def test_partial_map_warns_and_places_the_missing_country(tmp_path):
    geo = {"type": "FeatureCollection", "features": [feature("borealia", square(0, 0))]}
    text = BASE + "map:\n" + "".join(f"  {line}\n" for line in json.dumps(geo).splitlines())
    loaded = load_scenario(write(tmp_path, text))
    assert len(loaded.warnings) == 1
    w = loaded.warnings[0]
    assert (w.line, w.field, w.severity) == (14, "countries[1].id", "warning")
    assert w.message == "the map has no feature for 'sudland'; it gets an automatic place on the map"
    points = [p for s in loaded.shapes.values() for r in s.polygons for p in r]
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in points)
    assert loaded.auto_layout is False


# --- the JSON Schema ------------------------------------------------------------------------
def test_json_schema_is_draft_2020_12_and_knows_the_standard_tools():
    schema = scenario_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"]
    assert schema["additionalProperties"] is False
    tools = schema["properties"]["standard_tools"]["anyOf"][1]["items"]["enum"]
    assert tools == STANDARD_IDS
    constants = schema["properties"]["constants"]
    assert constants["additionalProperties"] is False
    assert constants["properties"]["drift_rate"]["default"] == standard_rules().constants.drift_rate
