"""Read-only SQL behind the dashboard: timeline, places, entities, counts, clusters, labels.

Every function takes the store's connection and, where the view follows the user's filters,
a `SearchQuery`. Filters go through `sitroom.store.sqlite_search._filters` and free text
through `to_fts_expression`, so user input only ever reaches SQL as bound parameters.
Nothing here counts the whole messages table per call: aggregates read the small derived
tables (facets, places, entities, counts) or a time window of the timeline.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta

from sitroom.models import JsonObject, JsonValue
from sitroom.store.base import SearchQuery
from sitroom.store.fts_query import to_fts_expression
from sitroom.store.sqlite_search import _filters
from sitroom.timeutil import parse_iso, to_rfc3339

COUNT_KINDS = ("killed", "injured", "missing", "displaced")
UNCLASSIFIED = "unclassified"
MAX_TIMELINE_HOURS = 336
FILTERED_COUNT_CAP = 100_000


@dataclass(frozen=True, slots=True)
class Matching:
    """A FROM ... WHERE fragment selecting the messages (`m`, facets `f`) a query matches."""

    sql: str
    params: list[object]
    filtered: bool


def matching(query: SearchQuery, *extra: tuple[str, tuple[object, ...]],
             after_seq: int | None = None, every: bool = False) -> Matching:
    """The messages a query's text and filters match; `extra` adds (clause, params) pairs,
    `after_seq` keeps only messages stored after that seq (pushed into the text search);
    `every`: the caller reads every match (an aggregate), not the first few."""
    where, params = _filters(query, place_set=every)
    source = "messages m"
    if query.text and query.text.strip():
        bound = "" if after_seq is None else " AND rowid > ?"
        # CROSS JOIN keeps the text search as the outer loop: driven from a facet index
        # instead, SQLite would run the search once per facet row (seconds, not ms)
        source = (
            f"(SELECT rowid AS f_seq FROM messages_fts WHERE messages_fts MATCH ?{bound}) t "
            "CROSS JOIN messages m ON m.seq = t.f_seq"
        )
        head: list[object] = [to_fts_expression(query.text)]
        params[:0] = head if after_seq is None else [*head, after_seq]
    if after_seq is not None:
        where.append("m.seq > ?")
        params.append(after_seq)
    filtered = bool(where) or source != "messages m"
    for clause, values in extra:
        where.append(clause)
        params.extend(values)
    sql = f"{source} LEFT JOIN message_facets f ON f.seq = m.seq"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return Matching(sql, params, filtered)


_IMPLIES_FACETS = ("lang", "category", "min_priority", "cluster", "place")


def facet_only(query: SearchQuery) -> tuple[list[str], list[object]] | None:
    """The query's filters over `message_facets f` alone, when that gives the same answer.

    Facet rows carry `created_at`, so a query whose filters can only match analysed messages
    (language, category, help, priority, cluster, place, plus time) can skip the wide
    messages table; text, platform and author cannot, nor filters that unanalysed messages
    also pass. The clauses are `_filters`' own with the message alias moved to the facets
    (whose help and is_first are never NULL); if a clause would still need the messages
    table, None sends the caller down the general path.
    """
    if (query.text and query.text.strip()) or query.platform is not None or query.author:
        return None
    if query.help is not True and all(getattr(query, n) is None for n in _IMPLIES_FACETS):
        return None
    where, params = _filters(query, place_set=True)
    moved = [
        c.replace("m.created_at", "f.created_at").replace("m.seq IN", "f.seq IN")
        .replace("COALESCE(f.help, 0)", "f.help").replace("COALESCE(f.is_first, 1)", "f.is_first")
        for c in where
    ]
    if any("m." in clause.replace("f.", "").replace("p.", "") for clause in moved):
        return None
    return moved, params


@dataclass(frozen=True, slots=True)
class Matched:
    """A query's matching seqs, stored once in a temporary table of one connection."""

    table: str


_TEMP_NAMES = itertools.count()


