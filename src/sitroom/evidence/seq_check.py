"""Check one range of log seqs: leaves, the perfect subtrees inside the range, and the rows
the leaves seal. Runs in a `verify` worker process; the lead assembles the ranges.

A row passes the fast check when the entry rebuilt from its columns (provenance plus the
SHA-256 of its canonical content) is byte for byte the stored leaf entry. Rows that fail are
returned as suspects, for the lead to explain field by field.

The check runs in C (store/_rowseal.c, built at install when a compiler is there) or, failing
that, in Python below; both give the same answers (tests hold them to it).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, cast

import orjson

from sitroom.archive.entry import ENTRY_VERSION
from sitroom.archive.merkle import HASH_SIZE, parent_level
from sitroom.errors import StoreUnreadableError
from sitroom.store.sqlite_verify import (
    ROWS_COMPILED,
    SealedRow,
    VerifyReader,
    compiled_range_check,
    end_compiled_run,
)

COMPILED = ROWS_COMPILED
"""Whether the check runs in C; without the extension, the Python below does the same work."""

MISSING_LEAF: Final = bytes(HASH_SIZE)
MAX_BLOB_NAMES: Final = 1 << 22
"""The compiled check holds up to this many blob names in memory (32 bytes each) per process;
beyond it, it looks each one up in SQLite."""
_SORTED: Final = orjson.OPT_SORT_KEYS
_TABLES: Final = (("message", "messages"), ("notice", "notices"))


@dataclass
class SeqRangeResult:
    """What one range of seqs holds and what is wrong with it."""

    start: int
    end: int
    levels: list[bytes] = field(default_factory=list)
    """Level L: the concatenated hashes of the range's perfect subtrees of height L."""
    suspects: dict[str, list[int]] = field(default_factory=dict)
    messages: int = 0
    notices: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(seq, problem) so that the lead can report in log order."""
    unreadable: bool = False
    """The store could not be read for this range: nothing in it was checked."""


def check_seq_range(database: Path, start: int, end: int, run: int = 0) -> SeqRangeResult:
    """Check leaves, subtree nodes and sealed rows for seqs in [start, end).

    `start` must be a multiple of a power of two >= end - start (the lead cuts ranges so).
    Calls with the same non-zero `run` share state in a process (the compiled check's
    connection and blob names) until `end_run`; without one, the call keeps nothing. A store
    that cannot be read here (a damaged page) gives a result that says so, for the lead.
    """
    result = SeqRangeResult(start, end)
    try:
        reader = VerifyReader.shared(database)
        if COMPILED:
            _check_compiled(database, reader, result, run or secrets.randbits(62) + 1)
            if not run:
                end_run()
            return result
        entries = _check_leaves(reader, result)
        _check_nodes(reader, result)
        _check_rows(reader, result, entries)
    except StoreUnreadableError as exc:
        return SeqRangeResult(start, end, unreadable=True, problems=[
            (start, f"log leaves {start}..{end - 1} and their rows were not checked: {exc}")])
    return result


def end_run() -> None:
    """Release what the compiled check kept in this process for its run."""
    end_compiled_run()


def _check_compiled(database: Path, reader: VerifyReader, result: SeqRangeResult, run: int) -> None:
    """`_check_leaves`, `_check_nodes` and `_check_rows`, done in C; only what it flags is
    looked at again here, to be named."""
    found = compiled_range_check(database, result.start, result.end, ENTRY_VERSION, run,
                                 MAX_BLOB_NAMES)
    result.levels = found["levels"]
    _name_gaps(result, result.levels[0])
    for level, matches in enumerate(found["level_matches"]):
        if not matches:
            first = result.start >> level
            rebuilt = result.levels[level]
            stored = reader.nodes(level, first, first + len(rebuilt) // HASH_SIZE)
            _name_node_problems(result, level, first, rebuilt, stored)
    result.messages = found["messages"]["rows"]
    result.notices = found["notices"]["rows"]
    for (kind, table), rows in zip(_TABLES, (found["messages"], found["notices"]), strict=True):
        result.suspects[table] = rows["suspects"]
        for ref in reader.row_refs(table, rows["without_blob"]):
            result.problems.append((ref[0], _no_blob(kind, ref)))
    for seq in found["leaves_without_row"]:
        result.problems.append((seq, f"log leaf {seq}: its row is missing (deleted?)"))


def _name_gaps(result: SeqRangeResult, level0: bytes) -> None:
    """Report each run of missing leaves (their level-0 hash is all zeros)."""
    if MISSING_LEAF not in level0:
        return
    gap_from: int | None = None
    for n in range(len(level0) // HASH_SIZE):
        missing = level0[n * HASH_SIZE : (n + 1) * HASH_SIZE] == MISSING_LEAF
        seq = result.start + n
        if missing and gap_from is None:
            gap_from = seq
        elif not missing and gap_from is not None:
            result.problems.append((gap_from, f"log leaves {gap_from}..{seq - 1} are missing"))
            gap_from = None
    if gap_from is not None:
        result.problems.append(
            (gap_from, f"log leaves {gap_from}..{result.end - 1} are missing"))


def _check_leaves(reader: VerifyReader, result: SeqRangeResult) -> dict[int, bytes]:
    entries = dict(reader.leaves(result.start, result.end))
    sha256 = hashlib.sha256
    level0 = b"".join(
        MISSING_LEAF if (entry := entries.get(seq)) is None else sha256(b"\x00" + entry).digest()
        for seq in range(result.start, result.end)
    )
    result.levels.append(level0)
    _name_gaps(result, level0)
    return entries


def _check_nodes(reader: VerifyReader, result: SeqRangeResult) -> None:
    """Rebuild the perfect subtrees inside the range and compare the stored ones."""
    level = 0
    while True:
        rebuilt = result.levels[level]
        count = len(rebuilt) // HASH_SIZE
        first = result.start >> level
        stored = reader.nodes(level, first, first + count)
        if len(stored) != count or b"".join(h for _i, h in stored) != rebuilt:
            _name_node_problems(result, level, first, rebuilt, stored)
        if count < 2:
            return
        result.levels.append(parent_level(rebuilt))
        level += 1


def _name_node_problems(
    result: SeqRangeResult, level: int, first: int, rebuilt: bytes,
    stored: list[tuple[int, bytes]],
) -> None:
    found = dict(stored)
    for n in range(len(rebuilt) // HASH_SIZE):
        index = first + n
        digest = rebuilt[n * HASH_SIZE : (n + 1) * HASH_SIZE]
        if digest == MISSING_LEAF and level == 0:
            continue  # reported as a missing leaf
        held = found.get(index)
        seq = index << level
        if level == 0:
            state = "is missing" if held is None else "does not match its entry"
            if held != digest:
                result.problems.append((seq, f"log leaf {index}: stored leaf hash {state}"))
        elif held is None:
            result.problems.append((seq, f"tree node ({level}, {index}) is missing"))
        elif held != digest:
            result.problems.append(
                (seq, f"tree node ({level}, {index}) does not match the entries"))


def _check_rows(reader: VerifyReader, result: SeqRangeResult, entries: dict[int, bytes]) -> None:
    sealed: set[int] = set()
    for kind, table in _TABLES:
        suspects: list[int] = []
        for row in reader.sealed_rows(table, result.start, result.end):
            seq = cast(int, row[0])
            sealed.add(seq)
            if not row[7]:
                result.problems.append((seq, _no_blob(kind, row)))
            entry = entries.get(seq)
            if entry != _rebuilt_entry(kind, row) and entry != _rebuilt_entry(
                kind, row, parse_extra=True
            ):
                suspects.append(seq)
        result.suspects[table] = suspects
        if kind == "message":
            result.messages = len(sealed)
        else:
            result.notices = len(sealed) - result.messages
    for seq in entries.keys() - sealed:
        result.problems.append((seq, f"log leaf {seq}: its row is missing (deleted?)"))


def _no_blob(kind: str, row: tuple[object, ...]) -> str:
    return f"{kind} {row[1]} (seq {row[0]}): its raw blob {row[2]} is missing"


def _rebuilt_entry(kind: str, row: SealedRow, *, parse_extra: bool = False) -> bytes | None:
    """The entry this row's columns call for, or None if they cannot make one.

    `extra` is spliced in as stored (sitroom stores it canonical; fast); with `parse_extra`
    it is parsed first, for rows that early versions stored with unsorted keys.
    """
    seq, row_id, raw_sha256, received_at, source, locator, importer, _has_blob = row[:8]
    try:
        content = _content_bytes(kind, row, parse_extra)
        # keys written in sorted order: the canonical form without paying for sorting
        return orjson.dumps({
            "content_sha256": hashlib.sha256(content).hexdigest(), "id": row_id,
            "importer": importer, "kind": kind, "locator": locator, "raw_sha256": raw_sha256,
            "received_at": received_at, "seq": seq, "source": source, "v": ENTRY_VERSION,
        })
    except (TypeError, ValueError, orjson.JSONEncodeError):
        return None


def _content_bytes(kind: str, row: SealedRow, parse_extra: bool) -> bytes:
    """The canonical JSON of a row's sealed content: models.MESSAGE_CONTENT_FIELDS or
    NOTICE_CONTENT_FIELDS (a test holds this to `archive.entry.content_digest`)."""
    stored = row[-1]
    if not isinstance(stored, str):
        raise TypeError("extra is not text")
    extra = orjson.loads(stored) if parse_extra else orjson.Fragment(stored)
    if kind == "message":
        platform, platform_id, text, created_at, author, author_id, lang, url = row[8:-1]
        return orjson.dumps({
            "author": author, "author_id": author_id, "created_at": created_at,
            "extra": extra, "lang": lang, "platform": platform, "platform_id": platform_id,
            "text": text, "url": url,
        }, option=_SORTED if parse_extra else 0)
    platform, notice_kind, detail, platform_id, created_at = row[8:-1]
    return orjson.dumps({
        "created_at": created_at, "detail": detail, "extra": extra, "kind": notice_kind,
        "platform": platform, "platform_id": platform_id,
    }, option=_SORTED if parse_extra else 0)
