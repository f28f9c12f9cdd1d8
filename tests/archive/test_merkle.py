"""RFC 9162 Merkle tree: reference vectors, proofs against a literal RFC reference, tampering."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import pytest

from sitroom.archive.merkle import (
    EMPTY_ROOT,
    InMemoryNodeStore,
    NodeKey,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_for_append,
    root_at,
    verify_consistency,
    verify_inclusion,
)
from sitroom.errors import IntegrityError

RFC6962_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
RFC6962_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def mth(leaves: Sequence[bytes]) -> bytes:
    """RFC 9162 2.1.1 MTH, written literally (recursive) as the reference."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


class ReferenceTree:
    """The RFC 9162 definitions of MTH, PATH and PROOF over fixed leaves, memoised by range."""

    def __init__(self, entries: Sequence[bytes]) -> None:
        self.entries = list(entries)
        self.mth = lru_cache(maxsize=None)(self._mth)

    @staticmethod
    def _split(n: int) -> int:
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def _mth(self, start: int, end: int) -> bytes:
        n = end - start
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n == 1:
            return hashlib.sha256(b"\x00" + self.entries[start]).digest()
        k = self._split(n)
        return node_hash(self.mth(start, start + k), self.mth(start + k, end))

    def path(self, m: int, start: int, end: int) -> list[bytes]:
        """PATH(m, D[start:end]) per RFC 9162 2.1.3.1."""
        n = end - start
        if n == 1:
            return []
        k = self._split(n)
        if m < k:
            return [*self.path(m, start, start + k), self.mth(start + k, end)]
        return [*self.path(m - k, start + k, end), self.mth(start, start + k)]

    def subproof(self, m: int, start: int, end: int, b: bool) -> list[bytes]:
        """SUBPROOF(m, D[start:end], b) per RFC 9162 2.1.4.1."""
        n = end - start
        if m == n:
            return [] if b else [self.mth(start, end)]
        k = self._split(n)
        if m <= k:
            return [*self.subproof(m, start, start + k, b), self.mth(start + k, end)]
        return [*self.subproof(m - k, start + k, end, False), self.mth(start, start + k)]


def entries_for(count: int, seed: int = 7) -> list[bytes]:
    """Distinct, varied leaf entries (including an empty one)."""
    rng = random.Random(seed)
    rest = [rng.randbytes(rng.randint(1, 40)) + i.to_bytes(4, "big") for i in range(1, count)]
    return [b"", *rest]


