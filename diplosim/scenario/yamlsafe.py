"""Safe, bounded reading of untrusted scenario YAML, keeping the source position of every value."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import stat
from collections.abc import Iterable
from typing import Any, NoReturn

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 50_000

# libyaml is much faster and reports the same marks; the pure-Python loader is the fallback.
_LOADER: type = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

_Y = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _Y + "str", _Y + "int", _Y + "float", _Y + "bool", _Y + "null"
_MAP, _SEQ, _MERGE = _Y + "map", _Y + "seq", _Y + "merge"
# Timestamps stay text (the models decide what a date means); a bare '=' resolves to !!value.
_TEXT_TAGS = frozenset({_STR, _Y + "timestamp", _Y + "value"})
_SCALAR_TAGS = _TEXT_TAGS | {_INT, _FLOAT, _BOOL, _NULL}
_KIND = {_INT: "a whole number", _FLOAT: "a number", _BOOL: "true or false"}
_BOM = "\ufeff"
# Characters YAML refuses; found up front so the error names a line, not a stream offset.
_BAD_CHAR = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DEPTH_MSG = (f"the values are nested more than {MAX_DEPTH} levels deep; "
              "use fewer levels of lists and mappings")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file, with where it is and how to fix it."""

    path: str
    line: int
    col: int
    field: str
    message: str
    severity: str = "error"

    def format(self) -> str:
        """Render as 'PATH:LINE:COL: field.path: message' (no field part at the top level)."""
        field = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}:{self.col}: {field}{self.message}"


