"""Annotations in SQLite: the JSON as analysis wrote it, and facets derived for filtering."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import orjson

from sitroom.models import JsonObject, JsonValue
from sitroom.store.base import StoredMessage
from sitroom.textnorm import normalize_for_search
from sitroom.timeutil import utc_now

_DERIVED = ("message_facets", "message_places", "message_entities", "message_counts")


def load_annotations(db: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, JsonObject]:
    """The stored annotations of these messages, by seq."""
    found: dict[int, JsonObject] = {}
    for start in range(0, len(seqs), 500):
        part = list(seqs[start : start + 500])
        marks = ",".join("?" * len(part))
        for seq, data in db.execute(
            f"SELECT seq, data FROM annotations WHERE seq IN ({marks})", part
        ):
            found[int(seq)] = orjson.loads(data)
    return found


def _value(annotations: JsonObject, key: str) -> JsonValue:
    entry = annotations.get(key)
    return entry.get("value") if isinstance(entry, dict) else None


def _number(value: JsonValue) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _facet_row(message: StoredMessage, annotations: JsonObject) -> tuple[object, ...]:
    category = annotations.get("category")
    help_ = annotations.get("help")
    cluster = annotations.get("cluster")
    informative = category.get("informative") if isinstance(category, dict) else None
    priority = help_.get("priority") if isinstance(help_, dict) else None
    cluster_id = cluster.get("id") if isinstance(cluster, dict) else None
    is_first = not (isinstance(cluster, dict) and cluster.get("dup_of"))
    lang = _value(annotations, "lang")
    cat = _value(annotations, "category")
    return (
        message.seq, message.created_at, lang if isinstance(lang, str) else None,
        cat if isinstance(cat, str) else None, _number(informative),
        1 if _value(annotations, "help") is True else 0, _number(priority) or 0.0,
        cluster_id if isinstance(cluster_id, str) else None, 1 if is_first else 0,
    )


def place_key(place: dict[str, JsonValue]) -> str:
    """How a place is named in filters: its gazetteer id, else its normalised name."""
    geonameid = place.get("geonameid")
    if isinstance(geonameid, int | str) and str(geonameid):
        return str(geonameid)
    return "name:" + normalize_for_search(str(place.get("name") or place.get("text") or ""))


def _place_rows(seq: int, annotations: JsonObject) -> list[tuple[object, ...]]:
    rows: dict[str, tuple[object, ...]] = {}
    places = _value(annotations, "places")
    for place in places if isinstance(places, list) else []:
        if isinstance(place, dict):
            key = place_key(place)
            name = str(place.get("name") or place.get("text") or key)
            rows[key] = (seq, key, name, _number(place.get("lat")), _number(place.get("lon")))
    return list(rows.values())


def _entity_rows(seq: int, annotations: JsonObject) -> list[tuple[object, ...]]:
    rows: set[tuple[object, ...]] = set()
    for kind in ("people", "orgs"):
        found = _value(annotations, kind)
        for entity in found if isinstance(found, list) else []:
            if isinstance(entity, dict) and (entity.get("name") or entity.get("text")):
                rows.add((seq, kind, str(entity.get("name") or entity.get("text"))))
    return list(rows)


def _count_rows(message: StoredMessage, annotations: JsonObject) -> list[tuple[object, ...]]:
    rows: dict[tuple[str, int | None], tuple[object, ...]] = {}
    counts = _value(annotations, "counts")
    for count in counts if isinstance(counts, list) else []:
        if isinstance(count, dict) and isinstance(count.get("kind"), str):
            value = count.get("value")
            number = int(value) if isinstance(value, int | float) else None
            kind = str(count["kind"])
            rows[(kind, number)] = (
                message.seq, kind, number, str(count.get("qualifier") or ""), message.created_at
            )
    return list(rows.values())


def save_annotations(
    db: sqlite3.Connection, rows: Sequence[tuple[StoredMessage, JsonObject]]
) -> None:
    """Replace the annotations of these messages and rebuild their facets."""
    if not rows:
        return
    now = utc_now()
    seqs = [(message.seq,) for message, _ann in rows]
    for table in _DERIVED:
        db.executemany(f"DELETE FROM {table} WHERE seq = ?", seqs)
    db.executemany(
        "INSERT OR REPLACE INTO annotations(seq, data, analyzed_at) VALUES (?, ?, ?)",
        [(m.seq, orjson.dumps(ann).decode(), now) for m, ann in rows],
    )
    db.executemany(
        "INSERT INTO message_facets(seq, created_at, lang, category, informative, help, "
        "priority, cluster_id, is_first) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_facet_row(m, ann) for m, ann in rows],
    )
    db.executemany(
        "INSERT OR IGNORE INTO message_places(seq, place_key, name, lat, lon) "
        "VALUES (?, ?, ?, ?, ?)",
        [row for m, ann in rows for row in _place_rows(m.seq, ann)],
    )
    db.executemany(
        "INSERT OR IGNORE INTO message_entities(seq, kind, name) VALUES (?, ?, ?)",
        [row for m, ann in rows for row in _entity_rows(m.seq, ann)],
    )
    db.executemany(
        "INSERT OR IGNORE INTO message_counts(seq, kind, value, qualifier, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [row for m, ann in rows for row in _count_rows(m, ann)],
    )
