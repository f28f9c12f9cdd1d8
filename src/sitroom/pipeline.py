"""The ingest runner: read inputs on a worker thread, store each batch in one transaction.

A batch's blobs are fsynced, then its rows, log leaves and tree nodes commit together; only
then is the batch acknowledged (progress, summary, HTTP answer). Rejected records are kept
with their locator and reason, and reading goes on.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sitroom.archive.blobs import BlobWriter
from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import SitroomError
from sitroom.ledger import LedgerAppender
from sitroom.models import Message, Notice
from sitroom.reading import Batch, BatchReader, InputSpec, PendingItem
from sitroom.sources.base import SourceSettings
from sitroom.store.base import RejectRow, StoredMessage, StoredNotice
from sitroom.timeutil import utc_now

log = logging.getLogger(__name__)

MAX_REJECT_SAMPLES = 20


@dataclass
class FileReport:
    """What one input gave: records read, new, duplicate, notices and rejects."""

    source: str
    importer: str = "?"
    read: int = 0
    new: int = 0
    duplicate: int = 0
    notices: int = 0
    rejected: int = 0
    reject_samples: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The report as JSON for `--json` output."""
        return {
            "source": self.source,
            "importer": self.importer,
            "read": self.read,
            "new": self.new,
            "duplicate": self.duplicate,
            "notices": self.notices,
            "rejected": self.rejected,
            "rejects": [{"locator": loc, "reason": why} for loc, why in self.reject_samples],
        }


@dataclass
class IngestReport:
    """The whole run: one report per input, the new ids, and the time taken."""

    files: list[FileReport] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log_size: int = 0
    checkpoint: str | None = None

    def total(self, attribute: str) -> int:
        """Sum of one counter over all inputs."""
        return sum(int(getattr(report, attribute)) for report in self.files)

    def to_json(self) -> dict[str, object]:
        """The report as JSON for `--json` output."""
        keys = ("read", "new", "duplicate", "notices", "rejected")
        return {
            "totals": {key: self.total(key) for key in keys},
            "files": [report.to_json() for report in self.files],
            "seconds": round(self.seconds, 3),
            "log_size": self.log_size,
            "checkpoint": self.checkpoint,
        }


class BatchAnalyzer(Protocol):
    """Annotates stored messages (see sitroom.analyzing.ArchiveAnalyzer)."""

    def analyze(self, messages: Sequence[StoredMessage]) -> None:
        """Annotate and store annotations for these durable messages."""
        ...


ProgressCallback = Callable[[str, int, int], None]
"""Called after each committed batch with (source, bytes read, messages stored so far)."""

_DONE = "__sitroom_reading_done__"
PROCESS_THRESHOLD_BYTES = 4 << 20
QUEUE_DEPTH = 4
_Queue = Any  # a queue.Queue or a multiprocessing Queue: both have put/get(timeout)


class IngestPipeline:
    """Ingest inputs into an archive opened for writing."""

    def __init__(
        self,
        archive: ArchiveFolder,
        settings: SourceSettings,
        *,
        batch_size: int = 1000,
        progress: ProgressCallback | None = None,
        with_log: bool = True,
        analyzer: BatchAnalyzer | None = None,
    ) -> None:
        """`analyzer` annotates each batch's new messages once they are durable;
        `with_log=False` skips the Merkle log: only for measuring what the log costs."""
        archive.lock_for_writing()
        self.archive = archive
        self.store = archive.store
        self.settings = settings
        self.batch_size = batch_size
        self.progress = progress
        self.writer = BlobWriter(archive.paths.blobs, self.store.pack_ends())
        self.ledger = LedgerAppender(self.store)
        self.with_log = with_log
        self.analyzer = analyzer

    def run(self, inputs: Sequence[InputSpec]) -> IngestReport:
        """Read every input and store what it holds; returns the per-input report."""
        started = time.perf_counter()
        report = IngestReport()
        stored = 0
        try:
            for batch in self._batches(inputs):
                file_report = self._report_for(report, batch)
                stored += self.store_batch(batch, file_report, report.new_ids)
                if self.progress is not None:
                    self.progress(batch.source, batch.bytes_read, stored)
        finally:
            self.writer.close()
        report.seconds = time.perf_counter() - started
        report.log_size = self.ledger.size
        return report

    def _batches(self, inputs: Sequence[InputSpec]) -> Iterator[Batch]:
        """Batches read by a worker process for big files (both cores), else a thread."""
        if _worth_a_process(inputs):
            return _read_in_process(inputs, self.settings, self.batch_size)
        return _read_in_thread(inputs, self.settings, self.batch_size)

    @staticmethod
    def _report_for(report: IngestReport, batch: Batch) -> FileReport:
        if not report.files or report.files[-1].source != batch.source:
            report.files.append(FileReport(batch.source))
        current = report.files[-1]
        current.importer = batch.importer
        return current

    def store_batch(self, batch: Batch, file_report: FileReport, new_ids: list[str]) -> int:
        """Store one batch in one transaction; return how many messages were new."""
        received_at = utc_now()
        try:
            with self.store.transaction():
                fresh = self._fresh_items(batch.items)
                self._write_blobs(batch, fresh)
                seqs = list(range(self.ledger.size, self.ledger.size + len(fresh)))
                messages, notices = _rows(batch, fresh, seqs, received_at)
                ordered: list[StoredMessage | StoredNotice] = sorted(
                    [*messages, *notices], key=lambda row: row.seq
                )
                if self.with_log:
                    self.ledger.append(ordered, [item.content_sha256 for item in fresh])
                else:
                    self.ledger.size += len(ordered)
                self.store.add_messages(
                    messages,
                    [i.index_text or "" for i in fresh if isinstance(i.parsed, Message)],
                )
                self.store.add_notices(notices)
                rejects = [
                    RejectRow(batch.source, r.locator, r.reason, r.raw_sha256,
                              batch.importer, received_at)
                    for r in batch.rejects
                ]
                self.store.add_rejects(rejects)
                if self.analyzer is not None:
                    # same transaction: a message is never visible without its annotations
                    self.analyzer.analyze(messages)
        except BaseException:
            self.writer.rollback()
            self.ledger.reload()
            raise
        self.writer.mark_committed()
        file_report.read += batch.records
        file_report.new += len(messages)
        file_report.notices += len(notices)
        file_report.duplicate += sum(isinstance(i.parsed, Message) for i in batch.items) - len(
            messages
        )
        file_report.rejected += len(batch.rejects)
        for reject in batch.rejects:
            if len(file_report.reject_samples) < MAX_REJECT_SAMPLES:
                file_report.reject_samples.append((reject.locator, reject.reason))
        new_ids.extend(m.id for m in messages)
        return len(messages)

    def _fresh_items(self, items: list[PendingItem]) -> list[PendingItem]:
        existing = self.store.existing_identities([i.identity for i in items])
        fresh: list[PendingItem] = []
        for item in items:
            if item.identity not in existing:
                existing.add(item.identity)
                fresh.append(item)
        return fresh

    def _write_blobs(self, batch: Batch, fresh: list[PendingItem]) -> None:
        wanted = {item.raw_sha256 for item in fresh}
        wanted.update(r.raw_sha256 for r in batch.rejects if r.raw_sha256)
        if not wanted:
            return
        missing = wanted - self.store.known_blobs(sorted(wanted))
        rows = []
        for sha in sorted(missing):
            blob = batch.blobs[sha]
            rows.append((sha, self.writer.append(blob), blob.raw_length))
        if rows:
            self.writer.sync()
            self.store.add_blobs(rows)