class ScenarioError(Exception):
    """Raised with every problem found in a file (sorted by line, then col)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems, key=lambda p: (p.line, p.col))
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        # The default reduce would rebuild from the joined text; batch workers pickle errors.
        return (type(self), (self.problems,))


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclasses.dataclass
class YamlDocument:
    """Plain Python data read from YAML plus the (line, col) of every key path in it."""

    data: Any
    path: str
    positions: dict[tuple, tuple[int, int]] = dataclasses.field(default_factory=dict)

    def locate(self, loc: tuple) -> tuple[int, int]:
        """Return the position of the longest prefix of loc that exists in the file."""
        loc = tuple(loc)
        for end in range(len(loc), -1, -1):
            pos = self.positions.get(loc[:end])
            if pos is not None:
                return pos
        return (1, 1)

    def problem(self, loc: tuple, message: str, severity: str = "error") -> Problem:
        """Build a Problem located at loc, with loc written as a dotted field path."""
        line, col = self.locate(loc)
        return Problem(self.path, line, col, _dotted(loc), message, severity)


def _fail(path: str, line: int, col: int, message: str) -> ScenarioError:
    return ScenarioError([Problem(path, line, col, "", message)])


def _size_error(path: str, size: int) -> ScenarioError:
    # Round up so a file just over the limit never reads as "2.0 MB".
    mb = math.ceil(size / 100_000) / 10
    return _fail(path, 1, 1, f"the file is {mb:.1f} MB; scenario files are limited to "
                 f"{MAX_BYTES / 1_000_000:g} MB")


def _decode(raw: bytes, path: str) -> str:
    if len(raw) > MAX_BYTES:
        raise _size_error(path, len(raw))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[start:exc.start].decode("utf-8")) + 1
        msg = (f"the file is not UTF-8 text (it has the byte 0x{raw[exc.start]:02x} here); "
               "save it again as UTF-8 in your editor")
        raise _fail(path, line, col, msg) from None


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> ScenarioError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.split("\n")
    # libyaml does not name the offending character, and a tab is by far the usual one.
    tab = line <= len(lines) and lines[line - 1][col - 1:col] == "\t"
    what = (exc.problem or "").removeprefix("but ") or exc.context or "unknown problem"
    if "maximum nesting depth" in what:  # libyaml's own nesting limit
        return _fail(path, line, col, _DEPTH_MSG)
    if "another document" in what:
        return _fail(path, line, col, "could not parse the YAML here: found a second document "
                     "after '---'; keep one scenario per file and remove the extra '---'")
    if exc.problem and exc.context:
        start = exc.context_mark.line + 1 if exc.context_mark else line
        what += f" ({exc.context}{f' that starts on line {start}' if start != line else ''})"
    if tab or "\\t" in what or "tab character" in what:
        hint = "indent with spaces, not tabs"
    elif "undefined alias" in what:
        hint = "define the anchor with '&name' before using '*name'"
    else:
        hint = "check the indentation and quotes"
    return _fail(path, line, col, f"could not parse the YAML here: {what}; {hint}")


def _check_depth(text: str, path: str) -> None:
    # The composer recurses once per level (in C for libyaml, with no recursion limit), so
    # deep nesting is caught on the flat event stream before composing. Composing is also slow
    # (its resolver is Python), so a file with too many values is refused here, before it starts.
    loader = _LOADER(text)
    depth = events = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            events += 1
            # Twice the value bound (events also count ends): a file just over the bound is left
            # to the value count, which can name the field where it happened.
            if events > 2 * MAX_NODES:
                mark = event.start_mark
                raise _fail(path, mark.line + 1, mark.column + 1, f"the file has more than {MAX_NODES} values; "
                            "split it into smaller scenarios")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise _fail(path, mark.line + 1, mark.column + 1, _DEPTH_MSG)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def _compose(text: str, path: str) -> Node | None:
    try:
        _check_depth(text, path)
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, path) from None
    except yaml.YAMLError as exc:
        raise _fail(path, 1, 1, f"could not parse the YAML: {exc}; check the file") from None
    except RecursionError:
        raise _fail(path, 1, 1, _DEPTH_MSG) from None


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_Y):] if tag.startswith(_Y) else tag


def _short(text: str) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= 40 else text[:37] + "..."


class _Stop(Exception):
    """Ends the walk after a problem that makes checking the rest pointless."""


class _Builder:
    """Walks the composed node graph into plain values, expanding aliases under the limits."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.reported: set[tuple[int, int, str]] = set()
        self.positions: dict[tuple, tuple[int, int]] = {}
        self.sizes: dict[int, tuple[int, int]] = {}
        self.unique = 0  # nodes written out in the text, as opposed to repeated by aliases
        self.open: set[int] = set()
        self.ctor = SafeConstructor()

    def report(self, node: Node, loc: tuple, message: str) -> None:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        # A mistake inside an anchor would otherwise be reported once per alias use.
        if (line, col, message) not in self.reported:
            self.reported.add((line, col, message))
            self.problems.append(Problem(self.path, line, col, _dotted(loc), message))

    def stop(self, node: Node, loc: tuple, message: str) -> NoReturn:
        self.report(node, loc, message)
        raise _Stop

    def measure(self, node: Node, loc: tuple, depth: int) -> tuple[int, int]:
        """Return (expanded value count, nesting height) of node, stopping at any limit."""
        # Sizes are memoised per shared node, so an alias bomb costs only its unique nodes
        # and is refused before a single expanded value is built.
        if isinstance(node, ScalarNode):
            self.unique += 1
            return (1, 0)
        known = self.sizes.get(id(node))
        if known is None:
            self.unique += 1
            if depth > MAX_DEPTH:
                self.stop(node, loc, _DEPTH_MSG)
            if id(node) in self.open:
                self.stop(node, loc, "this value contains itself through a YAML alias; "
                          "remove the alias that points back to its own anchor")
            self.open.add(id(node))
            size, height = 1, 0
            pairs = enumerate(node.value) if isinstance(node, SequenceNode) else (
                (k.value if k.tag != _MERGE and isinstance(k, ScalarNode) else None, v)
                for k, v in node.value)
            for part, child in pairs:
                s, h = self.measure(child, loc if part is None else (*loc, part), depth + 1)
                size, height = size + s, max(height, h)
            self.open.discard(id(node))
            known = self.sizes[id(node)] = (size, height + 1)
        if depth + known[1] - 1 > MAX_DEPTH:
            self.stop(node, loc, _DEPTH_MSG)
        if known[0] > MAX_NODES and self.unique > MAX_NODES:
            self.stop(node, loc, f"the file has more than {MAX_NODES} values; "
                      "split it into smaller scenarios")
        if known[0] > MAX_NODES:
            self.stop(node, loc, f"the file expands to more than {MAX_NODES} values "
                      "(YAML aliases?); remove the repeated aliases")
        return known

    def build(self, node: Node, loc: tuple) -> Any:
        self.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node, loc)
        if node.tag != (_SEQ if isinstance(node, SequenceNode) else _MAP):
            self.report(node, loc, f"unsupported YAML tag '{_show_tag(node.tag)}'; remove it")
            return None
        if isinstance(node, SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self.mapping(node, loc)

    def scalar(self, node: ScalarNode, loc: tuple) -> Any:
        tag = node.tag
        if tag in _TEXT_TAGS:
            return node.value
        if tag not in _SCALAR_TAGS:
            self.report(node, loc, f"unsupported YAML tag '{_show_tag(tag)}'; remove it")
            return None
        if tag == _NULL:
            return None
        # Python's int() is quadratic in length (and 1:2:3 base-60 numbers even worse).
        if len(node.value) > 100:
            self.report(node, loc, f"'{_short(node.value)}' is too long to read as a number; "
                        "shorten it, or put it in quotes to keep it as text")
            return None
        try:
            if tag == _BOOL:
                return self.ctor.construct_yaml_bool(node)
            if tag == _INT:
                return self.ctor.construct_yaml_int(node)
            value = self.ctor.construct_yaml_float(node)
        except (ValueError, KeyError, TypeError):
            # Only explicit tags (`!!int abc`) or absurdly long numbers get here.
            self.report(node, loc, f"'{_short(node.value)}' cannot be read as {_KIND[tag]}; "
                        "fix the value or remove its '!!' tag")
            return None
        if not math.isfinite(value):
            self.report(node, loc, f"'{_short(node.value)}' is not a number this game can use; "
                        "write a finite number")
            return None
        return value

    def key(self, node: Node, loc: tuple) -> str | None:
        if not isinstance(node, ScalarNode):
            self.report(node, loc, "keys must be text, not a list or mapping; "
                        "write a plain name before the ':'")
            return None
        if node.tag not in _SCALAR_TAGS:
            self.report(node, loc, f"unsupported YAML tag '{_show_tag(node.tag)}'; remove it")
            return None
        # Keys keep the text as written, so `yes:` stays 'yes' and `1:` becomes '1'.
        return node.value

    def mapping(self, node: MappingNode, loc: tuple) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self.key(key_node, loc)
            if key is None:
                continue
            if key in result:
                self.report(key_node, loc, f"the key '{_short(key)}' appears twice in this "
                            "mapping; keep only one of them")
                continue
            result[key] = self.build(value_node, (*loc, key))
        for value_node in merges:
            self.merge(result, value_node, loc)
        return result

    def merge(self, result: dict[str, Any], value_node: Node, loc: tuple) -> None:
        # '<<: *base' fills in keys the mapping does not set itself; earlier sources win.
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, MappingNode):
                self.report(source, loc, "'<<' must be followed by a mapping or a list of "
                            "mappings (like '<<: *base'); fix or remove it")
                continue
            saved, self.positions = self.positions, {}
            try:
                part = self.build(source, loc)
            finally:
                scratch, self.positions = self.positions, saved
            if not isinstance(part, dict):
                continue
            added = {k: v for k, v in part.items() if k not in result}
            result.update(added)
            n = len(loc)
            self.positions.update(
                {p: pos for p, pos in scratch.items() if len(p) > n and p[n] in added})


