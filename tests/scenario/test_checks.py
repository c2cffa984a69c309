"""Cross-reference checks: each error class with a real broken file, plus the warnings."""

from __future__ import annotations

import json
import os

import pytest

from diplosim.scenario.loader import load_scenario
from tests.scenario.test_loader import BASE, only_problem, problems_of, replace, write


def fields_and_lines(problems):
    return [(p.line, p.field) for p in problems]


# --- ids ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("old", "new", "line", "field", "what"), [
    ("  - id: assembly\n", "  - id: expression\n", 8, "themes[1].id", "theme"),
    ("  - id: ignore\n", "  - id: protest\n", 33, "events[0].choices[1].id", "choice"),
])
def test_duplicate_ids(tmp_path, old, new, line, field, what):
    text = replace(old, new)
    found = [p for p in problems_of(write(tmp_path, text)) if "used twice" in p.message]
    assert len(found) == 1
    p = found[0]
    assert (p.line, p.field) == (line, field)
    name = new.split("id: ")[1].strip()
    assert p.message.startswith(f"the {what} id '{name}' is used twice (first on line ")
    assert p.message.endswith(f"give each {what} its own id")


def test_duplicate_country_id(tmp_path):
    found = problems_of(write(tmp_path, replace("  - id: sudland\n", "  - id: borealia\n")))
    p = found[0]
    assert (p.line, p.field) == (14, "countries[1].id")
    assert p.message == ("the country id 'borealia' is used twice (first on line 11); give each "
                         "country its own id")


def test_duplicate_tool_event_objective_ids(tmp_path):
    text = replace("    cost: {capital: 3}\n", "    cost: {capital: 3}\n  - id: sanctions\n"
                   "    pressure: 3\n")
    text = text + ("  - id: raise_expression\n    text: Again\n"
                   "    condition: {field: sudland.face, op: '<', value: 60}\n")
    text = replace("    default: ignore\n", "    default: ignore\n  - id: crackdown\n"
                   "    title: Again\n    turn: 4\n", text)
    found = [p for p in problems_of(write(tmp_path, text)) if "used twice" in p.message]
    assert fields_and_lines(found) == [(22, "tools[1].id"), (38, "events[1].id"),
                                       (45, "objectives[1].id")]


@pytest.mark.parametrize("word", ["player", "target", "all", "mean", "min", "max", "turn"])
def test_reserved_words_cannot_be_country_ids(tmp_path, word):
    text = replace("  - id: sudland\n", f"  - id: {word}\n")
    found = [p for p in problems_of(write(tmp_path, text)) if "reserved" in p.message]
    assert fields_and_lines(found) == [(14, "countries[1].id")]
    assert found[0].message.startswith(f"'{word}' is a reserved word in field paths (")
    assert found[0].message.endswith("choose another country id")


def test_reserved_word_as_theme_id(tmp_path):
    text = replace("  - id: assembly\n", "  - id: mean\n")
    found = [p for p in problems_of(write(tmp_path, text)) if "reserved" in p.message]
    assert fields_and_lines(found) == [(8, "themes[1].id")]


# --- rights per theme -----------------------------------------------------------------------
def test_missing_theme_in_rights(tmp_path):
    p = only_problem(write(tmp_path, replace("{expression: 30, assembly: 35}", "{expression: 30}")))
    assert (p.line, p.field) == (16, "countries[1].rights")
    assert p.message == ("no value for the theme(s) assembly; add a 0-100 level for each, "
                         "like `assembly: 40`")


def test_unknown_theme_in_rights(tmp_path):
    text = replace("{expression: 30, assembly: 35}", "{expression: 30, assembly: 35, asembly: 1}")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.field) == (16, "countries[1].rights.asembly")
    assert p.message == ("'asembly' is not a theme of this scenario (themes: expression, "
                         "assembly). Did you mean 'assembly'?")


# --- field paths ----------------------------------------------------------------------------
OBJ_FIELD = "borealia.rights.expression"
EFFECT_FIELD = "target.rights.expression"


