"""C2SP signed notes with Ed25519, key formats compatible with Go's golang.org/x/mod/sumdb/note.

Verifier key: `<name>+<8 hex key id>+<base64(0x01 || 32-byte public key)>`.
Signer key:   `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>`.
Key id: the first 4 bytes (big-endian) of SHA-256(name || 0x0A || 0x01 || public key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sitroom.errors import IntegrityError

ALG_ED25519: Final = 0x01
SIGNATURE_PREFIX: Final = "\u2014 "
MAX_SIGNATURES: Final = 100
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")


class NoteError(IntegrityError):
    """A signed note (or a key) is malformed, or carries no valid signature by a known key."""


def valid_key_name(name: str) -> bool:
    """A key name is non-empty UTF-8 without spaces, control characters or '+'."""
    if not name or "+" in name:
        return False
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def key_id(name: str, public_key: bytes) -> int:
    """The 32-bit key id of an Ed25519 public key under a key name."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


def _b64decode_strict(text: str) -> bytes | None:
    """Standard padded base64, or None; re-encoding must give the same text back."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """A public key that can check note signatures: name, key id and Ed25519 key."""

    name: str
    key_id: int
    public_key: bytes

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's Ed25519 signature over `message`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def key_text(self) -> str:
        """The verifier key line, as Go's note package writes it."""
        key = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{key}"


class NoteSigner:
    """A private Ed25519 key with its name; never shows the key in repr or errors."""

    __slots__ = ("_private", "key_id", "name")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        """Wrap a private key under a key name."""
        if not valid_key_name(name):
            raise NoteError(f"invalid key name {name!r}: empty, or has spaces or '+'")
        self.name = name
        self._private = private_key
        self.key_id = key_id(name, private_key.public_key().public_bytes_raw())

    def __repr__(self) -> str:
        """Name and key id only."""
        return f"NoteSigner(name={self.name!r}, key_id={self.key_id:08x})"

    def sign(self, message: bytes) -> bytes:
        """The raw 64-byte Ed25519 signature over `message`."""
        return self._private.sign(message)

    def verifier(self) -> NoteVerifier:
        """The matching public verifier."""
        public = self._private.public_key().public_bytes_raw()
        return NoteVerifier(self.name, self.key_id, public)


def generate_signer(name: str) -> tuple[str, str]:
    """A new Ed25519 key pair as (signer key text, verifier key text)."""
    signer = NoteSigner(name, Ed25519PrivateKey.generate())
    seed = signer._private.private_bytes_raw()
    encoded = base64.b64encode(bytes([ALG_ED25519]) + seed).decode("ascii")
    return f"PRIVATE+KEY+{name}+{signer.key_id:08x}+{encoded}", signer.verifier().key_text()


def load_signer(text: str) -> NoteSigner:
    """Parse a signer key (`PRIVATE+KEY+<name>+<id>+<base64>`); checks the id matches."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise NoteError("malformed signer key: expected PRIVATE+KEY+<name>+<id>+<key>")
    name, id_hex, encoded = parts[2], parts[3], parts[4]
    raw = _b64decode_strict(encoded)
    if not valid_key_name(name) or not _HEX8.fullmatch(id_hex) or raw is None:
        raise NoteError("malformed signer key")
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError("malformed signer key: not an Ed25519 seed")
    signer = NoteSigner(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.key_id != int(id_hex, 16):
        raise NoteError(f"signer key id {id_hex} does not match its key")
    return signer


def parse_verifier(text: str) -> NoteVerifier:
    """Parse a verifier key (`<name>+<id>+<base64(0x01 || key)>`); checks the id matches."""
    parts = text.strip().split("+", 2)
    shown = text.strip()[:120]
    if len(parts) != 3:
        raise NoteError(f"malformed verifier key {shown!r}: expected <name>+<id>+<key>")
    name, id_hex, encoded = parts
    raw = _b64decode_strict(encoded)
    if not valid_key_name(name) or not _HEX8.fullmatch(id_hex) or raw is None:
        raise NoteError(f"malformed verifier key {shown!r}")
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError(f"verifier key {shown!r} is not an Ed25519 key")
    verifier = NoteVerifier(name, int(id_hex, 16), raw[1:])
    if key_id(name, raw[1:]) != verifier.key_id:
        raise NoteError(f"verifier key {shown!r}: key id does not match the key")
    return verifier


def write_signer_key(path: Path, signer_key_text: str) -> None:
    """Write a signer key to a new file readable by its owner only (mode 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(signer_key_text.strip() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _note_chars_ok(text: str) -> bool:
    """Valid UTF-8 and no ASCII control characters other than newline."""
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sign_note(text: str, signer: NoteSigner) -> str:
    """Sign a note text (ending in newline) and return the signed note."""
    if not text.endswith("\n") or not _note_chars_ok(text):
        raise NoteError("note text must be UTF-8 without control characters and end in newline")
    signature = signer.key_id.to_bytes(4, "big") + signer.sign(text.encode("utf-8"))
    encoded = base64.b64encode(signature).decode("ascii")
    return f"{text}\n{SIGNATURE_PREFIX}{signer.name} {encoded}\n"


def _split_note(note: str | bytes) -> tuple[str, list[str]]:
    """The note's text and its signature lines; NoteError if malformed."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("malformed note: not valid UTF-8") from None
    if not _note_chars_ok(note):
        raise NoteError("malformed note: control characters or invalid UTF-8")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        raise NoteError("malformed note: signature block must end in newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    return text, lines


def _parse_signature(line: str) -> tuple[str, int, bytes]:
    """(key name, key id, signature) from one signature line."""
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError("malformed note: signature line must start with an em dash and a space")
    name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    raw = _b64decode_strict(encoded) if encoded else None
    if not valid_key_name(name) or raw is None or len(raw) < 5:
        raise NoteError(f"malformed note: bad signature line {line[:80]!r}")
    return name, int.from_bytes(raw[:4], "big"), raw[4:]


def _index_verifiers(verifiers: Sequence[NoteVerifier]) -> dict[tuple[str, int], NoteVerifier]:
    """Verifiers by (name, key id); two different keys under one pair are refused."""
    known: dict[tuple[str, int], NoteVerifier] = {}
    for verifier in verifiers:
        pair = (verifier.name, verifier.key_id)
        if pair in known and known[pair] != verifier:
            raise NoteError(f"ambiguous key {verifier.name}+{verifier.key_id:08x}")
        known[pair] = verifier
    return known


def open_note(note: str | bytes, verifiers: Sequence[NoteVerifier]) -> str:
    """Check a signed note and return its text (ending in newline).

    Signatures by unknown keys are ignored; a failing signature by a known key rejects the
    note; at least one known key must have signed it.
    """
    text, lines = _split_note(note)
    known = _index_verifiers(verifiers)
    message = text.encode("utf-8")
    verified: set[tuple[str, int]] = set()
    others: list[str] = []
    for line in lines:
        name, kid, signature = _parse_signature(line)
        verifier = known.get((name, kid))
        if verifier is None:
            others.append(f"{name}+{kid:08x}")
        elif (name, kid) not in verified:
            if not verifier.verify(message, signature):
                raise NoteError(f"invalid signature for key {name}+{kid:08x}")
            verified.add((name, kid))
    if not verified:
        seen = ", ".join(others) or "none"
        raise NoteError(f"note has no valid signature by a known key (signed by: {seen})")
    return text
