"""Evidence bundles: one message with everything needed to check it offline (DESIGN.md 3)."""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import orjson

from sitroom.archive.checkpoint import Checkpoint, verify_checkpoint
from sitroom.archive.entry import LogEntry, content_digest, parse_entry
from sitroom.archive.merkle import leaf_hash, verify_inclusion
from sitroom.archive.note import NoteVerifier, parse_verifier
from sitroom.archive.timestamp import verify_timestamp
from sitroom.errors import IntegrityError
from sitroom.models import MESSAGE_CONTENT_FIELDS, NOTICE_CONTENT_FIELDS, JsonValue
from sitroom.timeutil import to_rfc3339

RAW, ENTRY, MESSAGE, PROOF = "raw", "entry.json", "message.json", "proof.json"
CHECKPOINT, KEY, TIMESTAMP, README = "checkpoint", "key.vkey", "timestamp.tsr", "README.md"
REQUIRED_MEMBERS: Final = (README, RAW, ENTRY, MESSAGE, PROOF, CHECKPOINT, KEY)
MAX_MEMBER_BYTES: Final = 64 << 20
_HEX64 = re.compile(r"[0-9a-f]{64}")

README_TEXT: Final = r"""# sitroom evidence bundle (format 1)

One message exactly as received, and the proof that it is in an append-only log whose tree
head was signed by the archive's key. Everything can be checked by hand, offline.

- `raw`: the original bytes, exactly as received.
- `entry.json`: the log entry (the Merkle leaf) for these bytes: UTF-8 JSON, keys sorted, no
  spaces. `raw_sha256` is the SHA-256 of `raw`; `seq` is the leaf's index in the log.
- `message.json`: sitroom's reading of the message (normalised fields, annotations), derived
  from `raw`; its `raw_sha256` names `raw`. The entry's `content_sha256` is the SHA-256 of
  the normalised fields (`platform platform_id text created_at author author_id lang url
  extra`; for a notice `platform kind detail platform_id created_at extra`) as one JSON object,
  keys sorted, no spaces, UTF-8 unescaped, so they are sealed too. Annotations are not.
- `proof.json`: `{"leaf_index": i, "tree_size": n, "inclusion": [hex hashes]}`, the RFC 9162
  inclusion proof of the leaf in the tree of the log's first n entries.
- `checkpoint`: the signed tree head (C2SP tlog-checkpoint in a C2SP signed note): origin,
  tree size, base64 root hash, a blank line, then lines `— <key name> <base64 signature>`.
- `key.vkey`: the log's verifier key, `<name>+<key id>+<base64(0x01 || Ed25519 public key)>`.
  Compare it with the key the archive published through a channel you trust.
- `timestamp.tsr` (optional): an RFC 3161 time-stamp reply over the exact bytes of `checkpoint`.

## 1. The raw bytes are the ones the entry names: this prints `raw_sha256` of `entry.json`

    sha256sum raw

## 2. The leaf hash (RFC 9162): SHA-256 of a 0x00 byte then the exact bytes of `entry.json`

    (printf '\000'; cat entry.json) | sha256sum

## 3. The inclusion proof leads to the checkpoint's root

This walks the proof as RFC 9162 section 2.1.3.2 says (Python standard library only; run it in
the unzipped folder):

```python
import base64, hashlib, json
def h(data): return hashlib.sha256(data).digest()
proof = json.load(open("proof.json"))
origin, size, root = open("checkpoint", encoding="utf-8").read().split("\n")[:3]
fn, sn = proof["leaf_index"], proof["tree_size"] - 1
r = h(b"\x00" + open("entry.json", "rb").read())
assert 0 <= fn <= sn and proof["tree_size"] == int(size), "index or size do not fit"
for p in [bytes.fromhex(x) for x in proof["inclusion"]]:
    assert sn > 0, "the proof is too long"
    if fn % 2 == 1 or fn == sn:
        r = h(b"\x01" + p + r)
        while fn % 2 == 0 and fn > 0:
            fn, sn = fn // 2, sn // 2
    else:
        r = h(b"\x01" + r + p)
    fn, sn = fn // 2, sn // 2
assert sn == 0 and r == base64.b64decode(root), "the proof does not lead to the signed root"
print("OK: entry.json is leaf", proof["leaf_index"], "of the", size, "leaves of", origin)
```

## 4. The checkpoint is signed by the key

With Go: `note.NewVerifier` (golang.org/x/mod/sumdb/note) on the text of `key.vkey`, then
`note.Open` on `checkpoint`. Or with Python and the `cryptography` package:

```python
import base64, hashlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
name, key_id, key = open("key.vkey").read().strip().split("+", 2)
key = base64.b64decode(key)
assert key[0] == 1 and len(key) == 33, "not an Ed25519 verifier key"
assert hashlib.sha256(name.encode() + b"\n" + key).digest()[:4].hex() == key_id, "bad key id"
note = open("checkpoint", "rb").read()
cut = note.rindex(b"\n\n")
for line in note[cut + 2 :].decode().splitlines():
    _, signer, sig = line.split(" ")
    sig = base64.b64decode(sig)
    if signer == name and sig[:4].hex() == key_id:
        Ed25519PublicKey.from_public_bytes(key[1:]).verify(sig[4:], note[: cut + 1])
        print("OK: checkpoint signed by", name)  # verify() raised if anything was altered
        break
else:
    raise SystemExit("no signature by this key")
```

## 5. The timestamp (when `timestamp.tsr` is present)

    openssl ts -reply -in timestamp.tsr -text
    openssl ts -verify -data checkpoint -in timestamp.tsr -CAfile TSA-ROOT.pem

The first shows the time; the second checks it with the TSA's root certificate (from the TSA).
"""