def _worth_a_process(inputs: Sequence[InputSpec]) -> bool:
    total = 0
    for spec in inputs:
        if spec.path == "-":
            return False
        with contextlib.suppress(OSError):
            total += os.path.getsize(spec.path)
    return total >= PROCESS_THRESHOLD_BYTES


def _produce(
    inputs: Sequence[InputSpec], settings: SourceSettings, batch_size: int, out: _Queue
) -> None:
    """Read every input into `out`, then `_DONE` (or the error that stopped reading)."""
    reader = BatchReader(settings, batch_size)
    try:
        for spec in inputs:
            for batch in reader.read(spec):
                out.put(batch)
    except BaseException as exc:  # surfaced on the writing side
        out.put(SitroomError(f"reading failed: {type(exc).__name__}: {exc}"))
    out.put(_DONE)


def _read_in_thread(
    inputs: Sequence[InputSpec], settings: SourceSettings, batch_size: int
) -> Iterator[Batch]:
    batches: queue.Queue[object] = queue.Queue(maxsize=QUEUE_DEPTH)
    thread = threading.Thread(
        target=_produce, args=(inputs, settings, batch_size, batches),
        name="sitroom-reader", daemon=True,
    )
    thread.start()
    yield from _drain(batches.get, thread.is_alive)
    thread.join()


def _read_in_process(
    inputs: Sequence[InputSpec], settings: SourceSettings, batch_size: int
) -> Iterator[Batch]:
    # fork: no re-import of the caller's __main__; the CLI runs no other thread at this point
    context = multiprocessing.get_context("fork")
    batches: _Queue = context.Queue(maxsize=QUEUE_DEPTH)
    worker = context.Process(
        target=_produce, args=(list(inputs), settings, batch_size, batches),
        name="sitroom-reader", daemon=True,
    )
    worker.start()
    try:
        yield from _drain(batches.get, worker.is_alive)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _drain(get: Callable[..., object], alive: Callable[[], bool]) -> Iterator[Batch]:
    while True:
        try:
            item = get(timeout=1.0)
        except queue.Empty:
            if not alive():
                raise SitroomError("the reading worker stopped unexpectedly") from None
            continue
        if isinstance(item, str) and item == _DONE:
            return
        if isinstance(item, BaseException):
            raise item
        assert isinstance(item, Batch)
        yield item


def _rows(
    batch: Batch, fresh: list[PendingItem], seqs: list[int], received_at: str
) -> tuple[list[StoredMessage], list[StoredNotice]]:
    messages: list[StoredMessage] = []
    notices: list[StoredNotice] = []
    for item, seq in zip(fresh, seqs, strict=True):
        parsed = item.parsed
        if isinstance(parsed, Message):
            messages.append(
                StoredMessage(
                    id=item.id, identity=item.identity, platform=parsed.platform,
                    platform_id=parsed.platform_id, text=parsed.text,
                    created_at=parsed.created_at, author=parsed.author,
                    author_id=parsed.author_id, lang=parsed.lang, url=parsed.url,
                    raw_sha256=item.raw_sha256, source=batch.source, locator=item.locator,
                    importer=batch.importer, received_at=received_at, seq=seq,
                    extra=parsed.extra,
                )
            )
        elif isinstance(parsed, Notice):
            notices.append(
                StoredNotice(
                    id=item.id, identity=item.identity, platform=parsed.platform,
                    kind=parsed.kind, detail=parsed.detail, platform_id=parsed.platform_id,
                    created_at=parsed.created_at, raw_sha256=item.raw_sha256,
                    source=batch.source, locator=item.locator, importer=batch.importer,
                    received_at=received_at, seq=seq, extra=parsed.extra,
                )
            )
    return messages, notices
