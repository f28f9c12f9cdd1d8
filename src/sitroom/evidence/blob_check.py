"""Re-hash the blobs of one pack window: decompress, SHA-256, compare to the blob's name.

A window is the indexed blobs of one pack whose records start in a byte range; `verify`
hands windows to its worker processes, each reading its own slice of the pack file.

The check runs in C (store/_blobseal.c, built at install when a compiler and the zstd headers
are there) or, failing that, in Python below; both give the same answers (tests hold them to
it).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zstandard

from sitroom.archive.blobs import HEADER_SIZE, MAGIC, pack_path
from sitroom.errors import StoreUnreadableError
from sitroom.store.sqlite_verify import BLOBS_COMPILED, VerifyReader, compiled_window_check

COMPILED = BLOBS_COMPILED
"""Whether the check runs in C; without the extension, the Python below does the same work."""

_HEADER = struct.Struct(">4s32sII")
WINDOW_BYTES = 32 << 20


@dataclass(frozen=True, slots=True)
class BlobWindow:
    """The blobs of pack `pack` whose records start in [start, end)."""

    pack: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class BlobCheckResult:
    """Blobs whose stored bytes no longer match their hash, and how much was checked."""

    bad: list[tuple[str, str]]
    checked: int
    raw_bytes: int
    unreadable: str = ""
    """Why the window's part of the blob index could not be read (nothing in it checked)."""


def blob_windows(pack_ends: dict[int, int], size: int | None = None) -> Iterator[BlobWindow]:
    """Cut every pack into windows of about `size` (default WINDOW_BYTES) stored bytes."""
    size = size or WINDOW_BYTES
    for pack, end in sorted(pack_ends.items()):
        for start in range(0, max(end, 1), size):
            yield BlobWindow(pack, start, start + size)


def check_window(database: Path, folder: Path, window: BlobWindow) -> BlobCheckResult:
    """Check every indexed blob of one window against the bytes in its pack."""
    try:
        return _check_window(database, folder, window)
    except StoreUnreadableError as exc:
        return BlobCheckResult([], 0, 0, unreadable=(
            f"the blobs of pack {window.pack} from byte {window.start:,} to {window.end:,} "
            f"were not checked: {exc}"))


def _check_window(database: Path, folder: Path, window: BlobWindow) -> BlobCheckResult:
    if COMPILED:
        bad, checked, raw_bytes = compiled_window_check(
            database, pack_path(folder, window.pack), window.pack, window.start, window.end)
        return BlobCheckResult(bad, checked, raw_bytes)
    expected = VerifyReader.shared(database).blobs_in(window.pack, window.start, window.end)
    if not expected:
        return BlobCheckResult([], 0, 0)
    first = expected[0][1]
    last = expected[-1][1] + expected[-1][2]
    try:
        with open(pack_path(folder, window.pack), "rb") as handle:
            handle.seek(first)
            data = memoryview(handle.read(last - first))
    except OSError as exc:
        reason = f"pack unreadable: {exc.strerror}"
        return BlobCheckResult([(sha, reason) for sha, _o, _l in expected], len(expected), 0)
    bad, raw_bytes = _check_records(data, first, expected)
    return BlobCheckResult(bad, len(expected), raw_bytes)


def _check_records(
    data: memoryview, first: int, expected: list[tuple[str, int, int]]
) -> tuple[list[tuple[str, str]], int]:
    bad: list[tuple[str, str]] = []
    raw_total = 0
    decompressor = zstandard.ZstdDecompressor()
    sha256 = hashlib.sha256
    for sha, offset, length in expected:
        record = data[offset - first : offset - first + length]
        if len(record) < HEADER_SIZE:
            bad.append((sha, "missing: the pack ends before this blob"))
            continue
        magic, name, raw_length, frame_length = _HEADER.unpack_from(record)
        if magic != MAGIC or name.hex() != sha or HEADER_SIZE + frame_length != length:
            bad.append((sha, "altered: the blob record's header does not match the index"))
            continue
        try:
            frame = record[HEADER_SIZE:]
            if zstandard.get_frame_parameters(frame).content_size != raw_length:
                bad.append((sha, "altered: the raw bytes no longer match their SHA-256"))
                continue
            raw = decompressor.decompress(frame, max_output_size=raw_length)
        except zstandard.ZstdError:
            bad.append((sha, "altered: the stored bytes cannot be decompressed"))
            continue
        raw_total += len(raw)
        if len(raw) != raw_length or sha256(raw).digest() != name:
            bad.append((sha, "altered: the raw bytes no longer match their SHA-256"))
    return bad, raw_total
