"""Archive lifecycle commands: `init` and `demo`."""

from __future__ import annotations

from pathlib import Path

import click

from sitroom.archive_folder import ArchiveFolder
from sitroom.cli.output import emit_json, stdout
from sitroom.evidence.keys import create_keys


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the new archive's details as JSON.")
def init(folder: Path, as_json: bool) -> None:
    """Create a new archive folder: configuration, embedded store, blob store, signing key."""
    with ArchiveFolder.create(folder) as archive:
        verifier = create_keys(archive.paths, archive.config)
        details = {
            "archive": str(folder),
            "archive_id": archive.config.archive_id,
            "origin": archive.config.origin,
            "verifier_key": verifier,
        }
    if as_json:
        emit_json(details)
        return
    stdout.out(f"created archive {folder} (id {details['archive_id']})", highlight=False)
    stdout.out("verifier key (give it to whoever must check this archive's evidence):",
               highlight=False)
    stdout.out(verifier, highlight=False)


COMMANDS = [init]
