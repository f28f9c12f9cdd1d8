"""RFC 3161 timestamps against a real local TSA made with `openssl ts` (direct and over HTTP)."""

from __future__ import annotations

import hashlib
import re
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sitroom.archive.timestamp import (
    TimestampError,
    TimestampUnavailable,
    fetch_timestamp,
    request_for,
    verify_timestamp,
)
from sitroom.errors import IntegrityError
from tests.archive.tsa import OPENSSL, LocalTSA, make_ca

pytestmark = pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command")

DATA = b"sitroom/0b7c2f\n3\nrT1ZzDhSkIvFURP3p4+DlCeRnQm1/aP3mBAj3gMJtZU=\n"
TSTINFO_OID = bytes.fromhex("060b2a864886f70d0109100104")


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> LocalTSA:
    return LocalTSA(tmp_path_factory.mktemp("tsa"))


@pytest.fixture(scope="module")
def reply(tsa: LocalTSA) -> bytes:
    return tsa.reply(request_for(DATA))


def describe_request(der: bytes, directory: Path) -> str:
    path = directory / "q.tsq"
    path.write_bytes(der)
    assert OPENSSL is not None
    return subprocess.run(
        [OPENSSL, "ts", "-query", "-in", str(path), "-text"],
        capture_output=True, check=True, text=True,
    ).stdout


def test_request_is_sha256_with_nonce_and_cert_request(tmp_path: Path) -> None:
    first, second = request_for(DATA), request_for(DATA)
    text = describe_request(first, tmp_path)
    assert "Hash Algorithm: sha256" in text
    assert "Certificate required: yes" in text
    assert b"\x04\x20" + hashlib.sha256(DATA).digest() in first  # the imprint, as DER
    nonce = re.search(r"Nonce: (0x[0-9A-Fa-f]+|\d+)", text)
    assert nonce is not None
    assert first != second  # a fresh nonce each time
    with pytest.raises(ValueError):
        request_for(b"")


def test_reply_verifies_with_and_without_root(tsa: LocalTSA, reply: bytes) -> None:
    now = datetime.now(UTC)
    stamped = verify_timestamp(reply, DATA)
    assert stamped.tzinfo is not None and abs(stamped - now) < timedelta(minutes=5)
    assert verify_timestamp(reply, DATA, tsa.root_pem) == stamped


def test_openssl_made_request_also_verifies(tsa: LocalTSA) -> None:
    tsr = tsa.stamp(DATA)
    verify_timestamp(tsr, DATA, tsa.root_pem)


def test_reply_over_other_data_fails(tsa: LocalTSA, reply: bytes) -> None:
    with pytest.raises(TimestampError, match="does not cover"):
        verify_timestamp(reply, DATA + b"x")
    with pytest.raises(TimestampError, match="does not cover"):
        verify_timestamp(reply, DATA[:-1], tsa.root_pem)
    assert issubclass(TimestampError, IntegrityError)


def test_untrusted_root_fails(tmp_path: Path, reply: bytes) -> None:
    other_root = make_ca(tmp_path / "other", name="Other CA").read_bytes()
    with pytest.raises(TimestampError, match="chain is invalid"):
        verify_timestamp(reply, DATA, other_root)
    with pytest.raises(TimestampError, match="not PEM"):
        verify_timestamp(reply, DATA, b"not a certificate")


def test_garbage_and_refusals(tsa: LocalTSA, tmp_path: Path) -> None:
    for junk in [b"", b"\x30\x03\x02\x01\x00", b"not der at all", b"\x30" * 40]:
        with pytest.raises(TimestampError):
            verify_timestamp(junk, DATA)
    (tmp_path / "d").write_bytes(DATA)
    assert OPENSSL is not None
    sha1_query = subprocess.run(
        [OPENSSL, "ts", "-query", "-data", str(tmp_path / "d"), "-sha1", "-cert"],
        capture_output=True, check=True,
    ).stdout
    refused = tsa.reply(sha1_query)  # sha1 is not in the TSA's accepted digests
    with pytest.raises(TimestampError, match="did not grant"):
        verify_timestamp(refused, DATA)


def tstinfo_span(tsr: bytes) -> range:
    """Where the signed TSTInfo lies inside the reply (after eContentType, [0], OCTET STRING)."""
    position = tsr.index(TSTINFO_OID) + len(TSTINFO_OID)
    for expected_tag in (0xA0, 0x04):
        assert tsr[position] == expected_tag
        length = tsr[position + 1]
        position += 2
        if length & 0x80:
            count = length & 0x7F
            length = int.from_bytes(tsr[position : position + count], "big")
            position += count
    return range(position, position + length)


def signature_span(tsr: bytes) -> range:
    """The SignerInfo's signature value: the OCTET STRING that ends the reply."""
    for length in range(60, 128):
        if tsr[-length - 2] == 0x04 and tsr[-length - 1] == length:
            return range(len(tsr) - length, len(tsr))
    raise AssertionError("no trailing signature found")


def test_every_flip_in_signed_parts_is_detected(tsa: LocalTSA, reply: bytes) -> None:
    positions = [*tstinfo_span(reply), *signature_span(reply)]
    positions += [34]  # SignedData version, pinned to 3
    for position in positions:
        tampered = bytearray(reply)
        tampered[position] ^= 0x01
        with pytest.raises(TimestampError):
            verify_timestamp(bytes(tampered), DATA, tsa.root_pem)


def test_fetch_over_http(tsa: LocalTSA) -> None:
    with tsa.serve() as url:
        tsr = fetch_timestamp(url, DATA, timeout=10)
    verify_timestamp(tsr, DATA, tsa.root_pem)
    with pytest.raises(TimestampError):
        verify_timestamp(tsr, b"another checkpoint\n", tsa.root_pem)


def test_fetch_failures() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TimestampUnavailable, match="unreachable"):
        fetch_timestamp(f"http://127.0.0.1:{port}/tsa", DATA, timeout=5)
    with pytest.raises(TimestampUnavailable, match="http"):
        fetch_timestamp("file:///etc/passwd", DATA)
