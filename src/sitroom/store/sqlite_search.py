"""Search SQL for SQLite: full-text over normalised text plus facet filters and cursors.

User input only ever reaches SQL as bound parameters, and FTS5 only through
`to_fts_expression`, which quotes every term.
"""

from __future__ import annotations

from sitroom.errors import QueryError
from sitroom.store.base import SearchQuery
from sitroom.store.fts_query import to_fts_expression
from sitroom.textnorm import normalize_for_search

ORDERS = ("relevance", "newest", "priority")


def _filters(query: SearchQuery) -> tuple[list[str], list[object]]:
    where: list[str] = []
    params: list[object] = []
    simple = (
        ("m.platform = ?", query.platform),
        ("m.author = ?", query.author),
        ("m.created_at >= ?", query.since),
        ("m.created_at < ?", query.until),
        ("f.lang = ?", query.lang),
        ("f.category = ?", query.category),
        ("f.priority >= ?", query.min_priority),
        ("f.cluster_id = ?", query.cluster),
    )
    for clause, value in simple:
        if value is not None:
            where.append(clause)
            params.append(value)
    if query.help is not None:
        where.append("f.help = ?")
        params.append(1 if query.help else 0)
    if query.first_only:
        where.append("(f.is_first = 1 OR f.is_first IS NULL)")
    if query.place:
        where.append(
            "EXISTS (SELECT 1 FROM message_places p WHERE p.seq = m.seq AND "
            "(p.place_key = ? OR p.place_key = ? OR p.name = ?))"
        )
        params += [query.place, "name:" + normalize_for_search(query.place), query.place]
    return where, params


def _order(query: SearchQuery, has_text: bool) -> tuple[str, str, str]:
    """ORDER BY clause, the sort value selected for the cursor, and the cursor's order kind."""
    if query.order not in ORDERS:
        raise QueryError(f"unknown order {query.order!r}; use one of {', '.join(ORDERS)}")
    if query.order == "priority":
        return "f.priority DESC, m.seq DESC", "COALESCE(f.priority, 0)", "priority"
    if query.order == "relevance" and has_text:
        return "t.f_rank ASC, m.seq DESC", "t.f_rank", "relevance"
    return "m.created_at DESC, m.seq DESC", "COALESCE(m.created_at, '')", "newest"


def _after_cursor(kind: str, cursor: str) -> tuple[str, list[object]]:
    """The WHERE clause that continues after the row the cursor names."""
    value, _, seq_text = cursor.rpartition("|")
    try:
        seq = int(seq_text)
        number = float(value) if kind != "newest" else 0.0
    except ValueError:
        raise QueryError("invalid cursor: start again from the first page") from None
    if kind == "priority":
        return (
            "(f.priority < ? OR (f.priority = ? AND m.seq < ?) OR f.priority IS NULL)",
            [number, number, seq],
        )
    if kind == "relevance":
        return "(t.f_rank > ? OR (t.f_rank = ? AND m.seq < ?))", [number, number, seq]
    if value == "":
        return "(m.created_at IS NULL AND m.seq < ?)", [seq]
    return (
        "(m.created_at < ? OR (m.created_at = ? AND m.seq < ?) OR m.created_at IS NULL)",
        [value, value, seq],
    )


def _needs_facets(query: SearchQuery) -> bool:
    return (
        query.lang is not None or query.category is not None or query.help is not None
        or query.min_priority is not None or query.cluster is not None
    )


def cursor_after(sort_value: object, seq: int) -> str:
    """The cursor naming a result row (floats kept exact with repr)."""
    value = repr(sort_value) if isinstance(sort_value, float) else str(sort_value)
    return f"{value}|{seq}"


def build_search(query: SearchQuery, columns: str) -> tuple[str, list[object]]:
    """SQL selecting `columns` plus two trailing sort columns (see `cursor_after`)."""
    has_text = bool(query.text and query.text.strip())
    where, params = _filters(query)
    order, sort_value, kind = _order(query, has_text)
    source = "messages m"
    if has_text:
        source = (
            "(SELECT rowid AS f_seq, rank AS f_rank FROM messages_fts "
            "WHERE messages_fts MATCH ?) t JOIN messages m ON m.seq = t.f_seq"
        )
        params.insert(0, to_fts_expression(str(query.text)))
    sql = f"SELECT {columns}, {sort_value} AS sort_value, m.seq AS sort_seq FROM {source} "
    # Facet filters can only match analysed messages: an inner join lets SQLite drive the
    # query from the facet indexes.
    join = "JOIN" if _needs_facets(query) else "LEFT JOIN"
    sql += f"{join} message_facets f ON f.seq = m.seq"
    if query.cursor:
        clause, extra = _after_cursor(kind, query.cursor)
        where.append(clause)
        params += extra
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
    params += [query.limit, query.offset]
    return sql, params