@contextmanager
def matched_once(db: sqlite3.Connection, query: SearchQuery) -> Iterator[Matched | None]:
    """Within the block, views given the yielded `Matched` (on this connection) read the
    query's matches from one temporary table instead of each evaluating the filters (a
    text search, say) again; None when the query filters nothing."""
    clause, params = seq_filter(query, "seq")
    if not clause:
        yield None
        return
    table = f"matched_{next(_TEMP_NAMES)}"
    db.execute(f"CREATE TEMP TABLE {table} (seq INTEGER PRIMARY KEY)")
    try:
        db.execute(f"INSERT OR IGNORE INTO temp.{table}(seq) "
                   f"SELECT seq FROM messages WHERE 1 = 1{clause}", params)
        yield Matched(table)
    finally:
        db.execute(f"DROP TABLE temp.{table}")


def seq_filter(query: SearchQuery, column: str, within: Matched | None = None
               ) -> tuple[str, list[object]]:
    """` AND column IN (matching seqs)` when the query filters anything, else nothing."""
    if within is not None:
        return f" AND {column} IN (SELECT seq FROM temp.{within.table})", []
    facets = facet_only(query)
    if facets is not None:
        where, params = facets
        return (f" AND {column} IN (SELECT f.seq FROM message_facets f WHERE "
                f"{' AND '.join(where)})", params)
    found = matching(query, every=True)
    if not found.filtered:
        return "", []
    return f" AND {column} IN (SELECT m.seq FROM {found.sql})", found.params


def max_seq(db: sqlite3.Connection) -> int:
    """The highest message seq stored (-1 when there is none)."""
    row = db.execute("SELECT MAX(seq) FROM messages").fetchone()
    return -1 if row[0] is None else int(row[0])


def ids_since(db: sqlite3.Connection, query: SearchQuery, after_seq: int, limit: int = 200
              ) -> list[tuple[int, str]]:
    """(seq, id) of matching messages stored after `after_seq`, oldest first."""
    found = matching(query, after_seq=after_seq)
    rows = db.execute(
        f"SELECT m.seq, m.id FROM {found.sql} ORDER BY m.seq LIMIT ?", [*found.params, limit]
    )
    return [(int(seq), str(mid)) for seq, mid in rows]


def count_matching(db: sqlite3.Connection, query: SearchQuery,
                   cap: int = FILTERED_COUNT_CAP, *, within: Matched | None = None
                   ) -> tuple[int, bool]:
    """How many messages match (counting at most `cap`); True when the cap was reached."""
    facets = facet_only(query)
    if within is not None:
        sql, params = f"temp.{within.table}", []
    elif facets is not None:
        sql = f"message_facets f WHERE {' AND '.join(facets[0])}"
        params = facets[1]
    else:
        found = matching(query, every=True)
        sql, params = found.sql, found.params
        if not found.filtered:
            sql, params = "messages", []
    total = int(db.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {sql} LIMIT ?)",
                           [*params, cap]).fetchone()[0])
    return total, total >= cap


def _hour_after(hour: str, hours: int) -> str:
    moment = parse_iso(hour + ":00:00Z") + timedelta(hours=hours)
    return to_rfc3339(moment)[:13]


def _newest(db: sqlite3.Connection, query: SearchQuery) -> str | None:
    """The newest time the timeline must reach: the archive's newest message (one index
    probe) unless text, platform or author narrow it, capped by `until`."""
    if (query.text and query.text.strip()) or query.platform is not None or query.author:
        found = matching(query, ("m.created_at IS NOT NULL", ()))
        row = db.execute(f"SELECT m.created_at FROM {found.sql} ORDER BY m.created_at DESC "
                         "LIMIT 1", found.params).fetchone()
    elif query.until is not None:
        row = db.execute("SELECT MAX(created_at) FROM messages WHERE created_at < ?",
                         (query.until,)).fetchone()
    else:
        row = db.execute("SELECT MAX(created_at) FROM messages").fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _time_clauses(column: str, start_hour: str, query: SearchQuery
                  ) -> tuple[list[str], list[object]]:
    """The window as comparisons on the hour prefix (an expression index can serve them)
    plus the exact `since`/`until` bounds when they do not fall on the hour."""
    hour = f"substr({column}, 1, 13)"
    where: list[str] = [f"{hour} >= ?"]
    params: list[object] = [start_hour]
    if query.since is not None:
        where.append(f"{hour} >= ?" if query.since.endswith(":00:00Z") else f"{column} >= ?")
        params.append(query.since[:13] if query.since.endswith(":00:00Z") else query.since)
    if query.until is not None:
        where.append(f"{hour} < ?" if query.until.endswith(":00:00Z") else f"{column} < ?")
        params.append(query.until[:13] if query.until.endswith(":00:00Z") else query.until)
    return where, params


