"""Read input files into batches of parsed, hashed, compressed items (the producer side)."""

from __future__ import annotations

import hashlib
import io
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sitroom.archive.blobs import PackedBlob, compress_blob, new_compressor
from sitroom.archive.entry import content_digest
from sitroom.errors import RecordRejected, SitroomError, SourceError
from sitroom.identity import id_for, message_identity, notice_identity
from sitroom.models import (
    MESSAGE_CONTENT_FIELDS,
    NOTICE_CONTENT_FIELDS,
    Message,
    Parsed,
    Record,
    content_fields,
)
from sitroom.sources.base import Source, SourceSettings, importer_of
from sitroom.sources.registry import SNIFF_BYTES, detect_source, source_by_name
from sitroom.textnorm import normalize_for_search

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PendingItem:
    """A parsed message or notice waiting to be stored, with its record's hash."""

    identity: str
    id: str
    parsed: Parsed
    raw_sha256: str
    locator: str
    content_sha256: str
    index_text: str | None


@dataclass(frozen=True, slots=True)
class PendingReject:
    """A record that failed to parse (raw_sha256 None for a whole-file failure)."""

    locator: str
    reason: str
    raw_sha256: str | None


@dataclass
class Batch:
    """Items read from one input, in input order, with the blobs they need."""

    source: str
    importer: str
    items: list[PendingItem] = field(default_factory=list)
    rejects: list[PendingReject] = field(default_factory=list)
    blobs: dict[str, PackedBlob] = field(default_factory=dict)
    records: int = 0
    bytes_read: int = 0


STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One input to ingest: a path or '-' for stdin, and an optional forced format."""

    path: str
    format: str | None = None

    @property
    def display(self) -> str:
        """The name recorded as the provenance source."""
        return STDIN_NAME if self.path == "-" else self.path


class _CountingStream:
    """Counts bytes read, for progress, without buffering anything itself."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner = inner
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.count += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.inner.readline(size)
        self.count += len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


class _PrefixedRaw(io.RawIOBase):
    """A raw stream that replays already-read head bytes before the rest of the input."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        if self._head.nbytes:
            count = min(len(target), self._head.nbytes)
            target[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(target))
        target[: len(data)] = data
        return len(data)


def sniff_head(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """Read the first bytes for sniffing; return them and a stream that still starts at 0."""
    if stream.seekable():
        head = stream.read(SNIFF_BYTES)
        stream.seek(0)
        return head, stream
    head = stream.read(SNIFF_BYTES)
    return head, io.BufferedReader(_PrefixedRaw(head, stream), buffer_size=1 << 20)


def open_input(spec: InputSpec) -> BinaryIO:
    """Open an input for binary reading."""
    if spec.path == "-":
        return sys.stdin.buffer
    path = Path(spec.path)
    try:
        return open(path, "rb", buffering=1 << 20)
    except IsADirectoryError as exc:
        raise SourceError(f"{spec.path}: is a folder, not a file") from exc
    except OSError as exc:
        raise SourceError(f"{spec.path}: cannot open: {exc.strerror or exc}") from exc


def choose_source(spec: InputSpec, head: bytes, settings: SourceSettings) -> Source:
    """The adapter for an input: `--format`, else sniffed from its first bytes."""
    if not head.strip():
        raise SourceError(f"{spec.display}: the input is empty")
    if spec.format:
        return source_by_name(spec.format)(settings)
    return detect_source(head, Path(spec.display).name)(settings)


class BatchReader:
    """Turns inputs into batches; one instance per reading thread."""

    def __init__(self, settings: SourceSettings, batch_size: int = 1000) -> None:
        self.settings = settings
        self.batch_size = batch_size
        self._compressor = new_compressor()

    def read(self, spec: InputSpec) -> Iterator[Batch]:
        """Yield batches of one input; a whole-file failure becomes one reject."""
        try:
            raw_stream = open_input(spec)
        except SourceError as exc:
            yield self._file_failure(spec, "?", str(exc))
            return
        try:
            yield from self.read_stream(raw_stream, spec.display, spec.format)
        finally:
            if spec.path != "-":
                raw_stream.close()

    def read_stream(self, stream: BinaryIO, name: str, fmt: str | None = None) -> Iterator[Batch]:
        """Yield batches of an already open binary stream (an HTTP body, a pipe)."""
        spec = InputSpec(name, fmt)
        try:
            head, readable = sniff_head(stream)
            source = choose_source(spec, head, self.settings)
            counting = _CountingStream(readable)
            yield from self._batches(spec, source, counting)
        except SitroomError as exc:
            yield self._file_failure(spec, "?", str(exc))

    def _file_failure(self, spec: InputSpec, importer: str, reason: str) -> Batch:
        batch = Batch(source=spec.display, importer=importer)
        batch.rejects.append(PendingReject("file", reason, None))
        return batch

    def _batches(self, spec: InputSpec, source: Source, stream: _CountingStream) -> Iterator[Batch]:
        importer = importer_of(source)
        batch = Batch(source=spec.display, importer=importer)
        try:
            for record in source.records(stream, spec.display):  # type: ignore[arg-type]
                self._add(batch, source, record)
                if batch.records >= self.batch_size or len(batch.items) >= self.batch_size:
                    batch.bytes_read = stream.count
                    yield batch
                    batch = Batch(source=spec.display, importer=importer)
        except SourceError as exc:
            batch.rejects.append(PendingReject(f"offset {stream.count}", str(exc), None))
        batch.bytes_read = stream.count
        yield batch

    def _add(self, batch: Batch, source: Source, record: Record) -> None:
        batch.records += 1
        sha = hashlib.sha256(record.raw).hexdigest()
        try:
            parsed = source.parse(record)
        except RecordRejected as exc:
            batch.rejects.append(PendingReject(record.locator, str(exc), sha))
            self._keep_blob(batch, sha, record.raw)
            return
        except Exception as exc:  # an adapter bug must not cost the rest of the input
            log.exception("adapter %s failed on %s", source.name, record.locator)
            reason = f"adapter error: {type(exc).__name__}: {exc}"
            batch.rejects.append(PendingReject(record.locator, reason, sha))
            self._keep_blob(batch, sha, record.raw)
            return
        if not parsed:
            return
        self._keep_blob(batch, sha, record.raw)
        for item in parsed:
            if isinstance(item, Message):
                identity = message_identity(item, sha)
                digest = content_digest(content_fields(item, MESSAGE_CONTENT_FIELDS))
                index_text: str | None = normalize_for_search(item.text)
            else:
                identity = notice_identity(item, sha)
                digest = content_digest(content_fields(item, NOTICE_CONTENT_FIELDS))
                index_text = None
            locator = item.locator or record.locator
            batch.items.append(
                PendingItem(identity, id_for(identity), item, sha, locator, digest, index_text)
            )

    def _keep_blob(self, batch: Batch, sha: str, raw: bytes) -> None:
        if sha not in batch.blobs:
            batch.blobs[sha] = compress_blob(raw, self._compressor, bytes.fromhex(sha))
