"""Near-duplicates: retweets, quote copies and copy-pasted appeals grouped into clusters.

Each message is placed, in batch order, by the first rule that applies:

1. It is already a member (a re-run over the same message): nothing changes.
2. A retweet that arrived earlier announced it as its original: it joins that cluster.
3. It is a retweet (`extra["retweet_of"]`) of a message whose cluster is known: it joins it.
4. Its canonical text (see `shingles`) equals one seen before: it joins that cluster.
5. LSH: clusters whose first message shares a band key are candidates; it joins the candidate
   whose first message is most similar, if the estimated Jaccard similarity of their character
   5-gram sets is at least `THRESHOLD` and their numbers agree (one's within the other's).
6. Otherwise it starts a cluster whose id is its own id.

Clusters are balls around their first message (band keys are stored for first messages only),
so a chain of small edits never drifts into a different appeal. With `THRESHOLD` 0.7, a quote
that adds a comment stays in the original's cluster while the comment is shorter than about a
quarter of the original (Jaccard 0.7 allows about 40% extra grams, minus estimation noise); a
longer comment says something of its own and makes it a message of its own. Messages that
differ only in their numbers (a death toll, a magnitude, an hour) are kept apart.

The annotation is `{"id", "size", "first_id", "dup_of"}`: `size` counts the cluster up to and
including this message; the index keeps the current size (`ClusterIndex.cluster_sizes`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, Annotations
from sitroom.analysis.cluster_index import (
    ClusterChanges,
    ClusterIndex,
    ClusterInfo,
    IndexView,
    InMemoryClusterIndex,
    Membership,
)
from sitroom.analysis.shingles import (
    NUM_BINS,
    SCHEME,
    Canonical,
    Sketches,
    canonicalize,
    numbers_compatible,
    sketch,
)
from sitroom.identity import id_for

logger = logging.getLogger(__name__)

THRESHOLD = 0.7
_MIN_AGREEING_BINS = int(np.ceil(THRESHOLD * NUM_BINS))
_SIGNATURE_DTYPE = np.dtype("<u2")
# Boilerplate can put thousands of clusters behind one band key; verifying them all would
# make one message cost milliseconds, and the first (oldest) ones are the likeliest anyway.
_MAX_CANDIDATES = 64

Signature = npt.NDArray[np.uint16]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What the step derives from one message before looking anything up."""

    canon: Canonical
    original_id: str | None
    sketch_row: int


class DedupeStep:
    """Groups near-duplicate messages into persistent clusters (see the module docstring)."""

    name: ClassVar[str] = "dedupe"
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[str, ...]] = ("cluster",)
    reads: ClassVar[tuple[str, ...]] = ()
    per_message: ClassVar[bool] = False

    def __init__(self, settings: AnalysisSettings, index: ClusterIndex | None = None) -> None:
        self.settings = settings
        self.index: ClusterIndex = index if index is not None else InMemoryClusterIndex()
        self._warned_scheme = False

    def reset(self) -> None:
        """Forget all clusters (before re-running the step over the whole archive)."""
        self.index.reset()
        self._warned_scheme = False

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        """One `cluster` annotation per item, placing items in order."""
        if not items:
            return []
        self._check_scheme()
        prepared, sketches = _prepare(items)
        ids = {item.id for item in items}
        ids.update(p.original_id for p in prepared if p.original_id)
        canon_keys = {p.canon.key for p in prepared if p.canon.key is not None}
        view = self.index.lookup(ids, canon_keys)
        band_keys = _band_keys_to_look_up(items, prepared, sketches, view)
        if band_keys:
            _merge(view, self.index.lookup((), band_keys))
        placer = _Placer(view, sketches)
        out = [placer.place(item, prep) for item, prep in zip(items, prepared, strict=True)]
        self.index.apply(placer.changes())
        return out

    def _check_scheme(self) -> None:
        stored = self.index.scheme()
        if stored is None:
            self.index.set_scheme(SCHEME)
        elif stored != SCHEME and not self._warned_scheme:
            self._warned_scheme = True
            logger.warning(
                "near-duplicate clusters were built with sketch scheme %s, this is %s: new "
                "messages join older clusters only as exact copies until `sitroom analyze` "
                "rebuilds them",
                stored,
                SCHEME,
            )


