"""The store interface every backend implements, and the rows that cross it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from sitroom.archive.blobs import BlobRef
from sitroom.models import (
    MESSAGE_CONTENT_FIELDS,
    NOTICE_CONTENT_FIELDS,
    JsonObject,
    content_fields,
)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as the archive keeps it: normalised fields, provenance and log position."""

    id: str
    identity: str
    platform: str
    platform_id: str | None
    text: str
    created_at: str | None
    author: str | None
    author_id: str | None
    lang: str | None
    url: str | None
    raw_sha256: str
    source: str
    locator: str
    importer: str
    received_at: str
    seq: int
    extra: JsonObject = field(default_factory=dict)
    annotations: JsonObject = field(default_factory=dict)

    def content_fields(self) -> JsonObject:
        """The normalised fields a log entry seals (not provenance, not annotations)."""
        return content_fields(self, MESSAGE_CONTENT_FIELDS)

    def to_json(self) -> JsonObject:
        """The message as scripts see it (`show --json`, `export`, `search --json`)."""
        return {
            "id": self.id,
            "platform": self.platform,
            "platform_id": self.platform_id,
            "text": self.text,
            "created_at": self.created_at,
            "author": self.author,
            "author_id": self.author_id,
            "lang": self.lang,
            "url": self.url,
            "raw_sha256": self.raw_sha256,
            "provenance": {
                "source": self.source,
                "locator": self.locator,
                "importer": self.importer,
                "received_at": self.received_at,
            },
            "log_seq": self.seq,
            "extra": self.extra,
            "annotations": self.annotations,
        }


@dataclass(frozen=True, slots=True)
class StoredNotice:
    """A platform notice or system event kept as evidence."""

    id: str
    identity: str
    platform: str
    kind: str
    detail: str
    platform_id: str | None
    created_at: str | None
    raw_sha256: str
    source: str
    locator: str
    importer: str
    received_at: str
    seq: int
    extra: JsonObject = field(default_factory=dict)

    def content_fields(self) -> JsonObject:
        """The normalised fields a log entry seals."""
        return content_fields(self, NOTICE_CONTENT_FIELDS)


@dataclass(frozen=True, slots=True)
class RejectRow:
    """A record that could not be read, with where it was and why."""

    source: str
    locator: str
    reason: str
    raw_sha256: str | None
    importer: str
    received_at: str


@dataclass(frozen=True, slots=True)
class LogRow:
    """One Merkle log leaf: its index, its canonical entry bytes and its leaf hash."""

    seq: int
    entry: bytes
    leaf_hash: bytes


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What `search` asks for: free text in the user's words plus exact filters.

    `order` is "relevance" (best full-text match; newest when there is no text), "newest"
    or "priority" (most urgent calls for help first). `cursor` continues a previous page.
    `place` matches a place's gazetteer id or its name; `help` True keeps only calls for
    help, distress and farewells; `first_only` hides repeats of a near-duplicate cluster.
    """

    text: str | None = None
    platform: str | None = None
    author: str | None = None
    since: str | None = None
    until: str | None = None
    lang: str | None = None
    category: str | None = None
    help: bool | None = None
    place: str | None = None
    min_priority: float | None = None
    cluster: str | None = None
    first_only: bool = False
    order: str = "relevance"
    limit: int = 20
    offset: int = 0
    cursor: str | None = None


NodeKey = tuple[int, int]


class Store(Protocol):
    """What the pipeline, archive checks and CLI need from a backend."""

    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction; everything inside commits together or not at all."""
        ...

    def existing_identities(self, identities: Sequence[str]) -> set[str]:
        """Which of these message or notice identities are already stored."""
        ...

    def known_blobs(self, shas: Sequence[str]) -> set[str]:
        """Which of these raw hashes already have a blob."""
        ...

    def pack_ends(self) -> dict[int, int]:
        """For each blob pack, the end offset of its last committed record."""
        ...

    def add_blobs(self, rows: Sequence[tuple[str, BlobRef, int]]) -> None:
        """Index newly written blobs: (sha256 hex, where, raw length)."""
        ...

    def blob_ref(self, sha256: str) -> BlobRef | None:
        """Where a blob lies, or None."""
        ...

    def add_messages(
        self, rows: Sequence[StoredMessage], index_texts: Sequence[str] | None = None
    ) -> None:
        """Insert new messages and index their text (`index_texts`: already normalised)."""
        ...

    def add_notices(self, rows: Sequence[StoredNotice]) -> None:
        """Insert new notices."""
        ...

    def add_rejects(self, rows: Sequence[RejectRow]) -> int:
        """Insert rejects not already recorded; return how many were new."""
        ...

    def log_size(self) -> int:
        """Number of leaves in the Merkle log."""
        ...

    def get_nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        """Stored perfect-subtree hashes for these (level, index) keys."""
        ...

    def add_log(self, leaves: Sequence[LogRow], nodes: Sequence[tuple[NodeKey, bytes]]) -> None:
        """Append leaves and the new perfect-subtree nodes."""
        ...

    def search(self, query: SearchQuery) -> list[StoredMessage]:
        """Messages matching the query, best first."""
        ...

    def get_message(self, message_id: str) -> StoredMessage:
        """One message by sitroom id (raises MessageNotFoundError)."""
        ...

    def iter_messages(self) -> Iterator[StoredMessage]:
        """Every message in log order, streamed."""
        ...

    def stats(self) -> dict[str, object]:
        """Counts and ranges describing the archive."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...