@pytest.mark.parametrize(("old", "new", "line", "field", "message"), [
    (OBJ_FIELD, "borealai.rights.expression", 39, "objectives[0].condition.field",
     ("'borealai' in 'borealai.rights.expression' is not a country id or one of player, target, "
     "all, mean, min, max, turn. Did you mean 'borealia'?")),
    (OBJ_FIELD, "borealia.fcae", 39, "objectives[0].condition.field",
     "'fcae' in 'borealia.fcae' is not a country field. Did you mean 'face'?"),
    (EFFECT_FIELD, "target.rights.expresion", 28, "events[0].effects[0].field",
     ("'expresion' in 'target.rights.expresion' is not a theme of this scenario. "
     "Did you mean 'expression'?")),
    (OBJ_FIELD, "player.credibilty", 39, "objectives[0].condition.field", "is not a player field"),
    ("target.relations", "target.leverage", 32, "events[0].choices[0].effects[0].field",
     "'leverage' is derived each turn and cannot be changed by an effect"),
    ("target.relations", "mean.relations", 32, "events[0].choices[0].effects[0].field",
     "'mean.' can only be read in conditions; to change every country use 'all.relations'"),
    (OBJ_FIELD, "all.face", 39, "objectives[0].condition.field",
     "'all.' is for effects; in a condition use 'min.face', 'max.face' or 'mean.face'"),
    (EFFECT_FIELD, "turn", 28, "events[0].effects[0].field",
     "'turn' can only be read, and has no sub-field; write just 'turn'"),
    (OBJ_FIELD, "target.face", 39, "objectives[0].condition.field",
     ("'target.face' names the target, but objectives and scores have no target; name a "
     "country, like 'borealia.face'")),
])
def test_bad_field_paths(tmp_path, old, new, line, field, message):
    p = only_problem(write(tmp_path, replace(old, new)))
    assert (p.line, p.field) == (line, field)
    assert message in p.message


def test_target_in_an_event_without_country(tmp_path):
    found = problems_of(write(tmp_path, replace("    country: borealia\n", "")))
    assert fields_and_lines(found) == [(27, "events[0].effects[0].field"),
                                       (31, "events[0].choices[0].effects[0].field")]
    assert found[0].message == ("'target.rights.expression' names the target, but this event has "
                                "no 'country'; add `country: <id>` to the event or name a "
                                "country, like 'borealia.face'")


def test_target_in_a_self_tool(tmp_path):
    text = replace("    cost: {capital: 3}\n", "    cost: {capital: 3}\n"
                   "  - id: retreat\n    name: Staff retreat\n    target: self\n"
                   "    on_success: [{field: target.face, add: 2}]\n")
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.field) == (25, "tools[1].on_success[0].field")
    assert p.message.startswith("'target.face' names the target, but this tool's target is 'self'")


def test_standard_tool_retargeted_to_self_keeps_its_target_effects(tmp_path):
    p = only_problem(write(tmp_path, replace("    cost: {capital: 3}\n", "    target: self\n")))
    assert (p.line, p.field) == (21, "tools[0].target")
    assert p.message.startswith("the standard tool 'sanctions' acts on 'target.")


def test_field_paths_in_tool_preconditions_and_risks(tmp_path):
    text = replace("    cost: {capital: 3}\n", "    cost: {capital: 3}\n"
                   "    preconditions:\n      - any:\n          - {field: target.trdae, op: '>', value: 1}\n"
                   "    risks:\n      - chance: 0.1\n        text: oops\n"
                   "        when: {not: {field: player.budgte, op: '<', value: 5}}\n"
                   "        effects: [{field: all.estimate, add: 1}]\n")
    found = problems_of(write(tmp_path, text))
    assert fields_and_lines(found) == [
        (24, "tools[0].preconditions[0].any[0].field"),
        (28, "tools[0].risks[0].when.not.field"),
        (29, "tools[0].risks[0].effects[0].field")]
    assert "Did you mean 'trade'?" in found[0].message
    assert "Did you mean 'budget'?" in found[1].message
    assert "estimate cannot be changed directly" in found[2].message


def test_score_terms_are_read_only_paths(tmp_path):
    p = only_problem(write(tmp_path, BASE + "score:\n  - {field: min.rights.asembly, weight: 1}\n"))
    assert (p.line, p.field) == (41, "score[0].field")
    assert "Did you mean 'assembly'?" in p.message


# --- events and objectives ------------------------------------------------------------------
def test_event_country_unknown(tmp_path):
    p = only_problem(write(tmp_path, replace("country: borealia", "country: borelia")))
    assert (p.line, p.col, p.field) == (25, 14, "events[0].country")
    assert p.message == "'borelia' is not a country id of this scenario. Did you mean 'borealia'?"


def test_event_default_not_a_choice(tmp_path):
    p = only_problem(write(tmp_path, replace("default: ignore", "default: ignor")))
    assert (p.line, p.field) == (35, "events[0].default")
    assert p.message == ("'ignor' is not one of this event's choices (protest, ignore). "
                         "Did you mean 'ignore'?")


