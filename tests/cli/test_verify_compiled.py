"""The compiled seq-range check (`_rowseal.c`) gives the Python check's answers: on clean rows
full of hostile text, and on every kind of tampering a row, leaf or node can suffer."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import orjson
import pytest

from sitroom.evidence import seq_check, verify
from sitroom.evidence.seq_check import SeqRangeResult, check_seq_range
from sitroom.evidence.verify import VerifyReport
from tests.cli.conftest import Run, needs_compiled, verify_both_ways

STREAM = Path(__file__).resolve().parents[1] / "fixtures" / "twitter-v1" / "stream.jsonl"
HOSTILE_TEXTS = [
    "".join(chr(c) for c in range(1, 32)) + "\x00 end",
    'a "quoted" word, a back\\slash, a /slash/ and \\u0041 written out',
    "\u2028 line separator \u2029 paragraph \x7f del é 😀 حلب ‏rtl‏",
    "</script><script>alert(1)</script>",
    "",
    "x" * 5000,
]


def _hostile_messages(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.jsonl"
    lines = []
    for n, text in enumerate(HOSTILE_TEXTS * 3):
        record: dict[str, object] = {"id": f"h-{n}", "text": text, "zeta": {"q": text, "n": n}}
        if n % 3:
            record["author"] = f'name "{n}" \\ \t'
            record["created_at"] = "2016-12-13T10:00:00Z"
        record["url"] = None if n % 2 else f"https://example.org/{n}?a=\"b\""
        lines.append(orjson.dumps(record))
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _build(run: Run, tmp_path: Path) -> None:
    assert run("ingest", str(_hostile_messages(tmp_path))).exit_code == 0
    assert run("ingest", str(STREAM)).exit_code in (0, 1)


def _sql(archive: Path, statement: str) -> None:
    with sqlite3.connect(archive / "store.sqlite3") as db:
        db.execute(statement)


def _log_size(archive: Path) -> int:
    with sqlite3.connect(archive / "store.sqlite3") as db:
        return int(db.execute("SELECT MAX(seq) + 1 FROM log_leaves").fetchone()[0])


def _ranges(database: Path, size: int, run_token: int) -> list[SeqRangeResult]:
    width = 8
    return [check_seq_range(database, start, min(start + width, size), run_token)
            for start in range(0, size, width)]


Findings = tuple[list[bytes], int, int, list[tuple[int, str]]]


def _comparable(results: list[SeqRangeResult]) -> list[Findings]:
    return [(r.levels, r.messages, r.notices, sorted(r.problems)) for r in results]


Answers = tuple[list[Findings], list[dict[str, list[int]]]]


def _same_answers(archive: Path, size: int, monkeypatch: pytest.MonkeyPatch) -> Answers:
    """Range by range, both checks find the same; the compiled one flags at least the rows
    the Python one flags (it does not retry `extra` parsed, so may flag a few more for the
    lead to explain); returns (compiled findings, compiled suspects)."""
    database = archive / "store.sqlite3"
    compiled = _ranges(database, size, run_token=int.from_bytes(os.urandom(6)))
    seq_check.end_run()
    with monkeypatch.context() as patch:
        patch.setattr(seq_check, "COMPILED", False)
        python = _ranges(database, size, run_token=1)
    assert _comparable(compiled) == _comparable(python)
    for ours, theirs in zip(compiled, python, strict=True):
        for table, seqs in theirs.suspects.items():
            assert set(seqs) <= set(ours.suspects[table])
    return _comparable(compiled), [r.suspects for r in compiled]


def _verify_both(archive: Path, monkeypatch: pytest.MonkeyPatch) -> VerifyReport:
    compiled, python = verify_both_ways(archive, monkeypatch)
    assert compiled.problems == python.problems
    assert (compiled.messages, compiled.notices, compiled.blobs, compiled.root) == (
        python.messages, python.notices, python.blobs, python.root)
    return compiled


pytestmark = needs_compiled(seq_check.COMPILED, "store/_rowseal.c")


@pytest.fixture(params=["names in memory", "names looked up"])
def blob_names(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the compiled check knows which blobs are indexed."""
    if request.param == "names looked up":
        monkeypatch.setattr(seq_check, "MAX_BLOB_NAMES", 0)
    return str(request.param)


