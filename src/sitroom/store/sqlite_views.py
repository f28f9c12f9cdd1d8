"""Read-only SQL behind the dashboard: timeline, places, entities, counts, clusters, labels.

Every function takes the store's connection and, where the view follows the user's filters,
a `SearchQuery`. Filters go through `sitroom.store.sqlite_search._filters` and free text
through `to_fts_expression`, so user input only ever reaches SQL as bound parameters.
Nothing here counts the whole messages table per call: aggregates read the small derived
tables (facets, places, entities, counts) or a time window of the timeline.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta

import orjson

from sitroom.models import JsonObject
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
             after_seq: int | None = None) -> Matching:
    """The messages a query's text and filters match; `extra` adds (clause, params) pairs,
    `after_seq` keeps only messages stored after that seq (pushed into the text search)."""
    where, params = _filters(query)
    source = "messages m"
    if query.text and query.text.strip():
        bound = "" if after_seq is None else " AND rowid > ?"
        source = (
            f"(SELECT rowid AS f_seq FROM messages_fts WHERE messages_fts MATCH ?{bound}) t "
            "JOIN messages m ON m.seq = t.f_seq"
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


def _seq_filter(query: SearchQuery, column: str) -> tuple[str, list[object]]:
    """` AND column IN (matching seqs)` when the query filters anything, else nothing."""
    found = matching(query)
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
                   cap: int = FILTERED_COUNT_CAP) -> tuple[int, bool]:
    """How many messages match (counting at most `cap`); True when the cap was reached."""
    found = matching(query)
    row = db.execute(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {found.sql} LIMIT ?)", [*found.params, cap]
    ).fetchone()
    total = int(row[0])
    return total, total >= cap


def _hour_after(hour: str, hours: int) -> str:
    moment = parse_iso(hour + ":00:00Z") + timedelta(hours=hours)
    return to_rfc3339(moment)[:13]


def timeline(db: sqlite3.Connection, query: SearchQuery,
             max_hours: int = MAX_TIMELINE_HOURS) -> JsonObject:
    """Messages per hour by category over at most `max_hours` ending at the latest match."""
    found = matching(query, ("m.created_at IS NOT NULL", ()))
    newest = db.execute(
        f"SELECT m.created_at FROM {found.sql} ORDER BY m.created_at DESC LIMIT 1", found.params
    ).fetchone()
    last = None if newest is None else newest[0]
    if last is None:
        return {"hours": [], "categories": [], "from": None, "to": None, "truncated": False}
    end_hour = str(last)[:13]
    start_hour = _hour_after(end_hour, -(max_hours - 1))
    since = start_hour + ":00:00Z"
    truncated = query.since is None or query.since < since
    if query.since is not None and query.since > since:
        since = query.since
    window = matching(query, ("m.created_at >= ?", (since,)))
    rows = db.execute(
        f"SELECT substr(m.created_at, 1, 13) AS hour, COALESCE(f.category, ?), COUNT(*) "
        f"FROM {window.sql} GROUP BY hour, 2 ORDER BY hour",
        [UNCLASSIFIED, *window.params],
    )
    hours: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for hour, category, count in rows:
        hours.setdefault(str(hour), {})[str(category)] = int(count)
        totals[str(category)] = totals.get(str(category), 0) + int(count)
    if truncated:
        first = db.execute(
            f"SELECT 1 FROM {found.sql} AND m.created_at < ? LIMIT 1", [*found.params, since]
        ).fetchone()
        truncated = first is not None
    return {
        "hours": [{"hour": hour + ":00:00Z", "counts": counts} for hour, counts in hours.items()],
        "categories": sorted(totals, key=lambda name: -totals[name]),
        "from": min(hours) + ":00:00Z" if hours else None,
        "to": end_hour + ":00:00Z",
        "truncated": truncated,
    }


def top_places(db: sqlite3.Connection, query: SearchQuery, limit: int = 200) -> list[JsonObject]:
    """Places mentioned by matching messages, most mentioned first, with coordinates."""
    clause, params = _seq_filter(query, "p.seq")
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


def top_entities(db: sqlite3.Connection, query: SearchQuery, kind: str, limit: int = 15
                 ) -> list[JsonObject]:
    """People or organisations (`kind`: people, orgs) most named by matching messages."""
    clause, params = _seq_filter(query, "e.seq")
    rows = db.execute(
        f"SELECT e.name, COUNT(*) AS n FROM message_entities e WHERE e.kind = ?{clause} "
        "GROUP BY e.name ORDER BY n DESC, e.name LIMIT ?",
        [kind, *params, limit],
    )
    return [{"name": name, "count": int(count)} for name, count in rows]


def latest_counts(db: sqlite3.Connection, query: SearchQuery, per_kind: int = 5
                  ) -> list[JsonObject]:
    """For each casualty kind: the latest figure, the highest, and the messages behind them."""
    clause, params = _seq_filter(query, "c.seq")
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
    clause, params = _seq_filter(query, "f.seq")
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


@dataclass(frozen=True, slots=True)
class LabelRow:
    """A person's correction of one message's category or help flag."""

    id: int
    message_id: str
    seq: int
    field: str
    value: str
    labelled_by: str
    labelled_at: str

    def to_json(self) -> JsonObject:
        """The label as the API shows it."""
        return {
            "id": self.id, "message_id": self.message_id, "seq": self.seq,
            "field": self.field, "value": self.value, "labelled_by": self.labelled_by,
            "labelled_at": self.labelled_at,
        }


_LABEL_SELECT = (
    "SELECT l.rowid, m.id, l.seq, l.field, l.value, l.labelled_by, l.labelled_at "
    "FROM labels l JOIN messages m ON m.seq = l.seq"
)


def add_label(db: sqlite3.Connection, seq: int, field: str, value: str, *,
              labelled_by: str, labelled_at: str) -> int:
    """Store a label (inside the caller's transaction); labels are only ever added."""
    cursor = db.execute(
        "INSERT INTO labels(seq, field, value, labelled_by, labelled_at) VALUES (?, ?, ?, ?, ?)",
        (seq, field, value, labelled_by, labelled_at),
    )
    return int(cursor.lastrowid or 0)


def labels_for(db: sqlite3.Connection, seq: int) -> list[LabelRow]:
    """Every label given to one message, oldest first."""
    rows = db.execute(f"{_LABEL_SELECT} WHERE l.seq = ? ORDER BY l.rowid", (seq,))
    return [LabelRow(*row) for row in rows]


def recent_labels(db: sqlite3.Connection, limit: int = 50, before: int | None = None
                  ) -> list[LabelRow]:
    """The newest labels (before label id `before`, for paging)."""
    sql = _LABEL_SELECT
    params: list[object] = []
    if before is not None:
        sql += " WHERE l.rowid < ?"
        params.append(before)
    rows = db.execute(sql + " ORDER BY l.rowid DESC LIMIT ?", [*params, limit])
    return [LabelRow(*row) for row in rows]


def uncertain_messages(db: sqlite3.Connection, query: SearchQuery, limit: int = 20,
                       window: int = 5000) -> list[tuple[str, float, list[str]]]:
    """The active-learning queue: unlabelled messages whose top two category scores are
    closest (smallest margin), among the newest `window` matching analysed messages.

    Returns (message id, margin, the two leading categories), least certain first.
    """
    clause, params = _seq_filter(query, "a.seq")
    rows = db.execute(
        "SELECT m.id, json_extract(a.data, '$.category.scores') FROM annotations a "
        "JOIN messages m ON m.seq = a.seq "
        "WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.seq = a.seq)"
        f"{clause} ORDER BY a.seq DESC LIMIT ?",
        [*params, window],
    )
    ranked: list[tuple[str, float, list[str]]] = []
    for mid, scores_json in rows:
        if not scores_json:
            continue
        scores = orjson.loads(scores_json)
        if not isinstance(scores, dict) or not scores:
            continue
        best = sorted(
            ((float(v), str(k)) for k, v in scores.items() if isinstance(v, int | float)),
            reverse=True,
        )[:2]
        if not best:
            continue
        margin = best[0][0] - (best[1][0] if len(best) > 1 else 0.0)
        ranked.append((str(mid), round(margin, 4), [name for _score, name in best]))
    ranked.sort(key=lambda item: item[1])
    return ranked[:limit]
