"""The archive's Ed25519 checkpoint key: created at init, loaded to sign, never copied out."""

from __future__ import annotations

from sitroom.archive.note import (
    NoteSigner,
    NoteVerifier,
    generate_signer,
    load_signer,
    parse_verifier,
    write_signer_key,
)
from sitroom.config import ArchiveConfig, ArchivePaths
from sitroom.errors import ConfigError


def create_keys(paths: ArchivePaths, config: ArchiveConfig) -> str:
    """Create the signing key (mode 0600) and verifier key; return the verifier key line."""
    paths.signer_key.parent.mkdir(parents=True, exist_ok=True)
    signer_text, verifier_text = generate_signer(config.origin)
    write_signer_key(paths.signer_key, signer_text)
    paths.verifier_key.write_text(verifier_text + "\n", encoding="ascii")
    return verifier_text


def load_archive_signer(paths: ArchivePaths) -> NoteSigner:
    """The archive's signer (raises ConfigError if the key file is missing or damaged)."""
    try:
        text = paths.signer_key.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{paths.signer_key}: cannot read the signing key") from exc
    return load_signer(text)


def verifier_key_text(paths: ArchivePaths) -> str:
    """The verifier key line (`<name>+<id>+<key>`) that anyone may hold."""
    try:
        return paths.verifier_key.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{paths.verifier_key}: cannot read the verifier key") from exc


def load_archive_verifier(paths: ArchivePaths) -> NoteVerifier:
    """The archive's verifier key, parsed."""
    return parse_verifier(verifier_key_text(paths))
