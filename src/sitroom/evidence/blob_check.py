"""Re-hash every blob in the packs, on all cores: decompress, SHA-256, compare to its name."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import struct
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import zstandard

from sitroom.archive.blobs import HEADER_SIZE, MAGIC, BlobRef, pack_path

_HEADER = struct.Struct(">4s32sII")
_TASK_BYTES = 32 << 20
_IN_PROCESS_BELOW = 8 << 20


@dataclass(frozen=True, slots=True)
class BlobCheckResult:
    """Blobs whose stored bytes no longer match their hash, and how much was checked."""

    bad: list[tuple[str, str]]
    checked: int
    raw_bytes: int


Expected = tuple[int, int, str]  # offset, record length, sha256 hex


def _check_range(path: str, expected: Sequence[Expected]) -> tuple[list[tuple[str, str]], int]:
    """Check the expected records of one contiguous slice of a pack."""
    bad: list[tuple[str, str]] = []
    raw_total = 0
    start = expected[0][0]
    end = expected[-1][0] + expected[-1][1]
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            data = memoryview(handle.read(end - start))
    except OSError as exc:
        return [(sha, f"pack unreadable: {exc.strerror}") for _o, _l, sha in expected], 0
    decompressor = zstandard.ZstdDecompressor()
    for offset, length, sha in expected:
        record = data[offset - start : offset - start + length]
        if len(record) < HEADER_SIZE:
            bad.append((sha, "missing: the pack ends before this blob"))
            continue
        magic, name, raw_length, frame_length = _HEADER.unpack_from(record)
        if magic != MAGIC or name.hex() != sha or HEADER_SIZE + frame_length != length:
            bad.append((sha, "altered: the blob record's header does not match the index"))
            continue
        try:
            raw = decompressor.decompress(record[HEADER_SIZE:], max_output_size=raw_length)
        except zstandard.ZstdError:
            bad.append((sha, "altered: the stored bytes cannot be decompressed"))
            continue
        raw_total += len(raw)
        if len(raw) != raw_length or hashlib.sha256(raw).hexdigest() != sha:
            bad.append((sha, "altered: the raw bytes no longer match their SHA-256"))
    return bad, raw_total


def _tasks(
    folder: Path, blobs: Iterator[tuple[str, BlobRef, int]]
) -> Iterator[tuple[str, list[Expected]]]:
    current: list[Expected] = []
    current_pack = -1
    size = 0
    for sha, ref, _raw_length in blobs:
        if ref.pack != current_pack or size >= _TASK_BYTES:
            if current:
                yield str(pack_path(folder, current_pack)), current
            current, current_pack, size = [], ref.pack, 0
        current.append((ref.offset, ref.length, sha))
        size += ref.length
    if current:
        yield str(pack_path(folder, current_pack)), current


class BlobCheck:
    """A blob check running in worker processes while the caller does other checks."""

    def __init__(
        self, folder: Path, blobs: Iterator[tuple[str, BlobRef, int]], total_stored: int
    ) -> None:
        tasks = list(_tasks(folder, blobs))
        self.checked = sum(len(expected) for _path, expected in tasks)
        self._pool: ProcessPoolExecutor | None = None
        self._local: list[tuple[list[tuple[str, str]], int]] = []
        self._futures: list[Future[tuple[list[tuple[str, str]], int]]] = []
        if total_stored < _IN_PROCESS_BELOW or (os.cpu_count() or 1) == 1:
            self._local = [_check_range(path, expected) for path, expected in tasks]
            return
        context = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context)
        self._futures = [self._pool.submit(_check_range, p, e) for p, e in tasks]

    def result(self) -> BlobCheckResult:
        """Wait for every worker and gather what they found."""
        bad: list[tuple[str, str]] = []
        raw_bytes = 0
        try:
            parts = self._local + [future.result() for future in self._futures]
        finally:
            if self._pool is not None:
                self._pool.shutdown()
        for found, size in parts:
            bad.extend(found)
            raw_bytes += size
        return BlobCheckResult(bad, self.checked, raw_bytes)


def check_blobs(
    folder: Path, blobs: Iterator[tuple[str, BlobRef, int]], total_stored: int
) -> BlobCheckResult:
    """Check every indexed blob (pack order); uses every core for large archives."""
    return BlobCheck(folder, blobs, total_stored).result()
