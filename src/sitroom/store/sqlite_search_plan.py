"""Choosing how to run a text search with filters, from a few bounded counts.

A page of a text search costs what reading the text's matches costs, unless the plan can stop
early. Measured at 1,000,000 messages on 2 cores (benchmarks/bench_web.py): checking one match
against a facet filter costs about 1.2 µs, against the messages table (time, platform, author)
about 2.6 µs, and ranking one match (bm25, the FTS5 `rank`) about 1.4 µs plus its share of
the sort. A common word matches 20,000 to 90,000 messages, so every per-match step is tens of
milliseconds. The hints say which plan reads least (`sqlite_search.build_search` uses them):

- a text that matches much of the archive ("dense"), newest or priority first: walk the index
  that gives the page's order and keep messages among the matches (collected once, about
  0.1 µs each): a page is found after a few thousand steps;
- dense, best match first, with filters most matches pass: rank every match, then check the
  filters in rank order until the page is full (few checks), instead of checking every match;
  when few pass (estimated on the newest matches), check every match first and rank the few;
- a rare place: collect its messages once and check each match against that set.
"""

from __future__ import annotations

import sqlite3

from sitroom.store.base import SearchQuery
from sitroom.store.fts_query import to_fts_expression
from sitroom.store.sqlite_search import (
    _PLACE,
    SearchHints,
    _filters,
    _needs_facets,
    _place_params,
)

# A text is "dense" when it matches at least this share of the archive (and this many
# messages): then walking an index in page order meets a page of matches sooner than reading
# every match. Below it, reading every match is cheap anyway.
DENSE_SHARE = 200
DENSE_MIN = 2000
# A place mentioned by fewer messages than this is collected once into a set, checked for
# each match as the matches are read; a more common one is checked per candidate (soon
# filling a page), as collecting it would cost more than the whole search.
PLACE_SET_MAX = 100_000
# Newest or priority first, a place with fewer messages than this is where the page starts:
# its messages are read and sorted, each checked against the text's matches.
PLACE_DRIVE_MAX = 10_000
SAMPLE = 256  # matches, spread over the log, on which the share passing the filters is taken
SLICES = 8
# Costs per match in µs (see the module docstring); only their ratios matter.
RANK_US = 1.7  # bm25 plus its share of sorting every match
FACET_US = 1.2
MESSAGE_US = 2.6
PLACE_US = 2.5


def search_hints(db: sqlite3.Connection, query: SearchQuery) -> SearchHints:
    """The plan's inputs, from bounded counts (a few ms at most): how many messages the text
    matches, how many mention the place, and what share of matches pass the filters."""
    if not (query.text and query.text.strip()):
        return SearchHints()
    where, _params = _filters(query)
    if query.order == "relevance" and not where:
        return SearchHints()  # best match first with no filter: one plan, nothing to count
    expression = to_fts_expression(query.text)
    top = db.execute("SELECT MAX(seq) FROM messages").fetchone()[0]
    enough = max(DENSE_MIN, (int(top or 0) + 1) // DENSE_SHARE)
    found = db.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)",
        (expression, enough),
    ).fetchone()[0]
    if int(found) < enough:
        return SearchHints()
    place_rows = PLACE_SET_MAX
    if query.place:
        place_rows = int(db.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM message_places p WHERE {_PLACE} LIMIT ?)",
            [*_place_params(query.place), PLACE_SET_MAX],
        ).fetchone()[0])
    place_set = place_rows < PLACE_SET_MAX
    rank_first = False
    if query.order == "relevance" and not place_set:  # (with filters, see above)
        matches = int(db.execute("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH ?",
                                 (expression,)).fetchone()[0])
        rank_first = _rank_first(db, query, expression, matches=matches)
    return SearchHints(dense_text=True, place_set=place_set,
                       place_drives=place_rows < PLACE_DRIVE_MAX, rank_first=rank_first)


def _rank_first(db: sqlite3.Connection, query: SearchQuery, expression: str, *,
                matches: int) -> bool:
    """Whether ranking every match and then checking filters in rank order reads less than
    checking every match and ranking those that pass."""
    where, params = _filters(query)
    if not where:
        return False
    uses = " ".join(where).replace("m.seq", "")
    check = (FACET_US if "f." in uses or _needs_facets(query) else 0.0) \
        + (MESSAGE_US if "m." in uses else 0.0) + (PLACE_US if query.place else 0.0)
    # slices spread over the whole log (the newest matches alone would misjudge a time
    # filter), each found by a seek in the index, not by reading the matches before it
    top = int(db.execute("SELECT MAX(seq) FROM messages").fetchone()[0] or 0)
    slice_sql = ("SELECT * FROM (SELECT rowid AS f_seq FROM messages_fts "
                 "WHERE messages_fts MATCH ? AND rowid >= ? LIMIT ?)")
    source = "(" + " UNION ALL ".join([slice_sql] * SLICES) + ") t"
    per_slice = SAMPLE // SLICES
    slices: list[object] = []
    for n in range(SLICES):
        slices += [expression, top * n // SLICES, per_slice]
    if "m." in uses:
        source += " CROSS JOIN messages m ON m.seq = t.f_seq"
    if "f." in uses:
        source += " LEFT JOIN message_facets f ON f.seq = t.f_seq"
    clauses = " AND ".join(clause.replace("m.seq", "t.f_seq") for clause in where)
    sampled, passed = db.execute(
        f"SELECT COUNT(*), COALESCE(SUM({clauses}), 0) FROM {source}", [*params, *slices],
    ).fetchone()
    share = int(passed) / max(int(sampled), 1)
    if share == 0:
        return False
    wanted = query.limit + query.offset
    ranked = RANK_US * matches + check * min(matches, wanted / share)
    checked = check * matches + (RANK_US - 0.3) * share * matches
    return ranked < checked