def _hour_rows(db: sqlite3.Connection, query: SearchQuery, start_hour: str
               ) -> list[tuple[str, str, int]]:
    """(hour, category, count) rows over the window; unanalysed messages are UNCLASSIFIED."""
    untimed = replace(query, since=None, until=None, cursor=None)
    facets = facet_only(untimed)
    time_where, time_params = _time_clauses("f.created_at", start_hour, query)
    group = "GROUP BY substr(f.created_at, 1, 13), f.category"
    select = "SELECT substr(f.created_at, 1, 13), COALESCE(f.category, ?), COUNT(*)"
    if facets is not None:
        where = " AND ".join([*facets[0], *time_where])
        return list(db.execute(f"{select} FROM message_facets f WHERE {where} {group}",
                               [UNCLASSIFIED, *facets[1], *time_params]))
    if matching(untimed).filtered:
        # the plain bound equals the hour-prefix one and lets (platform|author, created_at)
        # indexes read just the window
        window = [("m.created_at >= ?", (start_hour,)),
                  *[(c.replace("f.created_at", "m.created_at"), (v,))
                    for c, v in zip(time_where, time_params, strict=True)]]
        found = matching(untimed, *window, every=True)
        return list(db.execute(
            "SELECT substr(m.created_at, 1, 13), COALESCE(f.category, ?), COUNT(*) "
            f"FROM {found.sql} GROUP BY 1, 2", [UNCLASSIFIED, *found.params]))
    where = " AND ".join(time_where)
    rows = list(db.execute(f"{select} FROM message_facets f WHERE {where} {group}",
                           [UNCLASSIFIED, *time_params]))
    if _all_analysed(db):
        return rows
    classified: dict[str, int] = {}
    for hour, _category, count in rows:
        classified[hour] = classified.get(hour, 0) + int(count)
    m_where = where.replace("f.created_at", "created_at")
    for hour, count in db.execute(f"SELECT substr(created_at, 1, 13), COUNT(*) FROM messages "
                                  f"WHERE {m_where} GROUP BY 1", time_params):
        rest = int(count) - classified.get(str(hour), 0)
        if rest > 0:
            rows.append((str(hour), UNCLASSIFIED, rest))
    return rows


def _all_analysed(db: sqlite3.Connection) -> bool:
    messages = db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    return bool(messages == db.execute("SELECT COUNT(*) FROM message_facets").fetchone()[0])


def timeline(db: sqlite3.Connection, query: SearchQuery,
             max_hours: int = MAX_TIMELINE_HOURS) -> JsonObject:
    """Messages per hour by category over at most `max_hours` up to the newest message."""
    newest = _newest(db, query)
    if newest is None:
        return {"hours": [], "categories": [], "from": None, "to": None, "truncated": False}
    end_hour = newest[:13]
    start_hour = _hour_after(end_hour, -(max_hours - 1))
    hours: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for hour, category, count in sorted(_hour_rows(db, query, start_hour)):
        hours.setdefault(str(hour), {})[str(category)] = int(count)
        totals[str(category)] = totals.get(str(category), 0) + int(count)
    earlier = db.execute("SELECT 1 FROM messages WHERE created_at < ? LIMIT 1",
                         (start_hour + ":00:00Z",)).fetchone()
    truncated = earlier is not None and (query.since is None or query.since < start_hour)
    buckets: list[JsonValue] = [
        {"hour": hour + ":00:00Z", "counts": dict(counts)} for hour, counts in hours.items()
    ]
    ranked: list[JsonValue] = [name for name in sorted(totals, key=lambda n: -totals[n])]
    return {
        "hours": buckets,
        "categories": ranked,
        "from": min(hours) + ":00:00Z" if hours else None,
        "to": end_hour + ":00:00Z",
        "truncated": truncated,
    }


