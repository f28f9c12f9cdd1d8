"""A message's evidence for the dashboard: raw bytes, log entry, inclusion proof, checkpoint.

Everything here only reads. A bundle is built against the newest stored checkpoint that
covers the message, so downloading one never writes to the archive; when no checkpoint
covers it yet, signing one is a separate, authorised write (POST /api/v1/checkpoints).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from sitroom.archive.bundle import BundleParts
from sitroom.archive.checkpoint import verify_checkpoint
from sitroom.archive.merkle import inclusion_proof, leaf_hash, verify_inclusion
from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import SitroomError
from sitroom.evidence.keys import load_archive_verifier, verifier_key_text
from sitroom.evidence.prove import prove_message, read_raw
from sitroom.models import JsonObject

RAW_SHOWN_BYTES = 256 << 10


def _raw_json(raw: bytes) -> JsonObject:
    shown = raw[:RAW_SHOWN_BYTES]
    try:
        text: str | None = shown.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return {
        "length": len(raw),
        "truncated": len(raw) > RAW_SHOWN_BYTES,
        "utf8": text is not None,
        "text": text if text is not None else shown.decode("utf-8", "replace"),
        "base64": base64.b64encode(shown).decode("ascii"),
    }


def _covering(folder: ArchiveFolder, seq: int) -> tuple[int, bytes, str, str, bytes | None] | None:
    stored = folder.store.checkpoints()
    return stored[-1] if stored and stored[-1][0] > seq else None


def _checkpoint_json(folder: ArchiveFolder, seq: int, leaf: bytes) -> JsonObject:
    covering = _covering(folder, seq)
    if covering is None:
        return {"status": "pending", "detail": "no signed checkpoint covers this message yet"}
    size, root, note, created_at, reply = covering
    try:
        verify_checkpoint(note, load_archive_verifier(folder.paths), folder.config.origin)
        signature = "valid"
    except SitroomError as exc:
        signature = f"invalid: {exc}"
    proof = inclusion_proof(seq, size, folder.store.get_nodes)
    return {
        "status": "covered",
        "size": size,
        "root": base64.b64encode(root).decode("ascii"),
        "root_hex": root.hex(),
        "created_at": created_at,
        "note": note,
        "signature": signature,
        "timestamped": reply is not None,
        "inclusion": {
            "leaf_index": seq,
            "tree_size": size,
            "hashes": [digest.hex() for digest in proof],
            "verified": verify_inclusion(leaf, seq, size, proof, root),
        },
    }


def evidence_for(folder: ArchiveFolder, message_id: str) -> JsonObject:
    """Raw bytes (escaped by the client), log entry, leaf hash, proof and checkpoint status."""
    message = folder.store.get_message(message_id)
    raw = read_raw(folder, message)
    entry = folder.store.log_entry(message.seq)
    leaf = leaf_hash(entry)
    return {
        "id": message.id,
        "raw_sha256": message.raw_sha256,
        "raw_verified": hashlib.sha256(raw).hexdigest() == message.raw_sha256,
        "raw": _raw_json(raw),
        "log_entry": entry.decode("utf-8", "replace"),
        "leaf_hash": leaf.hex(),
        "checkpoint": _checkpoint_json(folder, message.seq, leaf),
        "verifier_key": verifier_key_text(folder.paths),
    }


def write_message_bundle(folder: ArchiveFolder, message_id: str, out: Path) -> BundleParts:
    """Write the evidence bundle of one message against the newest covering checkpoint."""
    return prove_message(folder, message_id, out, sign_new=False)


def checkpoints_json(folder: ArchiveFolder) -> list[JsonObject]:
    """Every stored checkpoint, newest first."""
    return [
        {"size": size, "root": base64.b64encode(root).decode("ascii"), "note": note,
         "created_at": created_at, "timestamped": reply is not None}
        for size, root, note, created_at, reply in reversed(folder.store.checkpoints())
    ]
