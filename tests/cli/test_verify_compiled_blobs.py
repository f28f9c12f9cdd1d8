"""The compiled blob check (`_blobseal.c`) gives the Python check's answers, blob by blob,
whatever was done to a pack or to the blob index."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from sitroom.evidence import blob_check
from sitroom.evidence.blob_check import BlobCheckResult, blob_windows, check_window
from sitroom.store.sqlite_verify import VerifyReader
from tests.cli.conftest import Run, needs_compiled, verify_both_ways

STREAM = Path(__file__).resolve().parents[1] / "fixtures" / "twitter-v1" / "stream.jsonl"
HEADER = 44  # "SRB1", SHA-256, raw length, frame length

pytestmark = needs_compiled(blob_check.COMPILED, "store/_blobseal.c")


def _pack(archive: Path) -> Path:
    return next((archive / "blobs").glob("pack-*.srb"))


def _records(archive: Path) -> list[tuple[str, int, int]]:
    with sqlite3.connect(archive / "store.sqlite3") as db:
        return [(str(sha), int(offset), int(length)) for sha, offset, length in db.execute(
            "SELECT sha256, offset, length FROM blobs ORDER BY offset")]


def _edit_pack(archive: Path, change: Callable[[bytearray, list[tuple[str, int, int]]], None]
               ) -> None:
    pack = _pack(archive)
    data = bytearray(pack.read_bytes())
    change(data, _records(archive))
    pack.write_bytes(bytes(data))


def _flip(position: Callable[[list[tuple[str, int, int]]], int]
          ) -> Callable[[bytearray, list[tuple[str, int, int]]], None]:
    def change(data: bytearray, records: list[tuple[str, int, int]]) -> None:
        data[position(records)] ^= 0x10
    return change


def _cut(position: Callable[[list[tuple[str, int, int]]], int]
         ) -> Callable[[bytearray, list[tuple[str, int, int]]], None]:
    def change(data: bytearray, records: list[tuple[str, int, int]]) -> None:
        del data[position(records):]
    return change


PACK_DAMAGE: dict[str, Callable[[bytearray, list[tuple[str, int, int]]], None]] = {
    "magic": _flip(lambda r: r[1][1]),
    "name": _flip(lambda r: r[2][1] + 4 + 31),
    "raw length": _flip(lambda r: r[3][1] + 4 + 32 + 3),
    "frame length": _flip(lambda r: r[4][1] + 4 + 32 + 4 + 3),
    "frame header": _flip(lambda r: r[5][1] + HEADER + 5),
    "frame body": _flip(lambda r: r[6][1] + r[6][2] // 2),
    "frame end": _flip(lambda r: r[7][1] + r[7][2] - 1),
    "cut inside a frame": _cut(lambda r: r[-3][1] + r[-3][2] - 5),
    "cut inside a header": _cut(lambda r: r[-2][1] + 10),
}
_HEADER_BAD = "altered: the blob record's header does not match the index"
_NO_FRAME = "altered: the stored bytes cannot be decompressed"
_HASH_BAD = "altered: the raw bytes no longer match their SHA-256"
_MISSING = "missing: the pack ends before this blob"
EXPECTED = {
    "magic": {_HEADER_BAD}, "name": {_HEADER_BAD}, "raw length": {_HASH_BAD},
    "frame length": {_HEADER_BAD}, "frame header": {_HASH_BAD}, "frame body": {_HASH_BAD},
    "frame end": {_NO_FRAME}, "cut inside a frame": {_NO_FRAME, _MISSING},
    "cut inside a header": {_MISSING},
}
INDEX_DAMAGE = {
    "offset moved": "UPDATE blobs SET offset = offset + 1 WHERE offset = (SELECT MIN(offset) "
                    "FROM blobs WHERE offset > 0)",
    "length changed": "UPDATE blobs SET length = length - 1 WHERE offset = 0",
    "name in capitals": "UPDATE blobs SET sha256 = upper(sha256) WHERE offset = (SELECT "
                        "MAX(offset) FROM blobs)",
}


def _windows(archive: Path) -> list[BlobCheckResult]:
    database = archive / "store.sqlite3"
    reader = VerifyReader(database)
    try:
        windows = list(blob_windows(reader.pack_ends(), size=3000))
    finally:
        reader.close()
    return [check_window(database, archive / "blobs", window) for window in windows]


def _both(archive: Path, monkeypatch: pytest.MonkeyPatch) -> list[BlobCheckResult]:
    compiled = _windows(archive)
    with monkeypatch.context() as patch:
        patch.setattr(blob_check, "COMPILED", False)
        python = _windows(archive)
    assert compiled == python
    return compiled


@pytest.fixture
def built(run: Run, archive: Path, tmp_path: Path) -> Path:
    assert run("ingest", str(STREAM)).exit_code in (0, 1)
    lines = tmp_path / "more.jsonl"
    lines.write_text("".join(
        f'{{"id": "m{n}", "text": "{"water and bread needed in Bustan al-Qasr " * n}"}}\n'
        for n in range(1, 9)), encoding="utf-8")
    assert run("ingest", str(lines)).exit_code == 0
    assert len(_records(archive)) >= 15
    return archive


def test_clean_packs_pass_and_count_the_same(built: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    results = _both(built, monkeypatch)
    assert not any(result.bad for result in results)
    assert sum(result.checked for result in results) == len(_records(built))
    assert sum(result.raw_bytes for result in results) > 0


@pytest.mark.parametrize("damage", sorted(PACK_DAMAGE))
def test_damaged_pack_gets_the_same_findings(
    damage: str, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _edit_pack(built, PACK_DAMAGE[damage])
    reasons = {reason for result in _both(built, monkeypatch) for _sha, reason in result.bad}
    assert reasons == EXPECTED[damage]


@pytest.mark.parametrize("damage", sorted(INDEX_DAMAGE))
def test_damaged_index_gets_the_same_findings(
    damage: str, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(built / "store.sqlite3") as db:
        db.execute(INDEX_DAMAGE[damage])
    bad = [pair for result in _both(built, monkeypatch) for pair in result.bad]
    assert len(bad) == 1 and "header does not match the index" in bad[0][1]


def test_missing_pack_names_every_blob_the_same(built: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    _pack(built).unlink()
    results = _both(built, monkeypatch)
    bad = [pair for result in results for pair in result.bad]
    assert len(bad) == len(_records(built))
    assert all(reason == "pack unreadable: No such file or directory" for _sha, reason in bad)
    assert sum(result.raw_bytes for result in results) == 0


def test_verify_reports_the_same_either_way(built: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    for damage in ("frame body", "name"):
        _edit_pack(built, PACK_DAMAGE[damage])
    compiled, python = verify_both_ways(built, monkeypatch)
    assert compiled.problems == python.problems and len(compiled.problems) >= 4
    assert (compiled.blobs, compiled.raw_bytes) == (python.blobs, python.raw_bytes)