def read_yaml_text(text: str | bytes, path: str = "<text>") -> YamlDocument:
    """Parse untrusted YAML text into plain Python values, recording where each value is."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = _decode(bytes(text), path)
    elif len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise _size_error(path, len(text.encode("utf-8", "surrogatepass")))
    if text.startswith(_BOM):
        text = text[1:]
    bad = _BAD_CHAR.search(text)
    if bad:
        i = bad.start()
        line, col = text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)
        raise _fail(path, line, col, f"the file contains an invisible control character "
                    f"(U+{ord(text[i]):04X}) here; delete it")
    root = _compose(text, path)
    if root is None or (isinstance(root, ScalarNode) and root.value == "" and root.tag == _NULL):
        raise _fail(path, 1, 1, "the file is empty (only blank lines or comments); "
                    "write the scenario fields, like `id: ...`")
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        mark = root.start_mark
        raise _fail(path, mark.line + 1, mark.column + 1, "the top level must be a mapping of "
                    f"fields (like `id: ...`), not {kind}")
    builder = _Builder(path)
    data = None
    try:
        builder.measure(root, (), 1)
        data = builder.build(root, ())
    except _Stop:
        pass
    if builder.problems:
        raise ScenarioError(builder.problems)
    return YamlDocument(data, path, builder.positions)


def read_yaml_file(path: str | os.PathLike[str]) -> YamlDocument:
    """Read a scenario YAML file from disk with the same checks as read_yaml_text."""
    name = os.fspath(path)
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise _fail(name, 1, 1, "this is a folder, not a file; give the path of a .yaml file")
        # FIFOs and devices could block or never end, so only ordinary files are read.
        if not stat.S_ISREG(info.st_mode):
            raise _fail(name, 1, 1, "this is not an ordinary file; give the path of a .yaml file")
        if info.st_size > MAX_BYTES:
            raise _size_error(name, info.st_size)
        with open(name, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _fail(name, 1, 1, "the file does not exist; check the name and folder") from None
    except PermissionError:
        raise _fail(name, 1, 1, "the file cannot be opened (permission denied); "
                    "check that you are allowed to read it") from None
    except OSError as exc:
        raise _fail(name, 1, 1, f"the file cannot be read ({exc.strerror or exc}); "
                    "check the path") from None
    return read_yaml_text(raw, name)
