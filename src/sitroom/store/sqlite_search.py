"""Search SQL for SQLite: full-text over normalised text plus facet filters and cursors.

User input only ever reaches SQL as bound parameters, and FTS5 only through
`to_fts_expression`, which quotes every term.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitroom.errors import QueryError
from sitroom.store.base import SearchQuery
from sitroom.store.fts_query import to_fts_expression
from sitroom.textnorm import normalize_for_search

ORDERS = ("relevance", "newest", "priority")


@dataclass(frozen=True, slots=True)
class SearchHints:
    """What choosing a search plan needs to know of the data (`sqlite_search_plan`): the text
    matches much of the archive; the place filter is rare enough to collect once, or so rare
    that its messages are the best place to start; the matches are best ranked before the
    filters are checked."""

    dense_text: bool = False
    place_set: bool = False
    place_drives: bool = False
    rank_first: bool = False


_PLACE = "(p.place_key = ? OR p.place_key = ? OR p.name = ?)"
_PLACE_SET = "m.seq IN"


def _filters(query: SearchQuery, *, place_set: bool = False) -> tuple[list[str], list[object]]:
    """WHERE clauses over messages `m` and facets `f`. `place_set` writes the place filter
    as membership in the place's own rows, which suits reading every match (aggregates);
    otherwise each candidate is probed, which suits a page that stops early."""
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
            f"{_PLACE_SET} (SELECT p.seq FROM message_places p WHERE {_PLACE})" if place_set
            else f"EXISTS (SELECT 1 FROM message_places p WHERE p.seq = m.seq AND {_PLACE})"
        )
        params += _place_params(query.place)
    return where, params


def _place_params(place: str) -> list[object]:
    """The values of `_PLACE`: a gazetteer id, a name's key, or a name."""
    return [place, "name:" + normalize_for_search(place), place]


def _order(query: SearchQuery, has_text: bool) -> tuple[str, str, str, str]:
    """ORDER BY clause, the sort value selected for the cursor, the cursor's order kind, and
    the first sort key (the page's outer query re-sorts by it, NULLs where SQL puts them)."""
    if query.order not in ORDERS:
        raise QueryError(f"unknown order {query.order!r}; use one of {', '.join(ORDERS)}")
    if query.order == "priority":
        # the raw priority, so an unanalysed row's cursor says NULL (see `cursor_after`)
        return "f.priority DESC, m.seq DESC", "f.priority", "priority", "f.priority DESC"
    if query.order == "relevance" and has_text:
        return "t.f_rank ASC, m.seq DESC", "t.f_rank", "relevance", "t.f_rank ASC"
    return "m.created_at DESC, m.seq DESC", "COALESCE(m.created_at, '')", "newest", \
        "m.created_at DESC"


def _after_cursor(kind: str, cursor: str) -> tuple[str, list[object]]:
    """The WHERE clause that continues after the row the cursor names."""
    value, _, seq_text = cursor.rpartition("|")
    try:
        seq = int(seq_text)
        number = float(value) if kind != "newest" and value != "" else 0.0
    except ValueError:
        raise QueryError("invalid cursor: start again from the first page") from None
    if kind == "priority" and value == "":
        # past the analysed rows: only unanalysed ones (NULL priority, sorted last) remain
        return "(f.priority IS NULL AND m.seq < ?)", [seq]
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
    """The cursor naming a result row (floats kept exact with repr; a NULL sort value, as
    an unanalysed message's priority, is written empty)."""
    if sort_value is None:
        return f"|{seq}"
    value = repr(sort_value) if isinstance(sort_value, float) else str(sort_value)
    return f"{value}|{seq}"


def _on_facets(clause: str) -> str:
    """A clause with the message's seq and time read from its facets row (equal values)."""
    return clause.replace("m.created_at", "f.created_at").replace("m.seq", "f.seq")


_RANKED = ("(SELECT rowid AS f_seq, rank AS f_rank FROM messages_fts WHERE messages_fts MATCH ? "
           "ORDER BY rank ASC, rowid DESC LIMIT -1) t")  # LIMIT: SQLite keeps this order


def _narrow_source(has_text: bool, inner: bool, uses: str, *, ranked: bool = False
                   ) -> tuple[str, str]:
    """FROM clause of the page's narrow query and the seq that drives it; `uses` is the SQL
    text the query needs, so tables nothing refers to are left out. `ranked`: the text's
    matches come best first (all of them ranked), so filters stop at the page's end."""
    if has_text:
        source = _RANKED if ranked else ("(SELECT rowid AS f_seq, rank AS f_rank FROM "
                                         "messages_fts WHERE messages_fts MATCH ?) t")
        # CROSS JOIN keeps the text search as the outer loop (see sqlite_views.matching)
        if "m." in uses:
            source += " CROSS JOIN messages m ON m.seq = t.f_seq"
        if "f." in uses or inner:
            join = "CROSS JOIN" if inner else "LEFT JOIN"
            source += f" {join} message_facets f ON f.seq = t.f_seq"
        return source, "t.f_seq"
    if inner:
        if "m." in uses:
            return "message_facets f JOIN messages m ON m.seq = f.seq", "f.seq"
        return "message_facets f", "f.seq"
    if "f." in uses:
        return "messages m LEFT JOIN message_facets f ON f.seq = m.seq", "m.seq"
    return "messages m", "m.seq"