def top_places(db: sqlite3.Connection, query: SearchQuery, limit: int = 200, *,
               within: Matched | None = None) -> list[JsonObject]:
    """Places mentioned by matching messages, most mentioned first, with coordinates."""
    clause, params = seq_filter(query, "p.seq", within)
    rows = db.execute(
        "SELECT p.place_key, MIN(p.name), AVG(p.lat), AVG(p.lon), COUNT(*) AS n "
        f"FROM message_places p WHERE 1 = 1{clause} GROUP BY p.place_key "
        "ORDER BY n DESC, p.place_key LIMIT ?",
        [*params, limit],
    )
    return [
        {"key": key, "name": name, "lat": lat, "lon": lon, "count": int(count)}
        for key, name, lat, lon, count in rows
    ]


def top_entities(db: sqlite3.Connection, query: SearchQuery, kind: str, limit: int = 15, *,
                 within: Matched | None = None) -> list[JsonObject]:
    """People or organisations (`kind`: people, orgs) most named by matching messages."""
    clause, params = seq_filter(query, "e.seq", within)
    rows = db.execute(
        f"SELECT e.name, COUNT(*) AS n FROM message_entities e WHERE e.kind = ?{clause} "
        "GROUP BY e.name ORDER BY n DESC, e.name LIMIT ?",
        [kind, *params, limit],
    )
    return [{"name": name, "count": int(count)} for name, count in rows]


def latest_counts(db: sqlite3.Connection, query: SearchQuery, per_kind: int = 5, *,
                  within: Matched | None = None) -> list[JsonObject]:
    """For each casualty kind: the latest figure, the highest, and the messages behind them."""
    clause, params = seq_filter(query, "c.seq", within)
    out: list[JsonObject] = []
    for kind in COUNT_KINDS:
        reports, highest = db.execute(
            f"SELECT COUNT(*), MAX(c.value) FROM message_counts c WHERE c.kind = ?{clause}",
            [kind, *params],
        ).fetchone()
        rows = db.execute(
            "SELECT m.id, c.value, c.qualifier, c.created_at, substr(m.text, 1, 200) "
            f"FROM message_counts c JOIN messages m ON m.seq = c.seq WHERE c.kind = ?{clause} "
            "ORDER BY c.created_at DESC, c.seq DESC LIMIT ?",
            [kind, *params, per_kind],
        )
        behind: list[JsonObject] = [
            {"id": mid, "value": value, "qualifier": qualifier or None, "created_at": at,
             "text": text}
            for mid, value, qualifier, at, text in rows
        ]
        out.append({
            "kind": kind,
            "latest": behind[0]["value"] if behind else None,
            "latest_qualifier": behind[0]["qualifier"] if behind else None,
            "highest": highest,
            "reports": int(reports),
            "messages": list(behind),
        })
    return out


def top_clusters(db: sqlite3.Connection, query: SearchQuery, limit: int = 20
                 ) -> list[JsonObject]:
    """Near-duplicate clusters among matching messages, largest first, with a first text."""
    clause, params = seq_filter(query, "f.seq")
    rows = list(db.execute(
        "SELECT f.cluster_id, COUNT(*) AS n, MIN(f.seq) FROM message_facets f "
        f"WHERE f.cluster_id IS NOT NULL{clause} GROUP BY f.cluster_id HAVING n > 1 "
        "ORDER BY n DESC, f.cluster_id LIMIT ?",
        [*params, limit],
    ))
    firsts = {
        int(seq): (mid, text, at)
        for seq, mid, text, at in db.execute(
            f"SELECT seq, id, substr(text, 1, 280), created_at FROM messages "
            f"WHERE seq IN ({','.join('?' * len(rows))})",
            [row[2] for row in rows],
        )
    } if rows else {}
    return [
        {"id": cid, "stored": int(count), "first_id": firsts[int(seq)][0],
         "text": firsts[int(seq)][1], "created_at": firsts[int(seq)][2]}
        for cid, count, seq in rows if int(seq) in firsts
    ]


def distinct_facets(db: sqlite3.Connection) -> JsonObject:
    """The languages, categories and platforms present, for filter menus."""
    langs = [r[0] for r in db.execute(
        "SELECT DISTINCT lang FROM message_facets WHERE lang IS NOT NULL ORDER BY lang")]
    cats = [r[0] for r in db.execute(
        "SELECT DISTINCT category FROM message_facets WHERE category IS NOT NULL "
        "ORDER BY category")]
    return {"languages": langs, "categories": cats}
