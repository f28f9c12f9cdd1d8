"""Near-duplicate clusters kept in the archive's SQLite database (a `ClusterIndex`).

The store executes `CLUSTER_SCHEMA` when it opens and hands `SQLiteClusterIndex` its
connection. Every batch costs a handful of statements whatever its size: id and key lists
travel as one JSON parameter (`json_each`), writes go through `executemany`. Writes run inside
a SAVEPOINT, so they join the caller's transaction when there is one and are atomic on their
own when there is none. Clusters are referenced by an integer handle inside the database to
keep the key and member tables small; the public id (the first message's id) is unique.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager

import orjson

from sitroom.analysis.cluster_index import ClusterChanges, ClusterInfo, IndexView, Membership

CLUSTER_SCHEMA = """
CREATE TABLE IF NOT EXISTS cluster_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clusters (
    handle INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    first_at TEXT,
    size INTEGER NOT NULL,
    signature BLOB NOT NULL,
    numbers INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cluster_keys (
    key INTEGER NOT NULL,
    cluster INTEGER NOT NULL,
    PRIMARY KEY (key, cluster)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cluster_members (
    message_id TEXT PRIMARY KEY,
    cluster INTEGER NOT NULL,
    counted INTEGER NOT NULL
) WITHOUT ROWID;
"""

_IN_JSON = "IN (SELECT value FROM json_each(?))"
_SELECT_MEMBERS = (
    f"SELECT message_id, cluster, counted FROM cluster_members WHERE message_id {_IN_JSON}"
)
_SELECT_KEYS = f"SELECT key, cluster FROM cluster_keys WHERE key {_IN_JSON}"
_SELECT_CLUSTERS = (
    f"SELECT handle, id, first_at, size, signature, numbers FROM clusters WHERE handle {_IN_JSON}"
)
_SELECT_HANDLES = f"SELECT id, handle FROM clusters WHERE id {_IN_JSON}"
_SELECT_SIZES = f"SELECT id, size FROM clusters WHERE id {_IN_JSON}"
_INSERT_CLUSTER = (
    "INSERT INTO clusters (handle, id, first_at, size, signature, numbers) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO NOTHING"
)
_ADD_SIZE = "UPDATE clusters SET size = size + ? WHERE handle = ?"
_INSERT_KEY = "INSERT OR IGNORE INTO cluster_keys (key, cluster) VALUES (?, ?)"
_UPSERT_MEMBER = (
    "INSERT INTO cluster_members (message_id, cluster, counted) VALUES (?, ?, ?) "
    "ON CONFLICT (message_id) DO UPDATE SET cluster = excluded.cluster, counted = excluded.counted"
)
_SCHEME_KEY = "dedupe_scheme"
_TABLES = ("cluster_keys", "cluster_members", "clusters", "cluster_meta")


def _json(values: Iterable[object]) -> str:
    return orjson.dumps(list(values)).decode()


class SQLiteClusterIndex:
    """A `ClusterIndex` over a connection whose database holds `CLUSTER_SCHEMA`."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        # Handles of the clusters the current batch has seen; cleared when the batch is applied.
        self._handles: dict[str, int] = {}

    def scheme(self) -> str | None:
        """The sketch scheme recorded beside the stored clusters."""
        row = self._db.execute(
            "SELECT value FROM cluster_meta WHERE key = ?", (_SCHEME_KEY,)
        ).fetchone()
        return None if row is None else str(row[0])

    def set_scheme(self, scheme: str) -> None:
        """Record the sketch scheme."""
        with self._atomic():
            self._db.execute(
                "INSERT INTO cluster_meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_SCHEME_KEY, scheme),
            )

    def lookup(self, message_ids: Collection[str], keys: Collection[int]) -> IndexView:
        """See `ClusterIndex.lookup`: at most three queries."""
        members: dict[str, tuple[int, bool]] = {}
        if message_ids:
            for message_id, handle, counted in self._db.execute(
                _SELECT_MEMBERS, (_json(message_ids),)
            ):
                members[message_id] = (handle, bool(counted))
        found: dict[int, list[int]] = {}
        if keys:
            for key, handle in self._db.execute(_SELECT_KEYS, (_json(keys),)):
                found.setdefault(key, []).append(handle)
        wanted = {handle for handle, _ in members.values()}
        for handles in found.values():
            handles.sort()
            wanted.update(handles)
        return self._view(members, found, wanted)

    def _view(
        self, members: dict[str, tuple[int, bool]], found: dict[int, list[int]], wanted: set[int]
    ) -> IndexView:
        view = IndexView()
        ids: dict[int, str] = {}
        if wanted:
            for handle, cid, first_at, size, signature, numbers in self._db.execute(
                _SELECT_CLUSTERS, (_json(wanted),)
            ):
                ids[handle] = cid
                self._handles[cid] = handle
                view.clusters[cid] = ClusterInfo(
                    cid, first_at, int(size), bytes(signature), int(numbers)
                )
        for message_id, (handle, counted) in members.items():
            if handle in ids:
                view.members[message_id] = Membership(ids[handle], counted)
        for key, handles in found.items():
            view.keys[key] = [ids[h] for h in handles if h in ids]
        return view

    def apply(self, changes: ClusterChanges) -> None:
        """See `ClusterIndex.apply`: one statement per kind of change."""
        try:
            self._apply(changes)
        finally:
            self._handles = {}

    def _apply(self, changes: ClusterChanges) -> None:
        with self._atomic():
            self._insert_clusters(changes.new_clusters)
            self._resolve(
                [*changes.size_deltas, *(c for c, _ in changes.keys)]
                + [m.cluster for _, m in changes.members]
            )
            handles = self._handles
            self._db.executemany(
                _ADD_SIZE, [(d, handles[c]) for c, d in changes.size_deltas.items() if c in handles]
            )
            rows = [(k, handles[c]) for c, keys in changes.keys if c in handles for k in keys]
            self._db.executemany(_INSERT_KEY, rows)
            self._db.executemany(
                _UPSERT_MEMBER,
                [
                    (message_id, handles[m.cluster], int(m.counted))
                    for message_id, m in changes.members
                    if m.cluster in handles
                ],
            )

    def _insert_clusters(self, clusters: Sequence[ClusterInfo]) -> None:
        if not clusters:
            return
        (top,) = self._db.execute("SELECT COALESCE(MAX(handle), 0) FROM clusters").fetchone()
        rows = []
        for offset, info in enumerate(clusters, start=int(top) + 1):
            self._handles[info.id] = offset
            rows.append((offset, info.id, info.first_at, info.size, info.signature, info.numbers))
        inserted = self._db.executemany(_INSERT_CLUSTER, rows).rowcount
        if inserted != len(rows):
            # An id that already had a cluster (state left by an interrupted run) keeps it.
            for info in clusters:
                self._handles.pop(info.id, None)
            self._resolve(info.id for info in clusters)

    def _resolve(self, ids: Iterable[str]) -> None:
        """Look up the handles of clusters this batch did not see through `lookup`."""
        missing = {cid for cid in ids if cid not in self._handles}
        if missing:
            self._handles.update(self._db.execute(_SELECT_HANDLES, (_json(missing),)))

    def cluster_sizes(self, ids: Iterable[str]) -> dict[str, int]:
        """See `ClusterIndex.cluster_sizes`: one query."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        return {cid: int(size) for cid, size in self._db.execute(_SELECT_SIZES, (_json(wanted),))}

    def reset(self) -> None:
        """See `ClusterIndex.reset`."""
        with self._atomic():
            for table in _TABLES:
                self._db.execute(f"DELETE FROM {table}")  # names from _TABLES, never input
        self._handles = {}

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """A SAVEPOINT: nested in the caller's transaction, or a transaction of its own."""
        self._db.execute("SAVEPOINT cluster_index")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK TO cluster_index")
            self._db.execute("RELEASE cluster_index")
            raise
        self._db.execute("RELEASE cluster_index")
