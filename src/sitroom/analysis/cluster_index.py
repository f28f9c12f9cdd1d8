"""Where near-duplicate clusters live between batches and between ingests.

The dedupe step reads and writes cluster state only through `ClusterIndex`, one batch at a
time: one `lookup` for what the batch needs to know, one `apply` for what it changed. The
embedded store implements it over SQLite (`sitroom.store.sqlite_clusters`); tests use
`InMemoryClusterIndex`.

What is kept:
- clusters: public id (the first message's id), first message's `created_at`, current size, and
  for verifying candidates the first message's signature (its MinHash bins, 16 bits each) and
  the set of numbers it mentions (`shingles.number_mask`);
- keys: 64-bit keys (a canonical-text key, or an LSH band key of a cluster's first message)
  pointing at clusters; one key may point at several clusters;
- members: message id -> cluster, and whether the message is counted in the size. A message
  that is not counted yet is an announced original: a retweet arrived first and said which
  cluster its original belongs to.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """One cluster as stored: `id` is its first message's id."""

    id: str
    first_at: str | None
    size: int
    signature: bytes
    numbers: int = 0


class Membership(NamedTuple):
    """Which cluster a message belongs to, and whether it is counted in the cluster's size."""

    cluster: str
    counted: bool


@dataclass(slots=True)
class IndexView:
    """What the index knows about the ids and keys a batch asked for (unknown ones are absent).

    `clusters` holds every cluster that `members` or `keys` refers to. In `keys`, the clusters
    of one key are listed oldest first.
    """

    members: dict[str, Membership] = field(default_factory=dict)
    keys: dict[int, list[str]] = field(default_factory=dict)
    clusters: dict[str, ClusterInfo] = field(default_factory=dict)


@dataclass(slots=True)
class ClusterChanges:
    """One batch's changes: applied together, in this order, by `ClusterIndex.apply`.

    `new_clusters` carry their size at the end of the batch; `size_deltas` add to clusters
    that already existed; `keys` lists, per cluster, keys that now point at it too; `members`
    replace any earlier membership of the same message.
    """

    new_clusters: list[ClusterInfo] = field(default_factory=list)
    size_deltas: dict[str, int] = field(default_factory=dict)
    keys: list[tuple[str, list[int]]] = field(default_factory=list)
    members: list[tuple[str, Membership]] = field(default_factory=list)


@runtime_checkable
class ClusterIndex(Protocol):
    """Persistent near-duplicate cluster state (see the module docstring)."""

    def scheme(self) -> str | None:
        """The sketch scheme the stored keys and signatures were made with; None when empty."""
        ...

    def set_scheme(self, scheme: str) -> None:
        """Record the sketch scheme of what is (about to be) stored."""
        ...

    def lookup(self, message_ids: Collection[str], keys: Collection[int]) -> IndexView:
        """Memberships of `message_ids`, clusters of `keys`, and those clusters' details."""
        ...

    def apply(self, changes: ClusterChanges) -> None:
        """Store one batch's changes atomically."""
        ...

    def cluster_sizes(self, ids: Iterable[str]) -> dict[str, int]:
        """The current size of each known cluster id (readers show "seen N times")."""
        ...

    def reset(self) -> None:
        """Forget every cluster, key, membership and the scheme (before a full re-run)."""
        ...


class InMemoryClusterIndex:
    """A `ClusterIndex` in dictionaries: for tests and for runs without a store."""

    def __init__(self) -> None:
        self._scheme: str | None = None
        self._clusters: dict[str, ClusterInfo] = {}
        # Most keys point at one cluster: a bare id then, a list only when there are several.
        self._keys: dict[int, str | list[str]] = {}
        self._members: dict[str, Membership] = {}

    def scheme(self) -> str | None:
        """The recorded sketch scheme."""
        return self._scheme

    def set_scheme(self, scheme: str) -> None:
        """Record the sketch scheme."""
        self._scheme = scheme

    def lookup(self, message_ids: Collection[str], keys: Collection[int]) -> IndexView:
        """See `ClusterIndex.lookup`."""
        view = IndexView()
        for message_id in message_ids:
            member = self._members.get(message_id)
            if member is not None:
                view.members[message_id] = member
        for key in self._keys.keys() & set(keys):
            found = self._keys[key]
            view.keys[key] = [found] if isinstance(found, str) else list(found)
        wanted = {m.cluster for m in view.members.values()}
        for found in view.keys.values():
            wanted.update(found)
        view.clusters = {cid: self._clusters[cid] for cid in wanted}
        return view

    def apply(self, changes: ClusterChanges) -> None:
        """See `ClusterIndex.apply`."""
        for info in changes.new_clusters:
            self._clusters[info.id] = info
        for cid, delta in changes.size_deltas.items():
            old = self._clusters[cid]
            self._clusters[cid] = replace(old, size=old.size + delta)
        keys = self._keys
        for cid, added in changes.keys:
            for key in added:
                found = keys.setdefault(key, cid)
                if found is cid or found == cid:
                    continue
                if isinstance(found, str):
                    keys[key] = [found, cid]
                elif cid not in found:
                    found.append(cid)
        for message_id, member in changes.members:
            self._members[message_id] = member

    def cluster_sizes(self, ids: Iterable[str]) -> dict[str, int]:
        """See `ClusterIndex.cluster_sizes`."""
        return {cid: self._clusters[cid].size for cid in ids if cid in self._clusters}

    def reset(self) -> None:
        """See `ClusterIndex.reset`."""
        self._scheme = None
        self._clusters.clear()
        self._keys.clear()
        self._members.clear()
