"""Checkpoints time-stamped by a real local RFC 3161 TSA (openssl ts) over HTTP."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from sitroom.cli.main import cli
from sitroom.config import ArchivePaths, read_config, write_config
from tests.archive.tsa import OPENSSL, LocalTSA
from tests.cli.conftest import Run, json_lines

MESSAGES = Path(__file__).resolve().parents[1] / "fixtures" / "cli" / "messages.jsonl"
pytestmark = pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")


@pytest.fixture
def tsa_url(archive: Path, tmp_path: Path) -> Iterator[str]:
    tsa = LocalTSA(tmp_path / "tsa")
    shutil.copyfile(tmp_path / "tsa" / "ca.pem", archive / "tsa-root.pem")
    with tsa.serve() as url:
        paths = ArchivePaths(archive)
        write_config(paths, replace(read_config(paths), tsa_url=url,
                                    tsa_root_cert="tsa-root.pem"))
        yield url


def test_checkpoints_are_time_stamped_and_checked(run: Run, archive: Path, tsa_url: str,
                                                  tmp_path: Path) -> None:
    assert run("ingest", str(MESSAGES)).exit_code == 0
    with sqlite3.connect(archive / "store.sqlite3") as db:
        (reply,) = db.execute("SELECT timestamp_reply FROM checkpoints").fetchone()
    assert reply is not None and len(reply) > 100
    report = orjson.loads(run("verify", "--json").stdout)
    assert report["ok"] is True, report["problems"]
    message = json_lines(run("export").stdout)[0]
    bundle = tmp_path / "e.zip"
    assert run("prove", str(message["id"]), "--out", str(bundle)).exit_code == 0
    with zipfile.ZipFile(bundle) as zf:
        assert "timestamp.tsr" in zf.namelist()
    key = run("key").stdout.strip()
    checked = CliRunner().invoke(
        cli, ["verify-bundle", str(bundle), "--key", key, "--tsa-root",
              str(archive / "tsa-root.pem"), "--json"], obj={})
    assert checked.exit_code == 0, checked.output
    assert orjson.loads(checked.stdout)["timestamped_at"]


def test_forged_timestamp_is_named(run: Run, archive: Path, tsa_url: str) -> None:
    assert run("ingest", str(MESSAGES)).exit_code == 0
    with sqlite3.connect(archive / "store.sqlite3") as db:
        (reply,) = db.execute("SELECT timestamp_reply FROM checkpoints").fetchone()
        forged = bytearray(reply)
        forged[-10] ^= 0xFF
        db.execute("UPDATE checkpoints SET timestamp_reply = ?", (bytes(forged),))
    report = orjson.loads(run("verify", "--json").stdout)
    assert report["ok"] is False
    assert any("RFC 3161" in p for p in report["problems"])


def test_unreachable_tsa_is_a_warning_not_a_failure(run: Run, archive: Path) -> None:
    paths = ArchivePaths(archive)
    write_config(paths, replace(read_config(paths), tsa_url="http://127.0.0.1:9/tsa"))
    result = run("ingest", str(MESSAGES), "--json")
    assert result.exit_code == 0
    assert orjson.loads(result.stdout)["totals"]["new"] == 5
    checkpoint = orjson.loads(run("checkpoint", "--json").stdout)
    assert checkpoint["size"] == 5