def counting_getter(
    store: InMemoryNodeStore, size: int, calls: list[int]
) -> Callable[[Sequence[NodeKey]], Mapping[NodeKey, bytes]]:
    """A getter that records each call's key count and refuses nodes beyond `size`."""

    def get(keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        calls.append(len(keys))
        for level, index in keys:
            assert (index + 1) << level <= size, f"node {(level, index)} is not in size {size}"
        return store.get_nodes(keys)

    return get


def build_store(entries: Sequence[bytes]) -> InMemoryNodeStore:
    store = InMemoryNodeStore()
    store.append([leaf_hash(e) for e in entries])
    return store


MAX_INCLUSION = 300
ENTRIES = entries_for(2000)
REF = ReferenceTree(ENTRIES)
STORE = build_store(ENTRIES)


def test_rfc6962_reference_roots() -> None:
    store = InMemoryNodeStore()
    assert root_at(0, store.get_nodes).hex() == RFC6962_ROOTS[0] == EMPTY_ROOT.hex()
    for size in range(1, 9):
        store.append([leaf_hash(RFC6962_LEAVES[size - 1])])
        assert store.root().hex() == RFC6962_ROOTS[size], size
        assert mth(RFC6962_LEAVES[:size]).hex() == RFC6962_ROOTS[size], size
    # every earlier root is still computable from the stored nodes of the size-8 tree
    for size in range(9):
        assert root_at(size, store.get_nodes).hex() == RFC6962_ROOTS[size]


def test_hash_domain_separation() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    left, right = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert node_hash(left, right) != node_hash(right, left)


def test_reference_tree_matches_literal_mth() -> None:
    for n in (0, 1, 2, 3, 5, 17, 64, 100):
        assert REF.mth(0, n) == mth(ENTRIES[:n])


def test_inclusion_every_leaf_up_to_300() -> None:
    for size in range(1, MAX_INCLUSION + 1):
        calls: list[int] = []
        get = counting_getter(STORE, size, calls)
        root = root_at(size, get)
        assert root == REF.mth(0, size)
        for index in range(size):
            calls.clear()
            proof = inclusion_proof(index, size, get)
            assert proof == REF.path(index, 0, size), (index, size)
            assert len(calls) <= 1 and sum(calls) <= 2 * size.bit_length()
            assert verify_inclusion(leaf_hash(ENTRIES[index]), index, size, proof, root)


def test_consistency_every_pair_up_to_130() -> None:
    roots = [root_at(n, STORE.get_nodes) for n in range(131)]
    for new in range(1, 131):
        for old in range(1, new + 1):
            calls: list[int] = []
            proof = consistency_proof(old, new, counting_getter(STORE, new, calls))
            assert proof == REF.subproof(old, 0, new, True), (old, new)
            assert len(calls) <= 1 and sum(calls) <= 3 * new.bit_length()
            assert verify_consistency(old, new, roots[old], roots[new], proof), (old, new)


def test_consistency_random_large_pairs() -> None:
    rng = random.Random(11)
    for _ in range(400):
        new = rng.randint(1, 2000)
        old = rng.randint(1, new)
        proof = consistency_proof(old, new, STORE.get_nodes)
        assert proof == REF.subproof(old, 0, new, True), (old, new)
        assert verify_consistency(old, new, REF.mth(0, old), REF.mth(0, new), proof)
    for _ in range(200):
        size = rng.randint(1, 2000)
        index = rng.randrange(size)
        proof = inclusion_proof(index, size, STORE.get_nodes)
        assert proof == REF.path(index, 0, size)
        assert verify_inclusion(leaf_hash(ENTRIES[index]), index, size, proof, REF.mth(0, size))


def test_trivial_consistency_cases() -> None:
    root5 = REF.mth(0, 5)
    assert consistency_proof(0, 5, STORE.get_nodes) == []
    assert consistency_proof(5, 5, STORE.get_nodes) == []
    assert verify_consistency(0, 5, EMPTY_ROOT, root5, [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(5, 5, root5, root5, [])
    assert not verify_consistency(0, 5, root5, root5, [])
    assert not verify_consistency(5, 5, root5, REF.mth(0, 6), [])
    assert not verify_consistency(5, 5, root5, root5, [root5])
    assert not verify_consistency(5, 4, root5, REF.mth(0, 4), [])
    assert not verify_consistency(4, 5, REF.mth(0, 4), root5, [])
    assert not verify_consistency(-1, 5, EMPTY_ROOT, root5, [])


def flip(h: bytes, position: int) -> bytes:
    return h[:position] + bytes([h[position] ^ 0x01]) + h[position + 1 :]


def tampered_proofs(proof: list[bytes], rng: random.Random) -> list[list[bytes]]:
    """Each proof element with one bit flipped, elements dropped, added, reordered, resized."""
    out: list[list[bytes]] = []
    for i, h in enumerate(proof):
        out.append([*proof[:i], flip(h, rng.randrange(32)), *proof[i + 1:]])
        out.append(proof[:i] + proof[i + 1 :])
        out.append([*proof[:i], h[:31], *proof[i + 1:]])
    out.append([*proof, rng.randbytes(32)])
    out.append([rng.randbytes(32), *proof])
    if proof:
        out.append([*proof, proof[-1]])
    if len(proof) > 1 and proof[0] != proof[1]:
        out.append([proof[1], proof[0], *proof[2:]])
    return out


def test_tampered_inclusion_proofs_rejected() -> None:
    rng = random.Random(3)
    for size in [*range(1, 40), 127, 128, 129, 255, 1000, 2000]:
        root = REF.mth(0, size)
        for index in {0, size - 1, size // 2, rng.randrange(size)}:
            leaf = leaf_hash(ENTRIES[index])
            proof = inclusion_proof(index, size, STORE.get_nodes)
            for bad in tampered_proofs(proof, rng):
                assert not verify_inclusion(leaf, index, size, bad, root), (index, size, bad)
            assert not verify_inclusion(flip(leaf, 0), index, size, proof, root)
            assert not verify_inclusion(leaf, index, size, proof, flip(root, 31))
            for other in {index - 1, index + 1, size, -1}:
                assert not verify_inclusion(leaf, other, size, proof, root), (other, size)
            for other_size in {size - 1, size + 1}:
                if 0 <= index < other_size <= len(ENTRIES):
                    other_root = REF.mth(0, other_size)
                    assert not verify_inclusion(leaf, index, other_size, proof, other_root)


def test_tampered_consistency_proofs_rejected() -> None:
    rng = random.Random(5)
    pairs = [(m, n) for n in range(2, 34) for m in range(1, n)]
    pairs += [(rng.randint(1, 1000), rng.randint(1001, 2000)) for _ in range(30)]
    for old, new in pairs:
        old_root, new_root = REF.mth(0, old), REF.mth(0, new)
        proof = consistency_proof(old, new, STORE.get_nodes)
        for bad in tampered_proofs(proof, rng):
            assert not verify_consistency(old, new, old_root, new_root, bad), (old, new, bad)
        assert not verify_consistency(old, new, flip(old_root, 3), new_root, proof)
        assert not verify_consistency(old, new, old_root, flip(new_root, 3), proof)
        assert not verify_consistency(new, old, new_root, old_root, proof)
        for o2, n2 in {(old - 1, new), (old + 1, new), (old, new + 1), (old, new - 1)}:
            if 0 < o2 < n2 and (o2, n2) != (old, new):
                r1, r2 = REF.mth(0, o2), REF.mth(0, n2)
                assert not verify_consistency(o2, n2, r1, r2, proof), (old, new, o2, n2)


def test_batched_appends_match_one_by_one() -> None:
    rng = random.Random(17)
    hashes = [leaf_hash(e) for e in ENTRIES[:700]]
    single = InMemoryNodeStore()
    for h in hashes:
        single.append([h])
    batched = InMemoryNodeStore()
    position = 0
    while position < len(hashes):
        batch = hashes[position : position + rng.choice([0, 1, 2, 3, 7, 16, 33, 100])]
        calls: list[int] = []
        before = batched.tree_size()
        created = nodes_for_append(before, batch, counting_getter(batched, before, calls))
        assert len(calls) <= 1 and sum(calls) <= before.bit_length()
        assert len(created) == sum(
            ((before + len(batch)) >> lv) - (before >> lv) for lv in range(12)
        )
        batched.append(batch)
        position += len(batch)
        assert batched.root() == REF.mth(0, position)
    assert batched.nodes() == single.nodes()
    for (level, index), value in single.nodes().items():
        assert value == REF.mth(index << level, (index + 1) << level)
    assert len(single.nodes()) == sum(700 >> level for level in range(11))


def test_missing_node_is_an_integrity_error() -> None:
    def empty(keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        return {}

    with pytest.raises(IntegrityError, match="missing"):
        root_at(5, empty)
    with pytest.raises(IntegrityError, match="missing"):
        inclusion_proof(1, 5, empty)
    with pytest.raises(IntegrityError, match="missing"):
        nodes_for_append(3, [leaf_hash(b"x")], empty)
    assert nodes_for_append(0, [leaf_hash(b"x")], empty) == [((0, 0), leaf_hash(b"x"))]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(5, 5, STORE.get_nodes)
    with pytest.raises(ValueError):
        inclusion_proof(-1, 5, STORE.get_nodes)
    with pytest.raises(ValueError):
        consistency_proof(6, 5, STORE.get_nodes)
    with pytest.raises(ValueError):
        root_at(-1, STORE.get_nodes)
    assert not verify_inclusion(leaf_hash(b""), 0, 0, [], EMPTY_ROOT)
