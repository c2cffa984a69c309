"""Tests for turning pydantic validation errors into located, plain-language Problems."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

import pytest
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from diplosim.scenario.messages import did_you_mean, problems_from_validation_error
from diplosim.scenario.yamlsafe import Problem, read_yaml_text


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Country(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    stance: Literal["ally", "neutral", "rival"] = "neutral"
    budget: int = Field(0, ge=0)
    trust: float = Field(0.5, le=1)
    color: Colour = Colour.RED
    active: bool = True


class Vote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["vote"]
    target: str


class Speech(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["speech"]
    text: str = Field(min_length=1)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    countries: list[Country] = Field(min_length=1)
    events: list[Annotated[Vote | Speech, Field(discriminator="kind")]] = []
    plain: list[Vote | Speech] = []
    size: int | str = 1

    @field_validator("id")
    @classmethod
    def no_spaces(cls, value: str) -> str:
        if " " in value:
            raise ValueError("the id must not contain spaces; use '-' instead")
        return value


def check(text: str, **kwargs: Any) -> list[Problem]:
    doc = read_yaml_text(text, "scen.yaml")
    with pytest.raises(ValidationError) as info:
        Scenario.model_validate(doc.data)
    return problems_from_validation_error(info.value, doc, **kwargs)


def lines(problems: list[Problem]) -> list[str]:
    return [p.format() for p in problems]


def test_did_you_mean() -> None:
    assert did_you_mean("colour", ["name", "color", "budget"]) == " Did you mean 'color'?"
    assert did_you_mean("zzz", ["name", "color"]) == ""
    assert did_you_mean("name", ["name"]) == ""
    assert did_you_mean("Ally", iter(["ally", "rival"])) == " Did you mean 'ally'?"


def test_typical_mistakes_become_located_sentences() -> None:
    text = """\
id: my scen
countries:
  - name: Norland
    stance: alley
    budget: -5
    trust: 1.5
  - nme: Sudia
    colour: red
    budget: lots
    active: maybe
