"""RFC 9162 Merkle tree: hashing, roots and proofs from stored perfect subtrees, verifiers.

The log keeps the hash of every complete (perfect) subtree: node `(level, index)` covers the
leaves `[index * 2**level, (index + 1) * 2**level)`, level 0 being the leaf hashes. Such a node
never changes once its last leaf is appended, so roots and proofs for any earlier tree size can
be computed from the stored nodes alone, with O(log n) reads batched into one `get_nodes` call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeAlias

from sitroom.errors import IntegrityError

NodeKey: TypeAlias = tuple[int, int]
NodeGetter: TypeAlias = Callable[[Sequence[NodeKey]], Mapping[NodeKey, bytes]]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class NodeStore(Protocol):
    """Where the log's perfect-subtree hashes live (the store layer implements this)."""

    def get_nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        """Return the stored hash of each requested `(level, index)` that exists."""
        ...

    def tree_size(self) -> int:
        """The number of leaves in the log."""
        ...


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def parent_level(level: bytes) -> bytes:
    """The level above a run of concatenated 32-byte node hashes that starts at an even index:
    each pair hashed as an interior node; a last unpaired hash has no parent yet."""
    sha256 = hashlib.sha256
    hashes = [level[i : i + HASH_SIZE] for i in range(0, len(level) - HASH_SIZE + 1, HASH_SIZE)]
    return b"".join(
        sha256(b"\x01" + left + right).digest()
        for left, right in zip(hashes[0::2], hashes[1::2], strict=False)
    )


def _largest_power_below(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _frontier(size: int) -> list[NodeKey]:
    """The perfect subtrees that make up a tree of `size` leaves, left (largest) first."""
    levels = [level for level in range(size.bit_length()) if size >> level & 1]
    return [(level, (size >> level) - 1) for level in reversed(levels)]


def _range_keys(start: int, end: int) -> list[NodeKey]:
    """The perfect subtrees covering leaves [start, end), largest first.

    Only valid when `start` is a multiple of a power of two >= end - start, which holds
    for every subtree the RFC 9162 recursion visits.
    """
    keys: list[NodeKey] = []
    position, width = start, end - start
    for level in reversed(range(width.bit_length())):
        if width >> level & 1:
            keys.append((level, position >> level))
            position += 1 << level
    return keys


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Combine perfect-subtree hashes (largest first) the way MTH does: right to left."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def _fetch(get: NodeGetter, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
    """Read the given nodes in one call; a missing node means the stored log is broken."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    found = get(wanted)
    missing = [key for key in wanted if key not in found]
    if missing:
        raise IntegrityError(f"Merkle node(s) missing from the store: {missing[:5]}")
    return {key: found[key] for key in wanted}


def nodes_for_append(
    size_before: int, leaf_hashes_new: Sequence[bytes], get: NodeGetter
) -> list[tuple[NodeKey, bytes]]:
    """The perfect-subtree nodes created by appending a batch of leaf hashes.

    Reads only the O(log n) frontier nodes of the old tree (one `get` call) and returns
    O(batch) new nodes, leaves first, ready to be stored with the leaves.
    """
    if size_before < 0:
        raise ValueError("size_before must be >= 0")
    size_after = size_before + len(leaf_hashes_new)
    old = _fetch(get, _frontier(size_before)) if leaf_hashes_new else {}
    created: list[tuple[NodeKey, bytes]] = []
    level_nodes = {size_before + i: h for i, h in enumerate(leaf_hashes_new)}
    created.extend(((0, i), h) for i, h in level_nodes.items())
    level = 0
    while level_nodes:
        parents: dict[int, bytes] = {}
        for index in range(size_before >> (level + 1), size_after >> (level + 1)):
            left_index = 2 * index
            left = level_nodes.get(left_index)
            if left is None:
                left = old[(level, left_index)]
            parents[index] = node_hash(left, level_nodes[left_index + 1])
        level += 1
        created.extend(((level, i), h) for i, h in parents.items())
        level_nodes = parents
    return created


def root_at(size: int, get: NodeGetter) -> bytes:
    """The root hash (MTH) of the first `size` leaves, from stored perfect nodes."""
    if size < 0:
        raise ValueError("tree size must be >= 0")
    if size == 0:
        return EMPTY_ROOT
    keys = _frontier(size)
    nodes = _fetch(get, keys)
    return _fold([nodes[key] for key in keys])


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The sibling ranges of PATH(index, D[size]) (RFC 9162 2.1.3.1), leaf side first."""
    siblings: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        split = start + _largest_power_below(end - start)
        if index < split:
            siblings.append((split, end))
            end = split
        else:
            siblings.append((start, split))
            start = split
    siblings.reverse()
    return siblings


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The subtree ranges of PROOF(old, D[new]) (RFC 9162 2.1.4.1), in proof order."""
    siblings: list[tuple[int, int]] = []
    start, end, known = 0, new, True
    while old != end:
        split = start + _largest_power_below(end - start)
        if old <= split:
            siblings.append((split, end))
            end = split
        else:
            siblings.append((start, split))
            start, known = split, False
    head = [] if known else [(start, end)]
    return head + siblings[::-1]


def _hash_ranges(ranges: Sequence[tuple[int, int]], get: NodeGetter) -> list[bytes]:
    """Hash each range from its perfect subtrees, fetching all of them in one call."""
    per_range = [_range_keys(start, end) for start, end in ranges]
    nodes = _fetch(get, (key for keys in per_range for key in keys))
    return [_fold([nodes[key] for key in keys]) for keys in per_range]


def inclusion_proof(index: int, size: int, get: NodeGetter) -> list[bytes]:
    """The RFC 9162 inclusion proof (audit path) of leaf `index` in the tree of `size`."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    return _hash_ranges(_inclusion_ranges(index, size), get)


def consistency_proof(old: int, new: int, get: NodeGetter) -> list[bytes]:
    """The RFC 9162 consistency proof between tree sizes `old` and `new` (empty if trivial)."""
    if not 0 <= old <= new:
        raise ValueError(f"cannot prove consistency from size {old} to size {new}")
    if old == 0 or old == new:
        return []
    return _hash_ranges(_consistency_ranges(old, new), get)


def _well_formed(*hashes: bytes) -> bool:
    """Every value is a 32-byte hash."""
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Check an inclusion proof of a leaf hash per RFC 9162 2.1.3.2."""
    if not (0 <= index < size and _well_formed(leaf_hash, root, *proof)):
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof per RFC 9162 2.1.4.2 (with the trivial cases made strict)."""
    if not (0 <= old_size <= new_size and _well_formed(old_root, new_root, *proof)):
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


class InMemoryNodeStore:
    """A dict-backed NodeStore, for tests and for rebuilding a whole log in memory."""

    def __init__(self) -> None:
        """Start with an empty tree."""
        self._nodes: dict[NodeKey, bytes] = {}
        self._size = 0

    def get_nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        """Return the stored nodes among `keys`."""
        return {key: self._nodes[key] for key in keys if key in self._nodes}

    def tree_size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    def append(self, leaf_hashes: Sequence[bytes]) -> list[tuple[NodeKey, bytes]]:
        """Append a batch of leaf hashes and store the perfect nodes it completes."""
        created = nodes_for_append(self._size, leaf_hashes, self.get_nodes)
        self._nodes.update(created)
        self._size += len(leaf_hashes)
        return created

    def root(self) -> bytes:
        """The root hash of the whole tree."""
        return root_at(self._size, self.get_nodes)

    def nodes(self) -> dict[NodeKey, bytes]:
        """A copy of every stored node."""
        return dict(self._nodes)
