"""`sitroom train`, `classify` and `eval` (n-gram only where speed matters)."""

from __future__ import annotations

from pathlib import Path

import click
import orjson
import pytest
from click.testing import CliRunner, Result

from sitroom.archive_folder import ArchiveFolder
from sitroom.cli import model_cmds
from sitroom.cli.main import cli
from sitroom.config import ArchivePaths
from sitroom.errors import AnalysisError
from sitroom.store.base import SearchQuery
from sitroom.store.sqlite_labels import add_label
from tests.web.fixture_archive import CORRECTIONS, build_archive

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "analysis" / "labelled_small.csv"
COLUMNS = ["--text-column", "text", "--label-column", "label", "--informative-column",
           "informative"]


def invoke(command: click.Command, args: list[str], input: bytes | None = None) -> Result:
    """Through the `sitroom` group once the command is registered there, else directly."""
    runner = CliRunner()
    if command.name in cli.commands:
        return runner.invoke(cli, [command.name or "", *args], obj={}, input=input)
    return runner.invoke(command, args, input=input)


def failed_with(result: Result, message: str) -> bool:
    """A sitroom error: exit 2 with the message (group), or the exception itself (direct)."""
    if isinstance(result.exception, AnalysisError):
        return message in str(result.exception)
    return result.exit_code == 2 and message in result.output


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "small.skops"
    result = invoke(model_cmds.train, ["--data", str(FIXTURE), *COLUMNS, "--out", str(out),
                                       "--no-embeddings"])
    assert result.exit_code == 0, result.output
    assert "requests_or_urgent_needs" in result.output and str(out) in result.output
    assert "with informativeness" in result.output
    return out


def test_train_json_summary(tmp_path: Path) -> None:
    out = tmp_path / "m.skops"
    result = invoke(model_cmds.train, ["--data", str(FIXTURE), *COLUMNS, "--out", str(out),
                                       "--no-embeddings", "--json"])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)
    assert summary["examples"] == 42 and summary["labels"]["not_humanitarian"] == 6
    assert summary["informative_head"] is True and out.is_file()


def test_train_missing_column(tmp_path: Path) -> None:
    result = invoke(model_cmds.train, ["--data", str(FIXTURE), "--out", str(tmp_path / "m")])
    assert failed_with(result, "no column 'Tweet Text'")


def test_classify_reports_bad_lines_and_goes_on(trained: Path) -> None:
    lines = b"\n".join([
        orjson.dumps({"id": "a", "text": "The bridge collapsed and the power is out"}),
        b"{not json",
        orjson.dumps({"id": 7, "text": "praying for all the victims and families"}),
        orjson.dumps({"text": "no id here"}),
        orjson.dumps(["a list"]),
        orjson.dumps({"id": "ar", "text": "انهار الجسر وانقطعت الكهرباء"}),
    ])
    result = invoke(model_cmds.classify, ["--model", str(trained), "-"], input=lines)
    assert result.exit_code == 1
    rows = [orjson.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["id"] for r in rows] == ["a", 7, "ar"]
    assert rows[0]["label"] == "infrastructure_and_utility_damage"
    assert rows[1]["label"] == "sympathy_and_support"
    assert abs(sum(rows[0]["scores"].values()) - 1.0) < 0.01
    assert 0.0 <= rows[0]["informative"] <= 1.0
    assert "line 2" in result.stderr and "line 4" in result.stderr and "line 5" in result.stderr


def test_classify_file_argument(trained: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(orjson.dumps({"id": "x", "text": ""}) + b"\n")
    result = invoke(model_cmds.classify, ["--model", str(trained), str(source)])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["id"] == "x"


def test_classify_malformed_model(tmp_path: Path) -> None:
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"junk")
    result = invoke(model_cmds.classify, ["--model", str(bad), "-"], input=b"")
    assert failed_with(result, "not a readable skops file")


