"""`prove`: an evidence bundle for one message that anyone can check offline."""

from __future__ import annotations

from pathlib import Path

import orjson

from sitroom.archive.bundle import BundleParts, write_bundle
from sitroom.archive.merkle import inclusion_proof
from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import IntegrityError, SitroomError
from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.evidence.keys import verifier_key_text
from sitroom.store.base import StoredMessage


class NotCheckpointedError(SitroomError):
    """No signed checkpoint covers this message yet."""


def read_raw(archive: ArchiveFolder, message: StoredMessage) -> bytes:
    """The message's original bytes, checked against their hash."""
    ref = archive.store.blob_ref(message.raw_sha256)
    if ref is None:
        raise IntegrityError(f"message {message.id}: its raw blob is missing; run `sitroom verify`")
    return archive.blobs.read(message.raw_sha256, ref)


def prove_message(
    archive: ArchiveFolder, message_id: str, out: Path, *, sign_new: bool = True
) -> BundleParts:
    """Write the evidence bundle of one message to `out`; returns what went in.

    With `sign_new` a fresh checkpoint is signed first when the newest one does not cover
    the message (a write); without it the newest covering checkpoint is used, and
    `NotCheckpointedError` says when there is none (read-only servers).
    """
    store = archive.store
    message = store.get_message(message_id)
    raw = read_raw(archive, message)
    if sign_new:
        make_checkpoint(archive)
    stored = store.checkpoints()
    if not stored or stored[-1][0] <= message.seq:
        raise NotCheckpointedError(
            f"message {message_id} is not covered by a signed checkpoint yet: sign one "
            "(`sitroom checkpoint` or POST /api/v1/checkpoints) and try again"
        )
    size, _root, note, _created_at, reply = stored[-1]
    parts = BundleParts(
        raw=raw,
        entry=store.log_entry(message.seq),
        message=orjson.dumps(message.to_json(), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2),
        leaf_index=message.seq,
        tree_size=size,
        inclusion=tuple(inclusion_proof(message.seq, size, store.get_nodes)),
        checkpoint=note,
        verifier_key=verifier_key_text(archive.paths),
        timestamp=reply,
    )
    write_bundle(out, parts)
    return parts
