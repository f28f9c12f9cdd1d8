"""C2SP signed notes: Go sumdb/note known-answer vectors, key parsing, tampering."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sitroom.archive.note import (
    NoteError,
    NoteVerifier,
    generate_signer,
    key_id,
    load_signer,
    open_note,
    parse_verifier,
    sign_note,
    write_signer_key,
)
from sitroom.errors import IntegrityError

# Known-answer vectors from golang.org/x/mod/sumdb/note (note_test.go).
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotp"
    "RZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox3"
    "3WWd1RvMc+QQ=\n"
)


def test_sign_reproduces_go_vector_exactly() -> None:
    signer = load_signer(PETER_SKEY)
    assert signer.name == "PeterNeumann" and signer.key_id == 0xC74F20A3
    assert sign_note(TEXT, signer) == TEXT + "\n" + PETER_SIG
    assert signer.verifier().key_text() == PETER_VKEY
    assert parse_verifier(PETER_VKEY) == signer.verifier()


def test_open_go_vectors() -> None:
    peter, enoch = parse_verifier(PETER_VKEY), parse_verifier(ENOCH_VKEY)
    assert enoch.key_id == 0xAF0CFE78 == key_id("EnochRoot", enoch.public_key)
    both = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(both, [peter]) == TEXT
    assert open_note(both, [enoch]) == TEXT
    assert open_note(both.encode("utf-8"), [peter, enoch, enoch]) == TEXT
    with pytest.raises(NoteError, match="no valid signature"):
        open_note(both, [])
    # repeated signatures are fine
    doubled = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG
    assert open_note(doubled, [peter]) == TEXT


def test_note_error_is_an_integrity_error() -> None:
    assert issubclass(NoteError, IntegrityError)


def test_go_malformed_notes_rejected() -> None:
    peter = parse_verifier(PETER_VKEY)
    bad = [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
        "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
        TEXT + "\n" + PETER_SIG.replace("—", "-"),
        TEXT + "\n" + PETER_SIG.replace("\n", "\r\n"),
    ]
    for note in bad:
        with pytest.raises(NoteError, match="malformed"):
            open_note(note, [peter])
    with pytest.raises(NoteError, match="malformed"):
        open_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), [peter])


def test_invalid_signature_by_known_key_rejects_note() -> None:
    peter = parse_verifier(PETER_VKEY)
    forged = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(NoteError, match="invalid signature for key PeterNeumann\\+c74f20a3"):
        open_note(forged, [peter])


def test_every_text_byte_change_is_detected() -> None:
    peter = parse_verifier(PETER_VKEY)
    for i, ch in enumerate(TEXT):
        if ch == "\n":
            continue
        changed = TEXT[:i] + chr(ord(ch) ^ 0x01) + TEXT[i + 1 :]
        with pytest.raises(NoteError):
            open_note(changed + "\n" + PETER_SIG, [peter])


def test_every_signature_char_change_is_detected() -> None:
    peter = parse_verifier(PETER_VKEY)
    start = PETER_SIG.index(" ", 2) + 1
    for i in range(start, len(PETER_SIG) - 1):
        for replacement in ("A", "z"):
            if PETER_SIG[i] == replacement:
                continue
            changed = PETER_SIG[:i] + replacement + PETER_SIG[i + 1 :]
            with pytest.raises(NoteError):
                open_note(TEXT + "\n" + changed, [peter])


def test_unknown_key_sharing_name_or_id_is_ignored() -> None:
    peter = parse_verifier(PETER_VKEY)
    impostor = NoteVerifier("PeterNeumann", 0x12345678, peter.public_key)
    note = TEXT + "\n" + PETER_SIG
    with pytest.raises(NoteError, match="no valid signature"):
        open_note(note, [impostor])
    same_pair = NoteVerifier("PeterNeumann", 0xC74F20A3, bytes(32))
    with pytest.raises(NoteError, match="ambiguous"):
        open_note(note, [peter, same_pair])


def mangled(key: str) -> list[str]:
    """Every proper substring and every single-byte increment of a key (as Go's tests do)."""
    out = [key[i:j] for i in range(len(key) + 1) for j in range(i + 1, len(key) + 1)]
    out = [s for s in out if s != key]
    out += [key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :] for i in range(len(key))]
    return out


def test_mangled_verifier_keys_rejected() -> None:
    for bad in mangled(PETER_VKEY):
        if bad.strip() == PETER_VKEY:
            continue
        with pytest.raises(NoteError):
            parse_verifier(bad)
    with pytest.raises(NoteError):  # wrong key length, id adjusted
        parse_verifier("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(NoteError):  # unknown algorithm, id adjusted
        parse_verifier("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_mangled_signer_keys_rejected_without_leaking_the_key() -> None:
    secret = PETER_SKEY.rsplit("+", 1)[1]
    for bad in mangled(PETER_SKEY):
        if bad.strip() == PETER_SKEY:
            continue
        with pytest.raises(NoteError) as info:
            load_signer(bad)
        assert secret[:12] not in str(info.value)


def test_generated_keys_round_trip(tmp_path: Path) -> None:
    skey, vkey = generate_signer("sitroom/archive-1")
    signer, verifier = load_signer(skey), parse_verifier(vkey)
    assert signer.verifier() == verifier
    assert vkey.startswith("sitroom/archive-1+") and skey == "PRIVATE+KEY+" + skey[12:]
    secret = skey.split("+", 4)[4]  # the base64 seed may itself contain "+"
    assert len(secret) == 44
    assert secret not in repr(signer) and secret not in str(signer)
    note = sign_note("sitroom/archive-1\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", signer)
    assert open_note(note, [verifier]).startswith("sitroom/archive-1\n")
    other = parse_verifier(generate_signer("sitroom/archive-1")[1])
    with pytest.raises(NoteError, match="no valid signature"):
        open_note(note, [other])
    path = tmp_path / "signer.key"
    write_signer_key(path, skey)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_signer(path.read_text()).verifier() == verifier
    with pytest.raises(FileExistsError):
        write_signer_key(path, skey)


def test_bad_names_and_texts_refused() -> None:
    for name in ["", "a b", "a+b", "tab\tname", "nl\nname", "nbsp\u00a0name"]:
        with pytest.raises(NoteError):
            generate_signer(name)
    signer = load_signer(PETER_SKEY)
    for text in ["no newline", "bell\x07\n", "cr\r\n"]:
        with pytest.raises(NoteError):
            sign_note(text, signer)
