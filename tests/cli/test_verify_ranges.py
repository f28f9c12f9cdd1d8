"""`verify` split into seq ranges and pack windows over worker processes: the same findings as
one pass, whichever range or level the damage is in."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import orjson
import pytest

from sitroom.archive_folder import ArchiveFolder
from sitroom.evidence import blob_check, seq_check, verify
from sitroom.evidence.seq_check import check_seq_range
from sitroom.evidence.verify import VerifyReport, verify_archive
from tests.cli.conftest import Run

STREAM = Path(__file__).resolve().parents[1] / "fixtures" / "twitter-v1" / "stream.jsonl"


@pytest.fixture(params=["in-process", "workers", "workers, C extensions off"])
def split(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Tiny ranges and windows so that a small archive spans many of each; the checks in C
    where built (the default) and in Python."""
    monkeypatch.setattr(verify, "RANGE_WIDTH", 4)
    monkeypatch.setattr(blob_check, "WINDOW_BYTES", 700)
    if request.param.endswith("off"):
        monkeypatch.setattr(seq_check, "COMPILED", False)
        monkeypatch.setattr(blob_check, "COMPILED", False)
    if request.param.startswith("workers"):
        monkeypatch.setattr(verify, "_IN_PROCESS_LEAVES", 0)
    else:
        monkeypatch.setattr(verify, "_IN_PROCESS_LEAVES", 10**9)
        monkeypatch.setattr(verify, "_IN_PROCESS_BELOW", 10**12)
    return str(request.param)


