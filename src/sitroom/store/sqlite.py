"""The embedded SQLite backend: WAL, FTS5 over normalised text, Merkle nodes, blob index."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from sitroom.archive.blobs import BlobRef
from sitroom.errors import ConfigError, MessageNotFoundError
from sitroom.models import JsonObject
from sitroom.store.base import (
    LogRow,
    NodeKey,
    RejectRow,
    SearchQuery,
    StoredMessage,
    StoredNotice,
)
from sitroom.store.sqlite_annotations import load_annotations, save_annotations
from sitroom.store.sqlite_clusters import CLUSTER_SCHEMA
from sitroom.store.sqlite_schema import PRAGMAS, SCHEMA, SCHEMA_VERSION
from sitroom.store.sqlite_search import build_search, cursor_after
from sitroom.store.sqlite_search_plan import search_hints
from sitroom.store.sqlite_values import as_bytes, tolerant_text
from sitroom.textnorm import normalize_for_search

_MESSAGE_COLUMNS = (
    "id, identity, platform, platform_id, text, created_at, author, author_id, lang, url, "
    "raw_sha256, source, locator, importer, received_at, seq, extra"
)
_NOTICE_COLUMNS = (
    "id, identity, platform, kind, detail, platform_id, created_at, raw_sha256, source, "
    "locator, importer, received_at, seq, extra"
)
_CHUNK = 500


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _extra_text(extra: JsonObject) -> str:
    """A row's `extra` as stored: canonical JSON (sorted keys), so that `verify` can seal-check
    it without re-parsing (the log entry's content hash covers the same canonical form)."""
    return orjson.dumps(extra, option=orjson.OPT_SORT_KEYS).decode()


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


class SQLiteStore:
    """An archive's embedded store in one SQLite file (WAL mode)."""

    def __init__(self, path: Path, *, create: bool = False, read_only: bool = False) -> None:
        if not create and not path.exists():
            raise ConfigError(f"{path}: the archive's store is missing")
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        try:
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            for pragma in PRAGMAS:
                if not (read_only and "journal_mode" in pragma):
                    self.db.execute(pragma)
            if not read_only:
                self.db.executescript(SCHEMA)
                self.db.executescript(CLUSTER_SCHEMA)
                self.db.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{path}: cannot open the archive's store: {exc}") from exc

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT; rolled back if anything inside raises.

        Re-entrant: inside an open transaction it joins it (the outer one commits).
        """
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # -- identities and blobs ----------------------------------------------------------
    def existing_identities(self, identities: Sequence[str]) -> set[str]:
        """Which identities are already stored as messages or notices."""
        found: set[str] = set()
        for part in _chunks(identities):
            marks = _placeholders(len(part))
            for table in ("messages", "notices"):
                rows = self.db.execute(
                    f"SELECT identity FROM {table} WHERE identity IN ({marks})", tuple(part)
                )
                found.update(row[0] for row in rows)
        return found

    def known_blobs(self, shas: Sequence[str]) -> set[str]:
        """Which raw hashes already have a blob."""
        found: set[str] = set()
        for part in _chunks(shas):
            rows = self.db.execute(
                f"SELECT sha256 FROM blobs WHERE sha256 IN ({_placeholders(len(part))})",
                tuple(part),
            )
            found.update(row[0] for row in rows)
        return found

    def pack_ends(self) -> dict[int, int]:
        """End offset of the last committed record of each pack."""
        # one indexed probe per pack instead of grouping over every blob
        (last,) = self.db.execute("SELECT MAX(pack) FROM blobs").fetchone()
        ends: dict[int, int] = {}
        for pack in range(1, int(last or 0) + 1):
            row = self.db.execute(
                "SELECT offset + length FROM blobs WHERE pack = ? ORDER BY offset DESC LIMIT 1",
                (pack,),
            ).fetchone()
            if row is not None:
                ends[pack] = int(row[0])
        return ends

    def add_blobs(self, rows: Sequence[tuple[str, BlobRef, int]]) -> None:
        """Index blobs just written to a pack."""
        self.db.executemany(
            "INSERT OR IGNORE INTO blobs(sha256, pack, offset, length, raw_length) "
            "VALUES (?, ?, ?, ?, ?)",
            [(sha, ref.pack, ref.offset, ref.length, size) for sha, ref, size in rows],
        )

    def blob_ref(self, sha256: str) -> BlobRef | None:
        """Where a blob lies."""
        row = self.db.execute(
            "SELECT pack, offset, length FROM blobs WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return None if row is None else BlobRef(int(row[0]), int(row[1]), int(row[2]))

    def iter_blobs(self) -> Iterator[tuple[str, BlobRef, int]]:
        """Every indexed blob in pack order: (sha256, where, raw length)."""
        rows = self.db.execute(
            "SELECT sha256, pack, offset, length, raw_length FROM blobs ORDER BY pack, offset"
        )
        for sha, pack, offset, length, size in rows:
            yield sha, BlobRef(pack, offset, length), size

    # -- messages, notices, rejects ----------------------------------------------------
    def add_messages(
        self, rows: Sequence[StoredMessage], index_texts: Sequence[str] | None = None
    ) -> None:
        """Insert messages and their full-text rows (`index_texts`: already normalised)."""
        if not rows:
            return
        self.db.executemany(
            f"INSERT INTO messages({_MESSAGE_COLUMNS}) VALUES ({_placeholders(17)})",
            [_message_params(row) for row in rows],
        )
        self.db.executemany(
            "INSERT INTO messages_fts(rowid, body) VALUES (?, ?)",
            [
                (row.seq, index_texts[n] if index_texts is not None else normalize_for_search(
                    row.text))
                for n, row in enumerate(rows)
            ],
        )

    def add_notices(self, rows: Sequence[StoredNotice]) -> None:
        """Insert notices."""
        self.db.executemany(
            f"INSERT INTO notices({_NOTICE_COLUMNS}) VALUES ({_placeholders(14)})",
            [
                (
                    r.id, r.identity, r.platform, r.kind, r.detail, r.platform_id,
                    r.created_at, r.raw_sha256, r.source, r.locator, r.importer,
                    r.received_at, r.seq, _extra_text(r.extra),
                )
                for r in rows
            ],
        )

    def add_rejects(self, rows: Sequence[RejectRow]) -> int:
        """Insert rejects not seen before; return how many were new."""
        before = self.db.total_changes
        self.db.executemany(
            "INSERT OR IGNORE INTO rejects(source, locator, reason, raw_sha256, importer, "
            "received_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (r.source, r.locator, r.reason, r.raw_sha256, r.importer, r.received_at)
                for r in rows
            ],
        )
        return self.db.total_changes - before

    def rejects(self, limit: int = 100) -> list[RejectRow]:
        """The most recent rejects."""
        rows = self.db.execute(
            "SELECT source, locator, reason, raw_sha256, importer, received_at FROM rejects "
            "ORDER BY rowid DESC LIMIT ?",
            (limit,),
        )
        return [RejectRow(*row) for row in rows]

    # -- Merkle log ----------------------------------------------------------------------
    def log_size(self) -> int:
        """Number of log leaves."""
        row = self.db.execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM log_leaves").fetchone()
        return int(row[0])

    def get_nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        """Stored perfect-subtree hashes for the given keys."""
        found: dict[NodeKey, bytes] = {}
        for start in range(0, len(keys), _CHUNK):
            part = keys[start : start + _CHUNK]
            clause = " OR ".join("(level = ? AND idx = ?)" for _ in part)
            params = [v for key in part for v in key]
            rows = self.db.execute(f"SELECT level, idx, hash FROM log_nodes WHERE {clause}", params)
            found.update(((int(lv), int(ix)), as_bytes(h)) for lv, ix, h in rows)
        return found

    def add_log(self, leaves: Sequence[LogRow], nodes: Sequence[tuple[NodeKey, bytes]]) -> None:
        """Append leaves (entries and level-0 hashes) and new interior nodes."""
        self.db.executemany(
            "INSERT INTO log_leaves(seq, entry) VALUES (?, ?)",
            [(leaf.seq, leaf.entry) for leaf in leaves],
        )
        rows = [(0, leaf.seq, leaf.leaf_hash) for leaf in leaves]
        rows += [(level, idx, digest) for (level, idx), digest in nodes if level > 0]
        self.db.executemany("INSERT INTO log_nodes(level, idx, hash) VALUES (?, ?, ?)", rows)

    def log_entry(self, seq: int) -> bytes:
        """The canonical entry bytes of one leaf."""
        row = self.db.execute("SELECT entry FROM log_leaves WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise MessageNotFoundError(f"no log leaf {seq}")
        return as_bytes(row[0])

    def sealed_rows(
        self, table: str, seqs: Sequence[int]
    ) -> Iterator[tuple[int, str, StoredMessage | StoredNotice | str, bytes | None]]:
        """For `verify`'s explanations: (seq, id, the row or why it cannot be read, the log
        entry at its seq or None) for the given seqs of `messages` or `notices`."""
        if table not in ("messages", "notices"):
            raise ValueError(table)
        columns = _MESSAGE_COLUMNS if table == "messages" else _NOTICE_COLUMNS
        prefixed = ", ".join(f"t.{c.strip()}" for c in columns.split(","))
        wanted = sorted(set(seqs))
        for first in range(0, len(wanted), _CHUNK):
            part = wanted[first : first + _CHUNK]
            with tolerant_text(self.db):  # a tampered row may hold bytes that are not UTF-8
                rows = self.db.execute(
                    f"SELECT {prefixed}, l.entry FROM {table} t LEFT JOIN log_leaves l "
                    f"ON l.seq = t.seq WHERE t.seq IN ({_placeholders(len(part))}) "
                    "ORDER BY t.seq",
                    part,
                ).fetchall()
            for *fields, entry in rows:
                sealed = None if entry is None else as_bytes(entry)
                row_id, seq = str(fields[0]), int(fields[-2])
                try:
                    row: StoredMessage | StoredNotice | str = (
                        _message_from_row(fields) if table == "messages"
                        else _notice_from_row(fields[:-1], fields[-1])
                    )
                except orjson.JSONDecodeError as exc:
                    row = f"extra is not valid JSON ({exc})"
                yield seq, row_id, row, sealed

    # -- checkpoints ---------------------------------------------------------------------
    def add_checkpoint(self, size: int, root: bytes, note: str, created_at: str) -> None:
        """Store a signed checkpoint."""
        self.db.execute(
            "INSERT OR REPLACE INTO checkpoints(size, root, note, created_at) VALUES (?,?,?,?)",
            (size, root, note, created_at),
        )

    def set_checkpoint_timestamp(self, size: int, reply: bytes) -> None:
        """Attach an RFC 3161 reply to a stored checkpoint."""
        self.db.execute(
            "UPDATE checkpoints SET timestamp_reply = ? WHERE size = ?", (reply, size)
        )

    def checkpoints(self) -> list[tuple[int, bytes, str, str, bytes | None]]:
        """All checkpoints by size: (size, root, note, created_at, timestamp reply)."""
        rows = self.db.execute(
            "SELECT size, root, note, created_at, timestamp_reply FROM checkpoints ORDER BY size"
        )
        return [
            (int(s), as_bytes(r), str(n), str(c), None if t is None else as_bytes(t))
            for s, r, n, c, t in rows
        ]

    # -- reading -------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> list[StoredMessage]:
        """Messages matching the text and filters, in the query's order."""
        sql, params = build_search(query, _prefixed("m"), search_hints(self.db, query))
        found = [_message_from_row(row[:-2]) for row in self.db.execute(sql, params)]
        return self._with_annotations(found)

    def search_page(self, query: SearchQuery) -> tuple[list[StoredMessage], str | None]:
        """One page of results and the cursor of the next page (None at the end)."""
        sql, params = build_search(query, _prefixed("m"), search_hints(self.db, query))
        rows = list(self.db.execute(sql, params))
        found = self._with_annotations([_message_from_row(row[:-2]) for row in rows])
        if len(rows) < query.limit:
            return found, None
        return found, cursor_after(rows[-1][-2], int(rows[-1][-1]))

    def _with_annotations(self, messages: list[StoredMessage]) -> list[StoredMessage]:
        if not messages:
            return messages
        stored = load_annotations(self.db, [m.seq for m in messages])
        return [replace(m, annotations=stored.get(m.seq, {})) for m in messages]

    def save_annotations(self, rows: Sequence[tuple[StoredMessage, JsonObject]]) -> None:
        """Store each message's annotations (replacing earlier ones) and their facets."""
        save_annotations(self.db, rows)

    def get_message(self, message_id: str) -> StoredMessage:
        """One message by id."""
        row = self.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None:
            raise MessageNotFoundError(f"no message with id {message_id!r}")
        return self._with_annotations([_message_from_row(row)])[0]

    def iter_messages(self, *, annotated: bool = True) -> Iterator[StoredMessage]:
        """All messages in log order (with their annotations unless `annotated` is False)."""
        cursor = self.db.execute(f"SELECT {_MESSAGE_COLUMNS} FROM messages ORDER BY seq")
        while True:
            rows = cursor.fetchmany(1000)
            if not rows:
                return
            messages = [_message_from_row(row) for row in rows]
            yield from self._with_annotations(messages) if annotated else messages

    def messages_after(
        self, seq: int, limit: int, *, only_unanalyzed: bool = False
    ) -> list[StoredMessage]:
        """Up to `limit` messages with a larger seq, in log order (for batch analysis)."""
        missing = " AND seq NOT IN (SELECT seq FROM annotations)" if only_unanalyzed else ""
        rows = self.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE seq > ?{missing} "
            "ORDER BY seq LIMIT ?",
            (seq, limit),
        )
        return [_message_from_row(row) for row in rows.fetchall()]

    def iter_notices(self) -> Iterator[StoredNotice]:
        """All notices in log order."""
        for row in self.db.execute(f"SELECT {_NOTICE_COLUMNS} FROM notices ORDER BY seq"):
            *head, extra = row
            yield _notice_from_row(head, extra)

    def stats(self) -> dict[str, object]:
        """Counts and ranges describing the archive."""
        one = self.db.execute
        messages = int(one("SELECT COUNT(*) FROM messages").fetchone()[0])
        first, last = one("SELECT MIN(created_at), MAX(created_at) FROM messages").fetchone()
        blobs, raw_bytes, stored_bytes = one(
            "SELECT COUNT(*), COALESCE(SUM(raw_length), 0), COALESCE(SUM(length), 0) FROM blobs"
        ).fetchone()
        return {
            "messages": messages,
            "notices": int(one("SELECT COUNT(*) FROM notices").fetchone()[0]),
            "rejected": int(one("SELECT COUNT(*) FROM rejects").fetchone()[0]),
            "by_platform": dict(
                one("SELECT platform, COUNT(*) FROM messages GROUP BY platform ORDER BY 2 DESC")
            ),
            "sources": int(one("SELECT COUNT(DISTINCT source) FROM messages").fetchone()[0]),
            "first_created_at": first,
            "last_created_at": last,
            "blobs": int(blobs),
            "raw_bytes": int(raw_bytes),
            "stored_bytes": int(stored_bytes),
            "log_size": self.log_size(),
            "checkpoints": int(one("SELECT COUNT(*) FROM checkpoints").fetchone()[0]),
        }


def _prefixed(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in _MESSAGE_COLUMNS.split(","))


def _message_params(row: StoredMessage) -> tuple[object, ...]:
    return (
        row.id, row.identity, row.platform, row.platform_id, row.text, row.created_at,
        row.author, row.author_id, row.lang, row.url, row.raw_sha256, row.source,
        row.locator, row.importer, row.received_at, row.seq, _extra_text(row.extra),
    )


def _message_from_row(row: Sequence[object]) -> StoredMessage:
    *head, extra = row
    build: Any = StoredMessage  # columns are in field order; SQLite gives untyped values
    message: StoredMessage = build(*head, orjson.loads(str(extra)))
    return message


def _notice_from_row(head: Sequence[object], extra: object) -> StoredNotice:
    build: Any = StoredNotice
    notice: StoredNotice = build(*head, orjson.loads(str(extra)))
    return notice
