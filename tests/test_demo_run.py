"""`sitroom demo --no-serve`: the scenario ends up archived, analysed, checkpointed, provable."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from sitroom.cli.main import cli


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    return result.exit_code, result.stdout


def test_demo_builds_an_analysed_verifiable_archive(tmp_path: Path) -> None:
    code, out = _run("demo", "--folder", str(tmp_path), "--no-serve")
    assert code == 0, out
    assert "analysed: " in out and "Qasr al-Nahr (" in out
    archive = str(tmp_path / "archive")
    stats = orjson.loads(_run("-a", archive, "stats", "--json")[1])
    assert stats["messages"] >= 2000 and stats["rejected"] == 0 and stats["checkpoints"] >= 1
    exported = [orjson.loads(line) for line in _run("-a", archive, "export")[1].splitlines()]
    assert len(exported) == stats["messages"]
    steps = {"lang", "cluster", "category", "help", "places", "counts"}
    assert all(steps <= set(m["annotations"]) for m in exported)
    langs = {m["annotations"]["lang"]["value"] for m in exported}
    assert {"ar", "en"} <= langs
    # the copied appeal is one cluster seen many times
    assert max(m["annotations"]["cluster"]["size"] for m in exported) >= 50
    # neighbourhoods come from the scenario's gazetteer, with coordinates
    named = {p["name"] for m in exported for p in m["annotations"]["places"]["value"]}
    assert {"Qasr al-Nahr", "Bustan al-Tin"} <= named
    figures = [c for m in exported for c in m["annotations"]["counts"]["value"]]
    assert {"killed", "missing"} <= {c["kind"] for c in figures}
    helped = [m for m in exported if m["annotations"]["help"]["value"]]
    assert helped and any("farewell" in m["annotations"]["help"]["kinds"] for m in helped)
    urgent = _run("-a", archive, "search", "--help-only", "--order", "priority", "--json",
                  "--limit", "5")[1].splitlines()
    priorities = [orjson.loads(line)["annotations"]["help"]["priority"] for line in urgent]
    assert priorities == sorted(priorities, reverse=True) and len(priorities) == 5
    verified = orjson.loads(_run("-a", archive, "verify", "--json")[1])
    assert verified["ok"] is True and verified["log_size"] == stats["log_size"]