def _messages(tmp_path: Path, count: int, first: int = 0) -> Path:
    path = tmp_path / f"batch-{first}.jsonl"
    lines = [
        orjson.dumps({
            "id": f"r-{n}", "text": f"message {n}: حلب needs water #{n}",
            "created_at": f"2016-12-13T{n % 24:02d}:00:00Z", "author": f"user{n % 5}",
            "zeta": {"b": n, "a": [n, "x"]}, "alpha": "kept in extra",
        })
        for n in range(first, first + count)
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _build(run: Run, tmp_path: Path) -> None:
    """37 messages in two ingests (two checkpoints), plus a Twitter stream with notices."""
    assert run("ingest", str(_messages(tmp_path, 20))).exit_code == 0
    assert run("ingest", str(STREAM)).exit_code in (0, 1)
    assert run("ingest", str(_messages(tmp_path, 17, first=20))).exit_code == 0


def _reverse_keys(value: object) -> str:
    """JSON with every object's keys in reverse order (not canonical, same content)."""
    if isinstance(value, dict):
        items = sorted(value.items(), reverse=True)
        return "{" + ",".join(f"{orjson.dumps(k).decode()}:{_reverse_keys(v)}"
                              for k, v in items) + "}"
    return orjson.dumps(value).decode()


def _report(archive: Path) -> VerifyReport:
    folder = ArchiveFolder.open(str(archive))
    try:
        return verify_archive(folder)
    finally:
        folder.store.close()


def _sql(archive: Path, statement: str, params: tuple[object, ...] = ()) -> None:
    with sqlite3.connect(archive / "store.sqlite3") as db:
        db.execute(statement, params)


def test_clean_archive_verifies_with_the_stored_root(
    split: str, run: Run, archive: Path, tmp_path: Path
) -> None:
    _build(run, tmp_path)
    report = _report(archive)
    assert report.ok, report.problems
    stats = orjson.loads(run("stats", "--json").stdout)
    size = report.log_size
    assert size == stats["log_size"] > 37
    assert report.messages + report.notices == report.log_size
    assert report.notices > 0 and report.checkpoints == 3
    note = orjson.loads(run("checkpoint", "--json").stdout)["note"]
    assert base64.b64decode(note.split("\n")[2]).hex() == report.root
    assert report.blobs == stats["blobs"] and report.raw_bytes == stats["raw_bytes"]
    # every clean row passes the fast check (no slow field-by-field explanation needed)
    database = archive / "store.sqlite3"
    ranges = [check_seq_range(database, start, start + 8) for start in range(0, size, 8)]
    assert all(not seqs for r in ranges for seqs in r.suspects.values())
    assert sum(r.messages for r in ranges) == report.messages
    assert sum(r.notices for r in ranges) == report.notices


def test_damage_in_any_range_or_level_is_named(
    split: str, run: Run, archive: Path, tmp_path: Path
) -> None:
    _build(run, tmp_path)
    size = _report(archive).log_size
    _sql(archive, "UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 5")
    _sql(archive, "DELETE FROM log_nodes WHERE level = 2 AND idx = 1")
    _sql(archive, "UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 4 AND idx = 0")
    _sql(archive, "INSERT INTO log_nodes(level, idx, hash) VALUES (0, ?, zeroblob(32))",
         (size + 3,))
    _sql(archive, "UPDATE messages SET author = 'someone else' WHERE seq = ?", (size - 2,))
    problems = _report(archive).problems
    assert "tree node (1, 5) does not match the entries" in problems
    assert "tree node (2, 1) is missing" in problems
    assert "tree node (4, 0) does not match the entries" in problems
    assert f"tree node (0, {size + 3}) is stored but the log has no such subtree" in problems
    assert any(f"(seq {size - 2}): row altered: content_sha256" in p for p in problems)
    assert len(problems) == 5, problems


def test_missing_leaf_and_rows_outside_the_log_are_named(
    split: str, run: Run, archive: Path, tmp_path: Path
) -> None:
    _build(run, tmp_path)
    size = _report(archive).log_size
    _sql(archive, "DELETE FROM log_leaves WHERE seq = 9")
    _sql(archive, "UPDATE messages SET seq = ? WHERE seq = 3", (size + 50,))
    problems = _report(archive).problems
    assert "log leaves 9..9 are missing" in problems
    assert any("(seq 9): no log leaf at its seq" in p for p in problems)
    assert any(f"(seq {size + 50}): no log leaf at its seq" in p for p in problems)
    assert "log leaf 3: its row is missing (deleted?)" in problems
    assert any("does not match the log's entries" in p for p in problems)


def test_rows_stored_with_unsorted_extra_still_verify(
    split: str, run: Run, archive: Path, tmp_path: Path
) -> None:
    """Early versions stored `extra` with keys unsorted: same content, so still sealed."""
    _build(run, tmp_path)
    with sqlite3.connect(archive / "store.sqlite3") as db:
        seq, extra = db.execute("SELECT seq, extra FROM messages WHERE extra LIKE '%zeta%' "
                                "LIMIT 1").fetchone()
        unsorted = _reverse_keys(orjson.loads(extra))
        assert unsorted != extra and orjson.loads(unsorted) == orjson.loads(extra)
        db.execute("UPDATE messages SET extra = ? WHERE seq = ?", (unsorted, seq))
    assert _report(archive).ok
    _sql(archive, "UPDATE messages SET extra = '{not json' WHERE seq = ?", (seq,))
    problems = _report(archive).problems
    assert len(problems) == 1 and f"(seq {seq}): row unreadable" in problems[0], problems


def test_altered_blob_in_a_later_window_is_named_with_its_row(
    split: str, run: Run, archive: Path, tmp_path: Path
) -> None:
    _build(run, tmp_path)
    with sqlite3.connect(archive / "store.sqlite3") as db:
        sha, offset, length = db.execute(
            "SELECT sha256, offset, length FROM blobs ORDER BY offset DESC LIMIT 1"
        ).fetchone()
        seqs = [row[0] for row in db.execute("SELECT seq FROM messages WHERE raw_sha256 = ? "
                                             "UNION SELECT seq FROM notices WHERE "
                                             "raw_sha256 = ?", (sha, sha))]
    pack = next((archive / "blobs").glob("pack-*.srb"))
    data = bytearray(pack.read_bytes())
    data[offset + length - 3] ^= 0x40
    pack.write_bytes(bytes(data))
    problems = _report(archive).problems
    assert problems[0].startswith(f"blob {sha}: altered")
    assert len(problems) == 1 + len(seqs) and seqs
    assert all(f"raw blob {sha} failed the check" in p for p in problems[1:])
