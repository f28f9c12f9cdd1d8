"""`POST /api/v1/ingest`: generic JSON messages in a request body, stored like any input.

The body is one JSON object, an array of objects, or NDJSON; each object is a generic JSON
message (`text`, `id`, `created_at`, `author`, `platform`, `url`, `lang`). Each record keeps
its exact bytes (an array element's own span), so the raw-bytes invariant holds for the API
as for files. The answer comes after the batch has committed: acknowledged means durable.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, ClassVar

import orjson

from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import SitroomError, SourceError
from sitroom.evidence.checkpoints import CheckpointResult, make_checkpoint
from sitroom.models import JsonObject, Parsed, Record
from sitroom.pipeline import FileReport, IngestPipeline
from sitroom.reading import Batch, BatchReader
from sitroom.sources.base import SourceSettings, importer_of
from sitroom.sources.jsonl import GenericJsonlSource
from sitroom.sources.jsonspans import JsonSpan, iter_json_spans

MAX_BODY_BYTES = 32 << 20
BATCH_SIZE = 1000
_BLANK = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"


class JsonBodySource:
    """Generic JSON messages from an API body: an object, an array of objects, or NDJSON."""

    name: ClassVar[str] = "api-json"
    version: ClassVar[str] = "1"
    platform: ClassVar[str] = "generic"

    def __init__(self, settings: SourceSettings) -> None:
        """Parse each object as the generic JSONL adapter does."""
        self._lines = GenericJsonlSource(settings)

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> int:
        """Never chosen by sniffing: the API names it."""
        return 0

    def records(self, stream: BinaryIO, name: str) -> Iterator[Record]:
        """Array elements (exact spans), the single object, or one record per line."""
        body = stream.read()
        stripped = body.removeprefix(_BOM).strip(_BLANK)
        if stripped.startswith(b"["):
            for item in iter_json_spans(io.BytesIO(stripped), lambda path: path == ()):
                if isinstance(item, JsonSpan):
                    yield Record(item.raw, f"[{item.path[-1]}] @ offset {item.offset}")
            return
        if _is_one_object(stripped):
            yield Record(stripped, "body")
            return
        yield from self._lines.records(io.BytesIO(body), name)

    def parse(self, record: Record) -> list[Parsed]:
        """One generic JSON message (rejects bad JSON, non-objects, missing text)."""
        return self._lines.parse(record)


def _is_one_object(body: bytes) -> bool:
    if not body.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(body), dict)
    except orjson.JSONDecodeError:
        return False


def read_body(body: bytes, source: str, settings: SourceSettings) -> list[Batch]:
    """Cut and parse a whole request body into batches before anything is stored.

    Until `BatchReader.read_stream` exists, this feeds the reader's per-record step.
    """
    if not body.strip(_BLANK):
        raise SourceError("the request body is empty: send JSON messages")
    adapter = JsonBodySource(settings)
    reader = BatchReader(settings, BATCH_SIZE)
    importer = importer_of(adapter)
    batches = [Batch(source=source, importer=importer)]
    for record in adapter.records(io.BytesIO(body), source):
        if batches[-1].records >= BATCH_SIZE:
            batches.append(Batch(source=source, importer=importer))
        reader._add(batches[-1], adapter, record)
    for batch in batches:
        batch.bytes_read = len(body)
    return batches


@dataclass(frozen=True, slots=True)
class PostedBody:
    """One request's body and where it says it comes from."""

    body: bytes
    source: str
    platform: str | None = None


def ingest_body(folder: ArchiveFolder, body: bytes, *, source: str,
                platform: str | None = None) -> JsonObject:
    """Store the messages of a body in the (write-locked) archive; returns the new ids."""
    (result,) = ingest_bodies(folder, [PostedBody(body, source, platform)])
    if isinstance(result, SitroomError):
        raise result
    return result


def ingest_bodies(folder: ArchiveFolder, posted: Sequence[PostedBody]
                  ) -> list[JsonObject | SitroomError]:
    """Store several bodies with one pipeline and one checkpoint (each batch still commits
    on its own); one answer per body, or the error that refused it."""
    parsed: list[list[Batch] | SitroomError] = []
    for post in posted:
        settings = SourceSettings(platform=post.platform, timezone=folder.config.timezone)
        try:
            parsed.append(read_body(post.body, post.source, settings))
        except SitroomError as exc:
            parsed.append(exc)
    if all(isinstance(batches, SitroomError) for batches in parsed):
        return [batches for batches in parsed if isinstance(batches, SitroomError)]
    pipeline = IngestPipeline(folder, SourceSettings(timezone=folder.config.timezone),
                              batch_size=BATCH_SIZE)
    stored: list[tuple[list[Batch], FileReport, list[str]] | SitroomError] = []
    try:
        for post, batches in zip(posted, parsed, strict=True):
            stored.append(batches if isinstance(batches, SitroomError)
                          else _store(pipeline, post, batches))
    finally:
        pipeline.writer.close()
    fresh = any(not isinstance(s, SitroomError) and (s[1].new or s[1].notices) for s in stored)
    checkpoint = make_checkpoint(folder) if fresh else None
    return [s if isinstance(s, SitroomError) else _answer(*s, pipeline.ledger.size, checkpoint)
            for s in stored]


def _store(pipeline: IngestPipeline, post: PostedBody, batches: list[Batch]
           ) -> tuple[list[Batch], FileReport, list[str]] | SitroomError:
    report = FileReport(post.source, importer=batches[0].importer)
    new_ids: list[str] = []
    try:
        for batch in batches:
            pipeline.store_batch(batch, report, new_ids)
    except SitroomError as exc:
        return exc
    return batches, report, new_ids


def _answer(batches: list[Batch], report: FileReport, new_ids: list[str], log_size: int,
            checkpoint: CheckpointResult | None) -> JsonObject:
    every = [item.id for batch in batches for item in batch.items]
    return {
        "ids": list(new_ids),
        "all_ids": list(every),
        "read": report.read,
        "new": report.new,
        "duplicate": report.duplicate,
        "notices": report.notices,
        "rejected": report.rejected,
        "rejects": [{"locator": loc, "reason": why} for loc, why in report.reject_samples],
        "log_size": log_size,
        "checkpoint_size": None if checkpoint is None else checkpoint.size,
    }