class BundleError(IntegrityError):
    """An evidence bundle cannot be written because its parts do not verify."""


@dataclass(frozen=True, slots=True)
class BundleParts:
    """What goes into a bundle; `message` is message.json and must carry `raw_sha256`."""

    raw: bytes
    entry: bytes
    message: bytes
    leaf_index: int
    tree_size: int
    inclusion: tuple[bytes, ...]
    checkpoint: str
    verifier_key: str
    timestamp: bytes | None = None


@dataclass(frozen=True, slots=True)
class BundleProblem:
    """One failed check, with the member it concerns."""

    member: str
    reason: str

    def __str__(self) -> str:
        return f"{self.member}: {self.reason}"


@dataclass(frozen=True, slots=True)
class BundleReport:
    """The outcome of checking a bundle: problems (none means it verifies) and what passed."""

    problems: tuple[BundleProblem, ...]
    checked: tuple[str, ...]
    notes: tuple[str, ...] = ()
    entry: LogEntry | None = None
    checkpoint: Checkpoint | None = None
    timestamped_at: str | None = None

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.problems


@dataclass
class _Findings:
    problems: list[BundleProblem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, member: str, reason: str) -> None:
        self.problems.append(BundleProblem(member, reason))


def proof_json(leaf_index: int, tree_size: int, inclusion: tuple[bytes, ...]) -> bytes:
    """The exact bytes of proof.json."""
    hashes = ",".join(f'"{h.hex()}"' for h in inclusion)
    return f'{{"leaf_index":{leaf_index},"tree_size":{tree_size},"inclusion":[{hashes}]}}'.encode()


def _parse_proof(data: bytes) -> tuple[int, int, tuple[bytes, ...]]:
    """(leaf_index, tree_size, inclusion) from proof.json; ValueError unless exact."""
    try:
        fields = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise ValueError("not valid JSON") from None
    if not isinstance(fields, dict) or set(fields) != {"leaf_index", "tree_size", "inclusion"}:
        raise ValueError("must have exactly leaf_index, tree_size and inclusion")
    index, size, hashes = fields["leaf_index"], fields["tree_size"], fields["inclusion"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (index, size)):
        raise ValueError("leaf_index and tree_size must be integers")
    if not isinstance(hashes, list) or not all(_HEX64.fullmatch(str(h)) for h in hashes):
        raise ValueError("inclusion must be a list of 64-digit lowercase hex hashes")
    proof = tuple(bytes.fromhex(str(h)) for h in hashes)  # non-strings fail the round trip
    if proof_json(index, size, proof) != data:
        raise ValueError("not in canonical form")
    return index, size, proof


def _check_key(members: Mapping[str, bytes], verifier: NoteVerifier, f: _Findings) -> None:
    if members[KEY] != (verifier.key_text() + "\n").encode():
        f.fail(KEY, f"does not match the verifier key you gave ({verifier.key_text()})")
    else:
        f.checked.append(f"{KEY}: is the key you gave")


