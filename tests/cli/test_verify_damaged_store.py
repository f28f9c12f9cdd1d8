"""A store file with a damaged page: `verify` names what it could not check and exits 1, other
commands say plainly that the store cannot be read; never a traceback."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitroom.cli.main import cli
from sitroom.evidence import blob_check, seq_check
from tests.cli.conftest import Run

STREAM = Path(__file__).resolve().parents[1] / "fixtures" / "twitter-v1" / "stream.jsonl"


def _wreck_root_page(archive: Path, table: str) -> None:
    """Overwrite the b-tree page header of `table`'s root page (a small table's only page)."""
    database = archive / "store.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                          (table,)).fetchone()[0]
    data = bytearray(database.read_bytes())
    data[(root - 1) * page_size : (root - 1) * page_size + 12] = b"\xff" * 12
    database.write_bytes(bytes(data))


def _verify(archive: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-a", str(archive), "verify"], obj={})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture(params=["C", "Python"])
def check_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "Python":
        monkeypatch.setattr(seq_check, "COMPILED", False)
        monkeypatch.setattr(blob_check, "COMPILED", False)
    elif not (seq_check.COMPILED and blob_check.COMPILED):
        if os.environ.get("SITROOM_REQUIRE_COMPILED") == "1":
            pytest.fail("verify's C extensions are not built, yet SITROOM_REQUIRE_COMPILED=1")
        pytest.skip("verify's C extensions are not built")
    return str(request.param)


@pytest.mark.parametrize(("table", "named"), [
    ("messages", "PROBLEM log leaves 0..7 and their rows were not checked: the archive's store "
                 "cannot be read"),
    ("blobs", "were not checked: the archive's store cannot be read"),
])
def test_damaged_table_is_named_as_not_checked(
    table: str, named: str, check_path: str, run: Run, archive: Path
) -> None:
    assert run("ingest", str(STREAM)).exit_code in (0, 1)
    _wreck_root_page(archive, table)
    status, output = _verify(archive)
    assert status == 1
    assert named in output
    if table == "messages":
        assert "PROBLEM the Merkle tree and the checkpoints were not checked" in output
        assert "root not rebuilt" in output


def test_other_commands_say_the_store_cannot_be_read(run: Run, archive: Path) -> None:
    assert run("ingest", str(STREAM)).exit_code in (0, 1)
    _wreck_root_page(archive, "messages")
    result = run("stats")
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "the archive's store cannot be read: database disk image is malformed" in (
        result.output)
