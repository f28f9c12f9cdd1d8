"""Appending to the archive's Merkle log inside the store's write transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sitroom.archive.entry import LogEntry, content_digest, entry_bytes
from sitroom.archive.merkle import leaf_hash, nodes_for_append, root_at
from sitroom.store.base import LogRow, Store, StoredMessage, StoredNotice

Row = StoredMessage | StoredNotice


class LedgerAppender:
    """Gives each new message or notice its log leaf; call inside a store transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.size = store.log_size()

    def reload(self) -> None:
        """Re-read the log size (after a rolled-back transaction)."""
        self.size = self.store.log_size()

    def append(self, rows: Sequence[Row], digests: Sequence[str] | None = None) -> None:
        """Append one leaf per row, in order; each row's `seq` must be the next leaf index.

        `digests` are the rows' content hashes when the caller already computed them.
        """
        if not rows:
            return
        first = self.size
        leaves: list[LogRow] = []
        for offset, row in enumerate(rows):
            if row.seq != first + offset:
                raise ValueError(f"row seq {row.seq} is not the next leaf {first + offset}")
            digest = digests[offset] if digests is not None else content_digest(
                row.content_fields()
            )
            entry = _entry_bytes(row, digest)
            leaves.append(LogRow(row.seq, entry, leaf_hash(entry)))
        nodes = nodes_for_append(first, [leaf.leaf_hash for leaf in leaves], self.store.get_nodes)
        self.store.add_log(leaves, nodes)
        self.size = first + len(leaves)

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the log at `size` leaves (default: now)."""
        return root_at(self.size if size is None else size, self.store.get_nodes)


def _entry_bytes(row: Row, digest: str) -> bytes:
    return entry_bytes(
        seq=row.seq, raw_sha256=row.raw_sha256, received_at=row.received_at,
        source=row.source, locator=row.locator,
        kind="message" if isinstance(row, StoredMessage) else "notice",
        id=row.id, importer=row.importer, content_sha256=digest,
    )


def entry_for(row: Row) -> LogEntry:
    """The log entry that seals a stored row: raw hash, provenance, id and content hash."""
    return LogEntry(
        seq=row.seq,
        raw_sha256=row.raw_sha256,
        received_at=row.received_at,
        source=row.source,
        locator=row.locator,
        kind="message" if isinstance(row, StoredMessage) else "notice",
        id=row.id,
        importer=row.importer,
        content_sha256=content_digest(row.content_fields()),
    )
