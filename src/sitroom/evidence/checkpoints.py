"""Signing checkpoints of the log, each shown consistent with the previous one first."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sitroom.archive.checkpoint import Checkpoint, sign_checkpoint
from sitroom.archive.merkle import consistency_proof, root_at, verify_consistency
from sitroom.archive.timestamp import fetch_timestamp
from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import IntegrityError, SitroomError
from sitroom.evidence.keys import load_archive_signer
from sitroom.timeutil import utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckpointResult:
    """A stored checkpoint: its size, root, signed note, and whether it is new."""

    size: int
    root: bytes
    note: str
    created: bool
    timestamped: bool = False
    timestamp_error: str | None = None


def latest_checkpoint(archive: ArchiveFolder) -> CheckpointResult | None:
    """The newest stored checkpoint, if any."""
    stored = archive.store.checkpoints()
    if not stored:
        return None
    size, root, note, _created_at, reply = stored[-1]
    return CheckpointResult(size, root, note, created=False, timestamped=reply is not None)


def make_checkpoint(archive: ArchiveFolder) -> CheckpointResult:
    """Sign and store a checkpoint of the log as it is now (or return the current one)."""
    store = archive.store
    with store.transaction():
        size = store.log_size()
        previous = latest_checkpoint(archive)
        if previous is not None and previous.size == size:
            return previous
        root = root_at(size, store.get_nodes)
        if previous is not None:
            proof = consistency_proof(previous.size, size, store.get_nodes)
            if not verify_consistency(previous.size, size, previous.root, root, proof):
                raise IntegrityError(
                    f"the log at size {size} is not consistent with checkpoint {previous.size}: "
                    "refusing to sign; run `sitroom verify`"
                )
        checkpoint = Checkpoint(archive.config.origin, size, root)
        note = sign_checkpoint(checkpoint, load_archive_signer(archive.paths))
        store.add_checkpoint(size, root, note, utc_now())
    return _timestamp(archive, CheckpointResult(size, root, note, created=True))


def _timestamp(archive: ArchiveFolder, result: CheckpointResult) -> CheckpointResult:
    url = archive.config.tsa_url
    if not url:
        return result
    try:
        reply = fetch_timestamp(url, result.note.encode("utf-8"))
    except SitroomError as exc:
        log.warning("time-stamping authority %s failed: %s", url, exc)
        return CheckpointResult(result.size, result.root, result.note, True, False, str(exc))
    with archive.store.transaction():
        archive.store.set_checkpoint_timestamp(result.size, reply)
    return CheckpointResult(result.size, result.root, result.note, True, True)
