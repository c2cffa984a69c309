"""Tests for safe, bounded YAML reading with source positions."""

from __future__ import annotations

import os
import pickle
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from diplosim.scenario import yamlsafe
from diplosim.scenario.yamlsafe import (
    MAX_BYTES,
    MAX_NODES,
    Problem,
    ScenarioError,
    YamlDocument,
    read_yaml_file,
    read_yaml_text,
)
from tests.scenario.files import write_file

LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.fixture(params=LOADERS, ids=lambda loader: loader.__name__, autouse=True)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    """Run every test with both the pure-Python and the libyaml loader."""
    monkeypatch.setattr(yamlsafe, "_LOADER", request.param)
    return request.param


def write(tmp_path: Path, text: str | bytes, name: str = "scen.yaml") -> Path:
    """Write a scenario file for a test (default name: scen.yaml)."""
    return write_file(tmp_path, text, name)


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        read_yaml_file(path)
    return info.value.problems


def only_problem(path: Path) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return problems[0]


NESTED = """\
id: demo   # a comment
title: "Demo scenario"
countries:
  - id: norland
    face: 40
    tags: [north, coast]
  - id: sudia
    face: -2.5
    active: true
    notes:
    when: 2024-05-01
"""


def test_nested_values_and_positions(tmp_path: Path) -> None:
    doc = read_yaml_file(write(tmp_path, NESTED))
    assert doc.data == {
        "id": "demo",
        "title": "Demo scenario",
        "countries": [
            {"id": "norland", "face": 40, "tags": ["north", "coast"]},
            {"id": "sudia", "face": -2.5, "active": True, "notes": None, "when": "2024-05-01"},
        ],
    }
    assert doc.path == str(tmp_path / "scen.yaml")
    pos = doc.positions
    assert pos[()] == (1, 1)
    assert pos[("id",)] == (1, 5)
    assert pos[("title",)] == (2, 8)
    assert pos[("countries",)] == (4, 3)
    assert pos[("countries", 0)] == (4, 5)
    assert pos[("countries", 0, "face")] == (5, 11)
    assert pos[("countries", 0, "tags", 1)] == (6, 19)
    assert pos[("countries", 1, "face")] == (8, 11)
    assert pos[("countries", 1, "notes")] == (10, 11)  # empty value: just after the colon


def test_locate_and_problem_use_longest_known_prefix() -> None:
    doc = read_yaml_text(NESTED, "s.yaml")
    assert doc.locate(("countries", 1, "face")) == (8, 11)
    assert doc.locate(("countries", 1, "missing_field", 3)) == (7, 5)
    assert doc.locate(("nothing", "here")) == (1, 1)
    problem = doc.problem(("countries", 1, "face"), "must be at least 0, got -2.5; use 0 or more")
    assert problem == Problem("s.yaml", 8, 11, "countries[1].face",
                              "must be at least 0, got -2.5; use 0 or more")
    assert problem.format() == (
        "s.yaml:8:11: countries[1].face: must be at least 0, got -2.5; use 0 or more")
    assert doc.problem((), "top", severity="warning").format() == "s.yaml:1:1: top"
    assert doc.problem((), "top", severity="warning").severity == "warning"
    assert YamlDocument({}, "x").locate(("a",)) == (1, 1)


def test_both_loaders_give_identical_documents() -> None:
    text = NESTED + "unicode: \"héllo wörld\"\nafter: [é, {ü: 1}]\n"
    docs = []
    for loader in LOADERS:
        yamlsafe._LOADER = loader
        docs.append(read_yaml_text(text))
    assert all(d.data == docs[0].data and d.positions == docs[0].positions for d in docs)
    assert docs[0].positions[("after", 1, "ü")] == (13, 16)


def test_scalar_keys_become_text_as_written() -> None:
    doc = read_yaml_text("1: one\nyes: two\n2.50: three\n")
    assert doc.data == {"1": "one", "yes": "two", "2.50": "three"}


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    doc = read_yaml_file(write(tmp_path, b"\xef\xbb\xbfid: demo\nname: x\n"))
    assert doc.data == {"id": "demo", "name": "x"}
    assert doc.positions[("id",)] == (1, 5)
    assert read_yaml_text("\ufeffid: demo\n").positions[("id",)] == (1, 5)


def test_merge_keys_fill_in_without_counting_as_duplicates() -> None:
    text = "base: &base {face: 1, votes: 2}\nnorland:\n  <<: *base\n  votes: 5\n"
    doc = read_yaml_text(text)
    assert doc.data["norland"] == {"face": 1, "votes": 5}
    assert doc.positions[("norland", "votes")] == (4, 10)
    assert doc.positions[("norland", "face")] == (1, 20)


