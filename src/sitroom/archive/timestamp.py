"""RFC 3161 trusted timestamps over checkpoint bytes, via rfc3161-client.

A timestamp reply (`.tsr`) proves that the checkpoint existed at the TSA's time. Without the
TSA's root certificate only the message imprint can be checked (the bytes are covered); with
it, the TSA's signature and certificate chain are verified too.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Final

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimeStampRequest,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from sitroom.errors import IntegrityError, SitroomError

QUERY_TYPE: Final = "application/timestamp-query"
REPLY_TYPE: Final = "application/timestamp-reply"
MAX_REPLY_BYTES: Final = 1 << 20
_DIGESTS: Final = {
    "2.16.840.1.101.3.4.2.1": hashlib.sha256,
    "2.16.840.1.101.3.4.2.2": hashlib.sha384,
    "2.16.840.1.101.3.4.2.3": hashlib.sha512,
}


class TimestampError(IntegrityError):
    """A timestamp reply is malformed, refused, not over the given bytes, or not trusted."""


class TimestampUnavailable(SitroomError):
    """The timestamp authority could not be reached or did not answer properly."""


def _build_request(data: bytes) -> TimeStampRequest:
    """A SHA-256 TimeStampReq for `data`, with a random nonce, asking for the TSA cert."""
    if not data:
        raise ValueError("cannot timestamp empty data")
    builder = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
    return builder.nonce(nonce=True).cert_request(cert_request=True).build()


def request_for(data: bytes) -> bytes:
    """The DER TimeStampReq over SHA-256 of `data` (nonce set, certificate requested)."""
    return _build_request(data).as_bytes()


def _decode(tsr: bytes) -> TimeStampResponse:
    """Parse a DER TimeStampResp that grants a token, touching every field we rely on."""
    try:
        response = decode_timestamp_response(tsr)
        status = response.status
        if status == PKIStatus.GRANTED:
            info = response.tst_info
            _ = (info.gen_time, info.nonce, info.message_imprint.message, response.signed_data)
    # The parser is lazy Rust code fed untrusted bytes: any failure means a bad reply.
    except Exception as exc:
        raise TimestampError(f"not a valid RFC 3161 timestamp reply: {exc}") from None
    if status != PKIStatus.GRANTED:
        detail = "; ".join(response.status_string) or "no reason given"
        raise TimestampError(f"the TSA did not grant the timestamp (status {status}: {detail})")
    _check_envelope(response)
    return response


def _check_envelope(response: TimeStampResponse) -> None:
    """RFC 5652 fixes the versions of a TSTInfo token's SignedData (3) and SignerInfo (1|3).

    They are outside the TSA's signature, so they are pinned here instead.
    """
    signed = response.signed_data
    if signed.version != 3:
        raise TimestampError(f"timestamp token has SignedData version {signed.version}, not 3")
    infos = signed.signer_infos
    if len(infos) != 1 or any(info.version not in (1, 3) for info in infos):
        raise TimestampError("timestamp token must have exactly one SignerInfo of version 1 or 3")


def _check_imprint(response: TimeStampResponse, data: bytes) -> None:
    """The token's message imprint must be the hash of exactly `data`."""
    imprint = response.tst_info.message_imprint
    digest = _DIGESTS.get(imprint.hash_algorithm.dotted_string)
    if digest is None:
        raise TimestampError(f"unsupported imprint hash {imprint.hash_algorithm.dotted_string}")
    if imprint.message != digest(data).digest():
        raise TimestampError("the timestamp does not cover these bytes (imprint differs)")


def _check_chain(response: TimeStampResponse, data: bytes, root_cert_pem: bytes) -> None:
    """Verify the TSA's signature and chain up to the given root certificate(s)."""
    try:
        roots = x509.load_pem_x509_certificates(root_cert_pem)
    except ValueError as exc:
        raise TimestampError(f"the TSA root certificate is not PEM: {exc}") from None
    builder = VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        raise TimestampError(f"the TSA signature or certificate chain is invalid: {exc}") from None
    # Certificates inside the reply are parsed here for the first time (untrusted bytes).
    except Exception as exc:
        raise TimestampError(f"the TSA certificate in the reply is unreadable: {exc}") from None


def verify_timestamp(tsr: bytes, data: bytes, root_cert_pem: bytes | None = None) -> datetime:
    """Check a timestamp reply over `data` and return the TSA's time (UTC).

    Always checks that the reply grants a token whose imprint is the hash of `data`; with
    `root_cert_pem`, also the TSA's signature, its timeStamping certificate and its chain.
    """
    response = _decode(tsr)
    _check_imprint(response, data)
    if root_cert_pem is not None:
        _check_chain(response, data, root_cert_pem)
    moment = response.tst_info.gen_time
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _post(url: str, body: bytes, timeout: float) -> bytes:
    """POST a timestamp query and return the reply body."""
    if not url.lower().startswith(("http://", "https://")):
        raise TimestampUnavailable(f"timestamp authority URL must be http(s): {url!r}")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            content: bytes = reply.read(MAX_REPLY_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise TimestampUnavailable(f"timestamp authority {url} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise TimestampUnavailable(f"timestamp authority {url} unreachable: {exc}") from None
    if len(content) > MAX_REPLY_BYTES:
        raise TimestampUnavailable(f"timestamp authority {url} sent an oversized reply")
    return content


def fetch_timestamp(url: str, data: bytes, timeout: float = 30.0) -> bytes:
    """Ask a TSA over HTTP for a timestamp over `data`; returns the checked DER reply."""
    request = _build_request(data)
    tsr = _post(url, request.as_bytes(), timeout)
    response = _decode(tsr)
    _check_imprint(response, data)
    if response.tst_info.nonce != request.nonce:
        raise TimestampError("the TSA reply does not carry our request's nonce")
    return tsr
