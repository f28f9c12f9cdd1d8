"""Exports of the current filter, streamed page by page: CSV (formula-safe), JSONL, GeoJSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace

import orjson

from sitroom.archive_folder import ArchiveFolder
from sitroom.exporting import CSV_COLUMNS, spreadsheet_safe
from sitroom.models import JsonValue
from sitroom.store.base import SearchQuery, StoredMessage

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "geojson": "application/geo+json",
}
ANNOTATION_COLUMNS = ("category", "help", "priority", "places", "cluster_size")
PAGE = 1000


def matching_messages(folder: ArchiveFolder, query: SearchQuery, limit: int | None
                      ) -> Iterator[StoredMessage]:
    """Every message matching the query, in its order, fetched by keyset pages."""
    page_query = replace(query, limit=PAGE, cursor=None, offset=0)
    sent = 0
    while True:
        page, cursor = folder.store.search_page(page_query)
        for message in page:
            if limit is not None and sent >= limit:
                return
            yield message
            sent += 1
        if cursor is None:
            return
        page_query = replace(page_query, cursor=cursor)


def _value(message: StoredMessage, key: str, field: str = "value") -> JsonValue:
    entry = message.annotations.get(key)
    return entry.get(field) if isinstance(entry, dict) else None


def _place_names(message: StoredMessage) -> str:
    places = _value(message, "places")
    if not isinstance(places, list):
        return ""
    return "; ".join(str(p.get("name") or p.get("text") or "") for p in places
                     if isinstance(p, dict))


def _flag_text(value: JsonValue) -> str:
    return "true" if value is True else "false" if value is False else ""


def csv_row(message: StoredMessage) -> list[str]:
    """One CSV row: the archive's columns plus the main annotations, formula-guarded."""
    data = message.to_json()
    provenance = data["provenance"]
    merged = {**data, **provenance} if isinstance(provenance, dict) else data
    cells = ["" if merged.get(c) is None else str(merged[c]) for c in CSV_COLUMNS]
    cells += [
        str(_value(message, "category") or ""),
        _flag_text(_value(message, "help")),
        str(_value(message, "help", "priority") or ""),
        _place_names(message),
        str(_value(message, "cluster", "size") or ""),
    ]
    return [spreadsheet_safe(cell) for cell in cells]


def _csv(messages: Iterator[StoredMessage]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so spreadsheets read the UTF-8 (Arabic) correctly
    writer.writerow([*CSV_COLUMNS, *ANNOTATION_COLUMNS])
    for count, message in enumerate(messages, 1):
        writer.writerow(csv_row(message))
        if count % 200 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _jsonl(messages: Iterator[StoredMessage]) -> Iterator[bytes]:
    for message in messages:
        yield orjson.dumps(message.to_json(), option=orjson.OPT_APPEND_NEWLINE)


def _features(message: StoredMessage) -> Iterator[dict[str, JsonValue]]:
    places = _value(message, "places")
    for place in places if isinstance(places, list) else []:
        if not isinstance(place, dict):
            continue
        lat, lon = place.get("lat"), place.get("lon")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            continue
        yield {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": message.id, "text": message.text, "created_at": message.created_at,
                "platform": message.platform, "author": message.author,
                "place": place.get("name"), "geonameid": place.get("geonameid"),
                "category": _value(message, "category"), "help": _value(message, "help"),
                "priority": _value(message, "help", "priority"),
            },
        }


def _geojson(messages: Iterator[StoredMessage]) -> Iterator[bytes]:
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for message in messages:
        for feature in _features(message):
            yield (b"" if first else b",") + orjson.dumps(feature)
            first = False
    yield b"]}\n"


def export_stream(folder: ArchiveFolder, query: SearchQuery, fmt: str, limit: int | None
                  ) -> Iterator[bytes]:
    """The export of every matching message in `fmt` (csv, jsonl, geojson), as chunks."""
    writers = {"csv": _csv, "jsonl": _jsonl, "geojson": _geojson}
    return writers[fmt](matching_messages(folder, query, limit))
