"""Evidence bundles built from a real in-memory log; every altered member must be caught.

Also covers the log entry's canonical form (entry.py), which a bundle carries verbatim.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from sitroom.archive.bundle import (
    README_TEXT,
    REQUIRED_MEMBERS,
    BundleError,
    BundleParts,
    verify_bundle,
    write_bundle,
)
from sitroom.archive.checkpoint import Checkpoint, origin_for, sign_checkpoint
from sitroom.archive.entry import EntryError, LogEntry, parse_entry
from sitroom.archive.merkle import InMemoryNodeStore, inclusion_proof, leaf_hash
from sitroom.archive.note import generate_signer, load_signer
from sitroom.archive.timestamp import request_for
from tests.archive.tsa import OPENSSL, LocalTSA

ORIGIN = origin_for("a1b2c3")
LONG_TEXT = "نداء عاجل من حلب: نحتاج إلى سيارات إسعاف 🚑 " * 40


@dataclass
class Log:
    """A small signed log whose leaves are real entries over real raw records."""

    raws: list[bytes]
    entries: list[bytes]
    store: InMemoryNodeStore
    checkpoint: str
    vkey: str

    def parts(self, index: int, timestamp: bytes | None = None) -> BundleParts:
        entry = parse_entry(self.entries[index])
        message = {"id": entry.id, "raw_sha256": entry.raw_sha256, "platform": "twitter",
                   "text": LONG_TEXT if index == 4 else f"msg {index}",
                   "annotations": {"lang": {"value": "ar", "score": 0.99, "step": "lang@1"}}}
        size = self.store.tree_size()
        return BundleParts(
            raw=self.raws[index], entry=self.entries[index], message=orjson.dumps(message),
            leaf_index=index, tree_size=size,
            inclusion=tuple(inclusion_proof(index, size, self.store.get_nodes)),
            checkpoint=self.checkpoint, verifier_key=self.vkey, timestamp=timestamp,
        )


def plus_key() -> tuple[str, str]:
    """A key pair whose verifier key has a '+' inside its base64 part (a parsing trap)."""
    while True:
        skey, vkey = generate_signer(ORIGIN)
        if "+" in vkey.split("+", 2)[2]:
            return skey, vkey


def make_log(count: int = 9) -> Log:
    raws, entries = [], []
    for seq in range(count):
        text = LONG_TEXT if seq == 4 else f"رسالة رقم {seq} 🌍"
        raw = orjson.dumps({"id_str": str(1000 + seq), "text": text}) + b"\n"
        entry = LogEntry(seq=seq, raw_sha256=hashlib.sha256(raw).hexdigest(),
                         received_at="2016-12-13T10:22:00Z", source="tweets.jsonl",
                         locator=f"line {seq + 1}", kind="message", id=f"tw-{1000 + seq}",
                         importer="twitter-v1@1")
        raws.append(raw)
        entries.append(entry.canonical_bytes())
    store = InMemoryNodeStore()
    store.append([leaf_hash(e) for e in entries])
    skey, vkey = plus_key()
    checkpoint = sign_checkpoint(Checkpoint(ORIGIN, count, store.root()), load_signer(skey))
    return Log(raws, entries, store, checkpoint, vkey)


LOG = make_log()


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_members(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "evidence.zip"
    write_bundle(path, LOG.parts(4))
    return path


def test_bundle_verifies_and_has_the_pinned_members(bundle: Path, tmp_path: Path) -> None:
    report = verify_bundle(bundle, LOG.vkey, expected_origin=ORIGIN)
    assert report.ok, report.problems
    assert report.entry is not None and report.entry.seq == 4
    assert report.checkpoint is not None and report.checkpoint.size == 9
    members = read_members(bundle)
    assert list(members) == list(REQUIRED_MEMBERS)
    assert members["raw"] == LOG.raws[4] and members["entry.json"] == LOG.entries[4]
    proof = orjson.loads(members["proof.json"])
    assert list(proof) == ["leaf_index", "tree_size", "inclusion"]
    assert proof["leaf_index"] == 4 and proof["tree_size"] == 9 and len(proof["inclusion"]) == 4
    assert members["key.vkey"] == (LOG.vkey + "\n").encode()
    assert members["checkpoint"] == LOG.checkpoint.encode()
    again = tmp_path / "again.zip"
    write_bundle(again, LOG.parts(4))
    assert again.read_bytes() == bundle.read_bytes()  # deterministic
    for index in range(9):
        write_bundle(again, LOG.parts(index))
        assert verify_bundle(again, LOG.vkey).ok


def test_wrong_key_or_origin_fails(bundle: Path) -> None:
    other = generate_signer(ORIGIN)[1]
    report = verify_bundle(bundle, other)
    assert {p.member for p in report.problems} == {"key.vkey", "checkpoint"}
    report = verify_bundle(bundle, LOG.vkey, expected_origin="sitroom/elsewhere")
    assert [p.member for p in report.problems] == ["checkpoint"]


def flipped(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def assert_caught(bundle: Path, tmp_path: Path, member: str, positions: list[int]) -> None:
    members = read_members(bundle)
    target = tmp_path / "tampered.zip"
    for position in positions:
        write_members(target, {**members, member: flipped(members[member], position)})
        report = verify_bundle(target, LOG.vkey)
        assert not report.ok, (member, position)
        assert any(member in str(p) for p in report.problems), (member, position, report)


@pytest.mark.parametrize("member", ["raw", "entry.json", "proof.json", "checkpoint", "key.vkey"])
def test_every_byte_of_evidence_members_is_bound(
    bundle: Path, tmp_path: Path, member: str
) -> None:
    size = len(read_members(bundle)[member])
    step = 1 if size <= 1000 else 13  # the long raw record is sampled, the rest swept fully
    assert_caught(bundle, tmp_path, member, [*range(0, size, step), size - 1])


def test_readme_alterations_caught(bundle: Path, tmp_path: Path) -> None:
    assert_caught(bundle, tmp_path, "README.md", list(range(0, len(README_TEXT), 97)))


def test_message_json_binding_fields_caught(bundle: Path, tmp_path: Path) -> None:
    message = read_members(bundle)["message.json"]
    positions = [0, len(message) - 1]
    for key in (b'"raw_sha256":"', b'"id":"'):
        start = message.index(key) + len(key)
        positions += range(start, message.index(b'"', start))
    assert_caught(bundle, tmp_path, "message.json", positions)


def test_zip_level_damage(bundle: Path, tmp_path: Path) -> None:
    data = bundle.read_bytes()
    damaged = tmp_path / "damaged.zip"
    offset = data.index(b"raw") + 3 + 5  # inside the compressed bytes of `raw`
    damaged.write_bytes(flipped(data, offset))
    report = verify_bundle(damaged, LOG.vkey)
    assert not report.ok and any("raw" in str(p) for p in report.problems)
    damaged.write_bytes(data[: len(data) // 2])
    assert [p.member for p in verify_bundle(damaged, LOG.vkey).problems] == ["bundle"]
    damaged.write_bytes(b"not a zip")
    assert [p.member for p in verify_bundle(damaged, LOG.vkey).problems] == ["bundle"]
    assert not verify_bundle(tmp_path / "absent.zip", LOG.vkey).ok


def test_missing_extra_and_duplicate_members(bundle: Path, tmp_path: Path) -> None:
    members = read_members(bundle)
    target = tmp_path / "t.zip"
    for name in REQUIRED_MEMBERS:
        write_members(target, {k: v for k, v in members.items() if k != name})
        problems = verify_bundle(target, LOG.vkey).problems
        assert [(p.member, p.reason) for p in problems] == [(name, "is missing")]
    write_members(target, {**members, "extra.txt": b"hello"})
    assert [p.member for p in verify_bundle(target, LOG.vkey).problems] == ["extra.txt"]
    with zipfile.ZipFile(target, "a") as archive, pytest.warns(UserWarning):
        archive.writestr("raw", b"other bytes")
    assert any(p.member == "raw" for p in verify_bundle(target, LOG.vkey).problems)


def test_proof_must_match_entry_and_checkpoint(bundle: Path, tmp_path: Path) -> None:
    members = read_members(bundle)
    target = tmp_path / "t.zip"
    other = LOG.parts(5)
    write_members(target, {**members, "raw": other.raw, "entry.json": other.entry})
    reasons = [str(p) for p in verify_bundle(target, LOG.vkey).problems]
    assert any("leaf_index 4 but entry.json has seq 5" in r for r in reasons)
    proof = orjson.loads(members["proof.json"])
    proof["tree_size"] = 8
    smaller = orjson.dumps(proof)
    write_members(target, {**members, "proof.json": smaller})
    reasons = [str(p) for p in verify_bundle(target, LOG.vkey).problems]
    assert reasons == ["proof.json: tree_size 8 but the checkpoint's size is 9"]


def test_write_refuses_parts_that_do_not_verify(tmp_path: Path) -> None:
    parts = LOG.parts(4)
    path = tmp_path / "out.zip"
    for broken in [replace(parts, raw=b"other"), replace(parts, leaf_index=3),
                   replace(parts, inclusion=parts.inclusion[:-1]),
                   replace(parts, message=b'{"raw_sha256":"00"}')]:
        with pytest.raises(BundleError, match="does not verify"):
            write_bundle(path, broken)
        assert not path.exists() and not list(tmp_path.iterdir())


def run_readme_checks(directory: Path) -> list[subprocess.CompletedProcess[str]]:
    blocks = re.findall(r"```python\n(.*?)```", README_TEXT, flags=re.S)
    assert len(blocks) == 2
    return [subprocess.run([sys.executable, "-c", code], cwd=directory, capture_output=True,
                           text=True, check=False, timeout=60) for code in blocks]


def test_readme_instructions_work_by_hand(bundle: Path, tmp_path: Path) -> None:
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder)
    results = run_readme_checks(folder)
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert results[0].stdout.startswith("OK: entry.json is leaf 4 of the 9 leaves of sitroom/")
    assert results[1].stdout.startswith("OK: checkpoint signed by sitroom/a1b2c3")
    raw_sum = subprocess.run(["sha256sum", "raw"], cwd=folder, capture_output=True, text=True,
                             check=True).stdout.split()[0]
    assert raw_sum == orjson.loads(LOG.entries[4])["raw_sha256"]
    command = re.search(r"^    (\(printf.*)$", README_TEXT, flags=re.M)
    assert command is not None
    leaf = subprocess.run(["sh", "-c", command.group(1)], cwd=folder, capture_output=True,
                          text=True, check=True).stdout.split()[0]
    assert leaf == leaf_hash(LOG.entries[4]).hex()
    # the same hand checks fail on altered evidence
    (folder / "entry.json").write_bytes(LOG.entries[4].replace(b"line 5", b"line 6"))
    results = run_readme_checks(folder)
    assert results[0].returncode != 0 and "does not lead to the signed root" in results[0].stderr
    assert results[1].returncode == 0
    note = (folder / "checkpoint").read_text(encoding="utf-8")
    (folder / "checkpoint").write_text(note.replace("\n9\n", "\n8\n", 1), encoding="utf-8")
    results = run_readme_checks(folder)
    assert results[0].returncode != 0 and "do not fit" in results[0].stderr
    assert results[1].returncode != 0 and "InvalidSignature" in results[1].stderr


@pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command")
def test_timestamped_bundle(tmp_path: Path) -> None:
    tsa = LocalTSA(tmp_path / "tsa")
    tsr = tsa.reply(request_for(LOG.checkpoint.encode()))
    path = tmp_path / "stamped.zip"
    write_bundle(path, LOG.parts(2, timestamp=tsr))
    report = verify_bundle(path, LOG.vkey, tsa_root_pem=tsa.root_pem)
    assert report.ok, report.problems
    assert report.timestamped_at is not None and report.timestamped_at.endswith("Z")
    assert not report.notes
    unchecked = verify_bundle(path, LOG.vkey)
    assert unchecked.ok and "not checked" in unchecked.notes[0]
    digest = hashlib.sha256(LOG.checkpoint.encode()).digest()
    start = tsr.index(digest)
    assert_caught(path, tmp_path, "timestamp.tsr", [0, *range(start, start + 32)])
    members = read_members(path)
    members["timestamp.tsr"] = tsa.reply(request_for(b"another checkpoint\n"))
    write_members(tmp_path / "other.zip", members)
    problems = verify_bundle(tmp_path / "other.zip", LOG.vkey).problems
    assert [p.member for p in problems] == ["timestamp.tsr"]
    assert "does not cover" in problems[0].reason


# --- the log entry (entry.py) ---


def test_entry_canonical_bytes() -> None:
    entry = LogEntry(seq=3, raw_sha256="ab" * 32, received_at="2016-12-13T10:22:00Z",
                     source="حلب.jsonl", locator="line 4")
    assert entry.canonical_bytes() == (
        '{"locator":"line 4","raw_sha256":"' + "ab" * 32 + '","received_at":'
        '"2016-12-13T10:22:00Z","seq":3,"source":"حلب.jsonl","v":1}'
    ).encode()
    assert parse_entry(entry.canonical_bytes()) == entry
    full = LogEntry(seq=0, raw_sha256="0" * 64, received_at="2016-12-13T10:22:00.5Z",
                    source="s", locator="offset 0", kind="notice", id="x", importer="csv@1")
    assert parse_entry(full.canonical_bytes()) == full
    assert b'"importer":"csv@1","kind":"notice"' in full.canonical_bytes()


def test_entry_rejects_non_canonical_or_invalid() -> None:
    good = LogEntry(seq=3, raw_sha256="ab" * 32, received_at="2016-12-13T10:22:00Z",
                    source="حلب", locator="line 4").canonical_bytes()
    text = good.decode()
    bad = [
        text.replace(",", ", "),
        text.replace('"seq":3', '"seq":3.0'),
        text.replace('"seq":3', '"seq":true'),
        text.replace('"seq":3', '"seq":-1'),
        text.replace('"v":1', '"v":2'),
        text.replace('"v":1', '"v":1,"w":1'),
        text.replace('"seq":3,', ""),
        text.replace("ab" * 32, "AB" * 32),
        text.replace("10:22:00Z", "10:22:00+00:00"),
        text.replace("حلب", "\\u062d\\u0644\\u0628"),
        '{"v":1,' + text[1:].replace(',"v":1', ""),
        text.replace('"locator":"line 4",', "") + "",
        text[:-1] + ',"kind":null}',
        text[:-1] + ',"kind":"tweet"}',
        text + "\n",
        "[1]",
        "not json",
    ]
    for candidate in bad:
        with pytest.raises(EntryError):
            parse_entry(candidate.encode())
    with pytest.raises(EntryError):
        parse_entry(good.replace("حلب".encode(), b"\xff\xfe"))
    base: dict[str, Any] = {"seq": 1, "raw_sha256": "a" * 64, "source": "s", "locator": "l",
                            "received_at": "2016-12-13T10:22:00Z"}
    changes: list[dict[str, Any]] = [{"seq": 1.0}, {"seq": True}, {"raw_sha256": "xyz"},
                                     {"source": "\ud800"}, {"received_at": "yesterday"},
                                     {"received_at": "2016-12-13T10:22:00"}, {"kind": "x"}]
    assert LogEntry(**base).seq == 1
    for change in changes:
        with pytest.raises(ValueError):
            LogEntry(**{**base, **change})
