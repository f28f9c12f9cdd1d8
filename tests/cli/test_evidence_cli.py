"""Evidence: checkpoints, key, verify finds every kind of tampering, bundles check offline."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import orjson
from click.testing import CliRunner

from sitroom.archive.bundle import verify_bundle
from sitroom.cli.main import cli
from tests.cli.conftest import Run, json_lines

MESSAGES = Path(__file__).resolve().parents[1] / "fixtures" / "cli" / "messages.jsonl"


def _ingested(run: Run) -> list[dict[str, object]]:
    assert run("ingest", str(MESSAGES)).exit_code == 0
    return json_lines(run("export").stdout)


def _members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _verify(run: Run) -> tuple[int, dict[str, object]]:
    result = run("verify", "--json")
    return result.exit_code, orjson.loads(result.stdout)


def test_init_key_and_ingest_checkpoint(run: Run, archive: Path) -> None:
    key = run("key").stdout.strip()
    name, key_id, _b64 = key.split("+", 2)
    assert name.startswith("sitroom/") and len(key_id) == 8
    assert (archive / "keys" / "signer.key").stat().st_mode & 0o777 == 0o600
    summary = orjson.loads(run("ingest", str(MESSAGES), "--json").stdout)
    note = summary["checkpoint"]
    lines = note.split("\n")
    assert lines[0] == name and lines[1] == "5" and lines[3] == ""
    assert lines[4].startswith(f"— {name} ")
    again = orjson.loads(run("checkpoint", "--json").stdout)
    assert again["size"] == 5 and again["new"] is False


def test_signing_key_never_leaves_the_archive(run: Run, archive: Path, tmp_path: Path) -> None:
    messages = _ingested(run)
    fields = (archive / "keys" / "signer.key").read_text().strip().split("+", 4)
    secret = fields[4]  # PRIVATE+KEY+<name>+<id>+<base64 seed>; the seed may itself hold "+"
    assert len(secret) == 44
    bundle = tmp_path / "e.zip"
    run("prove", str(messages[0]["id"]), "--out", str(bundle))
    exported = run("export").stdout + run("stats", "--json").stdout
    with zipfile.ZipFile(bundle) as zf:
        blobs = b"".join(zf.read(n) for n in zf.namelist())
    assert secret not in exported
    assert secret.encode() not in blobs


def test_clean_archive_verifies(run: Run) -> None:
    _ingested(run)
    code, report = _verify(run)
    assert code == 0, report
    assert report["ok"] is True and report["messages"] == 5 and report["log_size"] == 5
    assert len(str(report["root"])) == 64


def test_altered_blob_byte_is_named(run: Run, archive: Path) -> None:
    _ingested(run)
    pack = next((archive / "blobs").glob("pack-*.srb"))
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0x01
    pack.write_bytes(bytes(data))
    code, report = _verify(run)
    assert code == 1
    problems = " | ".join(report["problems"])  # type: ignore[arg-type]
    assert "blob " in problems and "altered" in problems


def test_missing_pack_names_every_blob(run: Run, archive: Path) -> None:
    _ingested(run)
    for pack in (archive / "blobs").glob("pack-*.srb"):
        pack.unlink()
    code, report = _verify(run)
    assert code == 1
    problems: list[str] = report["problems"]  # type: ignore[assignment]
    assert sum(p.startswith("blob ") and "unreadable" in p for p in problems) == 5
    assert sum(p.startswith("message ") and "raw blob" in p for p in problems) == 5


def test_altered_row_is_named(run: Run, archive: Path) -> None:
    messages = _ingested(run)
    target = messages[1]["id"]
    with sqlite3.connect(archive / "store.sqlite3") as db:
        db.execute("UPDATE messages SET text = 'nothing happened here' WHERE id = ?", (target,))
    code, report = _verify(run)
    assert code == 1
    assert any(f"message {target}" in p and "content_sha256" in p for p in report["problems"])


def test_deleted_row_and_altered_entry_are_named(run: Run, archive: Path) -> None:
    messages = _ingested(run)
    with sqlite3.connect(archive / "store.sqlite3") as db:
        db.execute("DELETE FROM messages WHERE id = ?", (messages[0]["id"],))
        db.execute(
            "UPDATE log_leaves SET entry = replace(entry, 'line 4', 'line 9') WHERE seq = 3"
        )
    code, report = _verify(run)
    problems = report["problems"]
    assert code == 1
    assert any("log leaf 0: its row is missing" in p for p in problems)  # type: ignore[union-attr]
    assert any("log leaf 3: stored leaf hash" in p for p in problems)  # type: ignore[union-attr]
    assert any("checkpoint 5" in p and "does not match" in p for p in problems)  # type: ignore[union-attr]


def test_forged_checkpoint_is_named(run: Run, archive: Path) -> None:
    _ingested(run)
    with sqlite3.connect(archive / "store.sqlite3") as db:
        db.execute("UPDATE checkpoints SET note = replace(note, '\n5\n', '\n4\n')")
    code, report = _verify(run)
    assert code == 1
    assert any("checkpoint 5: signature" in p for p in report["problems"])  # type: ignore[union-attr]


def test_prove_and_verify_bundle_on_another_machine(run: Run, tmp_path: Path) -> None:
    messages = _ingested(run)
    key = run("key").stdout.strip()
    bundle = tmp_path / "evidence.zip"
    assert run("prove", str(messages[2]["id"]), "--out", str(bundle)).exit_code == 0
    # verify-bundle needs no archive at all
    result = CliRunner().invoke(cli, ["verify-bundle", str(bundle), "--key", key, "--json"],
                                obj={})
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["leaf_index"] == messages[2]["log_seq"]
    with zipfile.ZipFile(bundle) as zf:
        raw = zf.read("raw")
    assert raw == MESSAGES.read_bytes().splitlines()[2]


def test_tampered_bundle_fails_with_reason(run: Run, tmp_path: Path) -> None:
    messages = _ingested(run)
    key = run("key").stdout.strip()
    bundle = tmp_path / "evidence.zip"
    run("prove", str(messages[0]["id"]), "--out", str(bundle))
    members = _members(bundle)
    members["raw"] = members["raw"].replace("محاصرون".encode(), "بخير".encode())
    forged = _zip(tmp_path / "forged.zip", members)
    report = verify_bundle(forged, key)
    assert not report.ok
    assert any(p.member == "raw" for p in report.problems)
    result = CliRunner().invoke(cli, ["verify-bundle", str(forged), "--key", key], obj={})
    assert result.exit_code == 1
    assert "raw" in result.stdout


def test_bundle_seals_the_normalised_fields_of_message_json(run: Run, tmp_path: Path) -> None:
    messages = _ingested(run)
    key = run("key").stdout.strip()
    bundle = tmp_path / "evidence.zip"
    assert run("prove", str(messages[1]["id"]), "--out", str(bundle)).exit_code == 0
    clean = verify_bundle(bundle, key)
    assert clean.ok and any("content_sha256" in line for line in clean.checked)
    members = _members(bundle)
    message = orjson.loads(members["message.json"])
    message["text"] = str(message["text"]).replace("last", "first")
    members["message.json"] = orjson.dumps(message)
    forged = _zip(tmp_path / "forged.zip", members)
    report = verify_bundle(forged, key)
    assert not report.ok
    assert [p.member for p in report.problems] == ["message.json"]
    assert "content_sha256" in str(report.problems[0])
