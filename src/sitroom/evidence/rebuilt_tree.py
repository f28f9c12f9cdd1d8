"""The Merkle tree `verify` rebuilds from the entries: every perfect subtree, level by level.

Workers hand back the levels of their seq ranges; this joins them, finishes the levels above
the ranges, and serves nodes to the RFC 9162 root and proof functions in `archive.merkle`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sitroom.archive.merkle import EMPTY_ROOT, HASH_SIZE, NodeKey, parent_level, root_at


class RebuiltTree:
    """Perfect-subtree hashes of a log, level 0 being the leaf hashes."""

    def __init__(self, levels: list[bytes]) -> None:
        self.levels = levels or [b""]
        self._finish()

    @classmethod
    def from_ranges(cls, parts: Sequence[list[bytes]]) -> RebuiltTree:
        """Join the levels of consecutive aligned ranges (all full but the last)."""
        height = max((len(levels) for levels in parts), default=1)
        joined = [
            b"".join(levels[level] for levels in parts if level < len(levels))
            for level in range(height)
        ]
        return cls(joined)

    def _finish(self) -> None:
        """Add the levels above the ones given, as far as there are pairs to hash."""
        while len(self.levels[-1]) // HASH_SIZE >= 2:
            self.levels.append(parent_level(self.levels[-1]))

    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0]) // HASH_SIZE

    def count(self, level: int) -> int:
        """Number of perfect subtrees of height `level`."""
        return len(self.levels[level]) // HASH_SIZE if level < len(self.levels) else 0

    def node(self, level: int, index: int) -> bytes | None:
        """One subtree hash, or None where the tree has no such complete subtree."""
        if level >= len(self.levels) or not 0 <= index < self.count(level):
            return None
        return self.levels[level][index * HASH_SIZE : (index + 1) * HASH_SIZE]

    def get_nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        """The `NodeGetter` that `archive.merkle` roots and proofs read from."""
        found: dict[NodeKey, bytes] = {}
        for level, index in keys:
            digest = self.node(level, index)
            if digest is not None:
                found[(level, index)] = digest
        return found

    def root(self) -> bytes:
        """The root hash over every leaf."""
        return root_at(self.size(), self.get_nodes) if self.size() else EMPTY_ROOT