def _prepare(items: Sequence[AnalysisItem]) -> tuple[list[_Prepared], Sketches]:
    """Canonical forms, retweet originals and (for texts long enough) sketches."""
    prepared: list[_Prepared] = []
    near_texts: list[str] = []
    for item in items:
        canon = canonicalize(item.text)
        row = -1
        if canon.near:
            row = len(near_texts)
            near_texts.append(canon.text)
        prepared.append(_Prepared(canon, _original_id(item), row))
    return prepared, sketch(near_texts)


def _original_id(item: AnalysisItem) -> str | None:
    """The sitroom id of the message a retweet retweets (same platform), if any."""
    original = item.extra.get("retweet_of")
    if isinstance(original, bool) or not isinstance(original, str | int):
        return None
    platform_id = str(original).strip()
    return id_for(f"{item.platform}:{platform_id}") if platform_id else None


def _band_keys_to_look_up(
    items: Sequence[AnalysisItem],
    prepared: Sequence[_Prepared],
    sketches: Sketches,
    view: IndexView,
) -> set[int]:
    """Band keys of the messages the first lookup cannot place (exact copies need none)."""
    wanted: set[int] = set()
    seen_canon: set[int] = set()
    for item, prep in zip(items, prepared, strict=True):
        key = prep.canon.key
        placed = (
            item.id in view.members
            or (prep.original_id is not None and prep.original_id in view.members)
            or key in view.keys
            or key in seen_canon
        )
        if key is not None:
            seen_canon.add(key)
        if not placed and prep.sketch_row >= 0:
            wanted.update(sketches.band_keys[prep.sketch_row].tolist())
    return wanted


def _merge(view: IndexView, more: IndexView) -> None:
    view.keys.update(more.keys)
    view.clusters.update(more.clusters)