def test_eval_table_and_json(trained: Path) -> None:
    result = invoke(model_cmds.eval_, ["--model", str(trained), "--data", str(FIXTURE),
                                       *COLUMNS, "--no-embeddings"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "weighted-F1" in result.output
    assert "informativeness" in result.output and "caution_and_advice" in result.output
    result = invoke(model_cmds.eval_, ["--model", str(trained), "--data", str(FIXTURE),
                                       *COLUMNS, "--no-embeddings", "--json"])
    report = orjson.loads(result.stdout)
    assert report["category"]["n"] == 42 and report["category"]["macro_f1"] > 0.9
    assert {c["label"] for c in report["category"]["classes"]} >= {"not_humanitarian"}
    assert report["informative"]["n"] == 42


def test_default_model_reads_unseen_arabic_with_embeddings() -> None:
    """The shipped model never saw Arabic for these classes; embeddings carry it."""
    result = invoke(model_cmds.eval_, ["--data", str(FIXTURE), *COLUMNS, "--json"])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert report["category"]["macro_f1"] > 0.8
    assert report["informative"]["macro_f1"] > 0.8


def _sitroom(archive: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-a", str(archive), *args], obj={})


def _label(archive: Path, corrections: dict[str, str]) -> None:
    """Store people's category labels, by platform id, as the dashboard does."""
    with ArchiveFolder(ArchivePaths(archive)) as folder, folder.store.transaction():
        seqs = {m.platform_id: m.seq for m in folder.store.iter_messages()}
        for platform_id, category in corrections.items():
            add_label(folder.store.db, seqs[platform_id], "category", category,
                      labelled_by="amira", labelled_at="2016-12-14T09:00:00Z")


def _stored_categories(archive: Path) -> dict[str, object]:
    with ArchiveFolder(ArchivePaths(archive), read_only=True) as folder:
        return {str(m.platform_id): (m.annotations.get("category") or {}).get("value")
                for m in folder.store.search(SearchQuery(limit=500))}


def test_train_from_archive_needs_labels(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "aleppo")
    _label(archive, dict(list(CORRECTIONS.items())[:3]))
    result = _sitroom(archive, "train", "--from-archive", "--no-embeddings")
    assert result.exit_code == 2
    assert "at least 10" in result.output and "has 3" in result.output
    assert "model" not in (archive / "sitroom.toml").read_text(encoding="utf-8")
    both = _sitroom(archive, "train", "--from-archive", "--data", str(FIXTURE))
    assert both.exit_code == 2 and "drop --data" in both.output
    neither = _sitroom(archive, "train")
    assert neither.exit_code == 2 and "--data and --out" in neither.output


def test_train_from_archive_then_reanalyse(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "aleppo")
    _label(archive, CORRECTIONS)
    before = _stored_categories(archive)
    result = _sitroom(archive, "train", "--from-archive", "--no-embeddings", "--analyze",
                      "--json")
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)
    assert summary["labels"] == len(CORRECTIONS) and summary["analyzed"] == 34
    config = (archive / "sitroom.toml").read_text(encoding="utf-8")
    assert f'model = "{summary["model"]}"' in config
    after = _stored_categories(archive)
    agree_before = sum(before[pid] == label for pid, label in CORRECTIONS.items())
    agree_after = sum(after[pid] == label for pid, label in CORRECTIONS.items())
    assert agree_after >= len(CORRECTIONS) - 1 and agree_after > agree_before
    table = _sitroom(archive, "train", "--from-archive", "--no-embeddings", "--folds", "0")
    assert table.exit_code == 0, table.output
    assert "12 labelled messages" in table.output and "sitroom analyze" in table.output
    assert "cross-validation" not in table.output


def test_ingest_with_a_malformed_model_still_archives(tmp_path: Path) -> None:
    """A broken analysis resource costs the analysis, never the evidence."""
    archive = tmp_path / "archive"
    assert CliRunner().invoke(cli, ["init", str(archive)], obj={}).exit_code == 0
    (archive / "broken.skops").write_bytes(b"not a model")
    config = archive / "sitroom.toml"
    config.write_text(config.read_text("utf-8") + 'model = "broken.skops"\n', "utf-8")
    messages = Path(__file__).resolve().parents[1] / "fixtures" / "cli" / "messages.jsonl"
    result = _sitroom(archive, "ingest", str(messages))
    assert result.exit_code == 1, result.output
    assert "not analysed" in result.output and "broken.skops" in result.output
    assert "Traceback" not in result.output
    with ArchiveFolder(ArchivePaths(archive)) as folder:
        assert folder.store.stats()["messages"] == 5
    assert _sitroom(archive, "analyze", "--missing").exit_code == 2  # still broken: clear error
    config.write_text(config.read_text("utf-8").replace('model = "broken.skops"\n', ""), "utf-8")
    result = _sitroom(archive, "analyze", "--missing", "--no-embeddings", "--json")
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["messages"] == 5