def _narrow(has_text: bool, inner: bool, where: list[str], order: list[str], *,
            ranked: bool = False) -> str:
    """SELECT sort_value, sort_seq, sort_key of the matching rows in page order (no LIMIT);
    `order` is (ORDER BY clause, sort value, sort key with its direction). `ranked` (text,
    relevance order): the rows keep the order of the ranked matches, with no sort after the
    filters, so a page stops reading at its last row."""
    parts = [*where, *order]
    if inner:
        parts = [_on_facets(part) for part in parts]
    uses = " ".join(parts).replace("m.seq", "")
    source, seq = _narrow_source(has_text, inner, uses, ranked=ranked)
    parts = [part.replace("m.seq", seq) for part in parts]
    if inner:
        parts = [part.replace("f.seq", seq) for part in parts]
    *where, order_by, sort_value, sort_key = parts
    sql = (f"SELECT {sort_value} AS sort_value, {seq} AS sort_seq, "
           f"{sort_key.rsplit(' ', 1)[0]} AS sort_key FROM {source}")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql if ranked else f"{sql} ORDER BY {order_by}"


def _by_priority(where: list[str], params: list[object], order: list[str], wanted: int
                 ) -> tuple[str, list[object]]:
    """Highest priority first over every message: analysed ones straight from the priority
    index, then, only when they run out, the unanalysed ones (no facets row, so a NULL
    priority, which sorts last) newest stored first: the rows and order of one LEFT JOIN,
    without sorting the whole archive."""
    analysed = _narrow(False, True, where, order) + " LIMIT ?"
    rest = _narrow(False, False, ["f.seq IS NULL", *where], order)
    rest += (f" LIMIT (CASE WHEN (SELECT COUNT(*) FROM ({analysed})) < ? THEN ? ELSE 0 END)")
    sql = f"SELECT * FROM ({analysed}) UNION ALL SELECT * FROM ({rest})"
    return sql, [*params, wanted, *params, *params, wanted, wanted, wanted]


_MEMBER = "+m.seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)"


def build_search(query: SearchQuery, columns: str, hints: SearchHints | None = None
                 ) -> tuple[str, list[object]]:
    """SQL selecting `columns` plus two trailing sort columns (see `cursor_after`).

    Two steps: a narrow query finds the page's seqs touching only what its filters and order
    need (the FTS index, the facets, an index on time), and only those rows are then read
    whole, so a page costs the same however many rows match. Facet filters can only match
    analysed messages, so they drive the query from the facets, whose `created_at` and
    `seq` equal the message's: their indexes then give the order and no sort is needed.

    A text that matches much of the archive (`hints`, from `search_hints`) changes the plan:
    newest or priority first, the page is read as without text, from the index that gives
    its order, keeping messages among the text's matches (collected once); best match first,
    the matches are ranked first and the filters read in that order until the page is full
    (unless a rare place is among them: then the place's messages are collected once and
    each match checked against them, which is cheaper than ranking every match).
    """
    hints = hints or SearchHints()
    has_text = bool(query.text and query.text.strip())
    where, params = _filters(query, place_set=hints.place_set)
    order_by, sort_value, kind, sort_key = _order(query, has_text)
    by_index = has_text and hints.dense_text and kind != "relevance"
    if not (by_index and hints.place_drives):
        # the place's set is checked, not walked: walked, SQLite would run the text search
        # once per place row, or read a common place's messages one by one
        where = [clause.replace(_PLACE_SET, "+" + _PLACE_SET, 1) for clause in where]
    filtered = bool(where)
    if by_index:
        where.append(_MEMBER)
        params.append(to_fts_expression(str(query.text)))
    if query.cursor:
        clause, extra = _after_cursor(kind, query.cursor)
        where.append(clause)
        params += extra
    order = [order_by, sort_value, sort_key]
    inner = _needs_facets(query)
    text_first = has_text and not by_index
    if kind == "priority" and not text_first and not inner:
        narrow, params = _by_priority(where, params, order, query.limit + query.offset)
        narrow = f"SELECT * FROM ({narrow}) ORDER BY sort_key DESC, sort_seq DESC"
    else:
        ranked = text_first and kind == "relevance" and filtered and hints.rank_first
        narrow = _narrow(text_first, inner, where, order, ranked=ranked)
        if text_first:
            params.insert(0, to_fts_expression(str(query.text)))
    direction = sort_key.rsplit(" ", 1)[1]
    params += [query.limit, query.offset]
    sql = (f"SELECT {columns}, page.sort_value, page.sort_seq FROM ({narrow} LIMIT ? OFFSET ?) "
           "page JOIN messages m ON m.seq = page.sort_seq "
           "LEFT JOIN message_facets f ON f.seq = m.seq "
           f"ORDER BY page.sort_key {direction}, page.sort_seq DESC")
    return sql, params