class _Placer:
    """Places one batch's messages in order, keeping the batch's changes to the index."""

    def __init__(self, view: IndexView, sketches: Sketches) -> None:
        known = view.clusters
        # A membership or key pointing at a cluster the index no longer has is ignored.
        self._members = {m: x for m, x in view.members.items() if x.cluster in known}
        self._keys = {k: [c for c in cs if c in known] for k, cs in view.keys.items()}
        self._stored = known
        self._sketches = sketches
        self._sizes: dict[str, int] = {cid: info.size for cid, info in view.clusters.items()}
        self._firsts: dict[str, str | None] = {}
        self._numbers: dict[str, int] = {cid: info.numbers for cid, info in known.items()}
        self._signatures: dict[str, Signature | None] = {}
        self._new: list[str] = []
        self._new_keys: list[tuple[str, list[int]]] = []
        self._shared = _shared_band_keys(sketches.band_keys)
        self._may_match = _rows_with_candidates(sketches.band_keys, self._keys, self._shared)
        self._new_members: list[tuple[str, Membership]] = []

    def place(self, item: AnalysisItem, prep: _Prepared) -> Annotations:
        """Put one message in a cluster and return its annotation."""
        member = self._members.get(item.id)
        if member is not None and member.counted:
            return _annotation(item.id, member.cluster, self._sizes.get(member.cluster, 1))
        cid = member.cluster if member is not None else self._find(prep)
        if cid is None:
            cid = self._start(item, prep)
        else:
            self._sizes[cid] += 1
        self._join(item.id, cid, prep)
        return _annotation(item.id, cid, self._sizes[cid])

    def _find(self, prep: _Prepared) -> str | None:
        if prep.original_id is not None:
            original = self._members.get(prep.original_id)
            if original is not None:
                return original.cluster
        key = prep.canon.key
        if key is not None:
            found = self._keys.get(key)
            if found:
                return found[0]
        return self._nearest(prep) if prep.sketch_row in self._may_match else None

    def _nearest(self, prep: _Prepared) -> str | None:
        """The most similar candidate cluster at or above the threshold (first on ties)."""
        signature = self._sketches.signatures[prep.sketch_row]
        numbers = prep.canon.numbers
        best, best_agree = None, _MIN_AGREEING_BINS - 1
        tried: set[str] = set()
        for key in self._sketches.band_keys[prep.sketch_row].tolist():
            for cid in self._keys.get(key, ()):
                if cid in tried or len(tried) >= _MAX_CANDIDATES:
                    continue
                tried.add(cid)
                other = self._signature(cid)
                if other is None or not numbers_compatible(numbers, self._numbers[cid]):
                    continue
                agree = int(np.count_nonzero(other == signature))
                if agree > best_agree:
                    best, best_agree = cid, agree
        return best

    def _signature(self, cid: str) -> Signature | None:
        if cid not in self._signatures:
            stored = self._stored[cid].signature
            ok = len(stored) == NUM_BINS * _SIGNATURE_DTYPE.itemsize
            self._signatures[cid] = np.frombuffer(stored, _SIGNATURE_DTYPE) if ok else None
        return self._signatures[cid]

    def _start(self, item: AnalysisItem, prep: _Prepared) -> str:
        cid = item.id
        self._new.append(cid)
        self._sizes[cid] = 1
        self._firsts[cid] = item.created_at
        self._numbers[cid] = prep.canon.numbers
        signature = None
        row = prep.sketch_row
        if row >= 0:
            signature = self._sketches.signatures[row]
            self._new_keys.append((cid, self._sketches.band_keys[row].tolist()))
            # Only keys another message of this batch also has can place a later message.
            for band_key in self._shared.get(row, ()):
                self._keys.setdefault(band_key, []).append(cid)
        self._signatures[cid] = signature
        return cid

    def _join(self, message_id: str, cid: str, prep: _Prepared) -> None:
        membership = Membership(cid, True)
        self._members[message_id] = membership
        self._new_members.append((message_id, membership))
        if prep.canon.key is not None and prep.canon.key not in self._keys:
            self._add_key(prep.canon.key, cid)
        original = prep.original_id
        if original is not None and original not in self._members:
            announced = Membership(cid, False)
            self._members[original] = announced
            self._new_members.append((original, announced))

    def _add_key(self, key: int, cid: str) -> None:
        found = self._keys.setdefault(key, [])
        if cid not in found:
            found.append(cid)
            self._new_keys.append((cid, [key]))

    def changes(self) -> ClusterChanges:
        """Everything this batch changed, for `ClusterIndex.apply`."""
        new = set(self._new)
        clusters = [
            ClusterInfo(
                cid,
                self._firsts[cid],
                self._sizes[cid],
                _signature_bytes(self._signatures[cid]),
                self._numbers[cid],
            )
            for cid in self._new
        ]
        deltas = {
            cid: self._sizes[cid] - info.size
            for cid, info in self._stored.items()
            if cid not in new and self._sizes[cid] != info.size
        }
        return ClusterChanges(clusters, deltas, self._new_keys, self._new_members)


def _shared_band_keys(band_keys: npt.NDArray[np.int64]) -> dict[int, list[int]]:
    """Per sketch row, its band keys that some other row of the batch has too."""
    if not len(band_keys):
        return {}
    _, inverse, counts = np.unique(band_keys.ravel(), return_inverse=True, return_counts=True)
    shared = (counts[inverse] > 1).reshape(band_keys.shape)
    return {
        int(row): band_keys[row][shared[row]].tolist() for row in np.flatnonzero(shared.any(axis=1))
    }


def _rows_with_candidates(
    band_keys: npt.NDArray[np.int64], stored: dict[int, list[str]], shared: dict[int, list[int]]
) -> set[int]:
    """Sketch rows that can have a candidate at all: a stored key, or one shared in the batch."""
    rows = set(shared)
    if stored and len(band_keys):
        known = np.fromiter(stored, dtype=np.int64, count=len(stored))
        rows.update(np.flatnonzero(np.isin(band_keys, known).any(axis=1)).tolist())
    return rows


def _signature_bytes(signature: Signature | None) -> bytes:
    return b"" if signature is None else signature.astype(_SIGNATURE_DTYPE).tobytes()


def _annotation(message_id: str, cid: str, size: int) -> Annotations:
    return {
        "cluster": {
            "id": cid,
            "size": size,
            "first_id": cid,
            "dup_of": None if message_id == cid else cid,
        }
    }
