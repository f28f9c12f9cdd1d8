"""Blob packs: content-addressed, zstd, append-only, cut back to the last commit."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sitroom.archive.blobs import (
    BlobReader,
    BlobWriter,
    compress_blob,
    new_compressor,
    pack_path,
    walk_pack,
)
from sitroom.errors import IntegrityError


def _write(folder: Path, blobs: list[bytes], ends: dict[int, int] | None = None) -> list:
    writer = BlobWriter(folder, ends or {})
    compressor = new_compressor()
    refs = [writer.append(compress_blob(raw, compressor)) for raw in blobs]
    writer.sync()
    writer.mark_committed()
    writer.close()
    return refs


def test_round_trip_and_hash_check(tmp_path: Path) -> None:
    raws = [b"hello", "حلب تحت القصف 🙏".encode(), b"x" * 100_000]
    refs = _write(tmp_path, raws)
    reader = BlobReader(tmp_path)
    for raw, ref in zip(raws, refs, strict=True):
        assert reader.read(hashlib.sha256(raw).hexdigest(), ref) == raw


def test_altered_byte_is_detected(tmp_path: Path) -> None:
    raw = b"the government forces are at the end of the street" * 20
    (ref,) = _write(tmp_path, [raw])
    path = pack_path(tmp_path, ref.pack)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError):
        BlobReader(tmp_path).read(hashlib.sha256(raw).hexdigest(), ref)


def test_uncommitted_tail_is_cut_on_reopen(tmp_path: Path) -> None:
    (first,) = _write(tmp_path, [b"committed"])
    writer = BlobWriter(tmp_path, {1: first.offset + first.length})
    writer.append(compress_blob(b"never committed", new_compressor()))
    writer.sync()
    writer.close()  # crash before the rows committed
    reopened = BlobWriter(tmp_path, {1: first.offset + first.length})
    reopened.close()
    records = list(walk_pack(pack_path(tmp_path, 1)))
    assert len(records) == 1
    assert pack_path(tmp_path, 1).stat().st_size == first.offset + first.length


def test_rollback_forgets_uncommitted_blobs(tmp_path: Path) -> None:
    writer = BlobWriter(tmp_path, {})
    compressor = new_compressor()
    writer.append(compress_blob(b"a", compressor))
    writer.mark_committed()
    size = writer.offset
    writer.append(compress_blob(b"b", compressor))
    writer.rollback()
    writer.close()
    assert pack_path(tmp_path, 1).stat().st_size == size


def test_walk_pack_reports_garbage_offset(tmp_path: Path) -> None:
    refs = _write(tmp_path, [b"one", b"two"])
    path = pack_path(tmp_path, 1)
    with open(path, "ab") as handle:
        handle.write(b"junk!")
    items = list(walk_pack(path))
    assert [i.offset for i in items[:2]] == [r.offset for r in refs]  # type: ignore[union-attr]
    assert items[2] == refs[1].offset + refs[1].length
