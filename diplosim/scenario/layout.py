"""Map outlines for the front end: the scenario's GeoJSON normalised, or an automatic layout."""

from __future__ import annotations

import math
from dataclasses import dataclass

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class MapShape:
    """One country's outline, normalised to the unit square (x right, y down), aspect kept."""

    country: str
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # outer rings only


def make_shapes(ids: list[str], rings: dict[str, list[Ring]]) -> dict[str, MapShape]:
    """Normalise the map into the unit square; countries without a shape get hexagons."""
    missing = [cid for cid in ids if cid not in rings]
    shapes: dict[str, MapShape] = {}
    if rings:
        box = (0.0, 0.0, 1.0, 0.8 if missing else 1.0)
        points = [p for rs in rings.values() for r in rs for p in r]
        x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
        y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
        scale = min((box[2] - box[0]) / (x1 - x0 or 1), (box[3] - box[1]) / (y1 - y0 or 1))
        dx = box[0] + (box[2] - box[0] - (x1 - x0) * scale) / 2
        dy = box[1] + (box[3] - box[1] - (y1 - y0) * scale) / 2
        for cid in ids:  # GeoJSON's y points up; the map's y points down
            if cid in rings:
                polys = tuple(tuple(((x - x0) * scale + dx, (y1 - y) * scale + dy) for x, y in r)
                              for r in rings[cid])
                shapes[cid] = MapShape(cid, polys)
    box = (0.05, 0.84, 0.95, 1.0) if rings else (0.0, 0.0, 1.0, 1.0)
    for cid, hexagon in zip(missing, hex_grid(len(missing), box), strict=True):
        shapes[cid] = MapShape(cid, (hexagon,))
    return {cid: shapes[cid] for cid in ids}


def hex_grid(n: int, box: tuple[float, float, float, float]) -> list[Ring]:
    """n pointy-top hexagons in rows (odd rows shifted), as large as fit in box, centred."""
    if n == 0:
        return []
    width, height = box[2] - box[0], box[3] - box[1]
    best = (0.0, 1)
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        w = math.sqrt(3) * (cols + (0.5 if rows > 1 else 0))
        r = min(width / w, height / (1.5 * (rows - 1) + 2))
        if r > best[0]:
            best = (r, cols)
    r, cols = best
    rows = math.ceil(n / cols)
    used_w = math.sqrt(3) * r * (cols + (0.5 if rows > 1 else 0))
    used_h = r * (1.5 * (rows - 1) + 2)
    ox, oy = box[0] + (width - used_w) / 2, box[1] + (height - used_h) / 2
    out = []
    for k in range(n):
        row, col = divmod(k, cols)
        cx = ox + math.sqrt(3) * r * (col + 0.5 + (0.5 if row % 2 else 0))
        cy = oy + r + 1.5 * r * row
        size = r * 0.92  # a small gap between neighbours
        out.append(tuple((cx + size * math.cos(math.radians(a)), cy + size * math.sin(math.radians(a)))
                         for a in range(-90, 270, 60)))
    return out