def test_duplicate_key_reported_at_second_occurrence(tmp_path: Path) -> None:
    text = "id: demo\ncountries:\n  - id: a\n  - id: b\n  - id: c\n    face: 1\n    face: 2\n"
    problem = only_problem(write(tmp_path, text))
    assert (problem.line, problem.col, problem.field) == (7, 5, "countries[2]")
    assert problem.format() == (
        f"{tmp_path / 'scen.yaml'}:7:5: countries[2]: the key 'face' appears twice in this "
        "mapping; keep only one of them")


def test_all_problems_are_reported_sorted(tmp_path: Path) -> None:
    text = "b: .nan\na: 1\na: 2\nc: !shout hi\n"
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.field) for p in problems] == [(1, "b"), (3, ""), (4, "c")]
    err = ScenarioError(list(reversed(problems)))
    assert err.problems == problems
    assert str(err) == "\n".join(p.format() for p in problems)
    assert pickle.loads(pickle.dumps(err)).problems == problems


@pytest.mark.parametrize(
    ("value", "shown"),
    [("!!python/object/apply:os.system ['echo hi']", "!!python/object/apply:os.system"),
     ("!!python/name:os.system", "!!python/name:os.system"),
     ("!shout hello", "!shout"),
     ("!!set {a, b}", "!!set"),
     ("!!binary aGVsbG8=", "!!binary")],
)
def test_unsupported_tags_are_refused(tmp_path: Path, value: str, shown: str) -> None:
    problem = only_problem(write(tmp_path, f"id: demo\nsecret: {value}\n"))
    assert (problem.line, problem.col, problem.field) == (2, 9, "secret")
    assert problem.message == f"unsupported YAML tag '{shown}'; remove it"


def test_explicit_standard_tags_still_work() -> None:
    doc = read_yaml_text("a: !!str 40\nb: !!int '7'\nc: !!float 2\n")
    assert doc.data == {"a": "40", "b": 7, "c": 2.0}


def test_explicit_tag_with_unreadable_value(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "id: demo\nface: !!int forty\n"))
    assert (problem.line, problem.field) == (2, "face")
    assert "'forty' cannot be read as a whole number" in problem.message


@pytest.mark.parametrize("word", [".nan", ".inf", "-.inf", ".NaN", "1.0e+999"])
def test_non_finite_numbers_are_refused(tmp_path: Path, word: str) -> None:
    problem = only_problem(write(tmp_path, f"id: demo\nmods:\n  - {word}\n"))
    assert (problem.line, problem.col, problem.field) == (3, 5, "mods[0]")
    assert problem.message == (
        f"'{word}' is not a number this game can use; write a finite number")


def test_non_scalar_key_is_refused(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "id: demo\n? [a, b]\n: 1\n"))
    assert (problem.line, problem.col) == (2, 3)
    assert "keys must be text" in problem.message


def billion_laughs() -> str:
    lines = ["lol0: &lol0 [" + ", ".join(["lol"] * 10) + "]"]
    for i in range(1, 10):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = write(tmp_path, billion_laughs())
    start = time.perf_counter()
    tracemalloc.start()
    try:
        problem = only_problem(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2
    assert peak < 20_000_000
    assert problem.message == (f"the file expands to more than {MAX_NODES} values (YAML aliases?); "
                               "remove the repeated aliases")
    assert (problem.line, problem.col, problem.field) == (5, 7, "lol4")


def test_many_aliases_below_the_limit_are_fine() -> None:
    doc = read_yaml_text("base: &b [1, 2, 3]\nuse: [*b, *b]\n")
    assert doc.data["use"] == [[1, 2, 3], [1, 2, 3]]
    assert doc.positions[("use", 1, 2)] == (1, 17)


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {self: *a}\n", "a: &a {<<: *a}\n"])
def test_recursive_alias_is_refused(tmp_path: Path, text: str) -> None:
    problem = only_problem(write(tmp_path, "id: demo\n" + text))
    assert problem.line == 2
    assert "contains itself through a YAML alias" in problem.message


def test_deep_brackets_do_not_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "id: demo\nx: " + "[" * 100_000 + "\n")
    start = time.perf_counter()
    problem = only_problem(path)
    assert time.perf_counter() - start < 2
    assert problem.line == 2
    assert "nested more than 40 levels deep" in problem.message


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    text = "id: demo\n" + "".join("  " * i + f"k{i}:\n" for i in range(45)) + "  " * 45 + "v\n"
    problem = only_problem(write(tmp_path, text))
    assert problem.line == 2 + 40
    assert "nested more than 40 levels deep" in problem.message


