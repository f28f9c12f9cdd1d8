"""The ingest user story: init, ingest, search, show, stats, export; idempotent; bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson

from tests.cli.conftest import Run, json_lines

CLI_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cli"
MESSAGES = CLI_FIXTURES / "messages.jsonl"
BAD = CLI_FIXTURES / "with_bad_lines.jsonl"


def test_ingest_then_search_arabic_or_english(run: Run) -> None:
    result = run("ingest", str(MESSAGES), "--json")
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)
    assert summary["totals"]["new"] == 5
    assert summary["totals"]["rejected"] == 0
    found = json_lines(run("search", "حلب OR aleppo", "--json").stdout)
    assert {m["platform_id"] for m in found} == {"m-1", "m-2", "m-5"}
    whole = next(m for m in found if m["platform_id"] == "m-2")
    assert whole["text"].endswith("Forgive us.")  # the whole text, not a snippet


def test_arabic_search_matches_across_spelling_variants(run: Run) -> None:
    run("ingest", str(MESSAGES))
    # مستشفى written with yaa instead of alef maqsura, and with a diacritic
    found = json_lines(run("search", "مُستشفي", "--json").stdout)
    assert [m["platform_id"] for m in found] == ["m-5"]


def test_search_phrase_exclusion_and_limit(run: Run) -> None:
    run("ingest", str(MESSAGES))
    phrase = json_lines(run("search", '"end of the street"', "--json").stdout)
    assert [m["platform_id"] for m in phrase] == ["m-2"]
    excluded = json_lines(run("search", "aleppo OR market -shelling", "--json").stdout)
    assert [m["platform_id"] for m in excluded] == ["m-2"]
    limited = json_lines(run("search", "--limit", "2", "--json").stdout)
    assert len(limited) == 2


def test_ingest_twice_adds_nothing_and_says_so(run: Run) -> None:
    first = orjson.loads(run("ingest", str(MESSAGES), "--json").stdout)
    second_result = run("ingest", str(MESSAGES))
    assert second_result.exit_code == 0
    assert "nothing new" in second_result.stderr
    second = orjson.loads(run("ingest", str(MESSAGES), "--json").stdout)
    assert first["totals"]["new"] == 5
    assert second["totals"] == {"read": 5, "new": 0, "duplicate": 5, "notices": 0, "rejected": 0}
    stats = orjson.loads(run("stats", "--json").stdout)
    assert stats["messages"] == 5
    assert stats["log_size"] == 5


def test_show_gives_provenance_and_raw_hash(run: Run) -> None:
    run("ingest", str(MESSAGES))
    (hit,) = json_lines(run("search", "bakeries", "--json").stdout)
    shown = orjson.loads(run("show", str(hit["id"]), "--json").stdout)
    line = MESSAGES.read_bytes().splitlines()[2]
    import hashlib

    assert shown["raw_sha256"] == hashlib.sha256(line).hexdigest()
    assert shown["provenance"]["locator"] == "line 3"
    assert shown["provenance"]["source"] == str(MESSAGES)
    assert shown["provenance"]["importer"] == "jsonl@1"
    assert shown["created_at"] == "2016-12-13T00:00:00Z"  # +02:00 converted to UTC
    annotations = shown["annotations"]
    keys = ("lang", "cluster", "category", "help", "places", "people", "orgs", "counts", "quotes")
    for key in keys:
        assert "@" in annotations[key]["step"], key
    assert annotations["lang"]["value"] == "en"


def test_bad_lines_are_rejected_with_locators_and_good_ones_kept(run: Run) -> None:
    result = run("ingest", str(BAD), "--json")
    assert result.exit_code == 1
    summary = orjson.loads(result.stdout)
    assert summary["totals"]["new"] == 2
    assert summary["totals"]["rejected"] == 3
    locators = {r["locator"] for r in summary["files"][0]["rejects"]}
    assert locators == {"line 2", "line 3", "line 5"}
    assert "Traceback" not in result.output
    assert orjson.loads(run("stats", "--json").stdout)["rejected"] == 3


def test_human_summary_names_where_rejects_are(run: Run) -> None:
    result = run("ingest", str(BAD))
    assert result.exit_code == 1
    assert f"rejected {BAD} line 2" in result.stderr


def test_stdin_ingest(run: Run) -> None:
    result = run("ingest", "-", "--json", input=MESSAGES.read_bytes())
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["files"][0]["source"] == "<stdin>"
    assert orjson.loads(run("stats", "--json").stdout)["messages"] == 5


def test_missing_and_unknown_inputs_are_clear_errors(run: Run, tmp_path: Path) -> None:
    unknown = tmp_path / "notes.bin"
    unknown.write_bytes(b"\x00\x01\x02 not a known format \x03" * 10)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    result = run("ingest", str(tmp_path / "missing.json"), str(unknown), str(empty), "--json")
    assert result.exit_code == 1
    reasons = [f["rejects"][0]["reason"] for f in orjson.loads(result.stdout)["files"]]
    assert "cannot open" in reasons[0]
    assert "not a format sitroom knows" in reasons[1]
    assert "empty" in reasons[2]


def test_export_jsonl_and_csv(run: Run, tmp_path: Path) -> None:
    run("ingest", str(MESSAGES))
    out = tmp_path / "all.jsonl"
    assert run("export", "--format", "jsonl", "--out", str(out)).exit_code == 0
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(rows) == 5
    for key in ("id", "platform", "platform_id", "text", "created_at", "author", "raw_sha256",
                "provenance", "annotations"):
        assert key in rows[0]
    csv_out = tmp_path / "all.csv"
    assert run("export", "--format", "csv", "--out", str(csv_out)).exit_code == 0
    table = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert len(table) == 5
    hostile = next(r for r in table if r["platform_id"] == "m-4")
    # a text that starts with = would run as a formula in a spreadsheet: it is quoted
    assert hostile["text"].startswith("'=HYPERLINK(")
    assert "<script>" in hostile["text"]
    assert all(not r["text"].startswith(("=", "+", "@")) for r in table)


def test_no_archive_is_a_clear_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sitroom.cli.main import cli

    result = CliRunner().invoke(cli, ["-a", str(tmp_path / "nope"), "stats"], obj={})
    assert result.exit_code == 2
    assert "not a sitroom archive" in result.stderr
    assert "Traceback" not in result.output


def test_archive_from_environment(archive: Path, monkeypatch: object) -> None:
    from click.testing import CliRunner

    from sitroom.cli.main import cli

    result = CliRunner(env={"SITROOM_ARCHIVE": str(archive)}).invoke(
        cli, ["ingest", str(MESSAGES), "--json"], obj={}
    )
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["totals"]["new"] == 5


def test_search_by_category_and_an_unknown_category_is_refused(run: Run) -> None:
    run("ingest", str(MESSAGES))
    exported = json_lines(run("export").stdout)
    category = exported[1]["annotations"]["category"]["value"]  # type: ignore[index]
    found = json_lines(run("search", "--category", str(category), "--json").stdout)
    assert found and all(
        m["annotations"]["category"]["value"] == category for m in found  # type: ignore[index]
    )
    typo = run("search", "--category", "requests_for_help")
    assert typo.exit_code == 2
    assert "unknown category 'requests_for_help'" in typo.output
    assert "requests_or_urgent_needs" in typo.output
