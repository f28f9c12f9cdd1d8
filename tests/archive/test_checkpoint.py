"""C2SP tlog-checkpoint bodies, strict parsing, signing and verification."""

from __future__ import annotations

import base64
import hashlib
import itertools

import pytest

from sitroom.archive.checkpoint import (
    Checkpoint,
    CheckpointError,
    format_checkpoint,
    origin_for,
    parse_checkpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from sitroom.archive.merkle import (
    EMPTY_ROOT,
    InMemoryNodeStore,
    consistency_proof,
    leaf_hash,
    root_at,
    verify_consistency,
)
from sitroom.archive.note import NoteError, generate_signer, load_signer, parse_verifier

ORIGIN = origin_for("0b7c2f")
ROOT = hashlib.sha256(b"root").digest()
ROOT_B64 = base64.b64encode(ROOT).decode()


def test_format_is_three_lines() -> None:
    text = format_checkpoint(Checkpoint(ORIGIN, 42, ROOT))
    assert text == f"sitroom/0b7c2f\n42\n{ROOT_B64}\n"
    assert parse_checkpoint(text) == Checkpoint(ORIGIN, 42, ROOT)
    empty = format_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT))
    assert empty == "sitroom/0b7c2f\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"


def test_parse_c2sp_example_and_extensions() -> None:
    example = (
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    checkpoint = parse_checkpoint(example)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163 and len(checkpoint.root) == 32
    assert format_checkpoint(checkpoint) == example
    extended = example + "Timestamp: 1689748607742585419\nother\n"
    parsed = parse_checkpoint(extended)
    assert parsed.extensions == ("Timestamp: 1689748607742585419", "other")
    assert format_checkpoint(parsed) == extended


@pytest.mark.parametrize(
    "text",
    [
        f"{ORIGIN}\n042\n{ROOT_B64}\n",
        f"{ORIGIN}\n-1\n{ROOT_B64}\n",
        f"{ORIGIN}\n+1\n{ROOT_B64}\n",
        f"{ORIGIN}\n 1\n{ROOT_B64}\n",
        f"{ORIGIN}\n1 \n{ROOT_B64}\n",
        f"{ORIGIN}\n١\n{ROOT_B64}\n",
        f"{ORIGIN}\n\n{ROOT_B64}\n",
        f"{ORIGIN}\n{2**64}\n{ROOT_B64}\n",
        f"{ORIGIN}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"{ORIGIN}\n1\n{base64.b64encode(ROOT + b'x').decode()}\n",
        f"{ORIGIN}\n1\n{ROOT_B64[:-2]}9=\n",
        f"{ORIGIN}\n1\n{ROOT_B64.rstrip('=')}\n",
        f"{ORIGIN}\n1\n{ROOT.hex()}\n",
        f"{ORIGIN}\n1\n{ROOT_B64}",
        f"{ORIGIN}\n1\n{ROOT_B64}\n\n",
        f"{ORIGIN}\n1\n{ROOT_B64}\next\n\n",
        f"\n1\n{ROOT_B64}\n",
        f"{ORIGIN}\n1\n",
        "",
    ],
)
def test_strict_parse_rejects(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_constructor_rejects_unformattable_values() -> None:
    for args in [("", 1, ROOT), ("a\nb", 1, ROOT), (ORIGIN, -1, ROOT), (ORIGIN, 1, ROOT[:5])]:
        with pytest.raises(ValueError):
            Checkpoint(*args)
    with pytest.raises(ValueError):
        Checkpoint(ORIGIN, 1, ROOT, ("",))


def test_sign_and_verify() -> None:
    skey, vkey = generate_signer(ORIGIN)
    signer, verifier = load_signer(skey), parse_verifier(vkey)
    checkpoint = Checkpoint(ORIGIN, 7, ROOT)
    note = sign_checkpoint(checkpoint, signer)
    assert note.startswith(format_checkpoint(checkpoint) + "\n— sitroom/0b7c2f ")
    assert verify_checkpoint(note, verifier) == checkpoint
    assert verify_checkpoint(note.encode(), verifier, expected_origin=ORIGIN) == checkpoint
    with pytest.raises(CheckpointError, match="expected 'sitroom/other'"):
        verify_checkpoint(note, verifier, expected_origin="sitroom/other")
    other = parse_verifier(generate_signer(ORIGIN)[1])
    with pytest.raises(NoteError):
        verify_checkpoint(note, other)
    with pytest.raises(NoteError):
        verify_checkpoint(note.replace("\n7\n", "\n8\n", 1), verifier)
    forged_root = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(NoteError):
        verify_checkpoint(note.replace(ROOT_B64, forged_root), verifier)


def test_signed_body_that_is_not_a_checkpoint() -> None:
    skey, vkey = generate_signer(ORIGIN)
    from sitroom.archive.note import sign_note

    note = sign_note("just some text\n", load_signer(skey))
    with pytest.raises(CheckpointError):
        verify_checkpoint(note, parse_verifier(vkey))


def test_successive_checkpoints_are_consistent() -> None:
    skey, vkey = generate_signer(ORIGIN)
    signer, verifier = load_signer(skey), parse_verifier(vkey)
    store = InMemoryNodeStore()
    notes = []
    for batch in range(1, 8):
        store.append([leaf_hash(f"{batch}:{i}".encode()) for i in range(batch * 3)])
        notes.append(sign_checkpoint(Checkpoint(ORIGIN, store.tree_size(), store.root()), signer))
    checkpoints = [verify_checkpoint(n, verifier, ORIGIN) for n in notes]
    for old, new in itertools.pairwise(checkpoints):
        proof = consistency_proof(old.size, new.size, store.get_nodes)
        assert verify_consistency(old.size, new.size, old.root, new.root, proof)
        assert root_at(old.size, store.get_nodes) == old.root
        forged = Checkpoint(ORIGIN, old.size, hashlib.sha256(old.root).digest())
        assert not verify_consistency(forged.size, new.size, forged.root, new.root, proof)
