"""C2SP tlog-checkpoint: origin, tree size and root hash as the body of a signed note."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from sitroom.archive.note import NoteSigner, NoteVerifier, open_note, sign_note
from sitroom.errors import IntegrityError

_SIZE = re.compile(r"0|[1-9][0-9]*")
_MAX_SIZE = 2**64 - 1
ROOT_SIZE = 32


class CheckpointError(IntegrityError):
    """A checkpoint is malformed, unsigned by the expected key, or for another log."""


def origin_for(archive_id: str) -> str:
    """The checkpoint origin line of an archive: `sitroom/<archive id>`."""
    return f"sitroom/{archive_id}"


def _line_ok(line: str) -> bool:
    """Non-empty and free of newlines and other control characters."""
    return bool(line) and not any(ord(ch) < 0x20 for ch in line)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed tree head: the log's origin, its size and the root hash at that size."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse values the text format cannot carry."""
        if not _line_ok(self.origin):
            raise ValueError("checkpoint origin must be a non-empty single line")
        if isinstance(self.size, bool) or not 0 <= self.size <= _MAX_SIZE:
            raise ValueError(f"checkpoint size out of range: {self.size!r}")
        if len(self.root) != ROOT_SIZE:
            raise ValueError("checkpoint root must be a 32-byte hash")
        if not all(_line_ok(line) for line in self.extensions):
            raise ValueError("checkpoint extension lines must be non-empty single lines")


def format_checkpoint(checkpoint: Checkpoint) -> str:
    """The note text: origin, decimal size, base64 root, extension lines, each ending in \\n."""
    root = base64.b64encode(checkpoint.root).decode("ascii")
    lines = [checkpoint.origin, str(checkpoint.size), root, *checkpoint.extensions]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint note text strictly (no leading zeros, 32-byte root, canonical)."""
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint text must end in newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint needs origin, size and root hash lines")
    origin, size_text, root_text, *extensions = lines
    if not _SIZE.fullmatch(size_text) or int(size_text) > _MAX_SIZE:
        raise CheckpointError(f"checkpoint size {size_text[:30]!r} is not a plain decimal")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError:
        raise CheckpointError("checkpoint root hash is not base64") from None
    if len(root) != ROOT_SIZE or base64.b64encode(root).decode("ascii") != root_text:
        raise CheckpointError("checkpoint root hash is not a canonical base64 32-byte hash")
    try:
        checkpoint = Checkpoint(origin, int(size_text), root, tuple(extensions))
    except ValueError as exc:
        raise CheckpointError(str(exc)) from None
    return checkpoint


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """The checkpoint as a signed note."""
    return sign_note(format_checkpoint(checkpoint), signer)


def verify_checkpoint(
    note_text: str | bytes, verifier: NoteVerifier, expected_origin: str | None = None
) -> Checkpoint:
    """Check a signed checkpoint's signature (and origin) and return what it says."""
    checkpoint = parse_checkpoint(open_note(note_text, [verifier]))
    if expected_origin is not None and checkpoint.origin != expected_origin:
        raise CheckpointError(
            f"checkpoint is for log {checkpoint.origin!r}, expected {expected_origin!r}"
        )
    return checkpoint
