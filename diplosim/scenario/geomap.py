"""The scenario's map: a GeoJSON FeatureCollection (a file beside the scenario or inline), read
with the same care as the scenario itself and turned into each country's outer rings."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diplosim.scenario.layout import Ring
from diplosim.scenario.messages import did_you_mean
from diplosim.scenario.models import Scenario
from diplosim.scenario.yamlsafe import MAX_BYTES

Loc = tuple[Any, ...]
Report = Callable[[Loc, str], None]


class _MapError(Exception):
    pass


def read_map(sc: Scenario, base_dir: Path | None, error: Report, warn: Report) -> dict[str, list[Ring]]:
    """The outer rings of each country's shape in the scenario's GeoJSON map (a file beside the
    scenario, or inline), reporting every problem through error/warn(location, message)."""
    if sc.map is None:
        return {}
    if isinstance(sc.map, dict):
        data, where = sc.map, None
    else:
        try:
            data, where = _load_geojson(sc.map, base_dir), f"in '{sc.map}', "
        except _MapError as exc:
            error(("map",), str(exc))
            return {}
    countries = [c.id for c in sc.countries]
    rings: dict[str, list[Ring]] = {}

    def fail(loc: Loc, what: str, text: str) -> None:
        if where is None:
            error(("map", *loc), text)
        else:
            error(("map",), f"{where}{what}: {text}")

    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or \
            not isinstance(data.get("features"), list):
        fail((), "the top level", "a map must be a GeoJSON FeatureCollection (`type: "
             "FeatureCollection` with a list of `features`); export the map as GeoJSON")
        return {}
    for i, feature in enumerate(data["features"]):
        props = feature.get("properties") if isinstance(feature, dict) else None
        cid = props.get("id") if isinstance(props, dict) else None
        what = f"feature {i}" + (f" ('{cid}')" if isinstance(cid, str) else "")
        if not isinstance(cid, str):
            fail(("features", i), what, "the feature needs `properties: {id: <country id>}`; "
                 "add the id of the country it draws")
            continue
        if cid not in countries:
            fail(("features", i, "properties", "id"), what, f"'{cid}' is not a country id of this "
                 f"scenario.{did_you_mean(cid, countries)}")
            continue
        try:
            rings.setdefault(cid, []).extend(_outer_rings(feature.get("geometry")))
        except _MapError as exc:
            fail(("features", i, "geometry"), what, str(exc))
    for i, country in enumerate(sc.countries):
        if country.id not in rings:
            warn(("countries", i, "id"), f"the map has no feature for '{country.id}'; it gets "
                     "an automatic place on the map")
    return rings


def _load_geojson(name: str, base_dir: Path | None) -> Any:
    if base_dir is None:
        raise _MapError(f"the map file '{name}' cannot be found because this scenario was not "
                        "read from a file; put the GeoJSON inline under 'map:'")
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or name.startswith("~"):
        raise _MapError(f"'{name}' must be a file in the scenario's folder, named relative to it "
                        "(like 'mymap.geojson'), not an absolute path or one with '..'")
    try:
        root = base_dir.resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root):
            raise _MapError(f"'{name}' leads outside the scenario's folder; copy the map beside it")
        if not path.is_file():
            reason = "does not exist" if not path.exists() else "is not a file"
            raise _MapError(f"the map file '{name}' {reason}; put the GeoJSON file beside the "
                            "scenario or remove 'map' for an automatic layout")
        if path.stat().st_size > MAX_BYTES:
            raise _MapError(f"the map file '{name}' is over {MAX_BYTES // 1_000_000} MB; simplify "
                            "its shapes (fewer points) in your GIS tool")
        raw = path.read_bytes()[:MAX_BYTES + 1]
    except OSError as exc:
        raise _MapError(f"the map file '{name}' cannot be read ({exc.strerror or exc})") from None

    def no_constant(word: str) -> Any:
        raise _MapError(f"the map file '{name}' contains {word}; use finite numbers only")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=no_constant)
    except UnicodeDecodeError:
        raise _MapError(f"the map file '{name}' is not UTF-8 text; export it again as "
                        "GeoJSON") from None
    except json.JSONDecodeError as exc:
        raise _MapError(f"the map file '{name}' is not valid JSON (line {exc.lineno}, column "
                        f"{exc.colno}: {exc.msg}); export it again as GeoJSON") from None
    except RecursionError:
        raise _MapError(f"the map file '{name}' is nested too deeply to be a map") from None


def _outer_rings(geometry: Any) -> list[Ring]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon" and isinstance(coords, list):
        polygons = coords
    else:
        raise _MapError(f"the geometry must be a Polygon or MultiPolygon, not {kind or 'missing'}; "
                        "draw the country as an area")
    out = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not isinstance(polygon[0], list):
            raise _MapError("a polygon must be a list of rings of [x, y] points")
        ring = []
        for point in polygon[0]:
            ok = isinstance(point, list) and len(point) >= 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                for v in point[:2])
            if not ok:
                raise _MapError(f"{_short(point)} is not a point; write points as [x, y] numbers")
            ring.append((float(point[0]), float(point[1])))
        if len(ring) > 1 and ring[0] == ring[-1]:
            ring.pop()
        if len(ring) < 3:
            raise _MapError("a ring needs at least 3 distinct points")
        out.append(tuple(ring))
    return out


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) < 40 else text[:37] + "..."
