"""Work on a scenario's raw data: `--set path=value` overrides, and pydantic errors mapped back.

Overrides change the data read from the file before validation, so a batch run can vary a value
without copying the file; problems they cause say which override caused them.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any

import pydantic
import yaml

from diplosim.scenario.messages import did_you_mean
from diplosim.scenario.models import Scenario
from diplosim.scenario.yamlsafe import Problem, YamlDocument


def parse_override(text: str) -> tuple[str, Any]:
    """Split 'path=value' and read the value as a YAML scalar ('70' -> 70, 'true' -> True)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"'{text}' is not of the form path=value, like countries.borealia.face=70")
    try:
        parsed = yaml.safe_load(value) if value.strip() else ""
    except yaml.YAMLError:
        parsed = value
    if isinstance(parsed, float) and not math.isfinite(parsed):
        raise ValueError(f"'{value}' is not a finite number; write a number like 0.5")
    return key.strip(), parsed


def apply_override(data: dict[str, Any], key: str, value: Any, doc: YamlDocument,
                   set_locs: dict[tuple, str], standard: list[str]) -> Problem | None:
    """Set one dotted path in the raw data; list items are addressed by id (or index)."""
    parts = key.split(".")
    node: Any = data
    loc: tuple = ()

    def fail(message: str) -> Problem:
        line, col = doc.locate(loc)
        return Problem(doc.path, line, col, key, f"cannot apply --set {key}={value}: {message}")

    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if not part:
            return fail("the path has an empty part; separate names with single dots")
        if isinstance(node, list):
            ids = [item.get("id") for item in node if isinstance(item, dict)]
            if part in ids:
                index = ids.index(part)
            elif part.isdigit() and int(part) < len(node):
                index = int(part)
            elif loc == ("tools",) and part in standard:
                node.append({"id": part})  # overriding a standard tool the file leaves alone
                index = len(node) - 1
            elif loc == ("tools",):
                return fail(f"there is no tool '{part}' in the file or the standard tools."
                            f"{did_you_mean(part, ids + standard)}")
            else:
                return fail(f"there is no item '{part}' in {_dotted(loc)}.{did_you_mean(part, ids)}")
            loc = (*loc, index)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            loc = (*loc, part)
            if last:
                node[part] = value
            else:
                if part not in node or node[part] is None:
                    node[part] = [] if _is_list_field(loc) else {}
                node = node[part]
        else:
            return fail(f"{_dotted(loc)} is a single value, so it has no '{part}'")
    set_locs[loc] = f"{key}={value}"
    return None


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the top level"


def blame_overrides(problems: list[Problem], set_locs: dict[tuple, str]) -> list[Problem]:
    """Say so when a problem is in a value that came from --set rather than from the file."""
    if not set_locs:
        return problems
    fields = {_dotted(loc): text for loc, text in set_locs.items()}
    out = []
    for p in problems:
        text = next((t for f, t in fields.items()
                     if p.field == f or p.field.startswith((f + ".", f + "["))), None)
        out.append(Problem(p.path, p.line, p.col, p.field, f"(set by --set {text}) {p.message}",
                           p.severity) if text else p)
    return out


# --- one union branch per value -------------------------------------------------------------
_UNION_HINTS = {
    ("trade",): "trade is either pairs (like `player: {borealia: 40}`) or a matrix with "
                "'countries' and 'volumes'; write one of these forms",
    ("standard_tools",): "write 'all' or a list of standard tool ids, like "
                         "[quiet_engagement, sanctions]",
    ("map",): "write the name of a GeoJSON file beside the scenario (like mymap.geojson), inline "
              "GeoJSON, or leave 'map' out",
}


def prune_unions(err: pydantic.ValidationError, data: Any) -> pydantic.ValidationError:
    """Keep the errors of the union branch a value was meant for (the one it got furthest in)."""
    errors = err.errors(include_url=False)
    tags = [_union_tag(error, data) for error in errors]
    groups: dict[tuple, dict[str, int]] = {}
    for error, found in zip(errors, tags, strict=True):
        if found:
            depth = groups.setdefault(found[0], {})
            depth[found[1]] = max(depth.get(found[1], 0), len(error["loc"]))
    chosen: dict[tuple, str] = {}
    replaced: dict[tuple, dict[str, Any]] = {}
    for prefix, depth in groups.items():
        best = max(depth.values())
        tops = [tag for tag, d in depth.items() if d == best]
        chosen[prefix] = tops[0]
        if len(tops) > 1 and best == len(prefix) + 1 and prefix in _UNION_HINTS:
            got = next(e["input"] for e, t in zip(errors, tags, strict=True) if t and t[0] == prefix)
            shown = {dict: "a mapping", list: "a list"}.get(type(got), repr(got))
            replaced[prefix] = {"type": "value_error", "loc": prefix, "input": got, "ctx": {
                "error": ValueError(f"got {shown}; {_UNION_HINTS[prefix]}")}}
    out = []
    for error, found in zip(errors, tags, strict=True):
        if found and found[0] in replaced:
            error = replaced.pop(found[0], None)
        elif found and found[1] != chosen[found[0]]:
            error = None
        if error is not None:
            out.append({k: error[k] for k in ("type", "loc", "input", "ctx") if k in error})
    return pydantic.ValidationError.from_exception_data(err.title, out)


def _union_tag(error: dict[str, Any], data: Any) -> tuple[tuple, str] | None:
    """(where, branch) when pydantic put a union branch's name into the error's location."""
    loc, cursor = tuple(error["loc"]), data
    for i, part in enumerate(loc):
        if isinstance(cursor, dict) and part in cursor or \
                isinstance(cursor, list) and type(part) is int and 0 <= part < len(cursor):
            cursor = cursor[part]
        elif isinstance(part, str) and not (i == len(loc) - 1 and error["type"] == "missing"):
            return loc[:i], part
        else:
            return None
    return None


# --- what fields a mapping may have, for "did you mean" -------------------------------------
def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation allows (Optional, unions and Annotated opened)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _annotation_at(loc: tuple) -> list[Any]:
    options: list[Any] = [Scenario]
    for part in loc:
        nxt: list[Any] = []
        for option in options:
            origin, args = typing.get_origin(option), typing.get_args(option)
            if isinstance(part, int) and origin is list:
                nxt += _unwrap(args[0])
            elif isinstance(part, str) and origin is dict:
                nxt += _unwrap(args[1])
            elif isinstance(part, str) and isinstance(option, type) and \
                    issubclass(option, pydantic.BaseModel):
                for name, info in option.model_fields.items():
                    if part in (name, info.alias):
                        nxt += _unwrap(info.annotation)
        options = nxt
    return options


def known_fields(loc: tuple) -> list[str]:
    return [info.alias or name for option in _annotation_at(loc) if isinstance(option, type)
            and issubclass(option, pydantic.BaseModel)
            for name, info in option.model_fields.items()]


def _is_list_field(loc: tuple) -> bool:
    return any(typing.get_origin(option) is list for option in _annotation_at(loc))
