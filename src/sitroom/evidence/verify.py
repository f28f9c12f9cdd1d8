"""`verify`: re-hash every blob, re-check every row against its sealed log entry, rebuild the
tree, and check every checkpoint's signature and consistency. Names every problem it finds."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import orjson

from sitroom.archive.checkpoint import verify_checkpoint
from sitroom.archive.entry import LogEntry, content_digest, parse_entry
from sitroom.archive.merkle import (
    InMemoryNodeStore,
    consistency_proof,
    leaf_hash,
    root_at,
    verify_consistency,
)
from sitroom.archive.timestamp import verify_timestamp
from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import IntegrityError, SitroomError
from sitroom.evidence.blob_check import BlobCheck
from sitroom.evidence.keys import load_archive_verifier
from sitroom.ledger import entry_for
from sitroom.models import MESSAGE_CONTENT_FIELDS, NOTICE_CONTENT_FIELDS, JsonValue
from sitroom.store.base import StoredMessage, StoredNotice

Progress = Callable[[str], None]


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
    """Check everything the archive holds; never stops at the first problem."""
    started = time.perf_counter()
    report = VerifyReport()
    say = progress or (lambda _text: None)
    say("re-hashing blobs (in worker processes), checking rows against the log")
    blob_check = _start_blob_check(archive)
    _check_rows(archive, report)
    say("rebuilding the Merkle tree")
    tree = _check_tree(archive, report)
    say("checking checkpoints")
    _check_checkpoints(archive, report, tree)
    say("collecting the blob check")
    _finish_blob_check(archive, report, blob_check)
    report.seconds = time.perf_counter() - started
    return report


def _start_blob_check(archive: ArchiveFolder) -> BlobCheck:
    stored = int(str(archive.store.stats()["stored_bytes"]))
    return BlobCheck(archive.paths.blobs, archive.store.iter_blobs(), stored)


def _finish_blob_check(archive: ArchiveFolder, report: VerifyReport, check: BlobCheck) -> None:
    result = check.result()
    report.blobs = result.checked
    report.raw_bytes = result.raw_bytes
    for sha, reason in result.bad:
        report.problems.append(f"blob {sha}: {reason}")
    _check_row_blobs(archive, report, {sha for sha, _reason in result.bad})


def _check_rows(archive: ArchiveFolder, report: VerifyReport) -> None:
    store = archive.store
    suspects: dict[str, set[int]] = {"messages": set(), "notices": set()}
    for table, fields in (("messages", MESSAGE_CONTENT_FIELDS), ("notices", NOTICE_CONTENT_FIELDS)):
        names = fields[:-1]  # "extra" comes last, as JSON text
        for row in store.iter_sealed_summaries(table):
            seq, _id, provenance_ok, sealed_digest, missing = row[:5]
            content: dict[str, JsonValue] = dict(
                zip(names, cast(list[JsonValue], list(row[5:-1])), strict=True)
            )
            content["extra"] = orjson.loads(str(row[-1]))
            if missing or not provenance_ok or content_digest(content) != sealed_digest:
                suspects[table].add(int(str(seq)))
            if table == "messages":
                report.messages += 1
            else:
                report.notices += 1
    _explain_suspects(archive, report, suspects)
    for seq in store.leaves_without_rows():
        report.problems.append(f"log leaf {seq}: its row is missing (deleted?)")


def _explain_suspects(
    archive: ArchiveFolder, report: VerifyReport, suspects: dict[str, set[int]]
) -> None:
    """Name exactly what differs for the few rows the fast check flagged."""
    if not any(suspects.values()):
        return
    for message, entry in archive.store.iter_sealed_messages():
        if message.seq in suspects["messages"]:
            _check_row(message, entry, report)
    for notice, entry in archive.store.iter_sealed_notices():
        if notice.seq in suspects["notices"]:
            _check_row(notice, entry, report)


def _check_row_blobs(archive: ArchiveFolder, report: VerifyReport, bad_blobs: set[str]) -> None:
    for kind, seq, row_id, sha in archive.store.rows_with_missing_or_listed_blobs(bad_blobs):
        what = f"{kind} {row_id} (seq {seq})"
        state = "is altered" if sha in bad_blobs else "is missing"
        report.problems.append(f"{what}: its raw blob {sha} {state}")


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
    except ValueError as exc:
        report.problems.append(f"{what}: row unreadable: {exc}")
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


def _check_tree(archive: ArchiveFolder, report: VerifyReport) -> InMemoryNodeStore:
    store = archive.store
    tree = InMemoryNodeStore()
    batch: list[bytes] = []
    expected_seq = 0
    for seq, entry, stored_leaf in store.iter_log():
        if seq != expected_seq:
            report.problems.append(f"log leaves {expected_seq}..{seq - 1} are missing")
            expected_seq = seq
        digest = leaf_hash(entry)
        if stored_leaf != digest:
            report.problems.append(f"log leaf {seq}: stored leaf hash does not match its entry")
        batch.append(digest)
        expected_seq += 1
        if len(batch) >= 4096:
            tree.append(batch)
            batch = []
    tree.append(batch)
    report.log_size = tree.tree_size()
    rebuilt = tree.nodes()
    for level, idx, digest in store.iter_nodes():
        if level > 0 and rebuilt.get((level, idx)) != digest:
            report.problems.append(f"tree node ({level}, {idx}) does not match the entries")
    report.root = tree.root().hex()
    return tree


def _check_checkpoints(
    archive: ArchiveFolder, report: VerifyReport, tree: InMemoryNodeStore
) -> None:
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
        if size > tree.tree_size():
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