def test_event_default_without_choices(tmp_path):
    start, end = BASE.index("    choices:\n"), BASE.index("    default: ignore")
    p = only_problem(write(tmp_path, BASE[:start] + BASE[end:]))
    assert (p.line, p.field) == (29, "events[0].default")
    assert p.message == ("'default' picks one of the event's choices, but it has none; add "
                         "'choices' or remove 'default'")


def test_objective_deadline_after_the_last_turn(tmp_path):
    p = only_problem(write(tmp_path, BASE + "    by_turn: 12\n"))
    assert (p.line, p.field) == (40, "objectives[0].by_turn")
    assert p.message == "turn 12 is after the last turn (10); use a turn from 1 to 10"


# --- trade ----------------------------------------------------------------------------------
MATRIX = "  countries: [player, borealia, sudland]\n  volumes: [[0, 4, 3], [4, 0, 0], [3, 0, 0]]\n"


def matrix(new: str) -> str:
    return replace("  player: {borealia: 40, sudland: 10}\n", new)


@pytest.mark.parametrize(("text", "line", "field", "message"), [
    (replace("sudland: 10}", "sudlnd: 10}"), 18, "trade.player.sudlnd",
     "'sudlnd' is not 'player' or a country id of this scenario. Did you mean 'sudland'?"),
    (replace("  player: {", "  plyer: {"), 18, "trade.plyer",
     "'plyer' is not 'player' or a country id of this scenario. Did you mean 'player'?"),
    (replace("sudland: 10}", "sudland: 10}\n  sudland: {sudland: 5}"), 19,
     "trade.sudland.sudland", "'sudland' cannot trade with itself; remove this value or set it to 0"),
    (replace("sudland: 10}", "sudland: 10}\n  borealia: {player: 30}"), 19,
     "trade.borealia.player", ("trade between borealia and player is given twice with different "
     "values (40 and 30); give it once")),
    (matrix(MATRIX.replace("[4, 0, 0], ", "[4, 0], ")), 19, "trade.volumes[1]",
     "row 2 has 2 value(s) but the matrix needs 3 (one per id in 'countries'); make it square"),
    (matrix(MATRIX.replace(", [3, 0, 0]]", "]")), 19, "trade.volumes",
     "the matrix has 2 row(s) but 'countries' lists 3 ids; give one row per id, in the same order"),
    (matrix(MATRIX.replace("[4, 0, 0]", "[5, 0, 0]")), 19, "trade.volumes[1][0]",
     "trade borealia-player is 5 here but 4 in row 1; the matrix must be symmetric"),
    (matrix(MATRIX.replace("[3, 0, 0]]", "[3, 0, 2]]")), 19, "trade.volumes[2][2]",
     "'sudland' cannot trade with itself; remove this value or set it to 0"),
    (matrix(MATRIX.replace("sudland]", "sudlnd]")), 18, "trade.countries[2]",
     "'sudlnd' is not 'player' or a country id of this scenario. Did you mean 'sudland'?"),
    (matrix(MATRIX.replace("sudland]", "borealia]")), 18, "trade.countries[2]",
     "'borealia' is listed twice; list each id once"),
])
def test_trade_errors(tmp_path, text, line, field, message):
    p = only_problem(write(tmp_path, text))
    assert (p.line, p.field, p.message) == (line, field, message)


def test_trade_same_value_both_ways_is_fine(tmp_path):
    loaded = load_scenario(write(tmp_path, replace("sudland: 10}", "sudland: 10}\n  sudland: "
                                                   "{player: 10}")))
    assert loaded.trade[0][2] == loaded.trade[2][0] == 10