def _check_checkpoint(
    members: Mapping[str, bytes], verifier: NoteVerifier, origin: str | None, f: _Findings
) -> Checkpoint | None:
    try:
        checkpoint = verify_checkpoint(members[CHECKPOINT], verifier, origin)
    except IntegrityError as exc:
        f.fail(CHECKPOINT, str(exc))
        return None
    f.checked.append(f"{CHECKPOINT}: signed by {verifier.name}+{verifier.key_id:08x}")
    return checkpoint


def _check_entry(members: Mapping[str, bytes], f: _Findings) -> LogEntry | None:
    try:
        entry = parse_entry(members[ENTRY])
    except IntegrityError as exc:
        f.fail(ENTRY, str(exc))
        return None
    f.checked.append(f"{ENTRY}: a canonical version-1 log entry")
    raw_hash = hashlib.sha256(members[RAW]).hexdigest()
    if raw_hash != entry.raw_sha256:
        f.fail(RAW, f"SHA-256 is {raw_hash} but {ENTRY} records {entry.raw_sha256}")
    else:
        f.checked.append(f"{RAW}: SHA-256 matches {ENTRY}")
    return entry


def _check_message(members: Mapping[str, bytes], entry: LogEntry | None, f: _Findings) -> None:
    try:
        message = orjson.loads(members[MESSAGE])
    except orjson.JSONDecodeError as exc:
        f.fail(MESSAGE, f"not valid UTF-8 JSON: {exc}")
        return
    if not isinstance(message, dict):
        f.fail(MESSAGE, "not a JSON object")
        return
    if entry is None:
        return
    if message.get("raw_sha256") != entry.raw_sha256:
        f.fail(MESSAGE, f"raw_sha256 {message.get('raw_sha256')!r} differs from {ENTRY}'s")
    elif entry.id is not None and "id" in message and message["id"] != entry.id:
        f.fail(MESSAGE, f"id {message['id']!r} differs from {ENTRY}'s {entry.id!r}")
    elif entry.content_sha256 is None:
        f.checked.append(f"{MESSAGE}: names the same raw bytes as {ENTRY} (its other fields "
                         "are derived from raw and not signed)")
    else:
        _check_sealed_content(message, entry, f)


def _check_sealed_content(message: dict[str, JsonValue], entry: LogEntry, f: _Findings) -> None:
    """The normalised fields in message.json against the content hash the entry seals."""
    names = NOTICE_CONTENT_FIELDS if entry.kind == "notice" else MESSAGE_CONTENT_FIELDS
    missing = [name for name in names if name not in message]
    if missing:
        f.fail(MESSAGE, f"lacks the sealed field(s) {', '.join(missing)}")
        return
    digest = content_digest({name: message[name] for name in names})
    if digest != entry.content_sha256:
        f.fail(MESSAGE, f"its normalised fields ({', '.join(names)}) hash to {digest}, but "
                        f"{ENTRY} seals content_sha256 {entry.content_sha256}")
    else:
        f.checked.append(f"{MESSAGE}: names the same raw bytes as {ENTRY}, and its normalised "
                         f"fields match the content_sha256 {ENTRY} seals (annotations are "
                         "sitroom's reading and not signed)")


def _check_proof(
    members: Mapping[str, bytes],
    entry: LogEntry | None,
    checkpoint: Checkpoint | None,
    f: _Findings,
) -> None:
    try:
        index, size, proof = _parse_proof(members[PROOF])
    except ValueError as exc:
        f.fail(PROOF, str(exc))
        return
    if entry is None or checkpoint is None:
        return
    if index != entry.seq:
        f.fail(PROOF, f"leaf_index {index} but {ENTRY} has seq {entry.seq}")
    elif size != checkpoint.size:
        f.fail(PROOF, f"tree_size {size} but the checkpoint's size is {checkpoint.size}")
    elif not verify_inclusion(leaf_hash(members[ENTRY]), index, size, proof, checkpoint.root):
        f.fail(PROOF, f"with this proof the leaf hash of {ENTRY} does not give the "
               f"checkpoint's root ({ENTRY} or {PROOF} was altered)")
    else:
        f.checked.append(f"{PROOF}: {ENTRY} is leaf {index} of the {size}-leaf signed tree")


