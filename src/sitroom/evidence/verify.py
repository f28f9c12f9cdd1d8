"""`verify`: re-hash every blob, re-check every row against its sealed log entry, rebuild the
tree, and check every checkpoint's signature and consistency. Names every problem it finds."""

from __future__ import annotations

import base64
import multiprocessing
import os
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Final, ParamSpec, TypeVar

from sitroom.archive.checkpoint import verify_checkpoint
from sitroom.archive.entry import LogEntry, parse_entry
from sitroom.archive.merkle import consistency_proof, root_at, verify_consistency
from sitroom.archive.timestamp import verify_timestamp
from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import IntegrityError, SitroomError, StoreUnreadableError
from sitroom.evidence import blob_check, seq_check
from sitroom.evidence.blob_check import BlobCheckResult, blob_windows, check_window
from sitroom.evidence.keys import load_archive_verifier
from sitroom.evidence.rebuilt_tree import RebuiltTree
from sitroom.evidence.seq_check import SeqRangeResult, check_seq_range, end_run
from sitroom.ledger import entry_for
from sitroom.store.base import StoredMessage, StoredNotice
from sitroom.store.sqlite_values import STORE_FAILURES, unreadable
from sitroom.store.sqlite_verify import VerifyReader

Progress = Callable[[str], None]
P = ParamSpec("P")
R = TypeVar("R")
RANGE_WIDTH: Final = 1 << 15
"""Leaves per worker task: a power of two, so each range holds whole subtrees."""
_UNREADABLE: Final = (StoreUnreadableError, *STORE_FAILURES)
_IN_PROCESS_BELOW: Final = 8 << 20
_IN_PROCESS_LEAVES: Final = 20_000


@dataclass
class VerifyReport:
    """What `verify` checked and every problem it found."""

    problems: list[str] = field(default_factory=list)
    blobs: int = 0
    raw_bytes: int = 0
    messages: int = 0
    notices: int = 0
    log_size: int = 0
    checkpoints: int = 0
    root: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems

    def to_json(self) -> dict[str, object]:
        """The report for `verify --json`."""
        return {
            "ok": self.ok,
            "problems": self.problems,
            "blobs": self.blobs,
            "raw_bytes": self.raw_bytes,
            "messages": self.messages,
            "notices": self.notices,
            "log_size": self.log_size,
            "checkpoints": self.checkpoints,
            "root": self.root,
            "seconds": round(self.seconds, 3),
        }


def verify_archive(archive: ArchiveFolder, progress: Progress | None = None) -> VerifyReport:
    """Check everything the archive holds; never stops at the first problem.

    The heavy work (re-hashing blobs, rebuilding leaves and subtrees, checking rows against
    their entries) is cut into seq ranges and pack windows, spread over every core.
    """
    started = time.perf_counter()
    report = VerifyReport()
    say = progress or (lambda _text: None)
    database = archive.paths.database
    reader = VerifyReader(database)
    end = reader.log_end()
    ranges = [(start, min(start + RANGE_WIDTH, end)) for start in range(0, end, RANGE_WIDTH)]
    pack_ends: dict[int, int] = {}
    _guarded(report, "the blobs", lambda: pack_ends.update(reader.pack_ends()))
    windows = list(blob_windows(pack_ends))
    workers = _worker_count(sum(pack_ends.values()), end)
    compiled = "in C" if seq_check.COMPILED and blob_check.COMPILED else (
        "in Python where verify's C extensions were not built")
    say(f"checking {end:,} log leaves and their rows, re-hashing "
        f"{sum(pack_ends.values()) / 1e6:,.1f} MB of stored blobs "
        f"({workers} process{'es' if workers > 1 else ''}, checks {compiled})")
    run = secrets.randbits(62) + 1  # lets a worker keep its connection between ranges
    with _Runner(workers) as runner:
        # the longest tasks first, so that the last ones to finish are short
        blob_jobs = [runner.submit(check_window, database, archive.paths.blobs, w)
                     for w in windows]
        seq_jobs = [runner.submit(check_seq_range, database, s, e, run) for s, e in ranges]
        seq_results = [job.result() for job in seq_jobs]
        blob_results = [job.result() for job in blob_jobs]
    end_run()
    suspects = _collect_ranges(report, seq_results)
    _guarded(report, "the rows that differ from their log entries",
             lambda: _explain_suspects(archive, report, suspects))
    _guarded(report, "the rows after the log's last leaf",
             lambda: _rows_after_the_log(reader, report, end))
    if any(result.unreadable for result in seq_results):
        report.problems.append("the Merkle tree and the checkpoints were not checked: part of "
                               "the log could not be read")
        report.log_size = end
    else:
        say("rebuilding the Merkle tree, checking checkpoints")
        tree = RebuiltTree.from_ranges([result.levels for result in seq_results])
        top = max((len(r.levels) for r in seq_results), default=1)
        _guarded(report, "the tree nodes above the ranges",
                 lambda: _check_upper_nodes(reader, report, tree, top))
        report.log_size = tree.size()
        report.root = tree.root().hex()
        _guarded(report, "the checkpoints", lambda: _check_checkpoints(archive, report, tree))
    _collect_blobs(reader, report, blob_results)
    reader.close()
    report.seconds = time.perf_counter() - started
    return report


