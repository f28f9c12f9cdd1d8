"""The log entry: the exact bytes a Merkle leaf commits to, in one canonical JSON form."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

import orjson

from sitroom.errors import IntegrityError
from sitroom.models import JsonValue
from sitroom.timeutil import parse_iso

ENTRY_VERSION: Final = 1
KINDS: Final = ("message", "notice")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z", re.ASCII)
_REQUIRED: Final = ("v", "seq", "raw_sha256", "received_at", "source", "locator")
_OPTIONAL: Final = ("kind", "id", "importer", "content_sha256")


class EntryError(IntegrityError):
    """Bytes that should be a log entry are not one in canonical form."""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One leaf's content: what was received, when, from where (see DESIGN.md section 3).

    `seq` is the entry's 0-based position in the log, i.e. its Merkle leaf index.
    `received_at` is RFC 3339 UTC; `raw_sha256` is the bare lowercase hex SHA-256 of the
    raw bytes. `kind`, `id` (sitroom message id) and `importer` (`name@version`) are
    optional and left out of the JSON when None.
    """

    seq: int
    raw_sha256: str
    received_at: str
    source: str
    locator: str
    kind: str | None = None
    id: str | None = None
    importer: str | None = None
    content_sha256: str | None = None
    v: int = ENTRY_VERSION

    def __post_init__(self) -> None:
        """Refuse values that would not survive a canonical round trip."""
        problem = _problem(self)
        if problem is None:
            try:
                self.canonical_bytes()
            except orjson.JSONEncodeError as exc:  # e.g. a lone surrogate in a string
                problem = str(exc)
        if problem:
            raise ValueError(f"invalid log entry: {problem}")

    def to_json(self) -> dict[str, JsonValue]:
        """The entry as a JSON object (optional fields that are None left out)."""
        fields: dict[str, JsonValue] = {name: getattr(self, name) for name in _REQUIRED}
        for name in _OPTIONAL:
            value = getattr(self, name)
            if value is not None:
                fields[name] = value
        return fields

    def canonical_bytes(self) -> bytes:
        """UTF-8 JSON, keys sorted, no spaces, non-ASCII unescaped: the leaf's input bytes."""
        return orjson.dumps(self.to_json(), option=orjson.OPT_SORT_KEYS)


def content_digest(fields: dict[str, JsonValue]) -> str:
    """SHA-256 hex of the canonical JSON (sorted keys, no spaces) of a row's content fields."""
    return hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()


def entry_bytes(
    *,
    seq: int,
    raw_sha256: str,
    received_at: str,
    source: str,
    locator: str,
    kind: str,
    id: str,
    importer: str,
    content_sha256: str,
) -> bytes:
    """Canonical entry bytes built straight from trusted values (the ingest hot path).

    Gives exactly `LogEntry(...).canonical_bytes()` without re-validating each field.
    """
    # keys written in sorted order: the canonical form without paying for sorting
    return orjson.dumps({
        "content_sha256": content_sha256, "id": id, "importer": importer, "kind": kind,
        "locator": locator, "raw_sha256": raw_sha256, "received_at": received_at, "seq": seq,
        "source": source, "v": ENTRY_VERSION,
    })


def _is_int(value: object) -> bool:
    """A real integer (bool is not one here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _problem(entry: LogEntry) -> str | None:
    """What is wrong with an entry's values, or None."""
    if not _is_int(entry.v) or entry.v != ENTRY_VERSION:
        return f"unsupported version {entry.v!r} (expected {ENTRY_VERSION})"
    if not _is_int(entry.seq) or not 0 <= entry.seq < 2**63:
        return f"seq must be an integer in [0, 2**63), got {entry.seq!r}"
    if not isinstance(entry.raw_sha256, str) or not _HEX64.fullmatch(entry.raw_sha256):
        return "raw_sha256 must be 64 lowercase hex digits"
    for name in ("received_at", "source", "locator"):
        if not isinstance(getattr(entry, name), str):
            return f"{name} must be a string"
    if not _RFC3339_UTC.fullmatch(entry.received_at):
        return f"received_at must be RFC 3339 UTC like 2016-12-13T10:22:00Z: {entry.received_at!r}"
    try:
        parse_iso(entry.received_at)
    except ValueError:
        return f"received_at is not an RFC 3339 time: {entry.received_at!r}"
    if entry.kind is not None and entry.kind not in KINDS:
        return f"kind must be one of {KINDS}, got {entry.kind!r}"
    for name in ("id", "importer"):
        if getattr(entry, name) is not None and not isinstance(getattr(entry, name), str):
            return f"{name} must be a string"
    content = entry.content_sha256
    if content is not None and (not isinstance(content, str) or not _HEX64.fullmatch(content)):
        return "content_sha256 must be 64 lowercase hex digits"
    return None


def parse_entry(data: bytes) -> LogEntry:
    """Parse entry bytes, insisting they are exactly the canonical form of a valid entry."""
    try:
        fields = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise EntryError(f"log entry is not valid UTF-8 JSON: {exc}") from None
    if not isinstance(fields, dict):
        raise EntryError("log entry is not a JSON object")
    missing = [name for name in _REQUIRED if name not in fields]
    if missing:
        raise EntryError(f"log entry lacks required key(s): {', '.join(missing)}")
    unknown = sorted(set(fields) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise EntryError(f"log entry has unknown key(s): {', '.join(unknown)}")
    if fields.get("v") != ENTRY_VERSION or not _is_int(fields["v"]):
        raise EntryError(f"unsupported log entry version {fields.get('v')!r}")
    if any(name in fields and fields[name] is None for name in _OPTIONAL):
        raise EntryError("log entry has a null optional key (it should be left out)")
    try:
        entry = LogEntry(**fields)
    except (TypeError, ValueError) as exc:
        raise EntryError(str(exc)) from None
    if entry.canonical_bytes() != data:
        raise EntryError("log entry is not in canonical form (sorted keys, no spaces, UTF-8)")
    return entry