"""
    fields = ["name", "stance", "budget", "trust", "color", "active"]
    problems = check(text, known_fields=lambda loc: fields if loc[:1] == ("countries",) else [])
    assert lines(problems) == [
        "scen.yaml:1:5: id: the id must not contain spaces; use '-' instead",
        ("scen.yaml:4:13: countries[0].stance: must be one of ally, neutral, rival; "
         "got 'alley'. Did you mean 'ally'?"),
        "scen.yaml:5:13: countries[0].budget: must be at least 0, got -5; use 0 or more",
        "scen.yaml:6:12: countries[0].trust: must be at most 1, got 1.5; use 1 or less",
        "scen.yaml:7:5: countries[1].name: the required field 'name' is missing; add it",
        ("scen.yaml:7:10: countries[1].nme: 'nme' is not a field here; remove it or fix the "
         "spelling. Did you mean 'name'?"),
        ("scen.yaml:8:13: countries[1].colour: 'colour' is not a field here; remove it or fix "
         "the spelling. Did you mean 'color'?"),
        ("scen.yaml:9:13: countries[1].budget: expected a whole number, got 'lots'; "
         "write a number like 40"),
        ("scen.yaml:10:13: countries[1].active: expected true or false, got 'maybe'; "
         "write true or false"),
    ]
    assert all(p.severity == "error" for p in problems)


def test_missing_field_names_suggest_spellings_without_known_fields() -> None:
    problems = check("id: x\ncountries:\n  - nmae: A\n")
    assert [p.message for p in problems] == [
        "the required field 'name' is missing; add it",
        "'nmae' is not a field here; remove it or fix the spelling. Did you mean 'name'?",
    ]


def test_top_level_missing_and_wrong_container_types() -> None:
    assert lines(check("countries: Norland\n")) == [
        "scen.yaml:1:1: id: the required field 'id' is missing; add it",
        ("scen.yaml:1:12: countries: expected a list of items (lines starting with '- '), "
         "got 'Norland'; start each item on its own line with '- '"),
    ]
    assert lines(check("id: x\ncountries:\n  - Norland\n")) == [
        ("scen.yaml:3:5: countries[0]: expected a mapping of fields (lines like `name: value`), "
         "got 'Norland'; write one `name: value` per line"),
    ]


def test_too_short_list_and_empty_text() -> None:
    problems = check("id: x\ncountries: []\nevents:\n  - kind: speech\n    text: ''\n")
    assert lines(problems) == [
        "scen.yaml:2:12: countries: has 0 item(s) but needs at least 1; add more",
        "scen.yaml:5:11: events[0].text: must not be empty; write some text",
    ]


def test_enum_and_string_type() -> None:
    problems = check("id: 12\ncountries:\n  - name: A\n    color: blu\n")
    assert lines(problems) == [
        ("scen.yaml:1:5: id: expected text, got 12; write text (in quotes if it looks like a "
         "number)"),
        ("scen.yaml:4:12: countries[0].color: must be one of red, blue; got 'blu'. "
         "Did you mean 'blue'?"),
    ]


def test_discriminated_union_points_at_the_tag() -> None:
    text = "id: x\ncountries: [{name: A}]\nevents:\n  - kind: vot\n  - target: B\n"
    assert lines(check(text)) == [
        ("scen.yaml:4:11: events[0].kind: must be one of vote, speech; got 'vot'. "
         "Did you mean 'vote'?"),
        "scen.yaml:5:5: events[1].kind: the required field 'kind' is missing; add it",
    ]


def test_union_branch_names_are_dropped_and_repeats_merged() -> None:
    text = "id: x\ncountries: [{name: A}]\nplain:\n  - {kind: vote}\nsize: [1]\n"
    problems = check(text)
    assert lines(problems) == [
        "scen.yaml:4:5: plain[0].target: the required field 'target' is missing; add it",
        "scen.yaml:4:5: plain[0].text: the required field 'text' is missing; add it",
        "scen.yaml:4:12: plain[0].kind: must be speech; got 'vote'.",
        "scen.yaml:5:7: size: expected a whole number, got a list; write a number like 40",
        ("scen.yaml:5:7: size: expected text, got a list; write text (in quotes if it looks "
         "like a number)"),
    ]
    assert len(set(problems)) == len(problems)


def test_identical_union_errors_are_reported_once() -> None:
    class A(BaseModel):
        name: str

    class B(BaseModel):
        name: str
        extra: int = 0

    class Holder(BaseModel):
        item: A | B

    doc = read_yaml_text("item:\n  other: 1\n", "h.yaml")
    with pytest.raises(ValidationError) as info:
        Holder.model_validate(doc.data)
    assert len(info.value.errors()) == 2
    assert lines(problems_from_validation_error(info.value, doc)) == [
        "h.yaml:2:3: item.name: the required field 'name' is missing; add it",
    ]


def test_long_input_is_truncated_and_unknown_types_fall_back() -> None:
    class Model(BaseModel):
        code: str = Field(pattern=r"^[a-z]+$")
        count: int

    doc = read_yaml_text(f"code: ABC\ncount: {'x' * 60}\n", "m.yaml")
    with pytest.raises(ValidationError) as info:
        Model.model_validate(doc.data)
    problems = problems_from_validation_error(info.value, doc)
    assert problems[0].message == "String should match pattern '^[a-z]+$'"
    assert problems[1].line == 2
    assert problems[1].message.startswith("expected a whole number, got ")
    shown = problems[1].message.split("got ")[1].split(";")[0]
    assert shown == "'" + "x" * 37 + "...'"


def test_whole_model_validator_message_is_kept_as_written() -> None:
    class Game(BaseModel):
        turns: int
        start: int

        @model_validator(mode="after")
        def order(self) -> Game:
            if self.start > self.turns:
                raise ValueError("start comes after the last turn; make start at most turns")
            return self

    doc = read_yaml_text("turns: 3\nstart: 5\n", "g.yaml")
    with pytest.raises(ValidationError) as info:
        Game.model_validate(doc.data)
    assert lines(problems_from_validation_error(info.value, doc)) == [
        "g.yaml:1:1: start comes after the last turn; make start at most turns",
    ]