# --- maps -----------------------------------------------------------------------------------
GOOD = {"type": "Feature", "properties": {"id": "borealia"},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def with_map_file(tmp_path, geo, name="m.geojson", raw: str | None = None):
    (tmp_path / name).write_text(raw if raw is not None else json.dumps(geo), encoding="utf-8")
    return write(tmp_path, BASE + f"map: {name}\n")


def map_errors(path):
    return [p for p in problems_of(path) if p.severity == "error"]


def test_map_file_naming_an_unknown_country_points_at_the_map_key(tmp_path):
    bad = dict(GOOD, properties={"id": "sudlnd"})
    found = map_errors(with_map_file(tmp_path, collection(GOOD, bad)))
    assert len(found) == 1
    p = found[0]
    assert (p.line, p.col, p.field) == (40, 6, "map")
    assert p.message == ("in 'm.geojson', feature 1 ('sudlnd'): 'sudlnd' is not a country id of "
                         "this scenario. Did you mean 'sudland'?")


def test_inline_map_naming_an_unknown_country_points_at_the_feature(tmp_path):
    bad = dict(GOOD, properties={"id": "sudlnd"})
    text = BASE + "map: " + json.dumps(collection(GOOD, bad)) + "\n"
    found = map_errors(write(tmp_path, text))
    assert [p.field for p in found] == ["map.features[1].properties.id"]
    assert found[0].message.endswith("Did you mean 'sudland'?")


@pytest.mark.parametrize(("geo", "message"), [
    ({"type": "Feature"}, ("in 'm.geojson', the top level: a map must be a GeoJSON "
     "FeatureCollection")),
    (collection({"type": "Feature", "geometry": GOOD["geometry"]}),
     "in 'm.geojson', feature 0: the feature needs `properties: {id: <country id>}`"),
    (collection(dict(GOOD, geometry={"type": "LineString", "coordinates": [[0, 0], [1, 1]]})),
     ("in 'm.geojson', feature 0 ('borealia'): the geometry must be a Polygon or MultiPolygon, "
     "not LineString")),
    (collection(dict(GOOD, geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, "x"],
                                                                          [1, 1]]]})),
     "in 'm.geojson', feature 0 ('borealia'): [1, \"x\"] is not a point"),
    (collection(dict(GOOD, geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]})),
     "a ring needs at least 3 distinct points"),
])
def test_bad_geojson_content(tmp_path, geo, message):
    found = map_errors(with_map_file(tmp_path, geo))
    assert [p.field for p in found] == ["map"]
    assert message in found[0].message


