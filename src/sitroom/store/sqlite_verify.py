"""Read-only queries that `verify` runs in its worker processes, one seq range or one pack
window at a time, on a connection of their own (SQLite connections never cross a fork).

The two heavy ones also exist in C (`_rowseal.c`, `_blobseal.c`, optional extensions built at
install): they read SQLite directly and do the hashing there. `ROWS_COMPILED` and
`BLOBS_COMPILED` say whether they were built; evidence/seq_check.py and blob_check.py hold
the same checks in Python."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, Final, ParamSpec, TypeVar

from sitroom.errors import ConfigError
from sitroom.store.sqlite_values import as_bytes, is_undecodable, tolerant_text, unreadable

if TYPE_CHECKING:
    from sitroom.store._rowseal import RangeCheck
try:
    from sitroom.store._rowseal import check_range as _check_range
    from sitroom.store._rowseal import end_run as _end_run

    ROWS_COMPILED = True
except ImportError:  # installed without a C compiler or the SQLite/OpenSSL headers
    ROWS_COMPILED = False
try:
    from sitroom.store._blobseal import check_window as _check_window

    BLOBS_COMPILED = True
except ImportError:  # installed without a C compiler or the zstd headers
    BLOBS_COMPILED = False

MESSAGE_SEALED: Final = (
    "platform, platform_id, text, created_at, author, author_id, lang, url, extra"
)
NOTICE_SEALED: Final = "platform, kind, detail, platform_id, created_at, extra"
_PROVENANCE: Final = "seq, id, raw_sha256, received_at, source, locator, importer"

SealedRow = tuple[object, ...]
"""(seq, id, raw_sha256, received_at, source, locator, importer, has_blob, *content columns
in MESSAGE_CONTENT_FIELDS / NOTICE_CONTENT_FIELDS order, the last being `extra` as text)."""

_open: dict[tuple[str, int], VerifyReader] = {}


P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")


def _readable(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """A query whose SQLite failure (a damaged page, say) becomes StoreUnreadableError, which
    `verify` reports as a problem instead of stopping with a traceback."""

    def reading(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise unreadable(exc) from exc

    functools.update_wrapper(reading, method)
    return reading


def read_only_uri(path: Path) -> str:
    """The SQLite URI that opens `path` read-only (any character in the path is safe)."""
    return f"{path.resolve().as_uri()}?mode=ro"


def compiled_range_check(
    database: Path, start: int, end: int, entry_version: int, run: int, max_blob_names: int
) -> RangeCheck:
    """The seq-range check in C (see `_rowseal.pyi`); only when ROWS_COMPILED."""
    try:
        return _check_range(read_only_uri(database), start, end, entry_version, run,
                            max_blob_names)
    except RuntimeError as exc:  # what the C code raises when SQLite fails
        raise unreadable(exc) from exc


def end_compiled_run() -> None:
    """Let the C seq-range check drop the connection and blob names it kept in this process."""
    if ROWS_COMPILED:
        _end_run()


def compiled_window_check(
    database: Path, pack_file: Path, pack: int, start: int, end: int
) -> tuple[list[tuple[str, str]], int, int]:
    """The blob check of one pack window in C (see `_blobseal.pyi`); only when BLOBS_COMPILED."""
    try:
        return _check_window(read_only_uri(database), str(pack_file), pack, start, end)
    except RuntimeError as exc:  # what the C code raises when SQLite fails
        raise unreadable(exc) from exc


class VerifyReader:
    """One read-only connection to an archive's store, for the checks `verify` spreads out."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise ConfigError(f"{path}: the archive's store is missing")
        try:
            self.db = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
            self.db.execute("PRAGMA query_only = ON")
            self.db.execute("PRAGMA cache_size = -65536")
            self.db.execute("PRAGMA mmap_size = 17179869184")  # read pages in place
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{path}: cannot open the archive's store: {exc}") from exc

    @classmethod
    def shared(cls, path: Path) -> VerifyReader:
        """This process's reader for `path` (a forked worker opens its own)."""
        key = (str(path), os.getpid())
        reader = _open.get(key)
        if reader is None:
            reader = _open[key] = cls(path)
        return reader

    def close(self) -> None:
        """Close the connection."""
        self.db.close()
        for key, reader in list(_open.items()):
            if reader is self:
                del _open[key]

    # -- the log ---------------------------------------------------------------------------
    @_readable
    def log_end(self) -> int:
        """One past the highest leaf seq (the tree size when no leaf is missing)."""
        row = self.db.execute("SELECT MAX(seq) FROM log_leaves").fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    @_readable
    def leaves(self, start: int, end: int) -> list[tuple[int, bytes]]:
        """(seq, entry bytes) of the leaves in [start, end), in order."""
        rows = self.db.execute(
            "SELECT seq, entry FROM log_leaves WHERE seq >= ? AND seq < ? ORDER BY seq",
            (start, end),
        )
        return [(int(seq), as_bytes(entry)) for seq, entry in rows]

    @_readable
    def nodes(self, level: int, start: int, end: int) -> list[tuple[int, bytes]]:
        """(index, hash) of the stored tree nodes of one level with index in [start, end)."""
        rows = self.db.execute(
            "SELECT idx, hash FROM log_nodes WHERE level = ? AND idx >= ? AND idx < ? "
            "ORDER BY idx",
            (level, start, end),
        )
        return [(int(idx), as_bytes(digest)) for idx, digest in rows]

    @_readable
    def highest_level(self) -> int:
        """The highest level that has a stored node (-1 when none)."""
        row = self.db.execute("SELECT MAX(level) FROM log_nodes").fetchone()
        return -1 if row[0] is None else int(row[0])

    def nodes_from(self, level: int, start: int) -> list[tuple[int, bytes]]:
        """(index, hash) of the stored nodes of one level from index `start` on."""
        return self.nodes(level, start, 2**63 - 1)

    # -- rows --------------------------------------------------------------------------------
    @_readable
    def sealed_rows(self, table: str, start: int, end: int) -> list[SealedRow]:
        """The provenance and sealed content of each row with seq in [start, end)."""
        content = {"messages": MESSAGE_SEALED, "notices": NOTICE_SEALED}[table]
        query = (f"SELECT {_PROVENANCE}, "
                 "EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = t.raw_sha256), "
                 f"{content} FROM {table} t WHERE seq >= ? AND seq < ? ORDER BY seq")
        try:
            return self.db.execute(query, (start, end)).fetchall()
        except sqlite3.OperationalError as exc:
            if not is_undecodable(exc):
                raise
        with tolerant_text(self.db):
            return self.db.execute(query, (start, end)).fetchall()

    @_readable
    def row_refs(self, table: str, seqs: list[int]) -> list[tuple[int, str, str]]:
        """(seq, id, raw_sha256) of the listed rows, in seq order."""
        if table not in ("messages", "notices"):
            raise ValueError(table)
        found: list[tuple[int, str, str]] = []
        for first in range(0, len(seqs), 500):
            part = seqs[first : first + 500]
            with tolerant_text(self.db):
                rows = self.db.execute(
                    f"SELECT seq, id, raw_sha256 FROM {table} WHERE seq IN "
                    f"({','.join('?' * len(part))}) ORDER BY seq",
                    part,
                ).fetchall()
            found += [(int(seq), str(row_id), str(sha)) for seq, row_id, sha in rows]
        return found

    @_readable
    def rows_without_leaf(self, table: str, start: int) -> list[tuple[int, str]]:
        """(seq, id) of the rows from seq `start` on that have no log leaf."""
        if table not in ("messages", "notices"):
            raise ValueError(table)
        rows = self.db.execute(
            f"SELECT t.seq, t.id FROM {table} t LEFT JOIN log_leaves l ON l.seq = t.seq "
            "WHERE t.seq >= ? AND l.seq IS NULL ORDER BY t.seq",
            (start,),
        )
        return [(int(seq), str(row_id)) for seq, row_id in rows]

    @_readable
    def rows_citing(self, shas: set[str]) -> list[tuple[str, int, str, str]]:
        """(kind, seq, id, raw_sha256) of every message and notice whose raw blob is listed."""
        listed = sorted(shas)
        found: list[tuple[str, int, str, str]] = []
        for kind, table in (("message", "messages"), ("notice", "notices")):
            for first in range(0, len(listed), 500):
                part = listed[first : first + 500]
                rows = self.db.execute(
                    f"SELECT t.seq, t.id, t.raw_sha256 FROM {table} t "
                    f"WHERE t.raw_sha256 IN ({','.join('?' * len(part))})",
                    part,
                )
                found += [(kind, int(seq), str(row_id), str(sha)) for seq, row_id, sha in rows]
        found.sort(key=lambda row: row[1])
        return found

    # -- blobs -------------------------------------------------------------------------------
    @_readable
    def pack_ends(self) -> dict[int, int]:
        """Each pack's end as the index knows it (offset + length of its last record).

        A few index seeks per pack rather than a scan of the whole index: it runs before the
        workers start, so its time is not shared out."""
        ends: dict[int, int] = {}
        pack = self.db.execute("SELECT MIN(pack) FROM blobs").fetchone()[0]
        while pack is not None:
            end = self.db.execute(
                "SELECT MAX(offset + length) FROM blobs WHERE pack = ? AND offset = "
                "(SELECT MAX(offset) FROM blobs WHERE pack = ?)", (pack, pack)).fetchone()[0]
            ends[int(pack)] = int(end)
            pack = self.db.execute("SELECT MIN(pack) FROM blobs WHERE pack > ?",
                                   (pack,)).fetchone()[0]
        return ends

    @_readable
    def blobs_in(self, pack: int, start: int, end: int) -> list[tuple[str, int, int]]:
        """(sha256, offset, length) of the indexed blobs of one pack starting in [start, end)."""
        rows = self.db.execute(
            "SELECT sha256, offset, length FROM blobs WHERE pack = ? AND offset >= ? "
            "AND offset < ? ORDER BY offset",
            (pack, start, end),
        )
        return [(str(sha), int(offset), int(length)) for sha, offset, length in rows]