def _guarded(report: VerifyReport, what: str, step: Callable[[], object]) -> None:
    """Run one of the lead's checks; where the store cannot be read for it (a damaged page),
    say what went unchecked and go on."""
    try:
        step()
    except _UNREADABLE as exc:
        report.problems.append(f"{what} were not checked: {unreadable(exc)}")


def _worker_count(stored_bytes: int, leaves: int) -> int:
    """Every core for a large archive; in process for a small one (forking costs more)."""
    cores = os.cpu_count() or 1
    return cores if stored_bytes >= _IN_PROCESS_BELOW or leaves >= _IN_PROCESS_LEAVES else 1


class _Runner:
    """Run calls on a pool of forked worker processes, or right here with one worker."""

    def __init__(self, workers: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def submit(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        """Start `fn(*args)` on a worker (or run it now); its future."""
        if self._pool is not None:
            return self._pool.submit(fn, *args, **kwargs)
        future: Future[R] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _collect_ranges(report: VerifyReport, results: list[SeqRangeResult]) -> dict[str, set[int]]:
    """Counts and problems of the workers' ranges, in log order; the rows they flagged."""
    suspects: dict[str, set[int]] = {"messages": set(), "notices": set()}
    for result in results:
        report.messages += result.messages
        report.notices += result.notices
        for table, seqs in result.suspects.items():
            suspects[table].update(seqs)
        report.problems.extend(problem for _seq, problem in sorted(result.problems,
                                                                   key=lambda p: p[0]))
    return suspects


def _rows_after_the_log(reader: VerifyReader, report: VerifyReport, end: int) -> None:
    for kind, table in (("message", "messages"), ("notice", "notices")):
        for seq, row_id in reader.rows_without_leaf(table, end):
            report.problems.append(f"{kind} {row_id} (seq {seq}): no log leaf at its seq")
            if table == "messages":
                report.messages += 1
            else:
                report.notices += 1


def _check_upper_nodes(
    reader: VerifyReader, report: VerifyReport, tree: RebuiltTree, top: int
) -> None:
    """Nodes above the workers' ranges, and stored nodes that the log has no subtree for."""
    for level in range(max(len(tree.levels), reader.highest_level() + 1)):
        expected = tree.count(level)
        if level >= top and expected:
            stored = reader.nodes(level, 0, expected)
            held = dict(stored)
            for index in range(expected):
                digest = held.get(index)
                if digest is None:
                    report.problems.append(f"tree node ({level}, {index}) is missing")
                elif digest != tree.node(level, index):
                    report.problems.append(
                        f"tree node ({level}, {index}) does not match the entries")
        report.problems.extend(
            f"tree node ({level}, {index}) is stored but the log has no such subtree"
            for index, _digest in reader.nodes_from(level, expected))


def _collect_blobs(
    reader: VerifyReader, report: VerifyReport, results: list[BlobCheckResult]
) -> None:
    bad: dict[str, str] = {}
    for result in results:
        if result.unreadable:
            report.problems.append(result.unreadable)
        report.blobs += result.checked
        report.raw_bytes += result.raw_bytes
        for sha, reason in result.bad:
            bad[sha] = reason
            report.problems.append(f"blob {sha}: {reason}")
    def name_rows() -> None:
        for kind, seq, row_id, sha in reader.rows_citing(set(bad)):
            report.problems.append(
                f"{kind} {row_id} (seq {seq}): its raw blob {sha} failed the check ({bad[sha]})")

    _guarded(report, "the rows citing the failed blobs", name_rows)


def _explain_suspects(
    archive: ArchiveFolder, report: VerifyReport, suspects: dict[str, set[int]]
) -> None:
    """Name exactly what differs for the few rows the fast check flagged."""
    for table, kind in (("messages", "message"), ("notices", "notice")):
        for seq, row_id, row, entry in archive.store.sealed_rows(table, sorted(suspects[table])):
            if isinstance(row, str):
                report.problems.append(f"{kind} {row_id} (seq {seq}): row unreadable: {row}")
            else:
                _check_row(row, entry, report)


def _check_row(
    row: StoredMessage | StoredNotice, entry_bytes: bytes | None, report: VerifyReport
) -> None:
    what = f"{'message' if isinstance(row, StoredMessage) else 'notice'} {row.id} (seq {row.seq})"
    if entry_bytes is None:
        report.problems.append(f"{what}: no log leaf at its seq")
        return
    try:
        sealed = parse_entry(entry_bytes)
    except IntegrityError as exc:
        report.problems.append(f"log leaf {row.seq}: entry damaged: {exc}")
        return
    try:
        expected: LogEntry | None = entry_for(row)
    except (ValueError, TypeError) as exc:  # TypeError: orjson refuses text that is not UTF-8
        reason = ("row altered: a text field holds bytes that are not UTF-8"
                  if "UTF-8" in str(exc) else f"row unreadable: {exc}")
        report.problems.append(f"{what}: {reason}")
        expected = None
    if expected is not None and expected != sealed:
        fields = [
            name for name in ("raw_sha256", "received_at", "source", "locator", "kind", "id",
                              "importer", "content_sha256")
            if getattr(expected, name) != getattr(sealed, name)
        ]
        report.problems.append(
            f"{what}: row altered: {', '.join(fields)} no longer match(es) log leaf {row.seq}"
        )


def _check_checkpoints(archive: ArchiveFolder, report: VerifyReport, tree: RebuiltTree) -> None:
    try:
        verifier = load_archive_verifier(archive.paths)
    except SitroomError as exc:
        report.problems.append(f"verifier key: {exc}")
        return
    previous: tuple[int, bytes] | None = None
    for size, root, note, _created_at, reply in archive.store.checkpoints():
        report.checkpoints += 1
        label = f"checkpoint {size}"
        try:
            signed = verify_checkpoint(note, verifier, archive.config.origin)
        except IntegrityError as exc:
            report.problems.append(f"{label}: signature or format invalid: {exc}")
            continue
        if signed.size != size or signed.root != root:
            report.problems.append(f"{label}: stored size/root differ from the signed note")
        if size > tree.size():
            report.problems.append(f"{label}: covers {size} leaves but the log has fewer")
            continue
        actual = root_at(size, tree.get_nodes)
        if actual != signed.root:
            report.problems.append(
                f"{label}: signed root {base64.b64encode(signed.root).decode()} does not match "
                "the log's entries (something sealed was changed or removed)"
            )
        elif previous is not None:
            proof = consistency_proof(previous[0], size, tree.get_nodes)
            if not verify_consistency(previous[0], size, previous[1], actual, proof):
                report.problems.append(f"{label}: not consistent with checkpoint {previous[0]}")
        if reply is not None:
            _check_timestamp(archive, label, reply, note, report)
        previous = (size, signed.root)


def _check_timestamp(
    archive: ArchiveFolder, label: str, reply: bytes, note: str, report: VerifyReport
) -> None:
    root_pem = None
    root_path = archive.paths.resolve(archive.config.tsa_root_cert)
    if root_path is not None:
        try:
            root_pem = root_path.read_bytes()
        except OSError as exc:
            report.problems.append(f"{label}: TSA root certificate unreadable: {exc}")
    try:
        verify_timestamp(reply, note.encode("utf-8"), root_pem)
    except SitroomError as exc:
        report.problems.append(f"{label}: RFC 3161 timestamp invalid: {exc}")
