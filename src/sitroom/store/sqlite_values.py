"""How SQLite values come back to Python when a column may have been tampered with."""

from __future__ import annotations


def as_bytes(value: object) -> bytes:
    """A stored BLOB as bytes, even if tampering turned it into TEXT or a number."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8", "surrogatepass")
