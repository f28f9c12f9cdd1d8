"""CLI test helpers: a fresh archive and an in-process runner."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from sitroom.archive_folder import ArchiveFolder
from sitroom.cli.main import cli
from sitroom.evidence import blob_check, seq_check
from sitroom.evidence.verify import VerifyReport, verify_archive

Run = Callable[..., Result]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A new, empty archive folder."""
    folder = tmp_path / "aleppo"
    result = CliRunner().invoke(cli, ["init", str(folder)], obj={})
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def run(archive: Path) -> Run:
    """Run `sitroom -a <archive> ARGS...` in-process; returns click's Result."""

    def invoke(*args: str, input: bytes | None = None) -> Result:
        return CliRunner().invoke(cli, ["-a", str(archive), *args], obj={}, input=input)

    return invoke


def json_lines(output: str) -> list[dict[str, object]]:
    """Parse one JSON object per non-empty line."""
    return [orjson.loads(line) for line in output.splitlines() if line.strip()]


def needs_compiled(built: bool, what: str) -> pytest.MarkDecorator:
    """Skip tests of a C extension that this install could not build; where the environment
    says it must be there (SITROOM_REQUIRE_COMPILED=1, as .ci/run sets), fail instead."""
    if not built and os.environ.get("SITROOM_REQUIRE_COMPILED") == "1":
        raise RuntimeError(f"{what} is not built, yet SITROOM_REQUIRE_COMPILED=1")
    return pytest.mark.skipif(not built, reason=f"{what} is not built (no C compiler or headers)")


def verify_both_ways(archive: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[
        VerifyReport, VerifyReport]:
    """`verify` with its C extensions, then with both switched off: (compiled, python)."""
    folder = ArchiveFolder.open(str(archive))
    try:
        compiled = verify_archive(folder)
        with monkeypatch.context() as patch:
            patch.setattr(seq_check, "COMPILED", False)
            patch.setattr(blob_check, "COMPILED", False)
            python = verify_archive(folder)
    finally:
        folder.store.close()
    return compiled, python
