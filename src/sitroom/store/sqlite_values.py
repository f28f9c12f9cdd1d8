"""How SQLite values come back to Python when a column may have been tampered with."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from sitroom.errors import StoreUnreadableError


def as_bytes(value: object) -> bytes:
    """A stored BLOB as bytes, even if tampering turned it into TEXT or a number."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8", "surrogatepass")


STORE_FAILURES: Final = (sqlite3.DatabaseError,)
"""What reading or writing a damaged (or locked) store raises, for callers to report plainly
without importing sqlite3 themselves."""


def unreadable(exc: BaseException) -> StoreUnreadableError:
    """The one way sitroom says that the store could not be read, and why."""
    if isinstance(exc, StoreUnreadableError):
        return exc
    return StoreUnreadableError(f"the archive's store cannot be read: {exc}")


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def is_undecodable(exc: sqlite3.Error) -> bool:
    """Whether a query failed because a TEXT value is not valid UTF-8 (only tampering
    stores such text: sitroom writes Python strings)."""
    return isinstance(exc, sqlite3.OperationalError) and "decode" in str(exc)


@contextmanager
def tolerant_text(db: sqlite3.Connection) -> Iterator[None]:
    """Within the block, TEXT that is not valid UTF-8 comes back with its bad bytes kept as
    surrogates (so it can be named and never matches what was sealed) instead of failing."""
    previous = db.text_factory
    db.text_factory = _lenient_text
    try:
        yield
    finally:
        db.text_factory = previous