def test_hostile_text_passes_the_compiled_fast_check(
    blob_names: str, run: Run, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(run, tmp_path)
    size = _log_size(archive)
    findings, suspects = _same_answers(archive, size, monkeypatch)
    # every clean row, hostile text included, is sealed exactly: nothing for the slow path
    assert all(not seqs for found in suspects for seqs in found.values())
    assert all(not found[3] for found in findings)
    assert _verify_both(archive, monkeypatch).ok


TAMPERING = {
    "text changed": "UPDATE messages SET text = text || '!' WHERE seq = 3",
    "text made an integer": "UPDATE messages SET text = 42 WHERE seq = 4",
    "text made a blob": "UPDATE messages SET text = CAST(text AS BLOB) WHERE seq = 5",
    "invalid UTF-8": "UPDATE messages SET author = CAST(x'ff41' AS TEXT) WHERE seq = 6",
    "null made text": "UPDATE messages SET url = 'null' WHERE url IS NULL AND seq < 9",
    "extra reformatted": "UPDATE messages SET extra = ' ' || extra WHERE seq = 7",
    "extra made a blob": "UPDATE messages SET extra = CAST(extra AS BLOB) WHERE seq = 8",
    "provenance changed": "UPDATE messages SET locator = 'line 0' WHERE seq = 10",
    "received_at changed": "UPDATE notices SET received_at = '2000-01-01T00:00:00Z'",
    "notice detail changed": "UPDATE notices SET detail = detail || ' ' WHERE seq IN "
                             "(SELECT MIN(seq) FROM notices)",
    "blob name in capitals": "UPDATE messages SET raw_sha256 = upper(raw_sha256) WHERE seq = 2",
    "blob name unknown": "UPDATE messages SET raw_sha256 = replace(raw_sha256, substr("
                         "raw_sha256, 1, 1), 'x') WHERE seq = 11",
    "blob unindexed": "DELETE FROM blobs WHERE sha256 = (SELECT raw_sha256 FROM messages "
                      "WHERE seq = 12)",
    "entry edited": "UPDATE log_leaves SET entry = CAST(replace(CAST(entry AS TEXT), "
                    "'\"v\":1', '\"v\":2') AS BLOB) WHERE seq = 13",
    "entry made text": "UPDATE log_leaves SET entry = CAST(entry AS TEXT) WHERE seq = 14",
    "leaf deleted": "DELETE FROM log_leaves WHERE seq IN (15, 16, 17)",
    "row deleted": "DELETE FROM messages WHERE seq = 18",
    "row moved": "UPDATE messages SET seq = seq + 100000 WHERE seq = 19",
    "node changed": "UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 2",
    "node deleted": "DELETE FROM log_nodes WHERE level = 2 AND idx = 0",
    "node made text": "UPDATE log_nodes SET hash = hex(hash) WHERE level = 0 AND idx = 1",
    "node added": "INSERT INTO log_nodes(level, idx, hash) VALUES (1, 3, zeroblob(32)) "
                  "ON CONFLICT DO UPDATE SET hash = zeroblob(31)",
}


@pytest.mark.parametrize("damage", sorted(TAMPERING))
def test_tampering_gets_the_same_findings(
    damage: str, blob_names: str, run: Run, archive: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _build(run, tmp_path)
    size = _log_size(archive)
    clean = _same_answers(archive, size, monkeypatch)
    _sql(archive, TAMPERING[damage])
    found = _same_answers(archive, size, monkeypatch)
    assert (found == clean) == (damage == "entry made text")
    report = _verify_both(archive, monkeypatch)
    # the same bytes as sealed (only their SQLite type, or the spacing of `extra`, changed)
    assert report.ok == (damage in ("entry made text", "extra reformatted")), report.problems


def test_verify_names_the_same_problems_either_way(
    run: Run, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(run, tmp_path)
    monkeypatch.setattr(verify, "RANGE_WIDTH", 4)
    monkeypatch.setattr(verify, "_IN_PROCESS_LEAVES", 0)  # worker processes
    for statement in ("text changed", "blob unindexed", "leaf deleted", "node changed"):
        _sql(archive, TAMPERING[statement])
    report = _verify_both(archive, monkeypatch)
    assert len(report.problems) >= 5
    assert any("(seq 12): its raw blob" in problem for problem in report.problems)


def test_a_new_run_sees_what_changed_since_the_last(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    """The compiled check keeps its blob names for one run only."""
    _build(run, tmp_path)
    database = archive / "store.sqlite3"
    assert not check_seq_range(database, 8, 16, 5).problems
    _sql(archive, TAMPERING["blob unindexed"])
    problems = check_seq_range(database, 8, 16, 6).problems
    assert len(problems) == 1 and "(seq 12): its raw blob" in problems[0][1]
    seq_check.end_run()


def test_text_that_is_not_utf8_is_named_not_a_traceback(
    run: Run, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only tampering stores such bytes (sitroom writes Python strings); both paths name it."""
    _build(run, tmp_path)
    _sql(archive, TAMPERING["invalid UTF-8"])
    problems = _verify_both(archive, monkeypatch).problems
    assert len(problems) == 1, problems
    assert problems[0].endswith("(seq 6): row altered: a text field holds bytes that are not "
                                "UTF-8")
