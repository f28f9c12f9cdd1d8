"""Content-addressed store of raw bytes: zstd-compressed records in append-only pack files.

Each blob is named by the SHA-256 of its raw bytes. Packs are written append-only; each
record is self-describing (magic, raw hash, lengths, zstd frame), so a pack can be checked
without any index. The store layer keeps the index (hash -> pack, offset, length). A batch's
blobs are fsynced before the batch's rows commit, so a committed row never lacks its blob;
bytes past the last committed record (a crash mid-batch) are cut off when a writer reopens.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zstandard

from sitroom.errors import IntegrityError

MAGIC = b"SRB1"
_HEADER = struct.Struct(">4s32sII")  # magic, sha256, raw length, compressed length
HEADER_SIZE = _HEADER.size
PACK_LIMIT = 1 << 30
COMPRESSION_LEVEL = 3


@dataclass(frozen=True, slots=True)
class BlobRef:
    """Where one blob's record lies: pack number, byte offset and record length."""

    pack: int
    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class PackedBlob:
    """A blob ready to append: its hash, raw length and compressed frame."""

    sha256: bytes
    raw_length: int
    frame: bytes


def pack_path(folder: Path, pack: int) -> Path:
    """The file of pack number `pack`."""
    return folder / f"pack-{pack:06d}.srb"


def compress_blob(
    raw: bytes, compressor: zstandard.ZstdCompressor, digest: bytes | None = None
) -> PackedBlob:
    """Hash (unless `digest` is given) and compress raw bytes, one compressor per thread."""
    sha = digest if digest is not None else hashlib.sha256(raw).digest()
    return PackedBlob(sha, len(raw), compressor.compress(raw))


def new_compressor() -> zstandard.ZstdCompressor:
    """A compressor with sitroom's settings (one per thread: they are not thread-safe)."""
    return zstandard.ZstdCompressor(level=COMPRESSION_LEVEL, write_content_size=True)


class BlobWriter:
    """Appends blobs to the newest pack; `sync` makes a batch durable before its rows commit."""

    def __init__(self, folder: Path, committed_ends: dict[int, int]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.pack = max(committed_ends, default=1)
        end = committed_ends.get(self.pack, 0)
        path = pack_path(folder, self.pack)
        self._file = open(path, "r+b" if path.exists() else "w+b")  # noqa: SIM115
        # Bytes past the committed end were written by a batch that never committed.
        self._file.truncate(end)
        self._file.seek(end)
        self.offset = end
        self._committed = (self.pack, end)

    def append(self, blob: PackedBlob) -> BlobRef:
        """Write one blob record; it is durable only after `sync`."""
        if self.offset >= PACK_LIMIT:
            self._rotate()
        record = _HEADER.pack(MAGIC, blob.sha256, blob.raw_length, len(blob.frame)) + blob.frame
        self._file.write(record)
        ref = BlobRef(self.pack, self.offset, len(record))
        self.offset += len(record)
        return ref

    def sync(self) -> None:
        """Flush and fsync the current pack."""
        self._file.flush()
        os.fsync(self._file.fileno())

    def mark_committed(self) -> None:
        """The rows pointing at everything written so far have committed."""
        self._committed = (self.pack, self.offset)

    def rollback(self) -> None:
        """Forget blobs written since the last commit (their rows never committed)."""
        pack, offset = self._committed
        if pack != self.pack:
            self._file.close()
            pack_path(self.folder, self.pack).unlink(missing_ok=True)
            self.pack = pack
            self._file = open(pack_path(self.folder, pack), "r+b")  # noqa: SIM115
        self._file.truncate(offset)
        self._file.seek(offset)
        self.offset = offset

    def close(self) -> None:
        """Close the pack file."""
        self._file.close()

    def _rotate(self) -> None:
        self.sync()
        self._file.close()
        self.pack += 1
        self._file = open(pack_path(self.folder, self.pack), "w+b")  # noqa: SIM115
        self.offset = 0


class BlobReader:
    """Reads blobs back and checks each against its name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._decompressor = zstandard.ZstdDecompressor()

    def read(self, sha256_hex: str, ref: BlobRef) -> bytes:
        """The raw bytes of a blob; raises IntegrityError if they no longer match their hash."""
        try:
            with open(pack_path(self.folder, ref.pack), "rb") as handle:
                handle.seek(ref.offset)
                record = handle.read(ref.length)
        except OSError as exc:
            raise IntegrityError(f"blob {sha256_hex}: pack {ref.pack} unreadable: {exc}") from exc
        raw = self.decode(record)
        if hashlib.sha256(raw).hexdigest() != sha256_hex:
            raise IntegrityError(f"blob {sha256_hex}: stored bytes do not match their hash")
        return raw

    def decode(self, record: bytes) -> bytes:
        """Decompress one pack record (header + frame) without checking its hash."""
        if len(record) < HEADER_SIZE:
            raise IntegrityError("blob record truncated")
        magic, _sha, raw_length, frame_length = _HEADER.unpack_from(record)
        if magic != MAGIC or len(record) != HEADER_SIZE + frame_length:
            raise IntegrityError("blob record header damaged")
        try:
            raw: bytes = self._decompressor.decompress(
                record[HEADER_SIZE:], max_output_size=raw_length
            )
        except zstandard.ZstdError as exc:
            raise IntegrityError(f"blob record cannot be decompressed: {exc}") from exc
        return raw


@dataclass(frozen=True, slots=True)
class PackRecord:
    """One record met while walking a pack: where it is, its claimed hash, and its frame."""

    offset: int
    sha256: bytes
    raw_length: int
    frame: bytes


def walk_pack(path: Path, chunk_size: int = 8 << 20) -> Iterator[PackRecord | int]:
    """Yield a pack's records in order; yield the offset (an int) where it stops making sense."""
    with open(path, "rb") as handle:
        buf = b""
        base = 0
        while True:
            data = handle.read(chunk_size)
            buf = buf[base:] + data if base else buf + data
            file_offset = handle.tell() - len(buf)
            base = 0
            while len(buf) - base >= HEADER_SIZE:
                magic, sha, raw_length, frame_length = _HEADER.unpack_from(buf, base)
                if magic != MAGIC:
                    yield file_offset + base
                    return
                end = base + HEADER_SIZE + frame_length
                if end > len(buf):
                    break
                yield PackRecord(file_offset + base, sha, raw_length, buf[base + HEADER_SIZE : end])
                base = end
            if not data:
                if base < len(buf):
                    yield file_offset + base
                return
