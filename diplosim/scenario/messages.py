"""Turn pydantic validation errors into plain-language Problems that point into the YAML file."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any

import pydantic

from diplosim.scenario.yamlsafe import Problem, YamlDocument

KnownFields = Callable[[tuple], Iterable[str]]

_NUMBER_TYPES = {
    "int_type": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number",
    "decimal_type": "a number", "decimal_parsing": "a number",
}
_MAPPING_TYPES = {"dict_type", "model_type", "model_attributes_type", "dataclass_type"}
_LIST_TYPES = {"list_type", "tuple_type", "set_type", "frozen_set_type", "iterable_type"}
_BOUNDS = {
    "greater_than_equal": ("ge", "must be at least {0}, got {1}; use {0} or more"),
    "greater_than": ("gt", "must be more than {0}, got {1}; use a number above {0}"),
    "less_than_equal": ("le", "must be at most {0}, got {1}; use {0} or less"),
    "less_than": ("lt", "must be less than {0}, got {1}; use a number below {0}"),
}
# Validators raise ValueError("what; fix") and pydantic puts its own label in front.
_PREFIXES = ("Value error, ", "Assertion failed, ")


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return " Did you mean 'x'?" for the closest candidate, or "" when none is close."""
    others = [str(c) for c in candidates if str(c) != str(name)]
    close = difflib.get_close_matches(str(name), others, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _show(value: Any) -> str:
    """Describe a received value briefly, the way it looks in the YAML file."""
    if isinstance(value, dict):
        return "a mapping of fields"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).replace("\n", "\\n")
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"'{text}'" if isinstance(value, str) else text


def _choices(expected: Any) -> list[str]:
    """Split pydantic's "'a', 'b' or 'c'" (or "1, 2 or 3") into ['a', 'b', 'c']."""
    text = str(expected)
    quoted = re.findall(r"'((?:[^'\\]|\\.)*)'", text)
    return quoted or [part for part in re.split(r",\s*|\s+or\s+", text) if part]


def _clean_loc(loc: tuple, data: Any, kind: str) -> tuple:
    """Keep only the parts of loc that are real keys or indexes in the YAML data."""
    # pydantic inserts union branch and validator names ('Country', 'function-after[...]');
    # they have no place in the file. A missing field's own name is kept for the message.
    out: list[Any] = []
    cursor = data
    for i, part in enumerate(loc):
        in_dict = isinstance(cursor, dict) and isinstance(part, str) and part in cursor
        in_list = (isinstance(cursor, list) and type(part) is int and 0 <= part < len(cursor))
        if in_dict or in_list:
            out.append(part)
            cursor = cursor[part]
        elif i == len(loc) - 1 and kind == "missing" and isinstance(cursor, dict):
            out.append(str(part))
    return tuple(out)


def _message(error: Any, loc: tuple, candidates: list[str]) -> str:
    """Write one "what is wrong; how to fix it" sentence for a pydantic error."""
    kind, ctx, msg = error["type"], error.get("ctx") or {}, error["msg"]
    value = error.get("input")
    got = _show(value)
    name = loc[-1] if loc and isinstance(loc[-1], str) else None
    if kind in ("missing", "union_tag_not_found"):
        return f"the required field '{name}' is missing; add it" if name else \
            "a required value is missing; add it"
    if kind == "extra_forbidden":
        return (f"'{name}' is not a field here; remove it or fix the spelling."
                + did_you_mean(str(name), candidates))
    if kind in _NUMBER_TYPES:
        return f"expected {_NUMBER_TYPES[kind]}, got {got}; write a number like 40"
    if kind == "int_from_float":
        return f"expected a whole number, got {got}; leave out the decimals, like 40"
    if kind == "finite_number":
        return f"expected a finite number, got {got}; write a number like 40"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {got}; write true or false"
    if kind == "string_type":
        return f"expected text, got {got}; write text (in quotes if it looks like a number)"
    if kind in _MAPPING_TYPES:
        return (f"expected a mapping of fields (lines like `name: value`), got {got}; "
                "write one `name: value` per line")
    if kind in _LIST_TYPES:
        return (f"expected a list of items (lines starting with '- '), got {got}; "
                "start each item on its own line with '- '")
    if kind in _BOUNDS:
        key, template = _BOUNDS[kind]
        limit = ctx.get(key)
        # pydantic turns `le=1` on a float field into 1.0; instructors wrote 1.
        limit = int(limit) if isinstance(limit, float) and limit.is_integer() else limit
        return template.format(limit, got)
    if kind in ("literal_error", "enum", "union_tag_invalid"):
        if kind == "union_tag_invalid":
            choices, value = _choices(ctx.get("expected_tags", "")), ctx.get("tag")
        else:
            choices = _choices(ctx.get("expected", ""))
        allowed = f"one of {', '.join(choices)}" if len(choices) > 1 else "".join(choices)
        return f"must be {allowed}; got {_show(value)}." + did_you_mean(str(value), choices)
    if kind == "too_short":
        return (f"has {ctx.get('actual_length')} item(s) but needs at least "
                f"{ctx.get('min_length')}; add more")
    if kind == "too_long":
        return (f"has {ctx.get('actual_length')} items but at most {ctx.get('max_length')} "
                "are allowed; remove some")
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty; write some text"
        return f"is too short ({got}); write at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"is too long ({got}); shorten it to {ctx.get('max_length')} characters or fewer"
    for prefix in _PREFIXES:
        if kind in ("value_error", "assertion_error") and msg.startswith(prefix):
            return msg[len(prefix):]
    return msg


def problems_from_validation_error(
    err: pydantic.ValidationError,
    doc: YamlDocument,
    known_fields: KnownFields | None = None,
) -> list[Problem]:
    """Convert pydantic errors into located Problems; known_fields(parent_loc) aids spelling."""
    errors = [(e, _clean_loc(tuple(e["loc"]), doc.data, e["type"]))
              for e in err.errors(include_url=False)]
    # Fields reported missing next to an unknown one are the likeliest intended spellings.
    missing: dict[tuple, list[str]] = {}
    for error, loc in errors:
        if error["type"] == "missing" and loc:
            missing.setdefault(loc[:-1], []).append(str(loc[-1]))
    problems: list[Problem] = []
    seen: set[Problem] = set()
    for error, loc in errors:
        discriminator = (error.get("ctx") or {}).get("discriminator")
        if error["type"].startswith("union_tag_") and str(discriminator).startswith("'"):
            # Point at the tag field itself rather than at the whole item.
            loc = (*loc, str(discriminator).strip("'"))
        candidates = list(missing.get(loc[:-1], []))
        if error["type"] == "extra_forbidden" and known_fields is not None:
            candidates += [str(f) for f in known_fields(loc[:-1])]
        problem = doc.problem(loc, _message(error, loc, candidates))
        if problem not in seen:
            seen.add(problem)
            problems.append(problem)
    return sorted(problems, key=lambda p: (p.line, p.col))