@pytest.mark.parametrize(("raw", "message"), [
    ('{"type": "FeatureCollection", "features": [{"x": NaN}]}', "contains NaN; use finite numbers"),
    ('{"a": Infinity}', "contains Infinity"),
    ("{not json", "is not valid JSON (line 1, column 2"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_map_file_that_is_not_clean_json(tmp_path, raw, message):
    found = map_errors(with_map_file(tmp_path, None, raw=raw))
    assert [p.field for p in found] == ["map"]
    assert message in found[0].message


def test_map_file_over_the_size_limit(tmp_path):
    found = map_errors(with_map_file(tmp_path, None, raw=" " * 2_100_000))
    assert "is over 2 MB" in found[0].message


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.geojson", "maps/../../x.geojson",
                                  "~/x.geojson"])
def test_map_path_must_stay_in_the_scenario_folder(tmp_path, name):
    p = only_problem(write(tmp_path, BASE + f"map: {name}\n"))
    assert (p.line, p.field) == (40, "map")
    assert "must be a file in the scenario's folder" in p.message


def test_map_name_too_long_for_the_system(tmp_path):
    p = only_problem(write(tmp_path, BASE + "map: " + "m" * 5000 + ".geojson\n"))
    assert p.field == "map" and p.message.endswith("cannot be read (File name too long)")


def test_map_symlink_leading_outside_is_refused(tmp_path):
    outside = tmp_path / "outside.geojson"
    outside.write_text(json.dumps(collection(GOOD)))
    inner = tmp_path / "scenario"
    inner.mkdir()
    os.symlink(outside, inner / "m.geojson")
    p = only_problem(write(inner, BASE + "map: m.geojson\n"))
    assert p.message == "'m.geojson' leads outside the scenario's folder; copy the map beside it"


def test_missing_map_file(tmp_path):
    p = only_problem(write(tmp_path, BASE + "map: nothere.geojson\n"))
    assert p.message == ("the map file 'nothere.geojson' does not exist; put the GeoJSON file "
                         "beside the scenario or remove 'map' for an automatic layout")


def test_map_file_in_a_scenario_read_from_text():
    from diplosim.scenario.loader import load_scenario_text
    from diplosim.scenario.yamlsafe import ScenarioError

    with pytest.raises(ScenarioError) as info:
        load_scenario_text(BASE + "map: m.geojson\n")
    assert "was not read from a file" in info.value.problems[0].message


def test_multipolygon_and_several_features_per_country_are_merged(tmp_path):
    multi = dict(GOOD, geometry={"type": "MultiPolygon", "coordinates": [
        [[[0, 0], [1, 0], [1, 1]]], [[[2, 0], [3, 0], [3, 1]]]]})
    south = dict(GOOD, properties={"id": "sudland"})
    loaded = load_scenario(with_map_file(tmp_path, collection(multi, GOOD, south)))
    assert len(loaded.shapes["borealia"].polygons) == 3
    assert len(loaded.shapes["sudland"].polygons) == 1


# --- warnings -------------------------------------------------------------------------------
def warnings_of(tmp_path, text):
    loaded = load_scenario(write(tmp_path, text))
    assert all(w.severity == "warning" for w in loaded.warnings)
    return loaded.warnings


@pytest.mark.parametrize(("condition", "why"), [
    ("{field: borealia.rights.expression, op: '>=', value: 120}", "stay within 0-100"),
    ("{all: [{field: turn, op: '>', value: 3}, {field: sudland.face, op: '<', value: -1}]}",
     "stay within 0-100"),
    ("{field: turn, op: '>', value: 10}", "stay within 0-100"),
])
def test_objective_that_can_never_be_met(tmp_path, condition, why):
    text = replace("{field: borealia.rights.expression, op: \">=\", value: 60}", condition)
    found = warnings_of(tmp_path, text)
    assert fields_and_lines(found) == [(39, "objectives[0].condition")]
    assert found[0].message.startswith("this condition can never hold, so the objective "
                                       "'raise_expression' can never be met")
    assert why in found[0].message


def test_objective_on_a_counter_no_tool_moves(tmp_path):
    text = replace("turns: 10\n", "turns: 10\nstandard_tools: [quiet_engagement]\n")
    text = replace("{field: borealia.rights.expression, op: \">=\", value: 60}",
                   "{field: player.resolutions, op: '>=', value: 1}", text)
    found = warnings_of(tmp_path, text)
    assert found[0].message.endswith("no tool or event changes player.resolutions, so it stays at 0")
    # with every standard tool, the multilateral resolution can move it: no warning
    assert warnings_of(tmp_path, text.replace("standard_tools: [quiet_engagement]\n", "")) == ()


def test_avoid_objective_that_always_holds(tmp_path):
    text = replace("    condition: {field: borealia", "    kind: avoid\n    condition: {field: borealia")
    text = text.replace("op: \">=\", value: 60}", "op: \"<=\", value: 100}")
    found = warnings_of(tmp_path, text)
    assert "always holds, so the objective 'raise_expression' is failed from the start" in \
        found[0].message


def test_deadline_on_turn_one(tmp_path):
    found = warnings_of(tmp_path, BASE + "    by_turn: 1\n")
    assert fields_and_lines(found) == [(40, "objectives[0].by_turn")]
    assert found[0].message == "by_turn 1 leaves the player no turn to act; give a later turn"


def test_no_tool_can_target_a_country(tmp_path):
    text = replace("turns: 10\n", "turns: 10\nstandard_tools: [cultural_training, "
                   "treaty_negotiation]\n")
    text = replace("tools:\n  - id: sanctions\n    cost: {capital: 3}\n", "", text)
    found = warnings_of(tmp_path, text)
    assert fields_and_lines(found) == [(5, "standard_tools")]
    assert found[0].message.startswith("no available tool acts on a country")


def test_tool_that_does_nothing(tmp_path):
    text = replace("    cost: {capital: 3}\n", "    cost: {capital: 3}\n"
                   "  - id: photo_op\n    name: Photo opportunity\n    target: country\n")
    found = warnings_of(tmp_path, text)
    assert fields_and_lines(found) == [(22, "tools[1].id")]
    assert found[0].message.startswith("the tool 'photo_op' has no pressure and no effects")


def test_tool_that_can_never_be_used(tmp_path):
    text = replace("    cost: {capital: 3}\n",
                   "    preconditions: [{field: target.stability, op: '>', value: 100}]\n")
    found = warnings_of(tmp_path, text)
    assert fields_and_lines(found) == [(21, "tools[0].preconditions")]
    assert found[0].message == ("the preconditions of 'sanctions' can never all hold, so it can "
                                "never be used")


def test_event_after_the_last_turn(tmp_path):
    found = warnings_of(tmp_path, replace("    turn: 3\n", "    turn: 11\n"))
    assert fields_and_lines(found) == [(26, "events[0].turn")]
    assert found[0].message == "turn 11 is after the last turn (10), so this event never happens"


def test_warnings_come_with_errors_in_one_sorted_list(tmp_path):
    geo = collection(dict(GOOD, properties={"id": "sudlnd"}))
    found = problems_of(with_map_file(tmp_path, geo))
    assert [(p.line, p.severity) for p in found] == [(11, "warning"), (14, "warning"), (40, "error")]