def test_nesting_through_aliases_is_refused(tmp_path: Path) -> None:
    text = "a0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 3000))
    problem = only_problem(write(tmp_path, text))
    assert "nested more than 40 levels deep" in problem.message


def test_forty_levels_are_allowed() -> None:
    doc = read_yaml_text("x: " + "[" * 39 + "1" + "]" * 39 + "\n")
    assert doc.positions[("x",) + (0,) * 39] == (1, 43)


def test_file_too_big_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "id: [" + "1," * 1_540_000 + "]\n")
    problem = only_problem(path)
    assert (problem.line, problem.col, problem.field) == (1, 1, "")
    assert problem.message == "the file is 3.1 MB; scenario files are limited to 2 MB"
    with pytest.raises(ScenarioError, match="limited to 2 MB"):
        read_yaml_text("#" * (MAX_BYTES + 1))
    with pytest.raises(ScenarioError, match="limited to 2 MB"):
        read_yaml_text("é" * (MAX_BYTES // 2 + 1))  # fewer characters than bytes


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, b"id: demo\nname: Caf\xe9 de Flore\n"))
    assert (problem.line, problem.col) == (2, 10)
    assert "not UTF-8" in problem.message and "0xe9" in problem.message


def test_control_character_names_the_line(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "id: demo\nname: bad\x07bell\n"))
    assert (problem.line, problem.col) == (2, 10)
    assert "control character (U+0007)" in problem.message


def test_missing_file(tmp_path: Path) -> None:
    problem = only_problem(tmp_path / "nope.yaml")
    assert (problem.path, problem.line, problem.col) == (str(tmp_path / "nope.yaml"), 1, 1)
    assert "does not exist" in problem.message


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert "is a folder, not a file" in only_problem(tmp_path).message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    assert "not an ordinary file" in only_problem(tmp_path / "pipe.yaml").message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "id: demo\n")
    path.chmod(0)
    try:
        assert "permission denied" in only_problem(path).message
    finally:
        path.chmod(0o644)


def test_permission_error_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "id: demo\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", refuse)
    problem = only_problem(path)
    assert (problem.line, problem.col) == (1, 1)
    assert "permission denied" in problem.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n  # another\n", "---\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    problem = only_problem(write(tmp_path, text))
    assert (problem.line, problem.col) == (1, 1)
    assert problem.message.startswith("the file is empty")


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "a list"),
                                            ("just words\n", "a single value")])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    problem = only_problem(write(tmp_path, text))
    assert problem.message == (
        f"the top level must be a mapping of fields (like `id: ...`), not {kind}")


def test_tab_indentation_is_a_syntax_error(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "id: demo\ncountries:\n\t- a\n"))
    assert problem.line == 3
    assert problem.message.startswith("could not parse the YAML here: ")
    assert "tab" in problem.message and "indent with spaces" in problem.message


def test_unclosed_quote_is_a_syntax_error(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "id: demo\ntitle: 'Unclosed\nface: 1\n"))
    assert problem.line == 4
    assert "quoted scalar that starts on line 2" in problem.message


def test_bad_colon_is_a_syntax_error(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "id: demo\ntitle: a: b\n"))
    assert (problem.line, problem.col) == (2, 9)
    assert "mapping values are not allowed" in problem.message


def test_second_document_is_refused(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "id: a\n---\nid: b\n"))
    assert problem.line == 2
    assert "remove the extra '---'" in problem.message


def test_undefined_alias(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "id: demo\nface: *nothing\n"))
    assert (problem.line, problem.col) == (2, 7)
    assert "undefined alias" in problem.message


def test_too_many_written_values_is_not_blamed_on_aliases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlsafe, "MAX_NODES", 50)
    problem = only_problem(write(tmp_path, "id: demo\nmods: [" + "1, " * 51 + "]\n"))
    assert (problem.line, problem.field) == (2, "mods")
    assert problem.message == "the file has more than 50 values; split it into smaller scenarios"


def test_overlong_numbers_are_refused_quickly(tmp_path: Path) -> None:
    text = "id: demo\nclock: 1" + ":1" * 100_000 + "\nbig: " + "9" * 5000 + "\n"
    start = time.perf_counter()
    problems = problems_of(write(tmp_path, text))
    assert time.perf_counter() - start < 2
    assert [(p.line, p.field) for p in problems] == [(2, "clock"), (3, "big")]
    assert all("too long to read as a number" in p.message for p in problems)


def test_a_mistake_inside_an_anchor_is_reported_once(tmp_path: Path) -> None:
    text = "base: &b {face: .nan}\na: *b\nb: *b\n"
    problem = only_problem(write(tmp_path, text))
    assert (problem.line, problem.field) == (1, "base.face")
