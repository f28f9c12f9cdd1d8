"""`prove`: an evidence bundle for one message that anyone can check offline."""

from __future__ import annotations

from pathlib import Path

import orjson

from sitroom.archive.bundle import BundleParts, write_bundle
from sitroom.archive.merkle import inclusion_proof
from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import IntegrityError
from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.evidence.keys import verifier_key_text


def prove_message(archive: ArchiveFolder, message_id: str, out: Path) -> BundleParts:
    """Write the evidence bundle of one message to `out`; returns what went in."""
    store = archive.store
    message = store.get_message(message_id)
    ref = store.blob_ref(message.raw_sha256)
    if ref is None:
        raise IntegrityError(f"message {message_id}: its raw blob is missing; run `sitroom verify`")
    raw = archive.blobs.read(message.raw_sha256, ref)
    checkpoint = make_checkpoint(archive)  # the newest checkpoint covers every leaf
    stored = {size: (note, reply) for size, _r, note, _c, reply in store.checkpoints()}
    note, reply = stored[checkpoint.size]
    parts = BundleParts(
        raw=raw,
        entry=store.log_entry(message.seq),
        message=orjson.dumps(message.to_json(), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2),
        leaf_index=message.seq,
        tree_size=checkpoint.size,
        inclusion=tuple(inclusion_proof(message.seq, checkpoint.size, store.get_nodes)),
        checkpoint=note,
        verifier_key=verifier_key_text(archive.paths),
        timestamp=reply,
    )
    write_bundle(out, parts)
    return parts