def _check_timestamp(
    members: Mapping[str, bytes], tsa_root_pem: bytes | None, f: _Findings
) -> str | None:
    if TIMESTAMP not in members:
        return None
    try:
        moment = to_rfc3339(verify_timestamp(members[TIMESTAMP], members[CHECKPOINT],
                                             tsa_root_pem))
    except IntegrityError as exc:
        f.fail(TIMESTAMP, str(exc))
        return None
    if tsa_root_pem is None:
        f.notes.append(f"{TIMESTAMP}: covers the checkpoint, but the TSA's signature was not "
                       "checked (no TSA root certificate given)")
    f.checked.append(f"{TIMESTAMP}: the checkpoint existed at {moment}")
    return moment


def _check_members(
    members: Mapping[str, bytes],
    verifier: NoteVerifier,
    *,
    expected_origin: str | None = None,
    tsa_root_pem: bytes | None = None,
) -> BundleReport:
    """Every check on a complete set of members."""
    f = _Findings()
    _check_key(members, verifier, f)
    checkpoint = _check_checkpoint(members, verifier, expected_origin, f)
    entry = _check_entry(members, f)
    _check_message(members, entry, f)
    _check_proof(members, entry, checkpoint, f)
    moment = _check_timestamp(members, tsa_root_pem, f)
    if members[README] != README_TEXT.encode():
        f.fail(README, "differs from the text sitroom writes (format 1)")
    return BundleReport(tuple(f.problems), tuple(f.checked), tuple(f.notes), entry,
                        checkpoint, moment)


def _members_of(parts: BundleParts) -> dict[str, bytes]:
    members = {
        README: README_TEXT.encode(),
        RAW: parts.raw,
        ENTRY: parts.entry,
        MESSAGE: parts.message,
        PROOF: proof_json(parts.leaf_index, parts.tree_size, tuple(parts.inclusion)),
        CHECKPOINT: parts.checkpoint.encode("utf-8"),
        KEY: (parts.verifier_key.strip() + "\n").encode("utf-8"),
    }
    if parts.timestamp is not None:
        members[TIMESTAMP] = parts.timestamp
    return members


def write_bundle(path: Path, parts: BundleParts) -> None:
    """Write the bundle zip (atomically); refuses parts that do not verify."""
    members = _members_of(parts)
    report = _check_members(members, parse_verifier(parts.verifier_key))
    if not report.ok:
        problems = "; ".join(str(p) for p in report.problems)
        raise BundleError(f"refusing to write an evidence bundle that does not verify: {problems}")
    temporary = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _read_members(path: Path, f: _Findings) -> dict[str, bytes]:
    """The bundle's members; problems for an unreadable zip, missing or unexpected members."""
    members: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for name in sorted({n for n in names if names.count(n) > 1}):
                f.fail(name, "appears more than once in the zip")
            for info in archive.infolist():
                if info.filename not in (*REQUIRED_MEMBERS, TIMESTAMP):
                    f.fail(info.filename, "is not a member of an evidence bundle")
                elif info.file_size > MAX_MEMBER_BYTES:
                    f.fail(info.filename, "is too large")
                else:
                    try:
                        with archive.open(info) as member:
                            members[info.filename] = member.read(MAX_MEMBER_BYTES + 1)
                    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
                        f.fail(info.filename, f"cannot be read from the zip: {exc}")
    except (zipfile.BadZipFile, OSError) as exc:
        f.fail("bundle", f"not a readable zip file: {exc}")
        return {}
    for name in REQUIRED_MEMBERS:
        if name not in members and not any(p.member == name for p in f.problems):
            f.fail(name, "is missing")
    return members


def verify_bundle(
    path: Path,
    verifier_key_text: str,
    *,
    expected_origin: str | None = None,
    tsa_root_pem: bytes | None = None,
) -> BundleReport:
    """Check an evidence bundle offline against the archive's verifier key.

    A malformed `verifier_key_text` raises NoteError; everything wrong with the bundle
    itself is reported as problems naming the member concerned.
    """
    verifier = parse_verifier(verifier_key_text)
    f = _Findings()
    members = _read_members(path, f)
    if f.problems:
        return BundleReport(tuple(f.problems), ())
    return _check_members(members, verifier, expected_origin=expected_origin,
                          tsa_root_pem=tsa_root_pem)
