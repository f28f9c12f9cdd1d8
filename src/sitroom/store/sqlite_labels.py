"""Labels in SQLite: people's corrections, with who and when, and the active-learning queue.

Labels are only ever added, beside the model's annotations, never over them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import orjson

from sitroom.models import JsonObject
from sitroom.store.base import SearchQuery
from sitroom.store.sqlite_views import seq_filter


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
    clause, params = seq_filter(query, "a.seq")
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


def newest_labels(db: sqlite3.Connection, field: str) -> list[tuple[int, str, str]]:
    """Each message's newest label for `field` (a later correction supersedes an earlier
    one): (seq, message text, value), in log order. What retraining learns from."""
    rows = db.execute(
        "SELECT l.seq, m.text, l.value FROM labels l JOIN messages m ON m.seq = l.seq "
        "WHERE l.field = ? AND l.rowid = "
        "(SELECT MAX(k.rowid) FROM labels k WHERE k.seq = l.seq AND k.field = l.field) "
        "ORDER BY l.seq",
        (field,),
    )
    return [(int(seq), str(text), str(value)) for seq, text, value in rows]


def labelled_counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many messages carry at least one label, per field."""
    rows = db.execute("SELECT field, COUNT(DISTINCT seq) FROM labels GROUP BY field")
    return {str(field): int(count) for field, count in rows}


def spread_texts(db: sqlite3.Connection, limit: int) -> list[tuple[int, str]]:
    """(seq, text) of up to about `limit` unlabelled messages spread evenly over the whole
    log (not just the newest hour), read by seq so a large archive costs `limit` lookups."""
    top = db.execute("SELECT MAX(seq) FROM messages").fetchone()[0]
    if top is None or limit <= 0:
        return []
    step = max(1, (int(top) + 1) // limit)
    wanted = list(range(int(top), -1, -step))[:limit]
    found: list[tuple[int, str]] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found += [(int(seq), str(text)) for seq, text in db.execute(
            f"SELECT m.seq, m.text FROM messages m WHERE m.seq IN ({marks}) "
            "AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.seq = m.seq)", chunk)]
    return sorted(found, reverse=True)
